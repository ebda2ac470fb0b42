/**
 * Opening recorded metric streams: the format is told from the file itself, each file's records
 * are put in time order within the reorder window (reorder.ts; the get-metric-data reader does it
 * as it merges its series), and several files (Firehose writes one object every few minutes)
 * are merged into one recording in time order.
 *
 *   readStreams(files, { onSkip }) → AsyncIterable<MetricRecord>, in time order
 *
 * Throws NotAStreamError (no line of a file is a record) or StreamFileError (cannot read it)
 * while iterating; lines that are not records go to `onSkip` and are left out.
 */
import { extname } from "node:path";
import { csvLineParser } from "./csv.js";
import { readGetMetricData } from "./getMetricData.js";
import { headLines, recordsFromLines } from "./lines.js";
import { metricStreamsLineParser } from "./metricStreams.js";
import type { MetricRecord, OnSkip } from "./record.js";
import { DEFAULT_REORDER_WINDOW_MS, mergeInTimeOrder, reorder } from "./reorder.js";

export const STREAM_FORMATS = ["metric-streams", "get-metric-data", "csv"] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

export type StreamOptions = {
  onSkip?: OnSkip;
  /** How far out of event-time order a record may arrive and still be placed (default 10 minutes). */
  reorderWindowMs?: number;
};

/**
 * The format of a file from its extension and the line that tells it (see formatLine: the first
 * line that is not blank or a `#` comment, past a few lines of preamble):
 * - `.csv`, or a first line such as `timestamp,namespace,...`: the CSV;
 * - a first line that is `{` alone (the CLI's pretty-printed output) or an object with
 *   MetricDataQueries / MetricDataResults: the get-metric-data document;
 * - anything else: Metric Streams JSON lines (whose lines are then checked one by one).
 */
export function detectFormat(file: string, firstLine: string | undefined): StreamFormat {
  if (extname(file).toLowerCase() === ".csv") return "csv";
  const line = (firstLine ?? "").replace(/^\uFEFF/, "").trim();
  if (line === "{" || /^\{\s*"(MetricDataQueries|MetricDataResults|Messages)"/.test(line))
    return "get-metric-data";
  if (!line.startsWith("{") && /(^|,)\s*"?timestamp"?\s*(,|$)/i.test(line) && line.includes(","))
    return "csv";
  return "metric-streams";
}

/** Lines of preamble (an export's title, a note) looked past to find the line that tells the format. */
const PREAMBLE_LINES = 20;

/**
 * The line that tells the format, from the head of the file: the first that is not blank or a
 * `#` comment, unless it is neither JSON nor a CSV header, in which case the first such line
 * within the next few (a CSV header under an export's title); failing that, the first line.
 */
async function formatLine(file: string): Promise<string | undefined> {
  let first: string | undefined;
  let looked = 0;
  for (const line of await headLines(file)) {
    const text = line.replace(/^\uFEFF/, "").trim();
    // `#` lines are the CSV's comments; no JSON line starts with one.
    if (text === "" || text.startsWith("#")) continue;
    first ??= line;
    if (text.startsWith("{") || detectFormat("", text) === "csv") return line;
    if (++looked >= PREAMBLE_LINES) break;
  }
  return first;
}

/** One file's records, in time order. */
export async function* openStream(file: string, options: StreamOptions = {}): AsyncGenerator<MetricRecord> {
  const onSkip = options.onSkip ?? (() => {});
  const format = detectFormat(file, await formatLine(file));
  const windowMs = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  if (format === "get-metric-data") {
    // This reader places records within the window itself, as it combines the queries of a metric.
    yield* readGetMetricData(file, onSkip, windowMs);
  } else {
    const parse = format === "csv" ? csvLineParser(file) : metricStreamsLineParser(file);
    yield* reorder(recordsFromLines(file, parse, onSkip), windowMs, onSkip);
  }
}

/** Several files as one recording, in time order. */
export function readStreams(
  files: readonly string[],
  options: StreamOptions = {},
): AsyncIterable<MetricRecord> {
  return mergeInTimeOrder(files.map((file) => openStream(file, options)));
}
