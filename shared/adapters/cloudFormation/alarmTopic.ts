/**
 * The ways alarms outside the stack reach `alarm` besides EventBridge: the alarm topic, and the
 * function as an alarm's own action.
 *
 * The topic is encrypted under a key of its own whose policy lets CloudWatch use it (CloudWatch
 * cannot publish to a topic under the AWS managed key aws/sns:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * and its policy denies sns:Publish to every principal but CloudWatch acting for this account's
 * alarms: within one account an Allow in any identity policy suffices, so only an explicit Deny
 * keeps other publishers (and forged alarm messages) out.
 */
import { arn, functionId, getAtt, policyDocument, type Resources, ref } from "./template.js";

export const ALARM_TOPIC_ID = "AlarmTopic";

const CLOUDWATCH = "cloudwatch.amazonaws.com";
/** Any alarm of this account and region. */
const thisAccountsAlarms = () => arn("cloudwatch", "alarm:*");

/** The topic, its key and policy, and the permission for alarms to invoke the function directly. */
export function alarmTopicResources(
  names: { topicName: string; keyAlias: string },
  alarmFunction: string,
): Resources {
  const fromThisAccountsAlarms = {
    StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") },
    ArnLike: { "aws:SourceArn": thisAccountsAlarms() },
  };
  return {
    AlarmTopicKey: {
      Type: "AWS::KMS::Key",
      Properties: {
        Description: `Encrypts ${names.topicName}`,
        EnableKeyRotation: true,
        KeyPolicy: policyDocument([
          // The account administers the key through IAM, as the default key policy lets it.
          {
            Sid: "Account",
            Effect: "Allow",
            Principal: { AWS: arn("iam", "root", { region: false }) },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "CloudWatchAlarms",
            Effect: "Allow",
            Principal: { Service: CLOUDWATCH },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: fromThisAccountsAlarms,
          },
        ]),
      },
    },
    AlarmTopicKeyAlias: {
      Type: "AWS::KMS::Alias",
      Properties: { AliasName: `alias/${names.keyAlias}`, TargetKeyId: ref("AlarmTopicKey") },
    },
    [ALARM_TOPIC_ID]: {
      Type: "AWS::SNS::Topic",
      Properties: {
        TopicName: names.topicName,
        DisplayName: "surge-brain alarms",
        KmsMasterKeyId: ref("AlarmTopicKey"),
      },
    },
    AlarmTopicPolicy: {
      Type: "AWS::SNS::TopicPolicy",
      Properties: {
        Topics: [ref(ALARM_TOPIC_ID)],
        PolicyDocument: policyDocument([
          {
            Sid: "CloudWatchAlarms",
            Effect: "Allow",
            Principal: { Service: CLOUDWATCH },
            Action: "sns:Publish",
            Resource: ref(ALARM_TOPIC_ID),
            Condition: fromThisAccountsAlarms,
          },
          {
            Sid: "NoOtherPublisher",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: ref(ALARM_TOPIC_ID),
            // Present only when a service principal calls; absent for users and roles, for whom a
            // negated condition then holds: denied
            // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalservicename).
            Condition: { StringNotEquals: { "aws:PrincipalServiceName": CLOUDWATCH } },
          },
          {
            Sid: "NoOtherAccountsAlarms",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: ref(ALARM_TOPIC_ID),
            Condition: { StringNotEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
          },
        ]),
      },
    },
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions
    AlarmFunctionAlarmActionPermission: {
      Type: "AWS::Lambda::Permission",
      Properties: {
        FunctionName: getAtt(functionId(alarmFunction), "Arn"),
        Action: "lambda:InvokeFunction",
        Principal: "lambda.alarms.cloudwatch.amazonaws.com",
        SourceAccount: ref("AWS::AccountId"),
        SourceArn: thisAccountsAlarms(),
      },
    },
  };
}
