/**
 * The metrics port on CloudWatch: GetMetricData, batched. Per the API
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html):
 * - one request carries at most 500 MetricDataQuery structures: a larger batch is split, keeping a
 *   metric-math expression in the same request as the queries it references;
 * - ids are unique in the request and start with a lowercase letter (checked before any call);
 * - StartTime and EndTime on whole minutes (CloudWatch rounds a recent StartTime down to the
 *   minute anyway, and periods aligned to the request answer faster);
 * - ScanBy TimestampAscending, so that pages (NextToken) come oldest first.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery as SdkMetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { TARGET_TRACKING_PERIOD_SECONDS } from "../brain/metricQueries.js";
import type { MetricRequest, MetricSource, MetricValues } from "../brain/ports/metrics.js";
import type { MetricDataQuery } from "../core/config/schema.js";

/** GetMetricData's limit on MetricDataQuery structures per request. */
const MAX_QUERIES_PER_REQUEST = 500;

const ID = /^[a-z][a-zA-Z0-9_]*$/;

export class CloudWatchMetricSource implements MetricSource {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly maxQueriesPerRequest = MAX_QUERIES_PER_REQUEST,
  ) {}

  async read(request: MetricRequest): Promise<MetricValues> {
    const { queries } = request;
    checkIds(queries);
    const start = new Date(Math.floor(request.start.getTime() / 60_000) * 60_000);
    const end = new Date(Math.floor(request.end.getTime() / 60_000) * 60_000);
    const values = new Map<string, (number | null)[]>();
    if (queries.length === 0 || end <= start) return values;

    const periods = new Map(queries.map((q) => [q.Id, periodOf(q, queries)]));
    for (const chunk of requests(queries, this.maxQueriesPerRequest)) {
      const points = new Map<string, Map<number, number>>();
      let nextToken: string | undefined;
      do {
        const out = await this.cloudWatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: chunk.map(toSdk),
            StartTime: start,
            EndTime: end,
            ScanBy: "TimestampAscending",
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const result of out.MetricDataResults ?? []) {
          if (result.Id === undefined) continue;
          const byTime = points.get(result.Id) ?? new Map<number, number>();
          points.set(result.Id, byTime);
          const timestamps = result.Timestamps ?? [];
          const vals = result.Values ?? [];
          timestamps.forEach((t, i) => {
            const v = vals[i];
            if (v !== undefined && Number.isFinite(v)) byTime.set(new Date(t).getTime(), v);
          });
        }
        nextToken = out.NextToken;
      } while (nextToken);

      for (const q of chunk) {
        if (q.ReturnData === false) continue;
        const period = (periods.get(q.Id) ?? TARGET_TRACKING_PERIOD_SECONDS) * 1000;
        const slots = Math.floor((end.getTime() - start.getTime()) / period);
        const series: (number | null)[] = Array.from({ length: slots }, () => null);
        for (const [t, v] of points.get(q.Id) ?? []) {
          const slot = Math.floor((t - start.getTime()) / period);
          if (slot >= 0 && slot < slots) series[slot] = v;
        }
        values.set(q.Id, series);
      }
    }
    return values;
  }
}

function checkIds(queries: readonly MetricDataQuery[]): void {
  const seen = new Set<string>();
  for (const q of queries) {
    if (!ID.test(q.Id))
      throw new RangeError(`GetMetricData: the query id "${q.Id}" must start with a lowercase letter`);
    if (seen.has(q.Id))
      throw new RangeError(`GetMetricData: the query id "${q.Id}" is not unique in the batch`);
    seen.add(q.Id);
  }
}

/** The config's MetricDataQuery is CloudWatch's; only Unit is typed more loosely (a string). */
const toSdk = (q: MetricDataQuery): SdkMetricDataQuery => q as SdkMetricDataQuery;

/** The ids an expression references, among those of the batch. */
function references(q: MetricDataQuery, ids: ReadonlySet<string>): string[] {
  if (q.Expression === undefined) return [];
  const unquoted = q.Expression.split(/'[^']*'|"[^"]*"/).join(" ");
  return (unquoted.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []).filter((w) => ids.has(w) && w !== q.Id);
}

/** A query's period: its own, or that of what its expression references. */
function periodOf(q: MetricDataQuery, all: readonly MetricDataQuery[]): number {
  const own = q.MetricStat?.Period ?? q.Period;
  if (own !== undefined) return own;
  const ids = new Set(all.map((x) => x.Id));
  const referenced = references(q, ids).map((id) => all.find((x) => x.Id === id));
  const periods = referenced.flatMap((r) => (r?.MetricStat ? [r.MetricStat.Period] : []));
  return periods.length ? Math.max(...periods) : TARGET_TRACKING_PERIOD_SECONDS;
}

/**
 * The batch in requests of at most `max` queries, each expression with what it references (the
 * groups are connected components of the references), in the batch's order.
 */
export function requests(queries: readonly MetricDataQuery[], max: number): MetricDataQuery[][] {
  const ids = new Set(queries.map((q) => q.Id));
  const parent = new Map(queries.map((q) => [q.Id, q.Id]));
  const find = (id: string): string => {
    const p = parent.get(id) ?? id;
    if (p === id) return id;
    const root = find(p);
    parent.set(id, root);
    return root;
  };
  for (const q of queries) for (const r of references(q, ids)) parent.set(find(r), find(q.Id));
  const groups = new Map<string, MetricDataQuery[]>();
  for (const q of queries) {
    const root = find(q.Id);
    groups.set(root, [...(groups.get(root) ?? []), q]);
  }
  const chunks: MetricDataQuery[][] = [];
  let current: MetricDataQuery[] = [];
  for (const group of groups.values()) {
    if (group.length > max) {
      throw new RangeError(
        `GetMetricData: ${group.length} queries reference each other; one request takes ${max}`,
      );
    }
    if (current.length + group.length > max) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
