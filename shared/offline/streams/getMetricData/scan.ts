/**
 * The tokenizer's side of the get-metric-data reader: the document is fed to stream-json block by
 * block and never held whole. Each query is assembled as it passes (queries are small); each
 * result's small fields are kept, and its Timestamps and Values go number by number to the spill
 * file (pointSpill.ts), with the reports of datapoints that are not numbers or timestamps.
 */
import { getManyValues, isMany, none } from "stream-chain/defs.js";
import { Assembler } from "stream-json/core/assembler.js";
import { jsonParser, type Token } from "stream-json/core/parser.js";
import { NotAStreamError, StreamFileError } from "../../../core/errors.js";
import { OUT_OF_RANGE, parseTimestamp, timestampOutOfRange } from "../record.js";
import { openText } from "../source.js";
import { BoundedTokens, MAX_VALUE_CHARS, TooLargeError } from "./boundedTokens.js";
import type { PointSpill, Segment } from "./pointSpill.js";

/**
 * The most queries, and results, a document may have. Each result is read back through its own
 * cursor (16 KiB of blocks) and, before the queries are known, held: a million `{}` would take
 * gigabytes. AWS answers at most 500 queries a call, and the CLI's pages repeat a result once per
 * page (at most 100,800 datapoints a page): a year of 500 one-minute series is about 3,000
 * results. A longer recording is several files, which are merged.
 */
export const MAX_ENTRIES = 10_000;

/** The reports of bad datapoints held per result; the rest are counted. */
export const HELD_POINTS = 100;

const NOT_A_DOCUMENT =
  "expected an object with MetricDataQueries and MetricDataResults (the get-metric-data output with the queries that name each series)";

/** What the scan keeps of one entry of MetricDataResults: its small fields and where its arrays went. */
export type ResultEntry = {
  index: number;
  path: string;
  head: Record<string, unknown>;
  /** A problem with the entry's shape (not an object, Timestamps not an array). */
  problem: [path: string, reason: string] | null;
  timestamps: Segment | null;
  values: Segment | null;
  /**
   * Datapoints that are not, held until the entry is resolved (the entry may not be used at all):
   * the first HELD_POINTS of them, and how many more.
   */
  points: [path: string, reason: string][];
  morePoints: number;
  /** The first and the last valid timestamp in array order: which way the array runs. */
  first: number;
  last: number;
};

/** Where the scan hands on what it finds, in document order. */
export type DocumentParts = {
  /** One entry of MetricDataQueries, assembled (not checked). */
  query(raw: unknown, path: string): void;
  /** The end of MetricDataQueries: every query is known. */
  queriesEnd(): void;
  /** One entry of MetricDataResults, at its end. */
  result(entry: ResultEntry): void;
};

/**
 * Reads the document once, handing its parts on as they pass; NotAStreamError when it is not JSON
 * or not an object with both MetricDataQueries and MetricDataResults.
 */
export async function scanDocument(file: string, spill: PointSpill, parts: DocumentParts): Promise<void> {
  const scanner = new DocumentScanner(file, spill, parts);
  await scanFile(file, scanner);
  if (!scanner.sawQueries || !scanner.sawResults) throw new NotAStreamError(file, NOT_A_DOCUMENT);
}

/** Feeds the file to the tokenizer block by block. */
async function scanFile(file: string, scanner: DocumentScanner): Promise<void> {
  // Keys, strings and numbers in pieces, packed within bounds (boundedTokens.ts): the tokenizer
  // itself would accumulate a value of any length.
  const tokenize = jsonParser({ packValues: false, streamValues: true });
  const bounded = new BoundedTokens();
  const feed = (out: ReturnType<typeof tokenize>) => {
    if (out === none) return;
    for (const token of isMany(out) ? getManyValues(out) : [out]) {
      const packed = bounded.pack(token as Token);
      if (packed !== null) scanner.consume(packed);
    }
  };
  let read = 0;
  let size = 0;
  try {
    for await (const chunk of await openText(file)) {
      // A byte-order mark is not part of the document.
      const text = read === 0 ? (chunk as string).replace(/^\uFEFF/, "") : (chunk as string);
      size = text.length;
      feed(tokenize(text));
      read += size;
      size = 0;
    }
    // `none` tells the tokenizer that the text has ended (stream-chain's flush).
    feed(tokenize(none as unknown as string));
  } catch (error) {
    if (error instanceof NotAStreamError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) {
      throw new StreamFileError(file, code === "ENOENT" ? "no such file" : (error as Error).message, {
        cause: error,
      });
    }
    const where = size > 0 ? ` (within characters ${read + 1}-${read + size})` : " (at its end)";
    if (error instanceof TooLargeError) throw new NotAStreamError(file, `${error.message}${where}`);
    throw new NotAStreamError(file, `not JSON: ${(error as Error).message}${where}`, { cause: error });
  }
}

type Frame =
  | { kind: "document"; key: string | null }
  | { kind: "queries"; next: number }
  | { kind: "results"; next: number }
  | { kind: "query"; assembler: Assembler; path: string; size: number }
  | { kind: "result"; entry: ResultEntry; key: string | null }
  | { kind: "points"; entry: ResultEntry; field: "Timestamps" | "Values"; segment: Segment; next: number }
  | { kind: "skip" };

/**
 * Walks the token stream with a stack of what each open object or array is, and hands on each
 * query, each result's small fields, and each datapoint (to the spill file) as it passes.
 */
class DocumentScanner {
  sawQueries = false;
  sawResults = false;
  private readonly stack: Frame[] = [];
  private started = false;

  constructor(
    private readonly file: string,
    private readonly spill: PointSpill,
    private readonly parts: DocumentParts,
  ) {}

