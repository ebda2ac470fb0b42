/**
 * What `aws cloudwatch get-metric-data` prints, in one file together with the queries that name
 * each series (the output alone has only Ids and Labels):
 *
 *   { "MetricDataQueries": [ { "Id": "cpu", "MetricStat": { "Metric": { "Namespace": "AWS/RDS",
 *         "MetricName": "CPUUtilization", "Dimensions": [{ "Name": "Role", "Value": "READER" }] },
 *         "Period": 60, "Stat": "Average", "Unit": "Percent" } } ],
 *     "MetricDataResults": [ { "Id": "cpu", "Label": "CPUUtilization", "StatusCode": "Complete",
 *         "Timestamps": ["2026-11-23T19:00:00+00:00"], "Values": [72.0] } ],
 *     "Messages": [] }
 *
 * i.e. the `--metric-data-queries` input and the command's output merged into one object (or the
 * output with a `MetricDataQueries` key added). https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 *
 * The document is read once with a streaming JSON tokenizer (stream-json), never whole: the
 * queries, which are small, are assembled one by one; the Timestamps and Values of each result go
 * straight to a temporary file (pointSpill.ts). The series are then merged in time order, one
 * cursor per result walking its arrays on disk: backwards for results in AWS's default
 * `TimestampDescending` order (ScanBy), forwards for `TimestampAscending`. Results of several
 * queries on the same metric (Average and SampleCount, say) are combined into one record per
 * timestamp, within the reorder window, so that datapoints slightly out of order are still
 * combined and placed. Expression queries are the user's own math, not data: they are reported
 * and left out (the alarm's expression is evaluated from the metrics).
 */
import { createReadStream } from "node:fs";
import { getManyValues, isMany, none } from "stream-chain/defs.js";
import { Assembler } from "stream-json/core/assembler.js";
import { jsonParser, type Token } from "stream-json/core/parser.js";
import { z } from "zod";
import { NotAStreamError, StreamFileError } from "../../core/errors.js";
import { PointSpill, type Segment } from "./pointSpill.js";
import {
  type Dimensions,
  dimensionsFromList,
  type MetricRecord,
  type OnSkip,
  parseTimestamp,
  type SkippedInput,
  type Statistics,
} from "./record.js";
import { DEFAULT_REORDER_WINDOW_MS, lateReport, MinHeap } from "./reorder.js";

const QuerySchema = z.object({
  Id: z.string().min(1),
  MetricStat: z
    .object({
      Metric: z.object({
        Namespace: z.string().min(1),
        MetricName: z.string().min(1),
        Dimensions: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
      }),
      Period: z.number().int().positive(),
      Stat: z.string().min(1),
      Unit: z.string().optional(),
    })
    .optional(),
  Expression: z.string().optional(),
  AccountId: z.string().optional(),
});

/** The small fields of a result; its Timestamps and Values are read apart, datapoint by datapoint. */
const ResultHeadSchema = z.object({
  Id: z.string().min(1),
  Label: z.string().optional(),
  StatusCode: z.string().optional(),
});

const NOT_A_DOCUMENT =
  "expected an object with MetricDataQueries and MetricDataResults (the get-metric-data output with the queries that name each series)";

/** The statistics a GetMetricData Stat fills in; other Stats are carried as extended statistics. */
const STAT_FIELDS: Record<string, "sampleCount" | "sum" | "minimum" | "maximum" | "average"> = {
  SampleCount: "sampleCount",
  Sum: "sum",
  Minimum: "minimum",
  Maximum: "maximum",
  Average: "average",
};

type Query = z.infer<typeof QuerySchema>;
type Match = {
  query: Query;
  stat: NonNullable<Query["MetricStat"]>;
  timestamps: Segment;
  values: Segment;
};

/** What the scan keeps of one entry of MetricDataResults: its small fields and where its arrays went. */
type ResultEntry = {
  index: number;
  path: string;
  head: Record<string, unknown>;
  /** A problem with the entry's shape (not an object, Timestamps not an array). */
  problem: [path: string, reason: string] | null;
  timestamps: Segment | null;
  values: Segment | null;
  /** Datapoints that are not, held until the entry is resolved (the entry may not be used at all). */
  points: [path: string, reason: string][];
  /** The first and the last valid timestamp in array order: which way the array runs. */
  first: number;
  last: number;
};

