/**
 * From the records of one period to the one number an alarm compares: CloudWatch's statistics
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html)
 * computed from what a stream gives.
 *
 * Exact: SampleCount, Sum, Minimum, Maximum and Average whenever the records carry count, sum,
 * min and max (Metric Streams, the CSV), whatever the alarm's Period; a percentile from raw samples
 * (the CSV's `value` column, nearest-rank), or from a percentile the source computed for exactly
 * that period (a Metric Stream's additional statistics, a get-metric-data query).
 *
 * Approximated, and counted so that the command line can say so (APPROXIMATIONS):
 * - a percentile from count/sum/min/max alone: CloudWatch's distribution is not in the stream, so
 *   the value is interpolated linearly between the minimum (p0), the average (p50) and the
 *   maximum (p100);
 * - a percentile over several records that each carry it: their sample-count-weighted mean;
 * - an Average over several records that carry only averages (get-metric-data without
 *   SampleCount): the plain mean of those averages.
 */
import type { Statistics } from "../streams/record.js";

const BASIC_STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type BasicStatistic = (typeof BASIC_STATISTICS)[number];

export type StatSpec =
  | { kind: "basic"; name: BasicStatistic }
  /** `p99.9` → p = 99.9 */
  | { kind: "percentile"; name: string; p: number };

export const APPROXIMATIONS = {
  percentileFromMinAvgMax: "percentile interpolated between minimum, average and maximum",
  percentileMerged: "percentile of several records merged by their sample-count-weighted mean",
  averageOfAverages: "average of several records' averages, sample counts unknown",
} as const;
export type Approximation = keyof typeof APPROXIMATIONS;

/** A CloudWatch statistic name, or why it is not one this evaluator computes. */
export function parseStat(stat: string): StatSpec | { error: string } {
  if ((BASIC_STATISTICS as readonly string[]).includes(stat))
    return { kind: "basic", name: stat as BasicStatistic };
  const p = /^p(\d{1,2}(?:\.\d+)?|100)$/i.exec(stat);
  if (p) return { kind: "percentile", name: stat.toLowerCase(), p: Number(p[1]) };
  return {
    error: `the statistic ${stat} is not supported offline (SampleCount, Average, Sum, Minimum, Maximum and percentiles pNN are)`,
  };
}

export type StatValue = { value: number; sampleCount: number | null; approximation: Approximation | null };

/**
 * 15 significant digits: what a double holds exactly. Sums and divisions of recorded values leave
 * representation noise (127.4 / 2 = 63.699999999999996) that must not decide a threshold.
 */
export const tidy = (x: number): number => {
  // A whole number under 10^15 has at most 15 digits: already tidy (and -0 is written 0).
  if (Number.isInteger(x) && x < 1e15 && x > -1e15) return x === 0 ? 0 : x;
  return Number.isFinite(x) ? Number(x.toPrecision(15)) : x;
};

/** The nearest-rank percentile of raw samples. */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Linear through (0, min), (50, average), (100, max): the documented approximation. */
export function percentileFromSummary(p: number, min: number, average: number, max: number): number {
  return p <= 50 ? min + ((average - min) * p) / 50 : average + ((max - average) * (p - 50)) / 50;
}

type Known = { total: number; known: boolean };
const add = (k: Known, n: number | undefined): void => {
  if (n === undefined) k.known = false;
  else k.total += n;
};

/** Everything one period's records say about one series, for the statistics one query needs. */
export class PeriodAccumulator {
  records = 0;
  private readonly count: Known = { total: 0, known: true };
  private readonly sum: Known = { total: 0, known: true };
  private min = Number.POSITIVE_INFINITY;
  private minKnown = true;
  private max = Number.NEGATIVE_INFINITY;
  private maxKnown = true;
  private averages: number[] = [];
  private averagesKnown = true;
  private readonly percentile: {
    weighted: number;
    weight: number;
    plain: number;
    n: number;
    counted: boolean;
  };
  private values: number[] | null = [];

  constructor(private readonly spec: StatSpec) {
    this.percentile = { weighted: 0, weight: 0, plain: 0, n: 0, counted: true };
  }

  add(stats: Statistics): void {
    this.records++;
    const count = stats.sampleCount;
    const sum =
      stats.sum ?? (stats.average !== undefined && count !== undefined ? stats.average * count : undefined);
    add(this.count, count);
    add(this.sum, sum);
    if (stats.minimum === undefined) this.minKnown = false;
    else this.min = Math.min(this.min, stats.minimum);
    if (stats.maximum === undefined) this.maxKnown = false;
    else this.max = Math.max(this.max, stats.maximum);
    const average = stats.average ?? (sum !== undefined && count ? sum / count : undefined);
    if (average === undefined) this.averagesKnown = false;
    else this.averages.push(average);
    if (this.spec.kind === "percentile") {
      const given = stats.extended?.[this.spec.name];
      if (given !== undefined) {
        this.percentile.n++;
        this.percentile.plain += given;
        if (count === undefined) this.percentile.counted = false;
        else {
          this.percentile.weighted += given * count;
          this.percentile.weight += count;
        }
      }
      if (stats.values && this.values) this.values.push(...stats.values);
      else this.values = null;
    }
  }

  /** The statistic for the period, or null when the records do not give it (a missing datapoint). */
  value(): StatValue | null {
    if (this.records === 0) return null;
    const sampleCount = this.count.known ? this.count.total : null;
    const exact = (value: number): StatValue => ({ value: tidy(value), sampleCount, approximation: null });
    const approx = (value: number, approximation: Approximation): StatValue => ({
      value: tidy(value),
      sampleCount,
      approximation,
    });
    const average = (): StatValue | null => {
      if (this.sum.known && sampleCount) return exact(this.sum.total / sampleCount);
      if (!this.averagesKnown) return null;
      if (this.averages.length === 1) return exact(this.averages[0] as number);
      return approx(this.averages.reduce((a, b) => a + b, 0) / this.averages.length, "averageOfAverages");
    };
    const spec = this.spec;
    if (spec.kind === "basic") {
      switch (spec.name) {
        case "SampleCount":
          return sampleCount === null ? null : exact(sampleCount);
        case "Sum":
          return this.sum.known ? exact(this.sum.total) : null;
        case "Minimum":
          return this.minKnown ? exact(this.min) : null;
        case "Maximum":
          return this.maxKnown ? exact(this.max) : null;
        case "Average":
          return average();
      }
    }
    if (this.values && this.values.length > 0) return exact(percentileOf(this.values, spec.p) as number);
    const pc = this.percentile;
    if (pc.n === this.records) {
      if (pc.n === 1) return exact(pc.plain);
      if (pc.counted && pc.weight > 0) return approx(pc.weighted / pc.weight, "percentileMerged");
      return approx(pc.plain / pc.n, "percentileMerged");
    }
    const avg = average();
    if (this.minKnown && this.maxKnown && avg) {
      return approx(percentileFromSummary(spec.p, this.min, avg.value, this.max), "percentileFromMinAvgMax");
    }
    return null;
  }
}
