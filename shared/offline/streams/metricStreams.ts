/**
 * CloudWatch Metric Streams, JSON output format: one object per line, each one datapoint of one
 * metric over one minute.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-metric-streams-formats-json.html
 * (`timestamp` in epoch milliseconds; `value` holds count, sum, max and min, plus the additional
 * statistics such as p99 the stream was configured to send; `unit` as in MetricDatum).
 */
import { z } from "zod";
import { issuesAt } from "../../core/problems.js";
import type { LineParser } from "./lines.js";
import { type MetricRecord, STREAM_TIME_RANGE, type Statistics } from "./record.js";
import { StreamSeriesTexts } from "./streamSeries.js";

const finite = z.number().refine(Number.isFinite, "not a finite number");

/**
 * @example
 * {"metric_stream_name":"virtway-stream","account_id":"123456789012","region":"eu-west-1",
 *  "namespace":"AWS/RDS","metric_name":"CPUUtilization",
 *  "dimensions":{"DBClusterIdentifier":"virtway-aurora","Role":"READER"},
 *  "timestamp":1795460400000,"value":{"max":74.1,"min":69.9,"sum":144.0,"count":2.0},"unit":"Percent"}
 */
export const MetricStreamRecordSchema = z.object({
  metric_stream_name: z.string().optional(),
  // Carried, not validated (AWS's own example has a 10-digit account id).
  account_id: z.union([z.string(), z.number()]).optional(),
  region: z.string().optional(),
  namespace: z.string().min(1),
  metric_name: z.string().min(1),
  dimensions: z.record(z.string(), z.string()).default({}),
  timestamp: z.number().int().nonnegative().max(STREAM_TIME_RANGE.max, "is after the year 9999"),
  value: z
    .object({ count: finite.nonnegative(), sum: finite, max: finite, min: finite })
    .catchall(z.number()),
  unit: z.string().nullish(),
});

type MetricStreamRecord = z.infer<typeof MetricStreamRecordSchema>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const finiteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const optional = (v: unknown, type: "string" | "number") => v === undefined || typeof v === type;

/**
 * Whether a line's series members (all but its timestamp, value and unit) certainly pass
 * MetricStreamRecordSchema; false when they may not, and the schema decides.
 */
function seriesWellFormed(json: Record<string, unknown>): boolean {
  const { namespace, metric_name, dimensions = {}, metric_stream_name, account_id, region } = json;
  if (typeof namespace !== "string" || namespace === "") return false;
  if (typeof metric_name !== "string" || metric_name === "") return false;
  if (!optional(metric_stream_name, "string") || !optional(region, "string")) return false;
  if (!optional(account_id, "string") && typeof account_id !== "number") return false;
  if (!isObject(dimensions)) return false;
  // "__proto__" is a key JSON.parse makes and an assignment would not: the schema's business.
  for (const key in dimensions) if (typeof dimensions[key] !== "string" || key === "__proto__") return false;
  return true;
}

/** Whether a line's reading (its timestamp, value and unit) certainly passes MetricStreamRecordSchema. */
function readingWellFormed(json: Record<string, unknown>): boolean {
  const { timestamp, value, unit } = json;
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) return false;
  if (timestamp > STREAM_TIME_RANGE.max) return false;
  if (unit !== undefined && unit !== null && typeof unit !== "string") return false;
  if (!isObject(value)) return false;
  if (!finiteNumber(value.count) || value.count < 0) return false;
  if (!finiteNumber(value.sum) || !finiteNumber(value.max) || !finiteNumber(value.min)) return false;
  for (const key in value) if (typeof value[key] !== "number" || key === "__proto__") return false;
  return true;
}

/**
 * The record as MetricStreamRecordSchema would give it, when the line certainly passes it (its
 * dimensions and value taken as parsed, JSON.parse having just made them); null when it may not,
 * and the schema decides. Never accepts what the schema refuses.
 */
