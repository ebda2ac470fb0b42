/**
 * CloudWatch alarm notifications delivered through SNS to Lambda. The Lambda event wraps SNS
 * records (Powertools Parser's SnsSchema, envelopes.ts); each record's Message is the alarm
 * notification as a JSON string inside the JSON, with no reasonData: the datapoint comes from
 * NewStateReason.
 * Messages vary with their age, so only what the brain uses is parsed and the rest is let through.
 */
import * as z from "zod/mini";
import { parseStateChangeReason } from "../../core/alarms/stateChangeReason.js";
import type { Problem } from "../../core/errors.js";
import { errorAt, type Path } from "../../core/problems.js";
import type { AlarmStateChange, AlarmType } from "./alarmStateChange.js";
import { SnsEnvelope } from "./envelopes.js";
import {
  AlarmStateValueSchema,
  accountOrNull,
  arnParts,
  payloadError,
  payloadProblems,
  regionCodeOrNull,
  timestampField,
} from "./fields.js";
import { statedOrigin } from "./identity.js";
import { regionCodeFromDisplayName } from "./regions.js";

/**
 * A threshold as CloudWatch wrote it: a number, or in older and hand-made messages free text
 * ("70.0"); text that is not a number reads as no threshold rather than a refusal.
 */
const ThresholdSchema = z.pipe(
  z.optional(z.union([z.number(), z.string(), z.null()])),
  z.transform((value) => {
    if (typeof value === "number") return value;
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
    return Number.isFinite(n) ? n : null;
  }),
);

/**
 * The alarm's configuration as the notification states it. Only Threshold and the metric-math
 * queries are read; Statistic ("AVERAGE"), Unit (null), TreatMissingData ("- TreatMissingData:
 * missing") and EvaluateLowSampleCountPercentile ("") are free text and are left alone.
 */
const TriggerSchema = z.object({
  Threshold: ThresholdSchema,
  ThresholdMetricId: z.nullish(z.string()),
  Metrics: z.nullish(z.array(z.object({ Expression: z.nullish(z.string()) }))),
});

/**
 * The alarm notification in an SNS record's Message, after JSON.parse.
 * Metric alarms: https://github.com/aws/aws-lambda-go/blob/main/events/testdata/cloudwatch-alarm-sns-payload-single-metric.json
 * (AWS's own example, with the placeholders `EXAMPLE`, `REGION` and `ACCOUNT_NUMBER`), and its
 * metric-math sibling cloudwatch-alarm-sns-payload-multiple-metrics.json (Trigger.Metrics);
 * composite alarms carry AlarmRule (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html)
 * and TriggeringChildren [{ Arn, State: { Value, Timestamp } }] and no Trigger: AWS documents no
 * example, the shape is the one real notifications carry (2021–2022, quoted in public test code).
 * Old messages have no AlarmArn (2012: https://gist.github.com/dacc/2166108) and null fields.
 *
 * @example
 * ```json
 * {
 *   "AlarmName": "virtway-readers-cpu-high-70",
 *   "AlarmDescription": "Layer 2: reader CPU over 70% adds one reader",
 *   "AWSAccountId": "123456789012",
 *   "AlarmConfigurationUpdatedTimestamp": "2026-11-20T09:12:44.511+0000",
 *   "NewStateValue": "ALARM",
 *   "NewStateReason": "Threshold Crossed: 1 out of the last 1 datapoints [72.0 (23/11/26 19:00:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
 *   "StateChangeTime": "2026-11-23T19:01:08.123+0000",
 *   "Region": "EU (Ireland)",
 *   "AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:virtway-readers-cpu-high-70",
 *   "OldStateValue": "OK",
 *   "Trigger": { "MetricName": "CPUUtilization", "Namespace": "AWS/RDS", "Statistic": "AVERAGE", "Unit": null,
 *                "Period": 60, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 70.0 }
 * }
 * ```
 */
export const SnsAlarmMessageSchema = z.object({
  AlarmName: z.string().check(z.minLength(1)),
  AlarmDescription: z.nullish(z.string()),
  AWSAccountId: z.nullish(z.string()),
  NewStateValue: AlarmStateValueSchema,
  NewStateReason: z.nullish(z.string()),
  StateChangeTime: timestampField("state-change time"),
  Region: z.nullish(z.string()),
  AlarmArn: z.nullish(z.string()),
  OldStateValue: z.nullish(AlarmStateValueSchema),
  AlarmRule: z.nullish(z.string()),
  Trigger: z.nullish(TriggerSchema),
});
export type SnsAlarmMessage = z.infer<typeof SnsAlarmMessageSchema>;

