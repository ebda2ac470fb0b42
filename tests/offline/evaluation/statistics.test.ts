import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PeriodAccumulator,
  parseStat,
  percentileFromSummary,
  percentileOf,
  type StatSpec,
  tidy,
} from "../../../shared/offline/evaluation/statistics.js";
import type { Statistics } from "../../../shared/offline/streams/record.js";

const spec = (name: string): StatSpec => {
  const s = parseStat(name);
  if ("error" in s) throw new Error(s.error);
  return s;
};

function period(stat: string, ...records: Statistics[]) {
  const acc = new PeriodAccumulator(spec(stat));
  for (const r of records) acc.add(r);
  return acc.value();
}

// Two one-minute Metric Streams records of one five-minute period.
const minute1: Statistics = { sampleCount: 2, sum: 150, minimum: 70, maximum: 80, average: 75 };
const minute2: Statistics = { sampleCount: 3, sum: 270, minimum: 60, maximum: 100, average: 90 };
const raw = (...values: number[]): Statistics => ({
  sampleCount: values.length,
  sum: values.reduce((a, b) => a + b, 0),
  minimum: Math.min(...values),
  maximum: Math.max(...values),
  values,
});

describe("statistics of a period from stream records", () => {
  it.each([
    { name: "SampleCount adds the counts", stat: "SampleCount", want: 5 },
    { name: "Sum adds the sums", stat: "Sum", want: 420 },
    { name: "Minimum is the least minimum", stat: "Minimum", want: 60 },
    { name: "Maximum is the greatest maximum", stat: "Maximum", want: 100 },
    {
      name: "Average is the total sum over the total count, not a mean of averages",
      stat: "Average",
      want: 84,
    },
  ])("$name", ({ stat, want }) => {
    expect(period(stat, minute1, minute2)).toEqual({ value: want, sampleCount: 5, approximation: null });
  });

  it("is missing when no record fell in the period", () => {
    expect(period("Average")).toBeNull();
  });

  it("is missing when the records do not carry the statistic (get-metric-data Average, alarm on Maximum)", () => {
    expect(period("Maximum", { average: 50 })).toBeNull();
  });

  it("derives Sum from Average and SampleCount (get-metric-data queries merged)", () => {
    expect(period("Sum", { average: 4, sampleCount: 5 })?.value).toBe(20);
  });

  it("averages averages only when counts are unknown, and says it approximated", () => {
    expect(period("Average", { average: 10 }, { average: 20 })).toEqual({
      value: 15,
      sampleCount: null,
      approximation: "averageOfAverages",
    });
  });

  it("keeps representation noise out of thresholds (127.4 / 2 is 63.7)", () => {
    expect(period("Average", { sampleCount: 2, sum: 127.4, minimum: 60, maximum: 67 })?.value).toBe(63.7);
  });
});

describe("percentiles", () => {
  it.each([
    { name: "p50 of 1..10", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 50, want: 5 },
    { name: "p90 of 1..10", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 90, want: 9 },
    { name: "p99 of 1..10", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 99, want: 10 },
    { name: "p100 is the maximum", values: [3, 1, 2], p: 100, want: 3 },
    { name: "unsorted input", values: [9, 1, 5], p: 50, want: 5 },
    { name: "one sample", values: [42], p: 99, want: 42 },
  ])("nearest rank: $name", ({ values, p, want }) => {
    expect(percentileOf(values, p)).toBe(want);
  });

  it("is exact from raw samples, across several records of the period", () => {
    expect(period("p90", raw(1, 2, 3, 4, 5), raw(6, 7, 8, 9, 10))).toEqual({
      value: 9,
      sampleCount: 10,
      approximation: null,
    });
  });

  it("is exact from the percentile a single record carries (Metric Streams additional statistics)", () => {
    expect(period("p99", { ...minute1, extended: { p99: 79.5 } })).toEqual({
      value: 79.5,
      sampleCount: 2,
      approximation: null,
    });
  });

  it("merges the percentiles of several records by sample count, flagged as approximated", () => {
    const value = period(
      "p99",
      { ...minute1, extended: { p99: 80 } },
      { ...minute2, extended: { p99: 100 } },
    );
    expect(value).toEqual({ value: 92, sampleCount: 5, approximation: "percentileMerged" });
  });

  it.each([
    { p: 0, want: 60 },
    { p: 25, want: 72 },
    { p: 50, want: 84 },
    { p: 90, want: 96.8 },
    { p: 100, want: 100 },
  ])("p$p from count/sum/min/max alone: linear through min, average and max → $want", ({ p, want }) => {
    expect(percentileFromSummary(p, 60, 84, 100)).toBeCloseTo(want, 10);
    expect(period(`p${p}`, minute1, minute2)).toEqual({
      value: want,
      sampleCount: 5,
      approximation: "percentileFromMinAvgMax",
    });
  });

  it.each([
    { stat: "p99", want: { kind: "percentile", name: "p99", p: 99 } },
    { stat: "p99.9", want: { kind: "percentile", name: "p99.9", p: 99.9 } },
    { stat: "Average", want: { kind: "basic", name: "Average" } },
  ])("parses $stat", ({ stat, want }) => {
    expect(parseStat(stat)).toEqual(want);
  });

  it.each(["tm90", "TM(10%:90%)", "IQM", "average"])("refuses %s with a message naming it", (stat) => {
    expect(parseStat(stat)).toEqual({ error: expect.stringContaining(`statistic ${stat} is not supported`) });
  });
});

describe("tidy", () => {
  it("is the number written to 15 significant digits, whole numbers and -0 included", () => {
    const written = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(15)) : x);
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), fc.constant(1e15 - 1)), (x) => {
        expect(Object.is(tidy(x), written(x))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(Object.is(tidy(-0), 0)).toBe(true);
    expect(tidy(127.4 / 2)).toBe(63.7);
    expect(tidy(1234567890123456)).toBe(1234567890123460);
  });
});
