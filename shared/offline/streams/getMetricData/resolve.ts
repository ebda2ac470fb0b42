/**
 * The results matched to their queries: the queries are checked once all are known, each result
 * is matched to its query as soon as both are known, and the results of one metric are gathered
 * into one series. What cannot be used is reported, in document order.
 */
import { z } from "zod";
import { NotAStreamError } from "../../../core/errors.js";
import { issuesAt } from "../../../core/problems.js";
import { HeldReports } from "../heldReports.js";
import { dimensionsFromList, type OnSkip, type SkippedInput } from "../record.js";
import type { Cursor, Series } from "./merge.js";
import type { PointSpill, Segment } from "./pointSpill.js";
import type { DocumentParts, ResultEntry } from "./scan.js";

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

type Query = z.infer<typeof QuerySchema>;
type Match = {
  query: Query;
  stat: NonNullable<Query["MetricStat"]>;
  timestamps: Segment;
  values: Segment;
};

/**
 * Turns what the scan found into cursors: checks the queries, matches each result to its query
 * (as soon as the queries are known, so a result's datapoint problems are held no longer than
 * the result), and reports what cannot be used, in document order. As for the line formats,
 * reports are held until the first datapoint is found, so that a file that is not a stream is
 * rejected with one message.
 */
export class Resolver implements DocumentParts {
  private readonly rawQueries: { raw: unknown; path: string }[] = [];
  private queries: Map<string, { query: Query; path: string }> | null = null;
  private readonly pending: ResultEntry[] = [];
  private readonly series = new Map<string, Series>();
  private readonly cursors: Cursor[] = [];
  private readonly reports: HeldReports;
  private firstProblem: SkippedInput | null = null;

  constructor(
    private readonly file: string,
    onSkip: OnSkip,
    private readonly spill: PointSpill,
  ) {
    this.reports = new HeldReports(onSkip);
  }

  query(raw: unknown, path: string): void {
    this.rawQueries.push({ raw, path });
  }

  queriesEnd(): void {
    const queries = new Map<string, { query: Query; path: string }>();
    for (const { raw, path } of this.rawQueries) {
      const q = QuerySchema.safeParse(raw);
      if (!q.success)
        this.report(path, `not a query: ${issuesAt(q.error.issues, [])[0]?.issue.message ?? "invalid"}`);
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
      const first = issuesAt(head.error.issues, [])[0];
      return [
        `${path}${first?.path.length ? `.${first.path.join(".")}` : ""}`,
        `not a result: ${first?.issue.message}`,
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
    const usable = !this.reports.holding || hasDatapoint(timestamps.count, timestampAt, valueAt);
    if (usable) this.reports.release();
    for (const [p, reason] of entry.points) this.report(p, reason);
    if (entry.morePoints > 0) {
      this.report(entry.path, `and ${entry.morePoints} more datapoints that are not numbers or timestamps`);
    }
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
    this.reports.report(skipped);
  }
}

function hasDatapoint(count: number, timestampAt: (i: number) => number, valueAt: (i: number) => number) {
  for (let i = 0; i < count; i++) if (!Number.isNaN(timestampAt(i)) && !Number.isNaN(valueAt(i))) return true;
  return false;
}
