/**
 * StateReason and StateReasonData in CloudWatch's own wording, so that the payloads built from a
 * recording read (and parse, shared/core/alarms/stateChangeReason.ts) like the ones AWS sends:
 *
 *   Threshold Crossed: 1 out of the last 1 datapoints [72.0 (23/11/26 19:00:00)] was greater than
 *   the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).
 *
 * Datapoints newest first, with their period's start as dd/MM/yy HH:mm:ss UTC; numbers as Java
 * prints doubles (72.0). The list holds the datapoints that agree with the new state, as in real
 * notifications ("2 out of the last 3 datapoints [0.002 (...), 0.002 (...)] were not greater than
 * the threshold (0.005) (minimum 1 datapoint for ALARM -> OK transition)"); reasonData's
 * evaluatedDatapoints holds the same ones, so that both deliveries name the same datapoint.
 * Shapes: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
import type { AlarmStateValue } from "../../core/alarms/alarmRule.js";
import type { ComparisonOperator } from "../../core/config/schema.js";
import type { ListedDatapoint } from "./stateChange.js";
import type { WindowOutcome } from "./window.js";

/** 72 → "72.0", 0.0038 → "0.0038": Java's Double.toString for the values alarms see. */
export function javaDouble(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return n.toFixed(1);
  const text = String(n);
  return /e/i.test(text) ? text.replace(/e\+?/i, "E").replace(/^(-?\d+)E/, "$1.0E") : text;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `23/11/26 19:00:00`: the datapoint times of a reason, UTC. */
function reasonTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2026-11-23T19:01:00.000+0000`: CloudWatch's own timestamps (StateChangeTime, state.timestamp). */
export function cloudWatchTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `Monday 23 November, 2026 19:02:12 UTC`: the time in a composite alarm's reason. */
function compositeReasonTime(ms: number): string {
  const d = new Date(ms);
  return `${WEEKDAYS[d.getUTCDay()]} ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

const OPERATOR_WORDS: Partial<Record<ComparisonOperator, string>> = {
  GreaterThanThreshold: "greater than",
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

export type MetricReasonInput = {
  outcome: WindowOutcome;
  from: AlarmStateValue;
  to: AlarmStateValue;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  operator: ComparisonOperator;
  threshold: number;
  /** `Average`, or `p99` (extended), or null for metric math. */
  statistic: { name: string; extended: boolean } | null;
  periodSeconds: number;
  atMs: number;
  listed: ListedDatapoint[];
};

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export function metricReason(input: MetricReasonInput): string {
  const { outcome, from, to, evaluationPeriods: n, datapointsToAlarm: m, listed } = input;
  if (to === "INSUFFICIENT_DATA") {
    return `Insufficient Data: ${n} ${plural(n, "datapoint was", "datapoints were")} unknown.`;
  }
  const fillCounts =
    outcome.filled > 0 && outcome.filledAs === (to === "ALARM" ? "breaching" : "notBreaching");
  const fillWord = outcome.filledAs === "breaching" ? "Breaching" : "NonBreaching";
  const filled = `${outcome.filled} missing ${plural(outcome.filled, "datapoint was", "datapoints were")} treated as [${fillWord}]`;
  if (listed.length === 0) {
    return `Threshold Crossed: no datapoints were received for ${outcome.filled} ${plural(outcome.filled, "period", "periods")} and ${filled}.`;
  }
  const minimum = to === "ALARM" ? m : n - m + 1;
  const list = listed.map((d) => `${javaDouble(d.value)} (${reasonTime(Date.parse(d.at))})`).join(", ");
  const words = OPERATOR_WORDS[input.operator] ?? input.operator;
  return (
    `Threshold Crossed: ${listed.length} out of the last ${n} datapoints [${list}] ` +
    `${plural(listed.length, "was", "were")} ${to === "OK" ? "not " : ""}${words} the threshold (${javaDouble(input.threshold)})` +
    `${fillCounts ? ` and ${filled}` : ""} (minimum ${minimum} ${plural(minimum, "datapoint", "datapoints")} for ${from} -> ${to} transition).`
  );
}

export function metricReasonData(input: MetricReasonInput): Record<string, unknown> {
  const { listed } = input;
  const oldest = listed.length > 0 ? Date.parse((listed[listed.length - 1] as ListedDatapoint).at) : null;
  const data: Record<string, unknown> = {
    version: "1.0",
    queryDate: cloudWatchTimestamp(input.atMs),
  };
  if (oldest !== null) data.startDate = cloudWatchTimestamp(oldest);
  if (input.statistic)
    data[input.statistic.extended ? "extendedStatistic" : "statistic"] = input.statistic.name;
  data.period = input.periodSeconds;
  data.recentDatapoints = [...listed].reverse().map((d) => d.value);
  data.threshold = input.threshold;
  if (listed.length > 0) {
    data.evaluatedDatapoints = listed.map((d) => ({
      timestamp: cloudWatchTimestamp(Date.parse(d.at)),
      ...(d.sampleCount === null ? {} : { sampleCount: d.sampleCount }),
      value: d.value,
    }));
  }
  return data;
}

/** `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:name`, or the name where the account is unknown. */
export function alarmArn(name: string, account: string | null, region: string | null): string {
  return account && region ? `arn:aws:cloudwatch:${region}:${account}:alarm:${name}` : name;
}

export type TriggeringAlarm = { alarm: string; state: AlarmStateValue; atMs: number };

export function compositeReason(
  first: TriggeringAlarm,
  account: string | null,
  region: string | null,
): string {
  return `${alarmArn(first.alarm, account, region)} transitioned to ${first.state} at ${compositeReasonTime(first.atMs)}`;
}

export function compositeReasonData(
  triggering: readonly TriggeringAlarm[],
  account: string | null,
  region: string | null,
): Record<string, unknown> {
  return {
    triggeringAlarms: triggering.map((t) => ({
      arn: alarmArn(t.alarm, account, region),
      state: { value: t.state, timestamp: cloudWatchTimestamp(t.atMs) },
    })),
  };
}
