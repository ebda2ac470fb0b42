/**
 * Reading a line format (Metric Streams JSON lines, the CSV) lazily: a file stream (gunzipped
 * where it is gzip, source.ts) split into lines, one line in memory at a time and never more than MAX_LINE_BYTES of it. Lines that are not records are reported through `onSkip`;
 * until the file's first record is found those reports are held back, so that a file that turns
 * out not to be a stream at all is rejected with one message rather than a line-by-line flood.
 */
import type { Readable } from "node:stream";
import { NotAStreamError, StreamFileError } from "../../core/errors.js";
import { echo } from "../../core/printable.js";
import { HeldReports } from "./heldReports.js";
import type { MetricRecord, OnSkip } from "./record.js";
import { BLOCK_BYTES, openText, readBlocks } from "./source.js";

/** What a line parser says about one line. */
export type LineResult =
  | { kind: "record"; record: MetricRecord }
  | { kind: "records"; records: MetricRecord[] }
  /** Blank lines, comments, a CSV header: not data, not reported. */
  | { kind: "ignore" }
  | { kind: "skip"; reason: string };

export type LineParser = (line: string, lineNumber: number) => LineResult;

/**
 * The longest line the readers take, in bytes: 1 MiB. A Metric Streams line is a few hundred
 * bytes and CloudWatch's largest (30 dimensions of a 255-character name and a 1,024-character
 * value, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html)
 * about 40 KB; a longer line is not a record, and is never held whole.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line longer than the bound: only its length is known (its bytes were passed over, not kept). */
export type OverlongLine = { overlong: true; bytes: number };

/** What a line reader yields: a line's text, or that a line was too long to be read. */
export type Line = string | OverlongLine;

const LF = 0x0a;
const CR = 0x0d;

/**
 * The lines of a file, split as node:readline splits them (`\n`, `\r\n` or a lone `\r`; no empty
 * line after a final break), decoded as UTF-8. A line longer than `maxBytes` is yielded as an
 * OverlongLine: its bytes are skipped up to the next break, so that at most `maxBytes` of one line
 * (and one block of the file, `blockBytes`) is ever in memory, whatever the file holds.
 */
export async function* readLines(
  file: string,
  maxBytes = MAX_LINE_BYTES,
  blockBytes = BLOCK_BYTES,
): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(file, maxBytes, blockBytes)) yield* batch;
}

/**
 * readLines' lines, in batches: those completed by each block read from the file. A long recording
 * is hundreds of thousands of lines: one step of the reader per block, not per line.
 */
