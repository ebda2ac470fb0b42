/**
 * Opening recorded metric streams: the format is told from the file itself, each file's records
 * are put in time order within the reorder window (reorder.ts; the get-metric-data reader does it
 * as it merges its series), and several files (Firehose writes one object every few minutes)
 * are merged into one recording in time order.
 *
 *   readStreams(files, { onSkip }) → AsyncIterable<MetricRecord>, in time order
 *
 * Each line file is looked at first (its first 64 KiB: the format and the time of its first
 * record, with no reorder window), and opened only when the recording reaches that time less the
 * reorder window: a recording of thousands of small files has open, and in memory, only those
 * that overlap the window. A get-metric-data document, or a file with no record in its head, is
 * opened at once and its first record read, as a single file is.
 *
 * Throws NotAStreamError (no line of a file is a record) or StreamFileError (cannot read it)
 * while iterating; lines that are not records go to `onSkip` and are left out.
 */
import { extname } from "node:path";
import { csvLineParser } from "./csv.js";
import { readGetMetricData } from "./getMetricData/read.js";
import { type LineParser, readHead, recordBatchesFromLines, recordsFromLines } from "./lines.js";
import { metricStreamsLineParser } from "./metricStreams.js";
import type { MetricRecord, OnSkip } from "./record.js";
import {
  DEFAULT_REORDER_WINDOW_MS,
  type DeferredBatches,
  type DeferredStream,
  mergeBatchesInTimeOrder,
  mergeInTimeOrder,
  reorder,
  reorderBatches,
} from "./reorder.js";
import { withoutGz } from "./source.js";

const STREAM_FORMATS = ["metric-streams", "get-metric-data", "csv"] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

export type StreamOptions = {
  onSkip?: OnSkip;
  /** How far out of event-time order a record may arrive and still be placed (default 10 minutes). */
  reorderWindowMs?: number;
  /** Kept up to date while reading: how many files are open (being read) now, and at most. */
  readers?: ReaderCount;
};

export type ReaderCount = { open: number; peak: number };

/**
 * The format of a file from its extension (less any `.gz`) and the line that tells it (see formatLine: the first
 * line that is not blank or a `#` comment, past a few lines of preamble):
 * - `.csv`, or a first line such as `timestamp,namespace,...`: the CSV;
 * - a first line that is `{` alone (the CLI's pretty-printed output) or an object with
 *   MetricDataQueries / MetricDataResults: the get-metric-data document;
 * - anything else: Metric Streams JSON lines (whose lines are then checked one by one).
 */
