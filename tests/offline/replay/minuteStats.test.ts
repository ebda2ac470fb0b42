/**
 * A minute of a series merged from its records: one record (the usual minute) gives the figures
 * the general merge gives, as the sum of a one-element list, down to -0 and a derived average.
 */
import { describe, expect, it } from "vitest";
import { mergeBySeries } from "../../../shared/offline/replay/minuteStats.js";
import type { MetricRecord, Statistics } from "../../../shared/offline/streams/record.js";

const record = (stats: Statistics, metricName = "CPUUtilization"): MetricRecord => ({
  namespace: "AWS/RDS",
  metricName,
  dimensions: { Role: "READER" },
  timestamp: 0,
  stats,
  unit: null,
  account: null,
  region: null,
  source: { file: "t", line: 1 },
});

const merged = (...stats: Statistics[]) =>
  [
    ...mergeBySeries(
      stats.map((s) => record(s)),
      (r) => r.metricName,
    ).values(),
  ].map((e) => e.stats);

describe("a minute of one series", () => {
  it("of one record: its statistics, the average derived from sum and count", () => {
    expect(merged({ sampleCount: 3, sum: 10, minimum: 1, maximum: 6 })).toEqual([
      { sampleCount: 3, sum: 10, minimum: 1, maximum: 6, average: 3.33333333333333 },
    ]);
    // No count: the recorded average stands (weighted by one).
    expect(merged({ average: 0.1 + 0.2, maximum: 1 })).toEqual([{ average: 0.3, maximum: 1 }]);
    // No sum: the recorded average, weighted by its count.
    expect(merged({ sampleCount: 3, average: 0.7 })).toEqual([{ sampleCount: 3, average: 0.7 }]);
    // -0 is summed as the general merge sums it: 0.
    const [zero] = merged({ sampleCount: -0, sum: -0 });
    expect(Object.is(zero?.sampleCount, 0)).toBe(true);
    expect(Object.is(zero?.sum, 0)).toBe(true);
  });

  it("of one record, the same as two records that halve it", () => {
    const one = merged({ sampleCount: 4, sum: 2.4, minimum: 0.1, maximum: 1.1 })[0];
    const two = merged(
      { sampleCount: 2, sum: 1.2, minimum: 0.1, maximum: 0.5 },
      { sampleCount: 2, sum: 1.2, minimum: 0.2, maximum: 1.1 },
    )[0];
    expect(one).toEqual(two);
  });
});
