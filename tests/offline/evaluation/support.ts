/** Records and alarms for the evaluator's tests. */
import type { MetricAlarm } from "../../../shared/core/config/schema.js";
import type { StateChange } from "../../../shared/offline/evaluation/stateChange.js";
import type { Dimensions, MetricRecord, Statistics } from "../../../shared/offline/streams/record.js";

/** Monday 23 November 2026, 19:00 UTC: the Virtway evening. */
export const T0 = Date.UTC(2026, 10, 23, 19, 0);
export const MINUTE = 60_000;

/** `+5` → "19:05". */
export const hhmm = (minute: number) => new Date(T0 + minute * MINUTE).toISOString().slice(11, 16);

export function record(
  minute: number,
  stats: number | Statistics,
  series: { namespace?: string; metricName?: string; dimensions?: Dimensions; unit?: string | null } = {},
): MetricRecord {
  const s: Statistics =
    typeof stats === "number"
      ? { sampleCount: 1, sum: stats, minimum: stats, maximum: stats, average: stats }
      : stats;
  return {
    namespace: series.namespace ?? "App",
    metricName: series.metricName ?? "Load",
    dimensions: series.dimensions ?? { Service: "api" },
    timestamp: T0 + minute * MINUTE,
    stats: s,
    unit: series.unit === undefined ? "Percent" : series.unit,
    account: "123456789012",
    region: "eu-west-1",
    source: { file: "test.jsonl", line: minute + 1 },
  };
}

/** One record per minute from minute `from`, values in order (null: no record that minute). */
export const series = (values: (number | null)[], from = 0, s?: Parameters<typeof record>[2]) =>
  values.flatMap((v, i) => (v === null ? [] : [record(from + i, v, s)]));

export const alarm = (fields: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: "load-high",
  Namespace: "App",
  MetricName: "Load",
  Dimensions: [{ Name: "Service", Value: "api" }],
  Statistic: "Average",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 70,
  ComparisonOperator: "GreaterThanThreshold",
  ...fields,
});

/** `{ at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 60 }` per change, for compact expectations. */
export const brief = (changes: StateChange[]) =>
  changes.map((c) => ({ at: c.at.slice(11, 16), from: c.from, to: c.to, value: c.value }));
