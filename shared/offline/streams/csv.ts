/**
 * The CSV for hand-made streams (documented in docs/streams.md). The header is the first line
 * that names the columns; lines before it that are not blank and not `#` comments (the title an
 * export tool writes above its table) are reported and skipped. Columns are found by name, in any
 * order:
 *
 *   timestamp   ISO-8601 with a zone (2026-11-23T19:00:00Z) or epoch milliseconds   required
 *   namespace   AWS/RDS                                                              required
 *   metric      CPUUtilization (also `metric_name`)                                  required
 *   dimensions  Name=Value;Name=Value (exact set; empty for none)                    optional
 *   unit        Percent, Count, Seconds, None                                        optional
 *   value       one raw sample; rows of the same series and time add up             }
 *   count, sum, min, max, average, p50, p99, p99.9 ...: a statistic set             } one of
 *   account, region                                                                  optional, carried
 *
 * A row gives either `value` or statistics, not both. Fields may be double-quoted as in RFC 4180
 * (a quoted field cannot span lines).
 */
import { NotAStreamError } from "../../core/errors.js";
import { echo } from "../../core/printable.js";
import type { LineParser, LineResult } from "./lines.js";
import {
  type Dimensions,
  type MetricRecord,
  OUT_OF_RANGE,
  parseTimestamp,
  type Statistics,
  timestampOutOfRange,
} from "./record.js";

const STAT_COLUMNS = {
  count: "sampleCount",
  samplecount: "sampleCount",
  sum: "sum",
  min: "minimum",
  minimum: "minimum",
  max: "maximum",
  maximum: "maximum",
  average: "average",
  avg: "average",
} as const satisfies Record<string, keyof Statistics>;

const OTHER_COLUMNS = [
  "timestamp",
  "namespace",
  "metric",
  "metric_name",
  "dimensions",
  "unit",
  "value",
  "account",
  "region",
] as const;

const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;

const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = /\s/;

/**
 * Splits one CSV line; null where a quote is left open. Fields are cut out of the line in runs
 * (slices), not built a character at a time: a line at the readers' 1 MiB bound costs about its
 * own size again, not a string per character.
 */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  // The field so far: the pieces already cut, then the run from `from` to the current character.
  let pieces: string[] = [];
  let from = 0;
  let blank = true;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quoted) {
      if (c !== QUOTE) {
        if (blank && !SPACE.test(line.charAt(i))) blank = false;
        continue;
      }
      pieces.push(line.slice(from, i));
      if (line.charCodeAt(i + 1) === QUOTE) {
        pieces.push('"');
        blank = false;
        i++;
      } else {
        quoted = false;
      }
      from = i + 1;
    } else if (c === QUOTE && blank) {
      // An opening quote, after nothing but spaces: they are not part of the field.
      quoted = true;
      pieces = [];
      from = i + 1;
    } else if (c === COMMA) {
      pieces.push(line.slice(from, i));
      fields.push(pieces.join("").trim());
      pieces = [];
      from = i + 1;
      blank = true;
    } else if (blank && !SPACE.test(line.charAt(i))) {
      blank = false;
    }
  }
  if (quoted) return null;
  pieces.push(line.slice(from));
  fields.push(pieces.join("").trim());
  return fields;
}

/** `Name=Value;Name=Value` → `{ Name: Value }`; a message when it is not that. */
export function parseDimensionList(text: string): Dimensions | string {
  const dims: Dimensions = {};
  if (text.trim() === "") return dims;
  for (const pair of text.split(";")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || name === "") return `dimension "${pair}" is not Name=Value`;
    if (name in dims) return `dimension ${name} given twice`;
    dims[name] = pair.slice(eq + 1).trim();
  }
  return dims;
}

type Header = {
  index: Map<string, number>;
  stats: [number, keyof Statistics][];
  percentiles: [number, string][];
};

