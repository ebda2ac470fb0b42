/**
 * The stack's resources that serverless.yml does not spell out itself, generated at package time
 * from the configuration and the deployment's parameters (deploy/resources.cjs is the osls variable
 * resolver that calls this): the configuration's alarms, each function's role and failure queue,
 * the ledger table, the alarm topic, the brain's own alarms and its dashboard, the EventBridge
 * Scheduler schedules of the scheduled actions (schedules.ts).
 *
 * A function joins by a line in BRAIN_FUNCTIONS (and its entry in serverless.yml); resources of
 * its own join `stackResources` beside the others.
 */
import { z } from "zod";
import type { BrainConfig } from "../../core/config/schema.js";
import { ConfigError } from "../../core/errors.js";
import { problemsFromZod } from "../../core/problems.js";
import { alarmTopicResources } from "./alarmTopic.js";
import { ALARM_OWNERS, configAlarmResources } from "./configAlarms.js";
import { failureQueue, failureQueueId } from "./failureQueues.js";
import { LEDGER_TABLE_ID, ledgerTable } from "./ledgerTable.js";
import { functionRole, type Grant, roleId } from "./roles.js";
import { SCHEDULE_GROUP_ID, scheduleResources } from "./schedules.js";
import { functionId, getAtt, type Output, type Resources, ref } from "./template.js";
import { watchResources } from "./watch.js";

export type BrainFunction = {
  /** What its code does with AWS: its role's statements (roles.ts). */
  grants: readonly Grant[];
  /** Invoked asynchronously (SNS, EventBridge, alarm actions): a failure queue catches what fails. */
  asynchronous: boolean;
};

/** The functions of serverless.yml, by name. */
export const BRAIN_FUNCTIONS: Record<string, BrainFunction> = {
  alarm: { grants: ["ledger", "targets", "nativeScaling", "parameters"], asynchronous: true },
  tick: { grants: ["ledger", "targets", "nativeScaling", "metrics", "parameters"], asynchronous: true },
  // A run sets bounds and moves capacity inside them; native policies are the tick's business.
  schedule: { grants: ["ledger", "targets"], asynchronous: true },
};

/** The deployment's parameters (serverless.yml's `params`, `--param="name=value"` on the command line). */
export const DeployParametersSchema = z.strictObject({
  /** Who owns the configuration's alarms (configAlarms.ts). */
  alarms: z.enum(ALARM_OWNERS).default("stack"),
  /** The SNS topic the brain's own alarms notify; empty: none. */
  operatorTopicArn: z
    .string()
    .regex(/^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+)?$/, "an SNS topic's ARN, or empty")
    .default(""),
  /** The customer managed KMS key (ARN) that encrypts the ledger; empty: an AWS owned key. */
  ledgerKmsKeyArn: z
    .string()
    .regex(
      /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+)?$/,
      "a KMS key's or alias's ARN, or empty",
    )
    .default(""),
});
export type DeployParameters = z.infer<typeof DeployParametersSchema>;

/** The parameters checked: a wrong one is named, before anything is generated. */
export function deployParameters(raw: Record<string, unknown>): DeployParameters {
  const parsed = DeployParametersSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      "the deployment's parameters (serverless.yml params, --param)",
      problemsFromZod(parsed.error.issues).map((p) => ({ ...p, path: p.path.replace(/^\$\.?/, "param:") })),
    );
  return parsed.data;
}

export type StackNames = { service: string; stage: string };

/**
 * The generated part of the stack: `Resources` and `Outputs`. `now` (epoch ms, packaging time)
 * leaves out the schedules of actions that run no more.
 */
export function stackResources(
  config: BrainConfig,
  names: StackNames,
  parameters: DeployParameters,
  now: number,
): { Resources: Resources; Outputs: Record<string, Output> } {
  const prefix = `${names.service}-${names.stage}`;
  const queueName = (fn: string) => `${prefix}-${fn}-failures`;
  const functions = Object.entries(BRAIN_FUNCTIONS);
  const resources: Resources = {
    [LEDGER_TABLE_ID]: ledgerTable(`${prefix}-ledger`, parameters.ledgerKmsKeyArn || null),
    ...alarmTopicResources({ topicName: `${prefix}-alarms`, keyAlias: `${prefix}-alarms` }, "alarm"),
    ...configAlarmResources(config, parameters.alarms, getAtt(functionId("alarm"), "Arn")),
    ...watchResources({
      prefix,
      tick: "tick",
      operatorTopic: parameters.operatorTopicArn || null,
      functions: functions.map(([name, fn]) => ({
        name,
        failureQueue: fn.asynchronous ? failureQueueId(name) : null,
      })),
    }),
    ...scheduleResources(config, {
      group: prefix,
      functionId: functionId("schedule"),
      failureQueue: failureQueueId("schedule"),
      now,
    }),
  };
  for (const [name, fn] of functions) {
    if (fn.asynchronous) resources[failureQueueId(name)] = failureQueue(queueName(name));
    resources[roleId(name)] = functionRole(config, {
      name,
      grants: fn.grants,
      failureQueue: fn.asynchronous ? failureQueueId(name) : null,
      ledgerTable: LEDGER_TABLE_ID,
    });
  }
  const outputs: Record<string, Output> = {
    AlarmTopicArn: { Description: "The SNS topic to put in an alarm's actions", Value: ref("AlarmTopic") },
    LedgerTableName: {
      Description: "The ledger's table (LEDGER_TABLE for the operator commands)",
      Value: ref(LEDGER_TABLE_ID),
    },
    AlarmFunctionArn: {
      Description: "The alarm function, to put directly in an alarm's actions",
      Value: getAtt(functionId("alarm"), "Arn"),
    },
    TickFunctionArn: {
      Description: "The one-minute tick function",
      Value: getAtt(functionId("tick"), "Arn"),
    },
    ScheduleFunctionArn: {
      Description: "The function EventBridge Scheduler invokes for each scheduled action's run",
      Value: getAtt(functionId("schedule"), "Arn"),
    },
    DashboardName: { Description: "The brain's CloudWatch dashboard", Value: ref("BrainDashboard") },
    ScheduleGroupName: {
      Description: "The EventBridge Scheduler group of the scheduled actions' schedules",
      Value: ref(SCHEDULE_GROUP_ID),
    },
  };
  for (const [name, fn] of functions)
    if (fn.asynchronous)
      outputs[`${failureQueueId(name)}Url`] = {
        Description: `Where ${name}'s failed invocations wait (docs/deploy.md, "Failures")`,
        Value: ref(failureQueueId(name)),
      };
  return { Resources: resources, Outputs: outputs };
}
