/**
 * Replay's GetMetricData: the tick's batch answered from hand-made records, per period over
 * [start, end), null where no record fell, metric math included, within a bounded window.
 */
import { describe, expect, it } from "vitest";
import {
  alarmValue,
  metricWindow,
  planTickMetrics,
  policyDatapoints,
} from "../../../shared/brain/metricQueries.js";
import type { MetricDataQuery } from "../../../shared/core/config/schema.js";
import { PeriodAccumulator } from "../../../shared/offline/evaluation/statistics.js";
import { RecentMetrics } from "../../../shared/offline/replay/recentMetrics.js";
import type { MetricRecord, Statistics } from "../../../shared/offline/streams/record.js";
import { virtwayConfig } from "../../support/config.js";

const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const minute = (m: number) => new Date(T0 + m * 60_000);

const CPU = { namespace: "AWS/RDS", metricName: "CPUUtilization" };
const READER_DIMS = { DBClusterIdentifier: "db", Role: "READER" };

const record = (
  m: number,
  stats: Statistics,
  options: Partial<Pick<MetricRecord, "namespace" | "metricName" | "dimensions" | "unit">> = {},
): MetricRecord => ({
  ...CPU,
  dimensions: READER_DIMS,
  unit: "Percent",
  ...options,
  timestamp: T0 + m * 60_000,
  stats,
  account: null,
  region: null,
  source: { file: "hand-made" },
});

/** One reader's minute: one sample. */
const one = (v: number): Statistics => ({ sampleCount: 1, sum: v, minimum: v, maximum: v, average: v });

const cpuQuery = (
  Id: string,
  Stat: string,
  Period = 60,
  extra: Partial<MetricDataQuery> = {},
): MetricDataQuery => ({
  Id,
  MetricStat: {
    Metric: {
      Namespace: "AWS/RDS",
      MetricName: "CPUUtilization",
      // The order differs from the records': a series is its set of dimensions.
      Dimensions: [
        { Name: "Role", Value: "READER" },
        { Name: "DBClusterIdentifier", Value: "db" },
      ],
    },
    Period,
    Stat,
  },
  ...extra,
});

const read = (metrics: RecentMetrics, queries: MetricDataQuery[], from: number, to: number) =>
  metrics.read({ queries, start: minute(from), end: minute(to) });

describe("MetricStat", () => {
  it("one value per minute over [start, end), the statistics of every record of the minute, null where none", async () => {
    const metrics = new RecentMetrics();
    // Minute 0: two readers at 20 and 40; minute 1: none; minute 2: one at 90; minute 3 (= end): 10.
    metrics.publish([record(0, one(20)), record(0, one(40)), record(2, one(90)), record(3, one(10))]);
    const values = await read(
      metrics,
      ["Average", "Sum", "Maximum", "Minimum", "SampleCount"].map((stat) => cpuQuery(`q${stat}`, stat)),
      0,
      3,
    );
    expect(Object.fromEntries(values)).toEqual({
      qAverage: [30, null, 90], // (20 + 40) / 2
      qSum: [60, null, 90],
      qMaximum: [40, null, 90],
      qMinimum: [20, null, 90],
      qSampleCount: [2, null, 1],
    });
  });

  it("longer periods aggregate their minutes, counted from the start; a partial last period is left out", async () => {
    const metrics = new RecentMetrics();
    // Minutes 1..7 at 10, 20, …, 70, one sample each.
    metrics.publish([1, 2, 3, 4, 5, 6, 7].map((m) => record(m, one(10 * m))));
    const values = await read(
      metrics,
      [cpuQuery("avg", "Average", 180), cpuQuery("max", "Maximum", 180)],
      1,
      8,
    );
    // Periods [1, 4) and [4, 7); [7, 8) is not a whole period. Averages (10+20+30)/3, (40+50+60)/3.
    expect(values.get("avg")).toEqual([20, 50]);
    expect(values.get("max")).toEqual([30, 60]);
  });

  it("Average from sum and count when a record carries no average; percentiles as the evaluator has them", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([
      record(0, { sampleCount: 4, sum: 100 }),
      record(1, { sampleCount: 3, sum: 6, values: [1, 2, 3] }),
    ]);
    const values = await read(metrics, [cpuQuery("avg", "Average"), cpuQuery("p50", "p50")], 0, 2);
    expect(values.get("avg")).toEqual([25, 2]); // 100 / 4, 6 / 3
    // p50 of [1, 2, 3], nearest rank ceil(0.5 × 3) = 2 → 2; minute 0 has no min/max to interpolate.
    expect(values.get("p50")).toEqual([null, 2]);
  });

  it("a Unit keeps the records of that unit (and those naming none)", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([
      record(0, one(50)),
      record(0, one(5), { unit: "Count" }),
      record(1, one(7), { unit: null }),
    ]);
    const query = cpuQuery("pct", "Sum");
    if (query.MetricStat) query.MetricStat.Unit = "Percent";
    const values = await read(metrics, [query], 0, 2);
    expect(values.get("pct")).toEqual([50, 7]);
  });

  it("a series never published, or another set of dimensions, reads as missing", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([record(0, one(50), { dimensions: { DBClusterIdentifier: "db" } })]);
    expect((await read(metrics, [cpuQuery("q", "Average")], 0, 2)).get("q")).toEqual([null, null]);
  });

  it("a batch like one read before but for one field reads as itself, even once the first is changed", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([
      record(0, { sampleCount: 2, sum: 60, minimum: 20, maximum: 40 }),
      record(0, one(9), { dimensions: { DBClusterIdentifier: "db", Role: "WRITER" } }),
    ]);
    const batch = [cpuQuery("q", "Average")];
    expect((await read(metrics, batch, 0, 1)).get("q")).toEqual([30]);
    expect((await read(metrics, [cpuQuery("q", "Maximum")], 0, 1)).get("q")).toEqual([40]);
    expect((await read(metrics, [cpuQuery("q", "Average", 60, { ReturnData: false })], 0, 1)).size).toBe(0);
    expect((await read(metrics, [cpuQuery("q", "Average"), cpuQuery("r", "Sum")], 0, 1)).get("r")).toEqual([
      60,
    ]);
    const writer = cpuQuery("q", "Average");
    writer.MetricStat?.Metric.Dimensions?.splice(0, 1, { Name: "Role", Value: "WRITER" });
    expect((await read(metrics, [writer], 0, 1)).get("q")).toEqual([9]);
    // The first batch changed in place after it was read: read as it is now.
    batch[0] = cpuQuery("q", "Minimum");
    expect((await read(metrics, batch, 0, 1)).get("q")).toEqual([20]);
    expect((await read(metrics, [cpuQuery("q", "Average")], 0, 1)).get("q")).toEqual([30]);
  });

  it("refuses a statistic it cannot compute", async () => {
    await expect(read(new RecentMetrics(), [cpuQuery("q", "TM(10%:90%)")], 0, 1)).rejects.toThrow(
      /not supported offline/,
    );
  });
});