export async function* readLineBatches(
  file: string,
  maxBytes = MAX_LINE_BYTES,
  blockBytes = BLOCK_BYTES,
): AsyncGenerator<Line[]> {
  let parts: Buffer[] = [];
  let bytes = 0;
  let pending = false;
  let afterCr = false;
  const take = (piece: Buffer) => {
    pending = true;
    if (bytes + piece.length <= maxBytes) parts.push(piece);
    else parts = [];
    bytes += piece.length;
  };
  const line = (): Line => {
    const done: Line =
      bytes > maxBytes
        ? { overlong: true, bytes }
        : parts.length === 1
          ? (parts[0] as Buffer).toString("utf8")
          : Buffer.concat(parts, bytes).toString("utf8");
    parts = [];
    bytes = 0;
    pending = false;
    return done;
  };
  try {
    for await (const chunk of readBlocks(file, blockBytes)) {
      const batch: Line[] = [];
      let start = afterCr && chunk[0] === LF ? 1 : 0;
      afterCr = false;
      // The next of each break character, looked up again only once passed.
      let lf = chunk.indexOf(LF, start);
      let cr = chunk.indexOf(CR, start);
      while (lf !== -1 || cr !== -1) {
        if (cr === -1 && !pending) {
          // The rest of the block's complete lines end in `\n` alone and none can be over the bound:
          // decoded as one text and split, one decoding per block rather than one per line.
          const last = chunk.lastIndexOf(LF);
          if (last - start <= maxBytes) {
            for (const text of chunk.toString("utf8", start, last).split("\n")) batch.push(text);
            start = last + 1;
            break;
          }
        }
        const at = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
        take(chunk.subarray(start, at));
        batch.push(line());
        start = at + 1;
        if (at === cr) {
          if (chunk[start] === LF) start++;
          else if (start === chunk.length) afterCr = true;
        }
        if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
        if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      }
      if (start < chunk.length) take(chunk.subarray(start));
      if (batch.length > 0) yield batch;
    }
    if (pending) yield [line()];
  } catch (error) {
    throw fileError(file, error);
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

/**
 * The records of a line file, line by line (each line parsed as the reader reaches it: `evaluate`
 * prints as it reads); throws NotAStreamError at its end if no line was a record.
 */
export async function* recordsFromLines(
  file: string,
  parse: LineParser,
  onSkip: OnSkip,
  lines: AsyncIterable<Line> = readLines(file),
): AsyncGenerator<MetricRecord> {
  const reader = new LineRecords(file, parse, onSkip);
  const out: MetricRecord[] = [];
  for await (const raw of lines) {
    reader.add(raw, out);
    for (const record of out) yield record;
    out.length = 0;
  }
  reader.end();
}

/**
 * recordsFromLines' records, in batches: those of each batch of lines that holds any (replay reads
 * a month so, with one step per block of the file); throws NotAStreamError at the file's end if no
 * line was a record.
 */
export async function* recordBatchesFromLines(
  file: string,
  parse: LineParser,
  onSkip: OnSkip,
  batches: AsyncIterable<readonly Line[]> = readLineBatches(file),
): AsyncGenerator<MetricRecord[]> {
  const reader = new LineRecords(file, parse, onSkip);
  for await (const lines of batches) {
    const out: MetricRecord[] = [];
    for (const raw of lines) reader.add(raw, out);
    if (out.length > 0) yield out;
  }
  reader.end();
}

/**
 * A line file's lines turned into records, in order: lines that are not records reported (held
 * back until the first record is found), and at the end, a file without any record refused.
 */
class LineRecords {
  private found = false;
  private readonly reports: HeldReports;
  private lineNumber = 0;
  private firstProblem: string | null = null;

  constructor(
    private readonly file: string,
    private readonly parse: LineParser,
    onSkip: OnSkip,
  ) {
    this.reports = new HeldReports(onSkip);
  }

  /** Reads the next line: its records appended to `out`, or its problem reported. */
  add(raw: Line, out: MetricRecord[]): void {
    const file = this.file;
    const lineNumber = ++this.lineNumber;
    if (typeof raw !== "string") {
      const reason = `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (${raw.bytes} bytes): not read`;
      this.firstProblem ??= `line ${lineNumber}: ${reason}`;
      this.reports.report({ file, line: lineNumber, reason });
      return;
    }
    // A byte-order mark from spreadsheet exports is not part of the first line's text.
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    const result = this.parse(line, lineNumber);
    if (result.kind === "ignore") return;
    if (result.kind === "skip") {
      this.firstProblem ??= `line ${lineNumber}: ${echo(result.reason)}`;
      this.reports.report({ file, line: lineNumber, reason: result.reason });
      return;
    }
    if (result.kind === "records" && result.records.length === 0) return;
    if (!this.found) this.reports.release();
    this.found = true;
    if (result.kind === "record") out.push(result.record);
    else for (const record of result.records) out.push(record);
  }

  /** The end of the file: NotAStreamError if no line was a record. */
  end(): void {
    if (this.found) return;
    throw new NotAStreamError(
      this.file,
      this.lineNumber === 0
        ? "the file is empty"
        : `no line is a metric record${this.firstProblem ? ` (first problem: ${this.firstProblem})` : ""}`,
    );
  }
}
