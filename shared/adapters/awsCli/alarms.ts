/**
 * Alarms as DescribeAlarms prints them, back to the PutMetricAlarm and PutCompositeAlarm inputs the
 * configuration holds: the fields a Put call takes are kept, the alarm's state and history
 * (DescribeAlarms' own fields) are left out, and any other field is reported.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html
 */
import type { CompositeAlarmOutput, MetricAlarmOutput } from "./describeOutputs.js";

const COMMON = [
  "AlarmName",
  "AlarmDescription",
  "ActionsEnabled",
  "AlarmActions",
  "OKActions",
  "InsufficientDataActions",
] as const;

const METRIC = [
  ...COMMON,
  "Namespace",
  "MetricName",
  "Dimensions",
  "Statistic",
  "ExtendedStatistic",
  "Period",
  "Unit",
  "EvaluationPeriods",
  "DatapointsToAlarm",
  "Threshold",
  "ThresholdMetricId",
  "ComparisonOperator",
  "TreatMissingData",
  "EvaluateLowSampleCountPercentile",
  "Metrics",
] as const;

const COMPOSITE = [
  ...COMMON,
  "AlarmRule",
  "ActionsSuppressor",
  "ActionsSuppressorWaitPeriod",
  "ActionsSuppressorExtensionPeriod",
] as const;

/** What DescribeAlarms says of an alarm's state and history: not configuration. */
const STATE = new Set([
  "AlarmArn",
  "AlarmConfigurationUpdatedTimestamp",
  "StateValue",
  "StateReason",
  "StateReasonData",
  "StateUpdatedTimestamp",
  "StateTransitionedTimestamp",
  "EvaluationState",
  "ActionsSuppressedBy",
  "ActionsSuppressedReason",
]);

/** A MetricDataQuery's fields PutMetricAlarm takes. */
const QUERY = new Set(["Id", "MetricStat", "Expression", "Label", "ReturnData", "Period", "AccountId"]);

/** The fields of `item` a Put call takes; `report` hears every other field that is not state. */
export function pick(
  item: Record<string, unknown>,
  fields: readonly string[],
  report: (field: string) => void,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined) continue;
    if (fields.includes(key)) kept[key] = value;
    else if (!STATE.has(key)) report(key);
  }
  return kept;
}

/** The PutMetricAlarm input of a described metric alarm; `report` hears each field left out. */
export function metricAlarmInput(
  alarm: MetricAlarmOutput,
  report: (field: string) => void,
): Record<string, unknown> {
  const input = pick(alarm, METRIC, report);
  // Lists printed empty are absent: a single-metric alarm's Metrics, a metric-math alarm's Dimensions.
  if (Array.isArray(input.Dimensions) && input.Dimensions.length === 0) delete input.Dimensions;
  if (Array.isArray(input.Metrics)) {
    if (input.Metrics.length === 0) delete input.Metrics;
    else
      input.Metrics = (input.Metrics as Record<string, unknown>[]).map((q, i) =>
        pick(q, [...QUERY], (f) => report(`Metrics[${i}].${f}`)),
      );
  }
  return input;
}

/** The PutCompositeAlarm input of a described composite alarm. */
export function compositeAlarmInput(
  alarm: CompositeAlarmOutput,
  report: (field: string) => void,
): Record<string, unknown> {
  return pick(alarm, COMPOSITE, report);
}