/** One metric: the queries on it with the same Period (and Unit, where two name one) make one series of records. */
type Series = {
  rank: number;
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
  unit: string | null;
  account: string | null;
};

/** One result being walked in time order. */
type Cursor = {
  series: Series;
  entry: ResultEntry;
  stat: string;
  timestampAt: (i: number) => number;
  valueAt: (i: number) => number;
  next: number;
  step: 1 | -1;
};

export async function* readGetMetricData(
  file: string,
  onSkip: OnSkip,
  windowMs: number = DEFAULT_REORDER_WINDOW_MS,
): AsyncGenerator<MetricRecord> {
  const spill = new PointSpill();
  try {
    const resolver = new Resolver(file, onSkip, spill);
    const scanner = new DocumentScanner(file, spill, resolver);
    await scanFile(file, scanner);
    if (!scanner.sawQueries || !scanner.sawResults) throw new NotAStreamError(file, NOT_A_DOCUMENT);
    yield* mergeCursors(file, resolver.finish(), windowMs, onSkip);
  } finally {
    spill.close();
  }
}

/** Feeds the file to the tokenizer block by block. */
async function scanFile(file: string, scanner: DocumentScanner): Promise<void> {
  const tokenize = jsonParser({ packValues: true, streamValues: false });
  const feed = (out: ReturnType<typeof tokenize>) => {
    if (out === none) return;
    for (const token of isMany(out) ? getManyValues(out) : [out]) scanner.consume(token as Token);
  };
  let read = 0;
  let size = 0;
  try {
    for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 64 * 1024 })) {
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
    throw new NotAStreamError(file, `not JSON: ${(error as Error).message}${where}`, { cause: error });
  }
}