describe("a minute read again", () => {
  it("a record arriving for a minute already read changes what it reads (statistics and expressions)", async () => {
    const metrics = new RecentMetrics();
    const queries = [
      cpuQuery("avg", "Average"),
      cpuQuery("n", "SampleCount", 60, { ReturnData: false }),
      { Id: "twice", Expression: "n * 2" },
    ];
    metrics.publish([record(0, one(20))]);
    expect(Object.fromEntries(await read(metrics, queries, 0, 1))).toEqual({ avg: [20], twice: [2] });
    metrics.publish([record(0, one(40))]); // a second reader's datapoint for the same minute
    // (20 + 40) / 2 = 30; 2 samples × 2 = 4.
    expect(Object.fromEntries(await read(metrics, queries, 0, 1))).toEqual({ avg: [30], twice: [4] });
  });

  it("one record's statistics are the evaluator's, whichever statistics the record carries", async () => {
    // Every subset of { sampleCount 4, sum 10, minimum 1, maximum 5, average 2.5 }, and a zero count.
    const fields = { sampleCount: 4, sum: 10, minimum: 1, maximum: 5, average: 2.5 } as const;
    const names = Object.keys(fields) as (keyof typeof fields)[];
    const subsets: Statistics[] = [];
    for (let mask = 0; mask < 1 << names.length; mask++) {
      const stats: Statistics = {};
      names.forEach((name, i) => {
        if (mask & (1 << i)) stats[name] = fields[name];
      });
      subsets.push(stats, { ...stats, sampleCount: 0 });
    }
    const stats = ["Average", "Sum", "Maximum", "Minimum", "SampleCount"] as const;
    const metrics = new RecentMetrics();
    metrics.publish(subsets.map((s, m) => record(m, s)));
    const values = await read(
      metrics,
      stats.map((stat) => cpuQuery(`q${stat}`, stat)),
      0,
      subsets.length,
    );
    for (const stat of stats) {
      const expected = subsets.map((s) => {
        const accumulator = new PeriodAccumulator({ kind: "basic", name: stat });
        accumulator.add(s);
        return accumulator.value()?.value ?? null;
      });
      expect(values.get(`q${stat}`), stat).toEqual(expected);
    }
  });
});