  consume(token: Token): void {
    const top = this.stack.at(-1);
    if (top?.kind === "query") {
      // A query is held whole until it ends: it is bounded as one value is.
      top.size += 1 + ("value" in token && typeof token.value === "string" ? token.value.length : 0);
      if (top.size > MAX_VALUE_CHARS) {
        throw new TooLargeError(
          `${top.path}: a query longer than ${MAX_VALUE_CHARS / 1024 / 1024} Mi characters`,
        );
      }
      top.assembler.consume(token);
      if (top.assembler.done) {
        this.stack.pop();
        this.parts.query(top.assembler.current, top.path);
      }
      return;
    }
    switch (token.name) {
      case "keyValue":
        if (top !== undefined && "key" in top) top.key = token.value;
        return;
      case "endObject":
      case "endArray":
        this.stack.pop();
        if (top?.kind === "queries") this.parts.queriesEnd();
        else if (top?.kind === "result") this.parts.result(top.entry);
        return;
      case "startObject":
      case "startArray":
      case "stringValue":
      case "numberValue":
      case "nullValue":
      case "trueValue":
      case "falseValue":
        this.value(top, token);
        return;
      default:
        return;
    }
  }

  private value(parent: Frame | undefined, token: Token): void {
    const container = token.name === "startObject" || token.name === "startArray";
    const skip = () => {
      if (container) this.stack.push({ kind: "skip" });
    };
    if (parent === undefined) {
      if (this.started || token.name !== "startObject") throw new NotAStreamError(this.file, NOT_A_DOCUMENT);
      this.started = true;
      this.stack.push({ kind: "document", key: null });
      return;
    }
    switch (parent.kind) {
      case "document": {
        if (parent.key === "MetricDataQueries" && token.name === "startArray" && !this.sawQueries) {
          this.sawQueries = true;
          this.stack.push({ kind: "queries", next: 0 });
        } else if (parent.key === "MetricDataResults" && token.name === "startArray" && !this.sawResults) {
          this.sawResults = true;
          this.stack.push({ kind: "results", next: 0 });
        } else skip();
        return;
      }
      case "queries": {
        if (parent.next >= MAX_ENTRIES)
          throw new TooLargeError(`$.MetricDataQueries: more than ${MAX_ENTRIES} queries`);
        const path = `$.MetricDataQueries[${parent.next++}]`;
        if (!container) {
          this.parts.query(scalar(token), path);
          return;
        }
        const assembler = new Assembler();
        assembler.consume(token);
        this.stack.push({ kind: "query", assembler, path, size: 1 });
        return;
      }
      case "results": {
        if (parent.next >= MAX_ENTRIES)
          throw new TooLargeError(`$.MetricDataResults: more than ${MAX_ENTRIES} results`);
        const index = parent.next++;
        const entry: ResultEntry = {
          index,
          path: `$.MetricDataResults[${index}]`,
          head: {},
          problem: null,
          timestamps: null,
          values: null,
          points: [],
          morePoints: 0,
          first: Number.NaN,
          last: Number.NaN,
        };
        if (token.name === "startObject") {
          this.stack.push({ kind: "result", entry, key: null });
          return;
        }
        entry.problem = [entry.path, "not a result: expected an object"];
        skip();
        this.parts.result(entry);
        return;
      }
      case "result": {
        const { entry, key } = parent;
        if (key === "Timestamps" || key === "Values") {
          const field = key === "Timestamps" ? "timestamps" : "values";
          if (token.name === "startArray" && entry[field] === null) {
            const segment = this.spill.begin();
            entry[field] = segment;
            this.stack.push({ kind: "points", entry, field: key, segment, next: 0 });
            return;
          }
          entry.problem ??= [
            `${entry.path}.${key}`,
            entry[field] === null ? "not a result: expected an array" : `not a result: ${key} given twice`,
          ];
        } else if (key !== null) {
          entry.head[key] = container ? (token.name === "startObject" ? {} : []) : scalar(token);
        }
        skip();
        return;
      }
      case "points": {
        const { entry, field } = parent;
        const path = `${entry.path}.${field}[${parent.next++}]`;
        const n = field === "Timestamps" ? timestampOf(token) : numberOf(token);
        if (Number.isNaN(n) && entry.points.length >= HELD_POINTS) entry.morePoints++;
        else if (Number.isNaN(n)) {
          entry.points.push([
            path,
            `${describe(token)} ${field === "Values" ? "is not a number" : timestampOutOfRange(scalar(token)) ? OUT_OF_RANGE : "is not a timestamp"}`,
          ]);
        } else if (field === "Timestamps") {
          if (Number.isNaN(entry.first)) entry.first = n;
          entry.last = n;
        }
        this.spill.push(parent.segment, n);
        skip();
        return;
      }
      case "skip":
        skip();
        return;
      case "query":
        return;
    }
  }
}

function scalar(token: Token): unknown {
  switch (token.name) {
    case "stringValue":
      return token.value;
    case "numberValue":
      return Number(token.value);
    case "trueValue":
    case "falseValue":
    case "nullValue":
      return token.value;
    default:
      return undefined;
  }
}

function timestampOf(token: Token): number {
  const raw =
    token.name === "stringValue" ? token.value : token.name === "numberValue" ? Number(token.value) : null;
  return (raw === null ? null : parseTimestamp(raw)) ?? Number.NaN;
}

function numberOf(token: Token): number {
  const n = token.name === "numberValue" ? Number(token.value) : Number.NaN;
  return Number.isFinite(n) ? n : Number.NaN;
}

function describe(token: Token): string {
  switch (token.name) {
    case "stringValue":
      return `"${token.value}"`;
    case "numberValue":
      return token.value;
    case "startObject":
      return "an object";
    case "startArray":
      return "an array";
    default:
      return String(scalar(token));
  }
}
