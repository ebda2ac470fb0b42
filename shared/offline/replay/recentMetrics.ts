/**
 * GetMetricData on replay's virtual clock: the metrics port answered from the records published
 * minute by minute, as CloudWatch would answer the tick's batch
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html):
 * - per query id that returns data (ReturnData not false), one value per period over
 *   [StartTime, EndTime), periods counted from StartTime, oldest first; null where no record fell
 *   in the period;
 * - MetricStat: the statistic (SampleCount, Sum, Minimum, Maximum, Average, percentiles pNN) over
 *   every minute of the period, computed as the offline evaluator computes it (statistics.ts); a
 *   MetricStat's Unit keeps only records of that unit (a record that names none counts);
 * - Expression: metric math as the evaluator has it (metricMath.ts), at the expression's Period,
 *   else the longest Period of the metrics it references; each referenced metric is read at that
 *   period. METRICS() covers every metric of the batch, as it does in one GetMetricData request.
 *
 * Only the newest `retentionMinutes` minutes are kept (a ring of slots per series, reused in place):
 * memory stays flat however long the replay, and a read reaching further back finds no data there.
 * The tick reads the same minutes again and again, so a minute's statistic and a one-minute
 * expression's value are computed once and kept until a record for that minute arrives.
 */
import type { MetricRequest, MetricSource, MetricValues } from "../../brain/ports/metrics.js";
import type { MetricDataQuery } from "../../core/config/schema.js";
import { type CompiledMath, compileMetricMath } from "../evaluation/metricMath.js";
import { SeriesIds } from "../evaluation/seriesIds.js";
import { PeriodAccumulator, parseStat, type StatSpec } from "../evaluation/statistics.js";
import { dimensionsFromList, type MetricRecord } from "../streams/record.js";
import { MinuteRing } from "./minuteRing.js";
import { MINUTE_MS } from "./types.js";

/** A day of minutes: more than the longest window the tick reads (an alarm's EvaluationPeriods × Period). */
export const DEFAULT_RETENTION_MINUTES = 24 * 60;

/** Per minute slot: a value once computed (NaN: null), the minute, and the record counts it saw. */
type Memo = { at: Float64Array; seen: Float64Array; value: Float64Array };

/** A MetricStat as read: its query id, series number, statistic and unit, and its one-minute values kept. */
type Source = { id: string; series: number; spec: StatSpec; unit: string | null; memo: Memo };
/** One query that returns data, as the batch is read. */
type Returned = { id: string; periodMs: number } & (
  | { kind: "metric"; source: Source }
  | { kind: "math"; math: CompiledMath; inputs: Source[]; memo: Memo | null }
  | { kind: "none" }
);

/** Distinct batches whose reading plan is kept (the tick asks the same few again and again). */
const PLANS_KEPT = 64;
/** A one-minute expression's memo tells record counts apart up to this many per series and minute. */
const COUNT_BASE = 1024;
const MEMO_INPUTS = 5;
const ID_WORD = /\b[a-z][a-zA-Z0-9_]*\b/g;

export class RecentMetrics implements MetricSource {
  /** Every series published or read, numbered once: no key built per record. */
  private readonly ids = new SeriesIds();
  /** Per series number, its minutes (none until a record is published). */
  private readonly series: (MinuteRing | undefined)[] = [];
  /** The plans of the batches read, each with (a copy of) its batch. */
  private readonly plans: { queries: readonly MetricDataQuery[]; plan: Returned[] }[] = [];
  /** The newest minute published (epoch ms): the window ends there. */
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly retentionMinutes = DEFAULT_RETENTION_MINUTES) {}

  /** Adds records; each counts in the minute holding its timestamp. Older than the window: dropped. */
  publish(records: readonly MetricRecord[]): void {
    const span = this.retentionMinutes * MINUTE_MS;
    for (const record of records) {
      const at = Math.floor(record.timestamp / MINUTE_MS) * MINUTE_MS;
      if (at <= this.newest - span) continue;
      if (at > this.newest) this.newest = at;
      const id = this.ids.idOf(record.namespace, record.metricName, record.dimensions);
      let ring = this.series[id];
      if (!ring) {
        ring = new MinuteRing(this.retentionMinutes);
        this.series[id] = ring;
      }
      ring.add(at, record.stats, record.unit);
    }
  }

  async read(request: MetricRequest): Promise<MetricValues> {
    return this.readNow(request);
  }

  /** `read`, synchronously. */
  readNow(request: MetricRequest): MetricValues {
    const start = Math.floor(request.start.getTime() / MINUTE_MS) * MINUTE_MS;
    const end = Math.floor(request.end.getTime() / MINUTE_MS) * MINUTE_MS;
    const values = new Map<string, (number | null)[]>();
    if (request.queries.length === 0 || end <= start) return values;
    for (const q of this.plan(request.queries)) {
      const periods = Math.floor((end - start) / q.periodMs);
      const series: (number | null)[] = new Array(periods).fill(null);
      if (q.kind === "metric") {
        const ring = this.series[q.source.series];
        if (ring)
          for (let k = 0; k < periods; k++)
            series[k] = statistic(ring, q.source, start + k * q.periodMs, q.periodMs);
      } else if (q.kind === "math") {
        const rings = q.inputs.map((source) => this.series[source.series]);
        for (let k = 0; k < periods; k++) series[k] = expression(q, rings, start + k * q.periodMs);
      }
      values.set(q.id, series);
    }
    return values;
  }

  /** How a batch is read: worked out once per distinct batch. */
  private plan(queries: readonly MetricDataQuery[]): Returned[] {
    // Compared field by field: the tick builds its batch anew each minute, alike.
    for (const known of this.plans) if (sameBatch(known.queries, queries)) return known.plan;
    const plan = planOf(queries, this.retentionMinutes, this.ids);
    if (this.plans.length >= PLANS_KEPT) this.plans.length = 0;
    this.plans.push({ queries: structuredClone(queries), plan });
    return plan;
  }
}

