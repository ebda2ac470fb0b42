/**
 * Opening recorded metric streams: the format is told from the file itself, each file passes
 * through the reorder buffer, and several files (Firehose writes one object every few minutes)
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
import { readLines, recordsFromLines } from "./lines.js";
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
 * The format of a file from its extension and its first line that is not blank or a `#` comment:
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

async function firstNonBlankLine(file: string): Promise<string | undefined> {
  // `#` lines are the CSV's comments; no JSON line starts with one.
  for await (const line of readLines(file))
    if (line.trim() !== "" && !line.trim().startsWith("#")) return line;
  return undefined;
}

/** One file's records, in time order. */
export async function* openStream(file: string, options: StreamOptions = {}): AsyncGenerator<MetricRecord> {
  const onSkip = options.onSkip ?? (() => {});
  const format = detectFormat(file, await firstNonBlankLine(file));
  const raw =
    format === "get-metric-data"
      ? readGetMetricData(file, onSkip)
      : recordsFromLines(
          file,
          format === "csv" ? csvLineParser(file) : metricStreamsLineParser(file),
          onSkip,
        );
  yield* reorder(raw, options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS, onSkip);
}

/** Several files as one recording, in time order. */
export function readStreams(
  files: readonly string[],
  options: StreamOptions = {},
): AsyncIterable<MetricRecord> {
  return mergeInTimeOrder(files.map((file) => openStream(file, options)));
}