describe("metric math", () => {
  const connections = (Id: string): MetricDataQuery => ({
    Id,
    MetricStat: {
      Metric: {
        Namespace: "AWS/RDS",
        MetricName: "DatabaseConnections",
        Dimensions: [
          { Name: "DBClusterIdentifier", Value: "db" },
          { Name: "Role", Value: "READER" },
        ],
      },
      Period: 60,
      Stat: "Sum",
    },
    ReturnData: false,
  });

  it("evaluates the expression per period; the metrics it reads return nothing of their own", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([
      record(0, one(40)),
      record(0, one(200), { metricName: "DatabaseConnections" }),
      record(1, one(50)),
      // Minute 1 has no connections: missing counts as 0, and x / 0 is dropped.
      record(2, one(300), { metricName: "DatabaseConnections" }),
    ]);
    const values = await read(
      metrics,
      [
        cpuQuery("cpu", "Average", 60, { ReturnData: false }),
        connections("conns"),
        { Id: "ratio", Expression: "cpu / conns * 100" },
        { Id: "both", Expression: "SUM(METRICS())", ReturnData: true },
      ],
      0,
      3,
    );
    expect([...values.keys()]).toEqual(["ratio", "both"]);
    // 40 / 200 × 100 = 20; 50 / 0 dropped; 0 / 300 × 100 = 0 (cpu missing → 0, conns present).
    expect(values.get("ratio")).toEqual([20, null, 0]);
    // 40 + 200, 50, 300.
    expect(values.get("both")).toEqual([240, 50, 300]);
  });

  it("an expression over another expression, at the Period of what it reads", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([0, 1, 2, 3].map((m) => record(m, one(10 + m))));
    const values = await read(
      metrics,
      [
        cpuQuery("cpu", "Sum", 120, { ReturnData: false }),
        { Id: "twice", Expression: "cpu * 2", ReturnData: false },
        { Id: "plus", Expression: "twice + 1" },
      ],
      0,
      4,
    );
    // Periods [0, 2) and [2, 4): sums 10 + 11 = 21 and 12 + 13 = 25; × 2 + 1.
    expect(values.get("plus")).toEqual([43, 51]);
  });
});

describe("a bounded window", () => {
  it("keeps the newest retentionMinutes minutes: older ones read as missing, late ones are dropped", async () => {
    const metrics = new RecentMetrics(10);
    metrics.publish([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((m) => record(m, one(m))));
    // Newest minute 11, 10 kept: minutes 2..11. Minute 1's slot now holds minute 11.
    expect((await read(metrics, [cpuQuery("q", "Maximum")], 0, 4)).get("q")).toEqual([null, null, 2, 3]);
    metrics.publish([record(1, one(99))]); // older than the window: dropped
    expect((await read(metrics, [cpuQuery("q", "Maximum")], 1, 2)).get("q")).toEqual([null]);
    expect((await read(metrics, [cpuQuery("q", "Maximum")], 10, 12)).get("q")).toEqual([10, 11]);
  });

  it("an empty batch or window reads nothing", async () => {
    const metrics = new RecentMetrics();
    metrics.publish([record(0, one(1))]);
    expect((await read(metrics, [], 0, 1)).size).toBe(0);
    expect((await read(metrics, [cpuQuery("q", "Sum")], 1, 1)).size).toBe(0);
  });
});

describe("the tick's own batch", () => {
  it("answers planTickMetrics' queries as the tick reads them (Virtway: request target tracking, a math alarm)", async () => {
    const config = virtwayConfig();
    const plan = planTickMetrics(config, new Set(["virtway-api-requests-high"]));
    const now = minute(20);
    const { start, end } = metricWindow(now, plan.windowSeconds); // 16 minutes: 15 scale-in datapoints + 1 lag
    expect([start, end]).toEqual([minute(4), minute(20)]);
    const metrics = new RecentMetrics();
    const alb = (metricName: string, dims: Record<string, string>, m: number, v: number) =>
      record(m, one(v), { namespace: "AWS/ApplicationELB", metricName, dimensions: dims, unit: "Count" });
    const tg = "targetgroup/virtway-api/73e2d6bc24d8a067";
    const both = { LoadBalancer: "app/virtway-alb/50dc6c495c0c9188", TargetGroup: tg };
    // Minutes 4..18 published (19, the newest, not yet): 4000 requests on 2 hosts, 1000 per target.
    for (let m = 4; m <= 18; m++) {
      metrics.publish([
        alb("RequestCount", both, m, 4000),
        alb("HealthyHostCount", both, m, 2),
        alb("RequestCountPerTarget", { TargetGroup: tg }, m, 2000),
      ]);
    }
    const values = await metrics.read({ queries: plan.queries, start, end });
    const api = plan.policies["virtway-api"] ?? {};
    // Target tracking's newest 3 datapoints: the unpublished minute 19 dropped, 2000 each.
    expect(policyDatapoints(values, api["api-requests-target-800"], 3)).toEqual([2000, 2000, 2000]);
    // The alarm's value: requests / hosts = 4000 / 2.
    expect(alarmValue(values, plan.alarms["virtway-api-requests-high"], 1)).toBe(2000);
    // Series the recording does not carry (CPU) read as missing, one null per minute.
    const cpu = api["api-cpu-target-70"];
    expect(values.get(cpu?.id ?? "")).toEqual(Array.from({ length: 16 }, () => null));
  });
});