const memoOf = (slots: number): Memo => ({
  at: new Float64Array(slots).fill(Number.NaN),
  seen: new Float64Array(slots),
  value: new Float64Array(slots),
});
const fromMemo = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The statistic over [from, from + periodMs); null without records. A minute's is computed once. */
function statistic(ring: MinuteRing, source: Source, from: number, periodMs: number): number | null {
  if (periodMs !== MINUTE_MS) return aggregate(ring, source, from, periodMs);
  const slot = ring.find(from);
  if (slot < 0) return null;
  const { memo } = source;
  const seen = ring.records[slot] as number;
  if (memo.at[slot] === from && memo.seen[slot] === seen) return fromMemo(memo.value[slot] as number);
  const value = aggregate(ring, source, from, periodMs);
  memo.at[slot] = from;
  memo.seen[slot] = seen;
  memo.value[slot] = value ?? Number.NaN;
  return value;
}

function aggregate(ring: MinuteRing, { spec, unit }: Source, from: number, periodMs: number): number | null {
  if (periodMs === MINUTE_MS && spec.kind === "basic") {
    const slot = ring.find(from);
    const given = slot < 0 ? null : ring.unitOf(slot);
    const excluded = unit !== null && given !== null && given !== unit;
    const value = slot < 0 || excluded ? undefined : ring.basic(slot, spec.name);
    if (value !== undefined) return value;
  }
  const accumulator = new PeriodAccumulator(spec);
  for (let at = from; at < from + periodMs; at += MINUTE_MS) {
    const slot = ring.find(at);
    if (slot < 0) continue;
    for (const entry of ring.entries(slot))
      if (unit === null || entry.unit === null || entry.unit === unit) accumulator.add(entry.stats);
  }
  return accumulator.value()?.value ?? null;
}

/**
 * An expression's value over [from, from + periodMs). At one minute it is kept with the record
 * counts of its inputs' minute, and computed again only when one of them has changed.
 */
function expression(
  q: Extract<Returned, { kind: "math" }>,
  rings: readonly (MinuteRing | undefined)[],
  from: number,
): number | null {
  const { memo } = q;
  const slot = (from / MINUTE_MS) % (memo?.at.length ?? 1);
  let seen = 0;
  let saturated = false;
  if (memo) {
    for (const ring of rings) {
      const at = ring ? ring.find(from) : -1;
      const n = ring && at >= 0 ? (ring.records[at] as number) : 0;
      if (n >= COUNT_BASE) saturated = true;
      seen = seen * COUNT_BASE + n;
    }
    if (!saturated && memo.at[slot] === from && memo.seen[slot] === seen)
      return fromMemo(memo.value[slot] as number);
  }
  const inputs = new Map<string, number | null>();
  q.inputs.forEach((source, i) => {
    const ring = rings[i];
    inputs.set(source.id, ring ? statistic(ring, source, from, q.periodMs) : null);
  });
  const value = q.math.evaluate(inputs);
  if (memo && !saturated) {
    memo.at[slot] = from;
    memo.seen[slot] = seen;
    memo.value[slot] = value ?? Number.NaN;
  }
  return value;
}

