/**
 * The statistics of one minute of one series, both ways: the records a recording holds for a
 * minute merged into one statistic set (a CSV may give raw samples every 10 seconds, a
 * get-metric-data document an Average and a SampleCount), and the statistic set replay publishes
 * for a metric the units in service report, consistent with itself (sum = average × sampleCount,
 * minimum ≤ average ≤ maximum).
 */

import { tidy } from "../evaluation/statistics.js";
import type { MetricRecord, Statistics } from "../streams/record.js";

/** A minute of one series as recorded: each statistic where the records give it. */
export type MinuteStats = {
  sampleCount?: number;
  sum?: number;
  minimum?: number;
  maximum?: number;
  average?: number;
};

/** The published statistic set: every basic statistic, as a Metric Stream carries it. */
export type PublishedStats = Required<MinuteStats>;

/**
 * One statistic set from the records of a series in a minute. Counts and sums add up when every
 * record has them; the average is sum / count when both are known, else the sample-count-weighted
 * mean of the records' averages (the plain mean where counts are missing).
 */
function mergeMinute(stats: readonly Statistics[]): MinuteStats {
  if (stats.length === 1) return oneRecord(stats[0] as Statistics);
  const all = <K extends keyof MinuteStats>(k: K): number[] | null => {
    const values = stats.map((s) => s[k]).filter((v): v is number => typeof v === "number");
    return values.length === stats.length && values.length > 0 ? values : null;
  };
  const some = <K extends keyof MinuteStats>(k: K): number[] =>
    stats.map((s) => s[k]).filter((v): v is number => typeof v === "number");
  const counts = all("sampleCount");
  const sums = all("sum");
  const merged: MinuteStats = {};
  if (counts) merged.sampleCount = counts.reduce((a, b) => a + b, 0);
  if (sums) merged.sum = tidy(sums.reduce((a, b) => a + b, 0));
  const mins = some("minimum");
  const maxs = some("maximum");
  if (mins.length) merged.minimum = Math.min(...mins);
  if (maxs.length) merged.maximum = Math.max(...maxs);
  if (merged.sum !== undefined && merged.sampleCount) merged.average = tidy(merged.sum / merged.sampleCount);
  else {
    const withAverage = stats.filter((s) => typeof s.average === "number");
    if (withAverage.length) {
      const weight = (s: Statistics) => s.sampleCount ?? 1;
      const total = withAverage.reduce((a, s) => a + weight(s), 0);
      merged.average = tidy(withAverage.reduce((a, s) => a + (s.average as number) * weight(s), 0) / total);
    }
  }
  return merged;
}

/**
 * mergeMinute of a single record (a recording's usual minute of a series), the same figures
 * computed without the lists: each statistic it has; the average as mergeMinute derives it.
 */
function oneRecord(s: Statistics): MinuteStats {
  const merged: MinuteStats = {};
  // 0 + x as the sums of mergeMinute: -0 becomes 0.
  if (typeof s.sampleCount === "number") merged.sampleCount = 0 + s.sampleCount;
  if (typeof s.sum === "number") merged.sum = tidy(0 + s.sum);
  if (typeof s.minimum === "number") merged.minimum = s.minimum;
  if (typeof s.maximum === "number") merged.maximum = s.maximum;
  if (merged.sum !== undefined && merged.sampleCount) merged.average = tidy(merged.sum / merged.sampleCount);
  else if (typeof s.average === "number") {
    const weight = s.sampleCount ?? 1;
    merged.average = tidy((s.average * weight) / weight);
  }
  return merged;
}

/** The records of a minute, merged per series (keyed by `key`), first-seen order. */
export function mergeBySeries<K>(
  records: readonly MetricRecord[],
  key: (r: MetricRecord) => K,
): Map<K, { first: MetricRecord; stats: MinuteStats }> {
  const merged = new Map<K, { first: MetricRecord; stats: MinuteStats }>();
  // A series' further records this minute (seldom any: a minute usually has one record a series).
  let more: Map<K, Statistics[]> | null = null;
  for (const r of records) {
    const k = key(r);
    const entry = merged.get(k);
    if (entry === undefined) {
      merged.set(k, { first: r, stats: {} });
      continue;
    }
    more ??= new Map();
    const all = more.get(k);
    if (all) all.push(r.stats);
    else more.set(k, [entry.first.stats, r.stats]);
  }
  for (const [k, entry] of merged) {
    const all = more?.get(k);
    entry.stats = all ? mergeMinute(all) : oneRecord(entry.first.stats);
  }
  return merged;
}

/**
 * How the units of a series were spread around their average in the recording: minimum / average
 * and maximum / average (1 and 1 where the recording does not say, or had one unit reporting).
 */
export type Spread = { low: number; high: number };

export const EVEN: Spread = { low: 1, high: 1 };

export function spreadOf(stats: MinuteStats | undefined): Spread {
  const avg = stats?.average;
  if (stats === undefined || avg === undefined || !(avg > 0) || (stats.sampleCount ?? 2) < 2) return EVEN;
  const low = stats.minimum === undefined ? 1 : Math.min(1, Math.max(0, stats.minimum / avg));
  const high = stats.maximum === undefined ? 1 : Math.max(1, stats.maximum / avg);
  return { low, high };
}

/**
 * What `units` units report when together they carry `total`: each its share, spread as the
 * recording's units were, every value capped at `cap` (CPUUtilization cannot pass 100), the average
 * capped too. One unit has no spread.
 */
export function perUnitStats(total: number, units: number, spread: Spread, cap = Infinity): PublishedStats {
  const mean = total / units;
  const s = units === 1 ? EVEN : spread;
  const average = tidy(Math.min(cap, mean));
  return {
    sampleCount: units,
    sum: tidy(average * units),
    // mean × 1 is the mean: an even spread's bounds are the average, as computed.
    minimum: s.low === 1 ? average : tidy(Math.min(cap, mean * s.low)),
    maximum: s.high === 1 ? average : tidy(Math.min(cap, mean * s.high)),
    average,
  };
}

/** A single datapoint of value `v`: a gauge (HealthyHostCount), a per-target average the ALB computes. */
export function singleStats(v: number): PublishedStats {
  const value = tidy(v);
  return { sampleCount: 1, sum: value, minimum: value, maximum: value, average: value };
}
