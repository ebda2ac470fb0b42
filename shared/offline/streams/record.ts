/**
 * The one record every stream format is read into: one datapoint of one metric (a namespace, a
 * name and an exact set of dimensions) at one time, with the statistics the format gives.
 *
 * The formats give different things, so every statistic is optional:
 * - CloudWatch Metric Streams: count, sum, min and max of each minute, plus any percentiles the
 *   stream was configured to add (`p99`, `p99.9`, ...);
 * - `aws cloudwatch get-metric-data`: one statistic per query (Average, Sum, p99, ...) at the
 *   query's Period; queries of the same metric are merged into one record per timestamp;
 * - the CSV: a statistic set, or one raw sample per row (`value`), from which percentiles are exact.
 */
import { ECHO_LIMIT, echo } from "../../core/printable.js";

export type Statistics = {
  sampleCount?: number;
  sum?: number;
  minimum?: number;
  maximum?: number;
  average?: number;
  /** Extended statistics the source computed (`p99`, `p99.9`, `TM(25%:75%)`), by CloudWatch's name. */
  extended?: Record<string, number>;
  /** Raw samples, when the source has them (the CSV's `value` column). */
  values?: number[];
};

export type Dimensions = Record<string, string>;

/** Where a record came from, for messages. `line` for line formats, `path` (JSONPath) for JSON documents. */
export type RecordSource = { file: string; line?: number; path?: string };

export type MetricRecord = {
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
  /** Epoch milliseconds: the start of the interval the statistics describe. */
  timestamp: number;
  stats: Statistics;
  /** CloudWatch's unit name (`Percent`, `Count`, `None`); null where the source does not say. */
  unit: string | null;
  /** Carried, not validated: a stream may hold several accounts and regions. */
  account: string | null;
  region: string | null;
  source: RecordSource;
};

/** A line (or part of a document) that is not a metric record: reported, then skipped. */
export type SkippedInput = { file: string; line?: number; path?: string; reason: string };
export type OnSkip = (skipped: SkippedInput) => void;

/**
 * `file:12: reason`, or `file: $.MetricDataResults[2]: reason` for a JSON document. What echoes the
 * input (the reason, the path, the file's name) is made printable and the reason cut to
 * ECHO_LIMIT characters: a line of escape sequences cannot reach the terminal raw.
 */
export function formatSkipped({ file, line, path, reason }: SkippedInput): string {
  const name = echo(file, 4 * ECHO_LIMIT);
  const why = echo(reason);
  if (line !== undefined) return `${name}:${line}: ${why}`;
  if (path !== undefined) return `${name}: ${echo(path)}: ${why}`;
  return `${name}: ${why}`;
}

/**
 * The identity of a series as CloudWatch has it: namespace, metric name and the exact set of
 * dimensions ("CloudWatch treats each unique combination of dimensions as a separate metric",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension).
 * Dimension order does not matter; names and values are case-sensitive.
 */
export function seriesKey(namespace: string, metricName: string, dimensions: Dimensions): string {
  // Every record of a recording is keyed, over a few dozen series: the key of a series is looked
  // up by its parts as given, joined each after its length (so that no two lists of parts join
  // alike), and written only the first time they are seen.
  let given = `${namespace.length}:${namespace}${metricName.length}:${metricName}`;
  for (const name of Object.keys(dimensions)) {
    const value = dimensions[name];
    if (typeof value !== "string") return writeSeriesKey(namespace, metricName, dimensions);
    given += `${name.length}:${name}${value.length}:${value}`;
  }
  const known = SERIES_KEYS.get(given);
  if (known !== undefined) return known;
  if (SERIES_KEYS.size >= MAX_SERIES_KEYS) SERIES_KEYS.clear();
  const key = writeSeriesKey(namespace, metricName, dimensions);
  SERIES_KEYS.set(given, key);
  return key;
}

/** Series keys by their parts as given; cleared past MAX_SERIES_KEYS so that memory stays bounded. */
const SERIES_KEYS = new Map<string, string>();
const MAX_SERIES_KEYS = 10_000;

/** JSON.stringify([namespace, metricName, [[name, value], ...]]), the names sorted. */
function writeSeriesKey(namespace: string, metricName: string, dimensions: Dimensions): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((name) => [name, dimensions[name] as string]);
  return JSON.stringify([namespace, metricName, dims]);
}

/** AWS's `[{ Name, Value }]` as the object the streams use. */
export function dimensionsFromList(list: readonly { Name: string; Value: string }[] | undefined): Dimensions {
  const dims: Dimensions = {};
  for (const { Name, Value } of list ?? []) dims[Name] = Value;
  return dims;
}

const isoOrNull = (ms: number): string | null => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

/**
 * The times a stream may hold: the years 0001 to 9999, what ISO-8601's four-digit years and AWS's
 * timestamps express. The replay adds periods and days to them; a bound far inside a Date's range
 * (±8.64e15 ms) keeps every date it builds valid.
 */
export const STREAM_TIME_RANGE = {
  min: Date.parse("0001-01-01T00:00:00.000Z"),
  max: Date.parse("9999-12-31T23:59:59.999Z"),
};

/**
 * A timestamp as the readers accept it: epoch milliseconds (or seconds), or ISO-8601 with a zone,
 * within STREAM_TIME_RANGE; null otherwise.
 */
export function parseTimestamp(value: unknown): number | null {
  const ms = timestampOf(value);
  return ms !== null && ms >= STREAM_TIME_RANGE.min && ms <= STREAM_TIME_RANGE.max ? ms : null;
}

/** Whether parseTimestamp refused `value` as a time outside STREAM_TIME_RANGE (not as unreadable). */
export const timestampOutOfRange = (value: unknown): boolean =>
  timestampOf(value) !== null && parseTimestamp(value) === null;

/** A skipped input's reason for a time outside STREAM_TIME_RANGE. */
export const OUT_OF_RANGE = "is outside the years 0001 to 9999";

function timestampOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? epochMillis(value) : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return epochMillis(Number(text));
  // A zone is required: a recording replayed in another time zone must not move.
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(ms) || isoOrNull(ms) === null ? null : ms;
}

// Below 10^11 an epoch is in seconds (10^11 s is the year 5138; 10^11 ms is 1973).
const epochMillis = (n: number): number => (Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n));
