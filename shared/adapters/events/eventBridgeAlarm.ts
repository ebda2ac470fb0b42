/**
 * CloudWatch's alarm events on EventBridge: "CloudWatch Alarm State Change", which the brain acts
 * on, and "CloudWatch Alarm Configuration Change", which it acknowledges and ignores. The envelope
 * is EventBridge's (Powertools Parser's EventBridgeSchema, envelopes.ts); the alarm's part
 * (`detail`) is shared with the payload of a direct Lambda alarm action (`alarmData`,
 * lambdaAlarmAction.ts).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
import * as z from "zod/mini";
import {
  type AnomalyBand,
  parseReasonData,
  parseStateChangeReason,
  type ReasonData,
  reasonDataValues,
} from "../../core/alarms/stateChangeReason.js";
import type { AlarmStateChange, AlarmType } from "./alarmStateChange.js";
import { EventBridgeEnvelope } from "./envelopes.js";
import {
  AlarmStateValueSchema,
  accountOrNull,
  arnParts,
  parseOrThrow,
  regionCodeOrNull,
  timestampField,
} from "./fields.js";
import { statedOrigin } from "./identity.js";

export const DETAIL_TYPES = {
  stateChange: "CloudWatch Alarm State Change",
  configurationChange: "CloudWatch Alarm Configuration Change",
} as const;

/**
 * One state of an alarm. `actionsSuppressedBy` (`Alarm`, `WaitPeriod`, `ExtensionPeriod`) is set
 * when a composite alarm's ActionsSuppressor held its actions back.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html
 */
const AlarmStateSchema = z.object({
  value: AlarmStateValueSchema,
  reason: z.nullish(z.string()),
  reasonData: z.nullish(z.string()),
  timestamp: timestampField("state-change time"),
  actionsSuppressedBy: z.nullish(z.string()),
  actionsSuppressedReason: z.nullish(z.string()),
});

/**
 * The alarm's configuration as the event states it (camelCase, unlike SNS's Trigger): `metrics`
 * for metric, metric-math and anomaly-detection alarms alike, `alarmRule` for composites.
 */
const AlarmConfigurationSchema = z.object({
  description: z.nullish(z.string()),
  alarmRule: z.nullish(z.string()),
  thresholdMetricId: z.nullish(z.string()),
  threshold: z.nullish(z.number()),
  metrics: z.nullish(z.array(z.object({ expression: z.nullish(z.string()) }))),
});

/**
 * EventBridge's `detail`, and a Lambda alarm action's `alarmData`: the same fields.
 *
 * @example
 * ```json
 * {
 *   "alarmName": "virtway-readers-cpu-high-70",
 *   "state": {
 *     "value": "ALARM",
 *     "reason": "Threshold Crossed: 1 out of the last 1 datapoints [72.0 (23/11/26 19:00:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
 *     "reasonData": "{\"version\":\"1.0\",\"queryDate\":\"2026-11-23T19:01:08.120+0000\",\"startDate\":\"2026-11-23T19:00:00.000+0000\",\"statistic\":\"Average\",\"period\":60,\"recentDatapoints\":[72.0],\"threshold\":70.0}",
 *     "timestamp": "2026-11-23T19:01:08.123+0000"
 *   },
 *   "previousState": { "value": "OK", "reason": "...", "timestamp": "2026-11-23T18:40:08.052+0000" },
 *   "configuration": { "description": "Layer 2: reader CPU over 70% adds one reader", "metrics": [{ "id": "m1", "metricStat": { ... }, "returnData": true }] }
 * }
 * ```
 */
export const AlarmDetailSchema = z.object({
  alarmName: z.string().check(z.minLength(1)),
  state: AlarmStateSchema,
  previousState: z.nullish(z.object({ value: z.nullish(AlarmStateValueSchema) })),
  configuration: z.nullish(AlarmConfigurationSchema),
});
export type AlarmDetail = z.infer<typeof AlarmDetailSchema>;

/**
 * The "CloudWatch Alarm State Change" event: EventBridge's envelope with the alarm's detail.
 * `time` is the event's, truncated to the second; the state change's own time is
 * `detail.state.timestamp`, the same instant SNS's StateChangeTime names. `source` is kept, not
 * checked here: one other than `aws.cloudwatch` is a well-formed event from someone else, refused by
 * the brain with its reason (shared/brain/origin.ts), not a malformed payload.
 *
 * @example
 * ```json
 * {
 *   "version": "0",
 *   "id": "5f3c2a1e-8b7d-4c6e-9a0f-1d2e3c4b5a69",
 *   "detail-type": "CloudWatch Alarm State Change",
 *   "source": "aws.cloudwatch",
 *   "account": "123456789012",
 *   "time": "2026-11-23T19:01:08Z",
 *   "region": "eu-west-1",
 *   "resources": ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:virtway-readers-cpu-high-70"],
 *   "detail": { "alarmName": "virtway-readers-cpu-high-70", "state": { ... }, "previousState": { ... }, "configuration": { ... } }
 * }
 * ```
 */
