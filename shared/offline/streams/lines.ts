/**
 * Reading a line format (Metric Streams JSON lines, the CSV) lazily: node:readline over a file
 * stream (gunzipped where it is gzip, source.ts), one line in memory at a time. Lines that are not records are reported through `onSkip`;
 * until the file's first record is found those reports are held back, so that a file that turns
 * out not to be a stream at all is rejected with one message rather than a line-by-line flood.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { NotAStreamError, StreamFileError } from "../../core/errors.js";
import { HeldReports } from "./heldReports.js";
import type { MetricRecord, OnSkip } from "./record.js";
import { openText } from "./source.js";

/** What a line parser says about one line. */
export type LineResult =
  | { kind: "record"; record: MetricRecord }
  | { kind: "records"; records: MetricRecord[] }
  /** Blank lines, comments, a CSV header: not data, not reported. */
  | { kind: "ignore" }
  | { kind: "skip"; reason: string };

export type LineParser = (line: string, lineNumber: number) => LineResult;

export async function* readLines(file: string): AsyncGenerator<string> {
  let input: Readable;
  try {
    input = await openText(file);
  } catch (error) {
    throw fileError(file, error);
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } catch (error) {
    throw fileError(file, error);
  } finally {
    lines.close();
    input.destroy();
  }
}

/** How much of a file is read to tell its format and find its first record. */
const HEAD_BYTES = 64 * 1024;

/** The first `bytes` of a file as text; `whole` when that is the whole file (its last line is complete). */
export async function readHead(file: string, bytes = HEAD_BYTES): Promise<{ text: string; whole: boolean }> {
  let input: Readable | undefined;
  try {
    input = await openText(file, bytes);
    let text = "";
    for await (const chunk of input) {
      text += chunk as string;
      if (text.length >= bytes) return { text, whole: false };
    }
    return { text, whole: true };
  } catch (error) {
    throw fileError(file, error);
  } finally {
    input?.destroy();
  }
}

function fileError(file: string, error: unknown): StreamFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "a folder, not a file"
        : (error as Error).message;
  return new StreamFileError(file, reason, { cause: error });
}

/** The records of a line file; throws NotAStreamError at its end if no line was a record. */
export async function* recordsFromLines(
  file: string,
  parse: LineParser,
  onSkip: OnSkip,
  lines: AsyncIterable<string> = readLines(file),
): AsyncGenerator<MetricRecord> {
  let found = 0;
  const reports = new HeldReports(onSkip);
  let lineNumber = 0;
  let firstProblem: string | null = null;
  for await (const raw of lines) {
    lineNumber++;
    // A byte-order mark from spreadsheet exports is not part of the first line's text.
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    const result = parse(line, lineNumber);
    if (result.kind === "ignore") continue;
    if (result.kind === "skip") {
      firstProblem ??= `line ${lineNumber}: ${result.reason}`;
      reports.report({ file, line: lineNumber, reason: result.reason });
      continue;
    }
    const records = result.kind === "record" ? [result.record] : result.records;
    if (records.length === 0) continue;
    if (found === 0) reports.release();
    found += records.length;
    yield* records;
  }
  if (found === 0) {
    throw new NotAStreamError(
      file,
      lineNumber === 0
        ? "the file is empty"
        : `no line is a metric record${firstProblem ? ` (first problem: ${firstProblem})` : ""}`,
    );
  }
}