type Frame =
  | { kind: "document"; key: string | null }
  | { kind: "queries"; next: number }
  | { kind: "results"; next: number }
  | { kind: "query"; assembler: Assembler; path: string }
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
    private readonly resolver: Resolver,
  ) {}

  consume(token: Token): void {
    const top = this.stack.at(-1);
    if (top?.kind === "query") {
      top.assembler.consume(token);
      if (top.assembler.done) {
        this.stack.pop();
        this.resolver.query(top.assembler.current, top.path);
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
        if (top?.kind === "queries") this.resolver.queriesEnd();
        else if (top?.kind === "result") this.resolver.result(top.entry);
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
        const path = `$.MetricDataQueries[${parent.next++}]`;
        if (!container) {
          this.resolver.query(scalar(token), path);
          return;
        }
        const assembler = new Assembler();
        assembler.consume(token);
        this.stack.push({ kind: "query", assembler, path });
        return;
      }
      case "results": {
        const index = parent.next++;
        const entry: ResultEntry = {
          index,
          path: `$.MetricDataResults[${index}]`,
          head: {},
          problem: null,
          timestamps: null,
          values: null,
          points: [],
          first: Number.NaN,
          last: Number.NaN,
        };
        if (token.name === "startObject") {
          this.stack.push({ kind: "result", entry, key: null });
          return;
        }
        entry.problem = [entry.path, "not a result: expected an object"];
        skip();
        this.resolver.result(entry);
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
        if (Number.isNaN(n)) {
          entry.points.push([
            path,
            `${describe(token)} is not ${field === "Timestamps" ? "a timestamp" : "a number"}`,
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

/**
 * Turns what the scan found into cursors: checks the queries, matches each result to its query
 * (as soon as the queries are known, so a result's datapoint problems are held no longer than
 * the result), and reports what cannot be used, in document order. As for the line formats,
 * reports are held until the first datapoint is found, so that a file that is not a stream is
 * rejected with one message.
 */
class Resolver {
  private readonly rawQueries: { raw: unknown; path: string }[] = [];
  private queries: Map<string, { query: Query; path: string }> | null = null;
  private readonly pending: ResultEntry[] = [];
  private readonly series = new Map<string, Series>();
  private readonly cursors: Cursor[] = [];
  private held: SkippedInput[] | null = [];
  private firstProblem: SkippedInput | null = null;

  constructor(
    private readonly file: string,
    private readonly onSkip: OnSkip,
    private readonly spill: PointSpill,
  ) {}

  query(raw: unknown, path: string): void {
    this.rawQueries.push({ raw, path });
  }

  queriesEnd(): void {
    const queries = new Map<string, { query: Query; path: string }>();
    for (const { raw, path } of this.rawQueries) {
      const q = QuerySchema.safeParse(raw);
      if (!q.success) this.report(path, `not a query: ${q.error.issues[0]?.message ?? "invalid"}`);
      else if (queries.has(q.data.Id)) this.report(`${path}.Id`, `Id "${q.data.Id}" is used twice`);
      else queries.set(q.data.Id, { query: q.data, path });
    }
    this.rawQueries.length = 0;
    this.queries = queries;
    for (const entry of this.pending.splice(0)) this.resolve(entry);
  }

  result(entry: ResultEntry): void {
    if (this.queries === null) this.pending.push(entry);
    else this.resolve(entry);
  }

  /** The cursors, once the whole document has been read; NotAStreamError when there is no datapoint. */
  finish(): Cursor[] {
    if (this.cursors.length === 0) {
      const first = this.firstProblem;
      throw new NotAStreamError(
        this.file,
        `no datapoint in MetricDataResults${first ? ` (first problem: ${first.path}: ${first.reason})` : ""}`,
      );
    }
    return this.cursors;
  }

  /** The query and the arrays of a result, or why it cannot be used (checked in this order). */
  private match(entry: ResultEntry): Match | [path: string, reason: string] {
    const { path } = entry;
    if (entry.problem) return entry.problem;
    const head = ResultHeadSchema.safeParse(entry.head);
    if (!head.success) {
      const issue = head.error.issues[0];
      return [
        `${path}${issue?.path.length ? `.${issue.path.join(".")}` : ""}`,
        `not a result: ${issue?.message}`,
      ];
    }
    const { timestamps, values } = entry;
    if (timestamps === null || values === null) {
      return [`${path}.${timestamps === null ? "Timestamps" : "Values"}`, "not a result: missing"];
    }
    const id = head.data.Id;
    const found = this.queries?.get(id);
    if (!found) return [`${path}.Id`, `no query in MetricDataQueries has Id "${id}"`];
    const stat = found.query.MetricStat;
    if (!stat) {
      return [
        path,
        `"${id}" is an expression, not a metric: expressions are evaluated from the metrics, not read`,
      ];
    }
    if (timestamps.count !== values.count) {
      return [path, `${timestamps.count} Timestamps but ${values.count} Values`];
    }
    return { query: found.query, stat, timestamps, values };
  }

  private resolve(entry: ResultEntry): void {
    const match = this.match(entry);
    if (Array.isArray(match)) {
      this.report(...match);
      return;
    }
    const { query, stat, timestamps, values } = match;
    const timestampAt = this.spill.reader(timestamps);
    const valueAt = this.spill.reader(values);
    const usable = this.held === null || hasDatapoint(timestamps.count, timestampAt, valueAt);
    if (usable) this.release();
    for (const [p, reason] of entry.points) this.report(p, reason);
    entry.points = [];
    if (!usable) return;

    const dimensions = dimensionsFromList(stat.Metric.Dimensions);
    const unit = stat.Unit ?? null;
    // A query without Unit returns the metric in every unit it has, so it joins the queries of the
    // same metric and period that name one (Average with Unit Percent, SampleCount without):
    // one series, whose unit is the one named. Queries naming two different units stay apart.
    const metricKey = JSON.stringify([
      stat.Metric.Namespace,
      stat.Metric.MetricName,
      dimensions,
      stat.Period,
    ]);
    const known = this.series.get(metricKey);
    const apart = known !== undefined && unit !== null && known.unit !== null && known.unit !== unit;
    const key = apart ? JSON.stringify([metricKey, unit]) : metricKey;
    let series = this.series.get(key);
    if (series && series.unit === null && unit !== null) series.unit = unit;
    if (!series) {
      series = {
        rank: this.series.size,
        namespace: stat.Metric.Namespace,
        metricName: stat.Metric.MetricName,
        dimensions,
        unit,
        account: query.AccountId ?? null,
      };
      this.series.set(key, series);
    }
    // AWS returns newest first unless ScanBy is TimestampAscending; walk each result oldest first.
    const descending = entry.last < entry.first;
    this.cursors.push({
      series,
      entry,
      stat: stat.Stat,
      timestampAt,
      valueAt,
      next: descending ? timestamps.count - 1 : 0,
      step: descending ? -1 : 1,
    });
  }

  private report(path: string, reason: string): void {
    const skipped = { file: this.file, path, reason };
    this.firstProblem ??= skipped;
    if (this.held === null) this.onSkip(skipped);
    else this.held.push(skipped);
    if (this.held !== null && this.held.length >= HOLD_LIMIT) this.release();
  }

  private release(): void {
    for (const s of this.held ?? []) this.onSkip(s);
    this.held = null;
  }
}

/** Held reports before the first datapoint; beyond this they are released anyway (as lines.ts does). */
const HOLD_LIMIT = 1000;

function hasDatapoint(count: number, timestampAt: (i: number) => number, valueAt: (i: number) => number) {
  for (let i = 0; i < count; i++) if (!Number.isNaN(timestampAt(i)) && !Number.isNaN(valueAt(i))) return true;
  return false;
}

type Head = { at: number; value: number; index: number; cursor: Cursor };

/** The cursor's next usable datapoint, or null at the end of its arrays. */
function advance(cursor: Cursor): Head | null {
  const count = cursor.entry.timestamps?.count ?? 0;
  while (cursor.next >= 0 && cursor.next < count) {
    const index = cursor.next;
    cursor.next += cursor.step;
    const at = cursor.timestampAt(index);
    const value = cursor.valueAt(index);
    if (!Number.isNaN(at) && !Number.isNaN(value)) return { at, value, index, cursor };
  }
  return null;
}

/**
 * A k-way merge of the cursors (one datapoint per result held), then the datapoints of one
 * series and time combined into one record, which is released once the merge has moved more than
 * the reorder window past it: a datapoint of it may still come until then. This is the reorder
 * buffer of this format (reorder.ts for the others): a datapoint older than a record already
 * released came more than the window late, and is reported and dropped.
 */
function* mergeCursors(
  file: string,
  cursors: Cursor[],
  windowMs: number,
  onLate: OnSkip,
): Generator<MetricRecord> {
  const heads = new MinHeap<Head>(
    (a, b) => a.at < b.at || (a.at === b.at && a.cursor.entry.index < b.cursor.entry.index),
  );
  for (const cursor of cursors) {
    const head = advance(cursor);
    if (head) heads.push(head);
  }
  type Pending = { record: MetricRecord; key: string; rank: number };
  const pending = new Map<string, Pending>();
  const ready = new MinHeap<Pending>(
    (a, b) =>
      a.record.timestamp < b.record.timestamp ||
      (a.record.timestamp === b.record.timestamp && a.rank < b.rank),
  );
  let newest = Number.NEGATIVE_INFINITY;
  let released = Number.NEGATIVE_INFINITY;
  while (heads.size > 0) {
    const head = heads.pop() as Head;
    const { cursor } = head;
    const following = advance(cursor);
    if (following) heads.push(following);
    if (head.at < released) {
      onLate(
        lateReport({ file, path: `${cursor.entry.path}.Values[${head.index}]` }, head.at, newest, windowMs),
      );
      continue;
    }
    newest = Math.max(newest, head.at);
    const key = `${cursor.series.rank}:${head.at}`;
    let entry = pending.get(key);
    if (!entry) {
      const s = cursor.series;
      entry = {
        key,
        rank: s.rank,
        record: {
          namespace: s.namespace,
          metricName: s.metricName,
          dimensions: s.dimensions,
          timestamp: head.at,
          stats: {},
          unit: s.unit,
          account: s.account,
          region: null,
          source: { file, path: `${cursor.entry.path}.Values[${head.index}]` },
        },
      };
      pending.set(key, entry);
      ready.push(entry);
    }
    addStatistic(entry.record.stats, cursor.stat, head.value);
    while (ready.size > 0 && (ready.peek() as Pending).record.timestamp < newest - windowMs) {
      const done = ready.pop() as Pending;
      pending.delete(done.key);
      released = done.record.timestamp;
      yield done.record;
    }
  }
  while (ready.size > 0) yield (ready.pop() as Pending).record;
}

function addStatistic(stats: Statistics, stat: string, value: number): void {
  const field = STAT_FIELDS[stat];
  if (field) stats[field] = value;
  // Extended statistics by their lowercase name (p99), as Metric Streams and the CSV give them.
  else stats.extended = { ...stats.extended, [/^p\d/i.test(stat) ? stat.toLowerCase() : stat]: value };
}
