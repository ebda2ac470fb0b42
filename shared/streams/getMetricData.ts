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
 * The format is one JSON document, so the file is read whole; the records are then built and
 * released lazily in time order, one timestamp at a time. Results of several queries on the same
 * metric (Average and SampleCount, say) are merged into one record per timestamp. Expression
 * queries are the user's own math, not data: they are reported and left out (the alarm's
 * expression is evaluated from the metrics).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { NotAStreamError, StreamFileError } from "./errors.js";
import {
  dimensionsFromList,
  type MetricRecord,
  type OnSkip,
  parseTimestamp,
  type Statistics,
} from "./record.js";
import { MinHeap } from "./reorder.js";

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

const ResultSchema = z.object({
  Id: z.string().min(1),
  Label: z.string().optional(),
  Timestamps: z.array(z.union([z.string(), z.number()])),
  Values: z.array(z.number()),
  StatusCode: z.string().optional(),
});

const DocumentSchema = z.object({
  MetricDataQueries: z.array(z.unknown()),
  MetricDataResults: z.array(z.unknown()),
});

/** The statistics a GetMetricData Stat fills in; other Stats are carried as extended statistics. */
const STAT_FIELDS: Record<string, "sampleCount" | "sum" | "minimum" | "maximum" | "average"> = {
  SampleCount: "sampleCount",
  Sum: "sum",
  Minimum: "minimum",
  Maximum: "maximum",
  Average: "average",
};

type Series = {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  unit: string | null;
  account: string | null;
  byTime: Map<number, { stats: Statistics; path: string }>;
};

export async function* readGetMetricData(file: string, onSkip: OnSkip): AsyncGenerator<MetricRecord> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StreamFileError(file, code === "ENOENT" ? "no such file" : (error as Error).message, {
      cause: error,
    });
  }
  yield* recordsFromGetMetricData(file, text.replace(/^\uFEFF/, ""), onSkip);
}

export function* recordsFromGetMetricData(
  file: string,
  text: string,
  onSkip: OnSkip,
): Generator<MetricRecord> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotAStreamError(file, `not JSON: ${(error as Error).message}`, { cause: error });
  }
  const doc = DocumentSchema.safeParse(json);
  if (!doc.success) {
    throw new NotAStreamError(
      file,
      "expected an object with MetricDataQueries and MetricDataResults (the get-metric-data output with the queries that name each series)",
    );
  }
  const skip = (path: string, reason: string) => onSkip({ file, path, reason });
  const skipped: [string, string][] = [];
  const later = (path: string, reason: string) => skipped.push([path, reason]);

  const queries = new Map<string, { query: z.infer<typeof QuerySchema>; path: string }>();
  for (const [i, raw] of doc.data.MetricDataQueries.entries()) {
    const path = `$.MetricDataQueries[${i}]`;
    const q = QuerySchema.safeParse(raw);
    if (!q.success) later(path, `not a query: ${q.error.issues[0]?.message ?? "invalid"}`);
    else if (queries.has(q.data.Id)) later(`${path}.Id`, `Id "${q.data.Id}" is used twice`);
    else queries.set(q.data.Id, { query: q.data, path });
  }

  const series = new Map<string, Series>();
  for (const [i, raw] of doc.data.MetricDataResults.entries()) {
    const path = `$.MetricDataResults[${i}]`;
    const r = ResultSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      later(
        `${path}${issue?.path.length ? `.${issue.path.join(".")}` : ""}`,
        `not a result: ${issue?.message}`,
      );
      continue;
    }
    const found = queries.get(r.data.Id);
    if (!found) {
      later(`${path}.Id`, `no query in MetricDataQueries has Id "${r.data.Id}"`);
      continue;
    }
    const stat = found.query.MetricStat;
    if (!stat) {
      later(
        path,
        `"${r.data.Id}" is an expression, not a metric: expressions are evaluated from the metrics, not read`,
      );
      continue;
    }
    if (r.data.Timestamps.length !== r.data.Values.length) {
      later(path, `${r.data.Timestamps.length} Timestamps but ${r.data.Values.length} Values`);
      continue;
    }
    const dimensions = dimensionsFromList(stat.Metric.Dimensions);
    const unit = stat.Unit ?? null;
    const key = JSON.stringify([
      stat.Metric.Namespace,
      stat.Metric.MetricName,
      dimensions,
      unit,
      stat.Period,
    ]);
    let s = series.get(key);
    if (!s) {
      s = {
        namespace: stat.Metric.Namespace,
        metricName: stat.Metric.MetricName,
        dimensions,
        unit,
        account: found.query.AccountId ?? null,
        byTime: new Map(),
      };
      series.set(key, s);
    }
    const field = STAT_FIELDS[stat.Stat];
    for (const [j, t] of r.data.Timestamps.entries()) {
      const at = parseTimestamp(t);
      const value = r.data.Values[j] as number;
      if (at === null) {
        later(`${path}.Timestamps[${j}]`, `"${t}" is not a timestamp`);
        continue;
      }
      const entry = s.byTime.get(at) ?? { stats: {}, path: `${path}.Values[${j}]` };
      if (field) entry.stats[field] = value;
      // Extended statistics by their lowercase name (p99), as Metric Streams and the CSV give them.
      else
        entry.stats.extended = {
          ...entry.stats.extended,
          [/^p\d/i.test(stat.Stat) ? stat.Stat.toLowerCase() : stat.Stat]: value,
        };
      s.byTime.set(at, entry);
    }
  }

  const heap = new MinHeap<{ at: number; s: Series }>((a, b) => a.at < b.at);
  const times = [...series.values()].map((s) => [...s.byTime.keys()].sort((a, b) => a - b));
  const next = new Map<Series, { times: number[]; i: number }>();
  [...series.values()].forEach((s, i) => {
    const t = times[i] as number[];
    next.set(s, { times: t, i: 0 });
    if (t.length > 0) heap.push({ at: t[0] as number, s });
  });
  if (heap.size === 0) {
    const first = skipped[0];
    throw new NotAStreamError(
      file,
      `no datapoint in MetricDataResults${first ? ` (first problem: ${first[0]}: ${first[1]})` : ""}`,
    );
  }
  for (const [path, reason] of skipped) skip(path, reason);
  while (heap.size > 0) {
    const { at, s } = heap.pop() as { at: number; s: Series };
    const cursor = next.get(s) as { times: number[]; i: number };
    const entry = s.byTime.get(at) as { stats: Statistics; path: string };
    yield {
      namespace: s.namespace,
      metricName: s.metricName,
      dimensions: s.dimensions,
      timestamp: at,
      stats: entry.stats,
      unit: s.unit,
      account: s.account,
      region: null,
      source: { file, path: entry.path },
    };
    cursor.i++;
    const t = cursor.times[cursor.i];
    if (t !== undefined) heap.push({ at: t, s });
  }
}
