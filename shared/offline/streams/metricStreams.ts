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
 * The record as MetricStreamRecordSchema would give it, when the line certainly passes it (its
 * dimensions and value taken as parsed, JSON.parse having just made them); null when it may not,
 * and the schema decides. Never accepts what the schema refuses.
 */
export function wellFormed(json: Record<string, unknown>): MetricStreamRecord | null {
  const { namespace, metric_name, dimensions = {}, timestamp, value, unit } = json;
  const { metric_stream_name, account_id, region } = json;
  if (typeof namespace !== "string" || namespace === "") return null;
  if (typeof metric_name !== "string" || metric_name === "") return null;
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) return null;
  if (timestamp > STREAM_TIME_RANGE.max) return null;
  if (!optional(metric_stream_name, "string") || !optional(region, "string")) return null;
  if (!optional(account_id, "string") && typeof account_id !== "number") return null;
  if (unit !== undefined && unit !== null && typeof unit !== "string") return null;
  if (!isObject(dimensions) || !isObject(value)) return null;
  // "__proto__" is a key JSON.parse makes and an assignment would not: the schema's business.
  for (const key in dimensions) if (typeof dimensions[key] !== "string" || key === "__proto__") return null;
  if (!finiteNumber(value.count) || value.count < 0) return null;
  if (!finiteNumber(value.sum) || !finiteNumber(value.max) || !finiteNumber(value.min)) return null;
  for (const key in value) if (typeof value[key] !== "number" || key === "__proto__") return null;
  return {
    metric_stream_name: metric_stream_name as string | undefined,
    account_id: account_id as string | number | undefined,
    region: region as string | undefined,
    namespace,
    metric_name,
    dimensions: dimensions as Record<string, string>,
    timestamp,
    value: value as MetricStreamRecord["value"],
    unit: unit as string | null | undefined,
  };
}

const FIELDS = ["namespace", "metric_name", "timestamp", "value"] as const;

export function metricStreamsLineParser(file: string): LineParser {
  return (line, lineNumber) => {
    const text = line.trim();
    if (text === "") return { kind: "ignore" };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { kind: "skip", reason: `not JSON: ${(error as Error).message}` };
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return { kind: "skip", reason: "not a metric record: expected a JSON object" };
    }
    const missing = FIELDS.filter((f) => !(f in json));
    if (missing.length === FIELDS.length) {
      return { kind: "skip", reason: `not a metric record: no ${FIELDS.join(", ")}` };
    }
    // Nearly every line is a well-formed record: checked by hand first, the schema only says why not.
    const valid = wellFormed(json as Record<string, unknown>);
    const parsed = valid ? null : MetricStreamRecordSchema.safeParse(json);
    if (parsed && !parsed.success) {
      const first = issuesAt(parsed.error.issues, [])[0];
      const at = first?.path.length ? first.path.join(".") : "the record";
      return { kind: "skip", reason: `not a metric record: ${at}: ${first?.issue.message ?? "invalid"}` };
    }
    const r = valid ?? (parsed?.data as MetricStreamRecord);
    const { count, sum, max, min, ...extended } = r.value;
    const stats: Statistics = { sampleCount: count, sum, maximum: max, minimum: min };
    if (count > 0) stats.average = sum / count;
    if (Object.keys(extended).length > 0) stats.extended = extended;
    const record: MetricRecord = {
      namespace: r.namespace,
      metricName: r.metric_name,
      dimensions: r.dimensions,
      timestamp: r.timestamp,
      stats,
      unit: r.unit ?? null,
      account: r.account_id === undefined ? null : String(r.account_id),
      region: r.region ?? null,
      source: { file, line: lineNumber },
    };
    return { kind: "record", record };
  };
}