export function wellFormed(json: Record<string, unknown>): MetricStreamRecord | null {
  if (!seriesWellFormed(json) || !readingWellFormed(json)) return null;
  const { dimensions = {} } = json;
  return {
    metric_stream_name: json.metric_stream_name as string | undefined,
    account_id: json.account_id as string | number | undefined,
    region: json.region as string | undefined,
    namespace: json.namespace as string,
    metric_name: json.metric_name as string,
    dimensions: dimensions as Record<string, string>,
    timestamp: json.timestamp as number,
    value: json.value as MetricStreamRecord["value"],
    unit: json.unit as string | null | undefined,
  };
}

const FIELDS = ["namespace", "metric_name", "timestamp", "value"] as const;

export function metricStreamsLineParser(file: string): LineParser {
  const seriesTexts = new StreamSeriesTexts();
  return (line, lineNumber) => {
    const text = line.trim();
    if (text === "") return { kind: "ignore" };
    // Most lines are of a series already read: only their reading is parsed (streamSeries.ts).
    const split = seriesTexts.split(text);
    if (split !== undefined && readingWellFormed(split.reading)) {
      const { fields } = split.series;
      const { value } = split.reading as Pick<MetricStreamRecord, "value">;
      return { kind: "record", record: recordOf(fields, split.reading, extendedOf(value), file, lineNumber) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { kind: "skip", reason: `not JSON: ${(error as Error).message}` };
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return { kind: "skip", reason: "not a metric record: expected a JSON object" };
    }
    // Nearly every line is a well-formed record: checked by hand first, the schema only says why not.
    const valid = wellFormed(json as Record<string, unknown>);
    if (valid !== null) {
      seriesTexts.learn(text, seriesWellFormed);
      return { kind: "record", record: recordOf(valid, valid, extendedOf(valid.value), file, lineNumber) };
    }
    const missing = FIELDS.filter((f) => !(f in json));
    if (missing.length === FIELDS.length) {
      return { kind: "skip", reason: `not a metric record: no ${FIELDS.join(", ")}` };
    }
    const parsed = MetricStreamRecordSchema.safeParse(json);
    if (!parsed.success) {
      const first = issuesAt(parsed.error.issues, [])[0];
      const at = first?.path.length ? first.path.join(".") : "the record";
      return { kind: "skip", reason: `not a metric record: ${at}: ${first?.issue.message ?? "invalid"}` };
    }
    const { count, sum, max, min, ...extended } = parsed.data.value;
    return { kind: "record", record: recordOf(parsed.data, parsed.data, extended, file, lineNumber) };
  };
}

/**
 * The statistics of a value that wellFormed passed besides count, sum, max and min (its keys are
 * plain: no `__proto__`); undefined when there are none.
 */
function extendedOf(value: MetricStreamRecord["value"]): Record<string, number> | undefined {
  let extended: Record<string, number> | undefined;
  for (const key in value) {
    if (key === "count" || key === "sum" || key === "max" || key === "min") continue;
    extended ??= {};
    extended[key] = value[key] as number;
  }
  return extended;
}

/**
 * The record of a line, from its series members and its reading (one object for a line parsed
 * whole). Records of one series may share its dimensions object: they are read, never written.
 */
function recordOf(
  series: Readonly<Record<string, unknown>>,
  reading: Readonly<Record<string, unknown>>,
  extended: Record<string, number> | undefined,
  file: string,
  line: number,
): MetricRecord {
  const { count, sum, max, min } = reading.value as MetricStreamRecord["value"];
  const stats: Statistics = { sampleCount: count, sum, maximum: max, minimum: min };
  if (count > 0) stats.average = sum / count;
  if (extended !== undefined && Object.keys(extended).length > 0) stats.extended = extended;
  const { account_id, region, dimensions } = series;
  return {
    namespace: series.namespace as string,
    metricName: series.metric_name as string,
    dimensions: dimensions === undefined ? {} : (dimensions as MetricRecord["dimensions"]),
    timestamp: reading.timestamp as number,
    stats,
    unit: (reading.unit as string | null | undefined) ?? null,
    account: account_id === undefined ? null : String(account_id),
    region: (region as string | undefined) ?? null,
    source: { file, line },
  };
}
