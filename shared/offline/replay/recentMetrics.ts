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
 * Only the newest `retentionMinutes` minutes are kept (a ring of slots per series): memory stays
 * flat however long the replay, and a read reaching further back finds no data there.
 */
import type { MetricRequest, MetricSource, MetricValues } from "../../brain/ports/metrics.js";
import type { MetricDataQuery } from "../../core/config/schema.js";
import { type CompiledMath, compileMetricMath } from "../evaluation/metricMath.js";
import { PeriodAccumulator, parseStat, type StatSpec } from "../evaluation/statistics.js";
import { dimensionsFromList, type MetricRecord, type Statistics, seriesKey } from "../streams/record.js";
import { MINUTE_MS } from "./types.js";

/** A day of minutes: more than the longest window the tick reads (an alarm's EvaluationPeriods × Period). */
export const DEFAULT_RETENTION_MINUTES = 24 * 60;

type Entry = { stats: Statistics; unit: string | null };
/** One minute of one series: every record published for it. */
type Slot = { at: number; entries: Entry[] };

const ID_WORD = /\b[a-z][a-zA-Z0-9_]*\b/g;

export class RecentMetrics implements MetricSource {
  private readonly series = new Map<string, (Slot | undefined)[]>();
  private readonly specs = new Map<string, StatSpec>();
  private readonly compiled = new Map<string, CompiledMath>();
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
      const key = seriesKey(record.namespace, record.metricName, record.dimensions);
      let slots = this.series.get(key);
      if (!slots) {
        slots = new Array(this.retentionMinutes);
        this.series.set(key, slots);
      }
      const index = this.slotOf(at);
      const entry = { stats: record.stats, unit: record.unit };
      const slot = slots[index];
      if (slot?.at === at) slot.entries.push(entry);
      else slots[index] = { at, entries: [entry] };
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
    const { queries } = request;
    if (queries.length === 0 || end <= start) return values;
    for (const q of queries) {
      if (q.ReturnData === false) continue;
      const periodMs = periodOf(q, queries) * 1000;
      const slots = Math.floor((end - start) / periodMs);
      const series: (number | null)[] = new Array(slots);
      if (q.MetricStat) {
        for (let k = 0; k < slots; k++) series[k] = this.statistic(q, start + k * periodMs, periodMs);
      } else if (q.Expression !== undefined) {
        const math = this.math(q, queries);
        const metrics = queries.filter((m) => m.MetricStat && math.metricIds.includes(m.Id));
        const inputs = new Map<string, number | null>();
        for (let k = 0; k < slots; k++) {
          for (const m of metrics) inputs.set(m.Id, this.statistic(m, start + k * periodMs, periodMs));
          series[k] = math.evaluate(inputs);
        }
      } else {
        series.fill(null);
      }
      values.set(q.Id, series);
    }
    return values;
  }

  private slotOf(at: number): number {
    return (at / MINUTE_MS) % this.retentionMinutes;
  }

  /** A MetricStat query's statistic over [from, from + periodMs); null without records. */
  private statistic(q: MetricDataQuery, from: number, periodMs: number): number | null {
    const stat = q.MetricStat as NonNullable<MetricDataQuery["MetricStat"]>;
    const slots = this.series.get(
      seriesKey(stat.Metric.Namespace, stat.Metric.MetricName, dimensionsFromList(stat.Metric.Dimensions)),
    );
    if (!slots) return null;
    const unit = stat.Unit ?? null;
    const accumulator = new PeriodAccumulator(this.spec(stat.Stat));
    for (let at = from; at < from + periodMs; at += MINUTE_MS) {
      const slot = slots[this.slotOf(at)];
      if (slot?.at !== at) continue;
      for (const entry of slot.entries)
        if (unit === null || entry.unit === null || entry.unit === unit) accumulator.add(entry.stats);
    }
    return accumulator.value()?.value ?? null;
  }

  private spec(stat: string): StatSpec {
    let spec = this.specs.get(stat);
    if (!spec) {
      const parsed = parseStat(stat);
      if ("error" in parsed) throw new RangeError(`GetMetricData: ${parsed.error}`);
      spec = parsed;
      this.specs.set(stat, spec);
    }
    return spec;
  }

  /** An expression with what it references, compiled once per batch shape. */
  private math(q: MetricDataQuery, batch: readonly MetricDataQuery[]): CompiledMath {
    const group = referencedBy(q, batch);
    const key = JSON.stringify(group);
    let math = this.compiled.get(key);
    if (!math) {
      math = compileMetricMath(q.Id, group);
      this.compiled.set(key, math);
    }
    return math;
  }
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
