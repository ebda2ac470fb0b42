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

/**
 * Everything one period's records say about one series, for the statistics one query needs. Held
 * as running figures, not lists: every alarm opens one per query and period.
 */
export class PeriodAccumulator {
  records = 0;
  private count = 0;
  private countKnown = true;
  private sum = 0;
  private sumKnown = true;
  private min = Number.POSITIVE_INFINITY;
  private minKnown = true;
  private max = Number.NEGATIVE_INFINITY;
  private maxKnown = true;
  /** The records' averages: how many, their total (added in order), the first. */
  private averages = 0;
  private averagesTotal = 0;
  private firstAverage = 0;
  private averagesKnown = true;
  /** The percentiles the records carry: sample-count-weighted, and plain. */
  private percentileWeighted = 0;
  private percentileWeight = 0;
  private percentilePlain = 0;
  private percentiles = 0;
  private percentilesCounted = true;
  /** The raw samples, while every record has them (percentiles only). */
  private values: number[] | null;

  constructor(private readonly spec: StatSpec) {
    this.values = spec.kind === "percentile" ? [] : null;
  }

  add(stats: Statistics): void {
    this.records++;
    const count = stats.sampleCount;
    const sum =
      stats.sum ?? (stats.average !== undefined && count !== undefined ? stats.average * count : undefined);
    if (count === undefined) this.countKnown = false;
    else this.count += count;
    if (sum === undefined) this.sumKnown = false;
    else this.sum += sum;
    if (stats.minimum === undefined) this.minKnown = false;
    else this.min = Math.min(this.min, stats.minimum);
    if (stats.maximum === undefined) this.maxKnown = false;
    else this.max = Math.max(this.max, stats.maximum);
    const average = stats.average ?? (sum !== undefined && count ? sum / count : undefined);
    if (average === undefined) this.averagesKnown = false;
    else {
      if (this.averages === 0) this.firstAverage = average;
      this.averages++;
      this.averagesTotal += average;
    }
    if (this.spec.kind === "percentile") {
      const given = stats.extended?.[this.spec.name];
      if (given !== undefined) {
        this.percentiles++;
        this.percentilePlain += given;
        if (count === undefined) this.percentilesCounted = false;
        else {
          this.percentileWeighted += given * count;
          this.percentileWeight += count;
        }
      }
      if (stats.values && this.values) this.values.push(...stats.values);
      else this.values = null;
    }
  }

  /** The statistic for the period, or null when the records do not give it (a missing datapoint). */
  value(): StatValue | null {
    if (this.records === 0) return null;
    const spec = this.spec;
    if (spec.kind === "basic") {
      switch (spec.name) {
        case "SampleCount":
          return this.countKnown ? this.exact(this.count) : null;
        case "Sum":
          return this.sumKnown ? this.exact(this.sum) : null;
        case "Minimum":
          return this.minKnown ? this.exact(this.min) : null;
        case "Maximum":
          return this.maxKnown ? this.exact(this.max) : null;
        case "Average":
          return this.average();
      }
    }
    if (this.values && this.values.length > 0) return this.exact(percentileOf(this.values, spec.p) as number);
    if (this.percentiles === this.records) {
      if (this.percentiles === 1) return this.exact(this.percentilePlain);
      if (this.percentilesCounted && this.percentileWeight > 0)
        return this.approx(this.percentileWeighted / this.percentileWeight, "percentileMerged");
      return this.approx(this.percentilePlain / this.percentiles, "percentileMerged");
    }
    const avg = this.average();
    if (this.minKnown && this.maxKnown && avg) {
      return this.approx(
        percentileFromSummary(spec.p, this.min, avg.value, this.max),
        "percentileFromMinAvgMax",
      );
    }
    return null;
  }

  private average(): StatValue | null {
    if (this.sumKnown && this.countKnown && this.count) return this.exact(this.sum / this.count);
    if (!this.averagesKnown) return null;
    if (this.averages === 1) return this.exact(this.firstAverage);
    return this.approx(this.averagesTotal / this.averages, "averageOfAverages");
  }

  private exact(value: number): StatValue {
    return { value: tidy(value), sampleCount: this.countKnown ? this.count : null, approximation: null };
  }

  private approx(value: number, approximation: Approximation): StatValue {
    return { value: tidy(value), sampleCount: this.countKnown ? this.count : null, approximation };
  }
}