export const EventBridgeAlarmStateChangeSchema = z.extend(EventBridgeEnvelope, {
  "detail-type": z.literal(DETAIL_TYPES.stateChange),
  time: z.string(),
  detail: AlarmDetailSchema,
});

/**
 * The "CloudWatch Alarm Configuration Change" event (operation create, update or delete): read only
 * to say what is ignored.
 *
 * @example
 * ```json
 * {
 *   "version": "0", "id": "...", "detail-type": "CloudWatch Alarm Configuration Change", "source": "aws.cloudwatch",
 *   "account": "123456789012", "time": "2026-11-23T18:55:02Z", "region": "eu-west-1",
 *   "resources": ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:virtway-readers-cpu-high-70"],
 *   "detail": { "alarmName": "virtway-readers-cpu-high-70", "operation": "update", "state": { ... },
 *               "configuration": { ... }, "previousConfiguration": { ... } }
 * }
 * ```
 */
export const EventBridgeAlarmConfigurationChangeSchema = z.extend(EventBridgeEnvelope, {
  "detail-type": z.literal(DETAIL_TYPES.configurationChange),
  time: z.string(),
  detail: z.object({ alarmName: z.nullish(z.string()), operation: z.nullish(z.string()) }),
});

export function parseEventBridgeAlarmStateChange(raw: unknown): AlarmStateChange {
  const event = parseOrThrow(EventBridgeAlarmStateChangeSchema, raw, "the EventBridge alarm state change");
  const alarmArn = event.resources.find((arn) => arn.includes(":alarm:")) ?? null;
  return alarmDetailToStateChange(event.detail, {
    delivery: "eventbridge",
    alarmArn,
    account: accountOrNull(event.account) ?? arnParts(alarmArn).account,
    region: regionCodeOrNull(event.region) ?? arnParts(alarmArn).region,
    stated: statedOrigin({
      account: ["account", event.account],
      region: ["region", event.region],
      arn: ["resources", alarmArn],
    }),
    source: event.source,
  });
}

/** Why a Configuration Change event is acknowledged and not acted on. */
export function configurationChangeReason(raw: unknown): string {
  const { detail } = parseOrThrow(
    EventBridgeAlarmConfigurationChangeSchema,
    raw,
    "the EventBridge alarm event",
  );
  const what = [detail.operation, detail.alarmName ? `of ${detail.alarmName}` : null]
    .filter(Boolean)
    .join(" ");
  return `${DETAIL_TYPES.configurationChange}${what ? ` (${what})` : ""}: the brain acts on state changes only`;
}

/** The normalised state change of an alarm detail; `envelope` holds what the wrapper knows. */
export function alarmDetailToStateChange(
  detail: AlarmDetail,
  envelope: Pick<AlarmStateChange, "delivery" | "alarmArn" | "account" | "region" | "stated" | "source">,
): AlarmStateChange {
  const { state, configuration } = detail;
  const reasonData = parseReasonData(state.reasonData);
  const alarmType = detailAlarmType(configuration, reasonData);
  const fromData = reasonData ? reasonDataValues(reasonData) : { value: null, threshold: null };
  const fromText = parseStateChangeReason(state.reason);
  const statesThreshold = alarmType === "metric" || alarmType === "metric-math";
  return {
    ...envelope,
    alarmName: detail.alarmName,
    alarmType,
    state: state.value,
    previousState: detail.previousState?.value ?? null,
    stateChangedAt: state.timestamp,
    reason: state.reason ?? "",
    value: alarmType === "composite" ? null : (fromData.value ?? fromText.value),
    threshold: statesThreshold
      ? (fromData.threshold ?? configuration?.threshold ?? fromText.threshold)
      : null,
    actionsSuppressedBy: state.actionsSuppressedBy ?? null,
    ...(alarmType === "anomaly-detection" && reasonData ? bandOf(reasonData) : {}),
  };
}

/** The band at the newest datapoint: the thresholds run in time order, as recentDatapoints do. */
function bandOf(data: ReasonData): { band: AnomalyBand } | object {
  const lower = data.recentLowerThresholds?.at(-1) ?? null;
  const upper = data.recentUpperThresholds?.at(-1) ?? null;
  return lower === null && upper === null ? {} : { band: { lower, upper } };
}

function detailAlarmType(
  configuration: AlarmDetail["configuration"],
  reasonData: ReasonData | null,
): AlarmType {
  if (configuration?.alarmRule) return "composite";
  const metrics = configuration?.metrics ?? [];
  const expressions = metrics.map((q) => q.expression ?? null);
  if (configuration?.thresholdMetricId || expressions.some((e) => e?.includes("ANOMALY_DETECTION_BAND"))) {
    return "anomaly-detection";
  }
  if (expressions.some((e) => e)) return "metric-math";
  if (metrics.length > 0) return "metric";
  // No configuration in the payload: what reasonData carries tells the kind.
  if (reasonData?.triggeringAlarms) return "composite";
  if (reasonData?.recentUpperThresholds || reasonData?.recentLowerThresholds) return "anomaly-detection";
  return "metric";
}