export function detectFormat(file: string, firstLine: string | undefined): StreamFormat {
  if (extname(withoutGz(file)).toLowerCase() === ".csv") return "csv";
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
function formatLine(head: readonly string[]): string | undefined {
  let first: string | undefined;
  let looked = 0;
  for (const line of head) {
    const text = line.replace(/^\uFEFF/, "").trim();
    // `#` lines are the CSV's comments; no JSON line starts with one.
    if (text === "" || text.startsWith("#")) continue;
    first ??= line;
    if (text.startsWith("{") || detectFormat("", text) === "csv") return line;
    if (++looked >= PREAMBLE_LINES) break;
  }
  return first;
}

/** What the head of a file says: its format, and the time of its first record where the head has one. */
export type StreamHead = { format: StreamFormat; firstTimestamp: number | null };

/**
 * Reads the first 64 KiB of a file (not the whole file, no reorder window): the format, and for a
 * line format the timestamp of the first record, found with the format's own parser over the
 * complete lines of the head. Nothing is reported: the lines are read again, and reported, when
 * the file is opened. A get-metric-data document says nothing of its first time until it has
 * been scanned whole, and a head without a record (a long preamble, or not a stream) leaves it
 * unknown: `firstTimestamp` is then null.
 */
export async function peekStream(file: string): Promise<StreamHead> {
  const { text, whole } = await readHead(file);
  const format = detectFormat(file, formatLine(text.split(/\r?\n/)));
  if (format === "get-metric-data") return { format, firstTimestamp: null };
  // Split as readLines splits, so that the lines are those the reader will number.
  const lines = text.split(/\r?\n|\r/);
  if (!whole) lines.pop();
  const parse: LineParser = format === "csv" ? csvLineParser(file) : metricStreamsLineParser(file);
  try {
    for (const [i, raw] of lines.entries()) {
      const result = parse(i === 0 ? raw.replace(/^\uFEFF/, "") : raw, i + 1);
      const first =
        result.kind === "record" ? result.record : result.kind === "records" ? result.records[0] : undefined;
      if (first !== undefined) return { format, firstTimestamp: first.timestamp };
    }
  } catch {
    // A CSV header with a mistake: the reader refuses the file when it is opened (at once).
  }
  return { format, firstTimestamp: null };
}

/**
 * One file's records, in time order, each as soon as it is read. `format` is the one peekStream
 * found (told again from the head of the file when not given).
 */
async function* openStream(
  file: string,
  options: StreamOptions = {},
  format?: StreamFormat,
): AsyncGenerator<MetricRecord> {
  const onSkip = options.onSkip ?? (() => {});
  format ??= (await peekStream(file)).format;
  const windowMs = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  const readers = options.readers;
  if (readers) readers.peak = Math.max(readers.peak, ++readers.open);
  try {
    if (format === "get-metric-data") {
      // This reader places records within the window itself, as it combines the queries of a metric.
      yield* readGetMetricData(file, onSkip, windowMs);
    } else {
      const parse = format === "csv" ? csvLineParser(file) : metricStreamsLineParser(file);
      yield* reorder(recordsFromLines(file, parse, onSkip), windowMs, onSkip);
    }
  } finally {
    if (readers) readers.open--;
  }
}

/** openStream's records in batches: a line file's, those of each block of the file read. */
async function* openStreamBatches(
  file: string,
  options: StreamOptions = {},
  format?: StreamFormat,
): AsyncGenerator<MetricRecord[]> {
  const onSkip = options.onSkip ?? (() => {});
  format ??= (await peekStream(file)).format;
  if (format === "get-metric-data") {
    let batch: MetricRecord[] = [];
    for await (const record of openStream(file, options, format)) {
      batch.push(record);
      if (batch.length >= GET_METRIC_DATA_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const windowMs = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  const readers = options.readers;
  if (readers) readers.peak = Math.max(readers.peak, ++readers.open);
  try {
    const parse = format === "csv" ? csvLineParser(file) : metricStreamsLineParser(file);
    yield* reorderBatches(recordBatchesFromLines(file, parse, onSkip), windowMs, onSkip);
  } finally {
    if (readers) readers.open--;
  }
}

/** Records of a get-metric-data document passed on at once. */
const GET_METRIC_DATA_BATCH = 512;

/**
 * Several files as one recording, in time order, each record as soon as it is read (`evaluate`
 * prints as it reads). A line file is opened when the recording reaches its first record's time
 * less the reorder window: no record of a file that keeps to the window can be earlier. One that
 * breaks it (a record more than the window before its file's first one, when the recording is
 * already past it) is reported as a late record and dropped, as a record more than the window late
 * within one file is.
 */
export function readStreams(
  files: readonly string[],
  options: StreamOptions = {},
): AsyncIterable<MetricRecord> {
  const windowMs = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  const deferred = (file: string): DeferredStream =>
    deferredFile(file, windowMs, (format) => openStream(file, options, format));
  return mergeInTimeOrder(files.map(deferred), { onLate: options.onSkip, windowMs });
}

/**
 * readStreams' recording in batches, each in time order and after the one before: a month read
 * with one step per block of the file, not per line and record (replay reads it so).
 */
export function readStreamBatches(
  files: readonly string[],
  options: StreamOptions = {},
): AsyncIterable<MetricRecord[]> {
  const windowMs = options.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  const deferred = (file: string): DeferredBatches =>
    deferredFile(file, windowMs, (format) => openStreamBatches(file, options, format));
  return mergeBatchesInTimeOrder(files.map(deferred), { onLate: options.onSkip, windowMs });
}

/**
 * A file the merge opens only when its time comes: `from` peeks at its first record (the reorder
 * window before it) and its format, which `open` then reads it in without detecting it again.
 */
function deferredFile<T>(
  file: string,
  windowMs: number,
  open: (format: StreamFormat | undefined) => T,
): { from: () => Promise<number | null>; open: () => T } {
  let format: StreamFormat | undefined;
  return {
    from: async () => {
      const head = await peekStream(file);
      format = head.format;
      return head.firstTimestamp === null ? null : head.firstTimestamp - windowMs;
    },
    open: () => open(format),
  };
}