/** Whether two batches are read alike: the same queries, each with everything that decides how it is read. */
function sameBatch(a: readonly MetricDataQuery[], b: readonly MetricDataQuery[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (!sameQuery(a[i] as MetricDataQuery, b[i] as MetricDataQuery)) return false;
  return true;
}

function sameQuery(a: MetricDataQuery, b: MetricDataQuery): boolean {
  if (
    a.Id !== b.Id ||
    a.Expression !== b.Expression ||
    a.Period !== b.Period ||
    a.ReturnData !== b.ReturnData
  )
    return false;
  const x = a.MetricStat;
  const y = b.MetricStat;
  if (x === undefined || y === undefined) return x === y;
  if (x.Stat !== y.Stat || x.Period !== y.Period || x.Unit !== y.Unit) return false;
  if (x.Metric.Namespace !== y.Metric.Namespace || x.Metric.MetricName !== y.Metric.MetricName) return false;
  const dx = x.Metric.Dimensions ?? [];
  const dy = y.Metric.Dimensions ?? [];
  if (dx.length !== dy.length) return false;
  for (let i = 0; i < dx.length; i++) {
    const p = dx[i] as { Name: string; Value: string };
    const q = dy[i] as { Name: string; Value: string };
    if (p.Name !== q.Name || p.Value !== q.Value) return false;
  }
  return true;
}

function planOf(queries: readonly MetricDataQuery[], retentionMinutes: number, ids: SeriesIds): Returned[] {
  return queries
    .filter((q) => q.ReturnData !== false)
    .map((q): Returned => {
      const base = { id: q.Id, periodMs: periodOf(q, queries) * 1000 };
      if (q.MetricStat) return { ...base, kind: "metric", source: sourceOf(q, retentionMinutes, ids) };
      if (q.Expression === undefined) return { ...base, kind: "none" };
      const group = referencedBy(q, queries);
      const math = compileMetricMath(q.Id, group);
      const inputs = group
        .filter((m) => m.MetricStat && math.metricIds.includes(m.Id))
        .map((m) => sourceOf(m, retentionMinutes, ids));
      const memo =
        base.periodMs === MINUTE_MS && inputs.length <= MEMO_INPUTS ? memoOf(retentionMinutes) : null;
      return { ...base, kind: "math", math, inputs, memo };
    });
}

function sourceOf(q: MetricDataQuery, retentionMinutes: number, ids: SeriesIds): Source {
  const stat = q.MetricStat as NonNullable<MetricDataQuery["MetricStat"]>;
  const spec = parseStat(stat.Stat);
  if ("error" in spec) throw new RangeError(`GetMetricData: ${spec.error}`);
  const { Namespace, MetricName, Dimensions } = stat.Metric;
  return {
    id: q.Id,
    series: ids.idOf(Namespace, MetricName, dimensionsFromList(Dimensions)),
    spec,
    unit: stat.Unit ?? null,
    memo: memoOf(retentionMinutes),
  };
}

/** A query's period: its own, else the longest of the metrics its expression references. */
function periodOf(q: MetricDataQuery, batch: readonly MetricDataQuery[]): number {
  const own = q.MetricStat?.Period ?? q.Period;
  if (own !== undefined) return own;
  const periods = referencedBy(q, batch).flatMap((r) => (r.MetricStat ? [r.MetricStat.Period] : []));
  return periods.length ? Math.max(...periods) : 60;
}

/**
 * The expression `q` and every query it references, directly or through other expressions (all of
 * the batch's metrics where one uses METRICS()), with only `q` returning data.
 */
function referencedBy(q: MetricDataQuery, batch: readonly MetricDataQuery[]): MetricDataQuery[] {
  const byId = new Map(batch.map((x) => [x.Id, x]));
  const seen = new Set<string>([q.Id]);
  const pending = [q];
  for (let current = pending.pop(); current; current = pending.pop()) {
    if (current.Expression === undefined) continue;
    const unquoted = current.Expression.split(/'[^']*'|"[^"]*"/).join(" ");
    const words = unquoted.match(ID_WORD) ?? [];
    const all = /\bMETRICS\s*\(/.test(current.Expression) ? batch.filter((x) => x.MetricStat) : [];
    for (const next of [...words.flatMap((w) => byId.get(w) ?? []), ...all]) {
      if (seen.has(next.Id)) continue;
      seen.add(next.Id);
      pending.push(next);
    }
  }
  return batch.filter((x) => seen.has(x.Id)).map((x) => ({ ...x, ReturnData: x.Id === q.Id }));
}