function parseHeader(fields: string[]): Header | string {
  const index = new Map<string, number>();
  const stats: [number, keyof Statistics][] = [];
  const percentiles: [number, string][] = [];
  for (const [i, raw] of fields.entries()) {
    const name = raw.toLowerCase();
    if (index.has(name)) return `column "${raw}" appears twice`;
    index.set(name, i);
    if (name in STAT_COLUMNS) stats.push([i, STAT_COLUMNS[name as keyof typeof STAT_COLUMNS]]);
    else if (PERCENTILE.test(name)) percentiles.push([i, name]);
    else if (!(OTHER_COLUMNS as readonly string[]).includes(name)) {
      return `unknown column "${raw}" (expected timestamp, namespace, metric, dimensions, unit, value, count, sum, min, max, average, pNN, account, region)`;
    }
  }
  const missing = ["timestamp", "namespace"].filter((c) => !index.has(c));
  if (!index.has("metric") && !index.has("metric_name")) missing.push("metric");
  if (missing.length > 0) return `the header has no ${missing.join(", ")} column`;
  if (!index.has("value") && stats.length === 0 && percentiles.length === 0) {
    return "the header has neither a value column nor statistic columns (count, sum, min, max, average, pNN)";
  }
  return { index, stats, percentiles };
}

export function csvLineParser(file: string): LineParser {
  let header: Header | null = null;
  return (line, lineNumber): LineResult => {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) return { kind: "ignore" };
    const fields = splitCsvLine(text);
    if (fields === null) return { kind: "skip", reason: "a quoted field is not closed" };
    if (header === null) {
      // Not a header yet: a line of preamble, reported; the file is not a stream only if no header
      // and no row ever follow (a file is rejected only when no line is a record).
      const parsed = parseHeader(fields);
      if (typeof parsed === "string") {
        // A header with a mistake (a typo in a column's name) is not preamble: every row after it
        // would be skipped one by one. The file is refused at once, the header's problem named.
        const named = fields.map((f) => f.trim().toLowerCase());
        if (fields.length > 1 && named.includes("timestamp"))
          throw new NotAStreamError(file, `line ${lineNumber}: the CSV header: ${echo(parsed)}`);
        return { kind: "skip", reason: `not a stream header: ${parsed}` };
      }
      header = parsed;
      return { kind: "ignore" };
    }
    return rowToRecord(header, fields, file, lineNumber);
  };
}

function rowToRecord(header: Header, fields: string[], file: string, line: number): LineResult {
  const cell = (name: string): string => {
    const i = header.index.get(name);
    return i === undefined ? "" : (fields[i] ?? "");
  };
  const skip = (reason: string): LineResult => ({ kind: "skip", reason });
  if (fields.length > header.index.size) {
    return skip(`${fields.length} fields where the header has ${header.index.size}`);
  }
  const timestamp = parseTimestamp(cell("timestamp"));
  if (timestamp === null) {
    const why = timestampOutOfRange(cell("timestamp"))
      ? OUT_OF_RANGE
      : "is not ISO-8601 with a zone or epoch milliseconds";
    return skip(`timestamp "${cell("timestamp")}" ${why}`);
  }
  const namespace = cell("namespace");
  const metricName = cell("metric") || cell("metric_name");
  if (!namespace || !metricName) return skip("no namespace or metric");
  const dimensions = parseDimensionList(cell("dimensions"));
  if (typeof dimensions === "string") return skip(dimensions);

  const number = (name: string, text: string): number | string | undefined => {
    if (text === "") return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : `${name} "${text}" is not a number`;
  };
  const stats: Statistics = {};
  const value = number("value", cell("value"));
  if (typeof value === "string") return skip(value);
  for (const [i, key] of header.stats) {
    const n = number(key, fields[i] ?? "");
    if (typeof n === "string") return skip(n);
    if (n !== undefined) (stats as Record<string, number>)[key] = n;
  }
  for (const [i, name] of header.percentiles) {
    const n = number(name, fields[i] ?? "");
    if (typeof n === "string") return skip(n);
    if (n !== undefined) stats.extended = { ...stats.extended, [name]: n };
  }
  const hasStats = Object.keys(stats).length > 0;
  if (value !== undefined && hasStats) return skip("a row gives either value or statistics, not both");
  if (value === undefined && !hasStats) return skip("no value and no statistics");
  if (value !== undefined) {
    Object.assign(stats, { sampleCount: 1, sum: value, minimum: value, maximum: value, average: value });
    stats.values = [value];
  } else if (stats.average === undefined && stats.sum !== undefined && stats.sampleCount) {
    stats.average = stats.sum / stats.sampleCount;
  }
  const record: MetricRecord = {
    namespace,
    metricName,
    dimensions,
    timestamp,
    stats,
    unit: cell("unit") || null,
    account: cell("account") || null,
    region: cell("region") || null,
    source: { file, line },
  };
  return { kind: "record", record };
}