/**
 * The SNS event Lambda receives: Powertools' SnsSchema, with the fields the brain does not use made
 * lenient so that AWS's examples pass (envelopes.ts). https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 *
 * @example
 * ```json
 * {
 *   "Records": [{
 *     "EventSource": "aws:sns",
 *     "EventVersion": "1.0",
 *     "EventSubscriptionArn": "arn:aws:sns:eu-west-1:123456789012:virtway-alarms:2f6b1c1e-7a51-4f4e-9d0c-5a9e3c7b8d21",
 *     "Sns": {
 *       "Type": "Notification",
 *       "MessageId": "0c8a4f7e-3b9d-5e21-a6f4-7d2c9b1e8a53",
 *       "TopicArn": "arn:aws:sns:eu-west-1:123456789012:virtway-alarms",
 *       "Subject": "ALARM: \"virtway-readers-cpu-high-70\" in EU (Ireland)",
 *       "Message": "{\"AlarmName\":\"virtway-readers-cpu-high-70\", ...}",
 *       "Timestamp": "2026-11-23T19:01:08.190Z",
 *       "SignatureVersion": "1",
 *       "Signature": "...",
 *       "SigningCertUrl": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-....pem",
 *       "UnsubscribeUrl": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=...",
 *       "MessageAttributes": {}
 *     }
 *   }]
 * }
 * ```
 */
export const SnsAlarmEventSchema = SnsEnvelope;

const WHAT = "the SNS event";

/** Every record's state change; throws PayloadError listing the problems of every record. */
export function parseSnsAlarmEvent(raw: unknown): AlarmStateChange[] {
  const envelope = SnsAlarmEventSchema.safeParse(raw, { reportInput: true });
  if (!envelope.success) throw payloadError(WHAT, payloadProblems(envelope.error.issues), envelope.error);

  const problems: Problem[] = [];
  const changes = envelope.data.Records.flatMap((record, index) => {
    const path: Path = ["Records", index, "Sns", "Message"];
    const message = parseMessage(record.Sns.Message, path);
    if (!message.ok) {
      problems.push(...message.problems);
      return [];
    }
    return [toStateChange(message.message)];
  });
  if (problems.length > 0) throw payloadError(WHAT, problems);
  return changes;
}

type MessageResult = { ok: true; message: SnsAlarmMessage } | { ok: false; problems: Problem[] };

function parseMessage(text: string, path: Path): MessageResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [errorAt(path, `not an alarm's JSON: ${(error as Error).message}`)] };
  }
  // A JSON message from something else than CloudWatch is refused as a whole, not field by field.
  if (typeof json !== "object" || json === null || Array.isArray(json) || !("AlarmName" in json)) {
    return {
      ok: false,
      problems: [errorAt(path, "not an alarm's JSON: expected an object with AlarmName and NewStateValue")],
    };
  }
  const parsed = SnsAlarmMessageSchema.safeParse(json, { reportInput: true });
  return parsed.success
    ? { ok: true, message: parsed.data }
    : { ok: false, problems: payloadProblems(parsed.error.issues, path) };
}

function toStateChange(m: SnsAlarmMessage): AlarmStateChange {
  const alarmType = snsAlarmType(m);
  const fromReason = parseStateChangeReason(m.NewStateReason);
  const fromArn = arnParts(m.AlarmArn);
  const statesThreshold = alarmType === "metric" || alarmType === "metric-math";
  return {
    delivery: "sns",
    alarmName: m.AlarmName,
    alarmArn: m.AlarmArn ?? null,
    account: accountOrNull(m.AWSAccountId) ?? fromArn.account,
    // SNS names the region for people ("EU (Ireland)"); the ARN, where present, has the code.
    region: regionCodeFromDisplayName(m.Region) ?? regionCodeOrNull(m.Region) ?? fromArn.region,
    stated: statedOrigin({
      account: ["AWSAccountId", m.AWSAccountId],
      region: ["Region", m.Region],
      readRegion: (says) => regionCodeFromDisplayName(says) ?? regionCodeOrNull(says),
      arn: ["AlarmArn", m.AlarmArn],
    }),
    source: null,
    alarmType,
    state: m.NewStateValue,
    previousState: m.OldStateValue ?? null,
    stateChangedAt: m.StateChangeTime,
    reason: m.NewStateReason ?? "",
    value: alarmType === "composite" ? null : fromReason.value,
    threshold: statesThreshold ? (m.Trigger?.Threshold ?? fromReason.threshold) : null,
    // Suppressed actions are not executed, and an SNS notification is an action: none says so.
    actionsSuppressedBy: null,
  };
}

function snsAlarmType(m: SnsAlarmMessage): AlarmType {
  if (m.AlarmRule) return "composite";
  const expressions = (m.Trigger?.Metrics ?? []).map((q) => q.Expression ?? null);
  if (m.Trigger?.ThresholdMetricId || expressions.some((e) => e?.includes("ANOMALY_DETECTION_BAND"))) {
    return "anomaly-detection";
  }
  return expressions.some((e) => e) ? "metric-math" : "metric";
}
