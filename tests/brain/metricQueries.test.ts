import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  alarmMetric,
  alarmValue,
  metricWindow,
  planTickMetrics,
  policyDatapoints,
  predefinedMetric,
  type ResolvedMetric,
  renameIds,
  targetGroupOf,
  targetTrackingMetric,
  tickMetricPlan,
} from "../../shared/brain/metricQueries.js";
import type { BrainConfig, Target, TargetTrackingPolicy } from "../../shared/core/config/schema.js";
import { virtwayConfig } from "../support/config.js";

const config = virtwayConfig();
const target = (id: string): Target => config.targets.find((t) => t.id === id)!;
const alarm = (name: string) => config.alarms.find((a) => a.AlarmName === name)!;
const readers = target("virtway-readers");
const frontend = target("virtway-frontend");

/** Each query of a resolved metric: its Id, its expression (null for a metric) and whether it returns data. */
const queryShapes = (resolved: ResolvedMetric | null | undefined) =>
  resolved?.queries.map((q) => ({ Id: q.Id, Expression: q.Expression ?? null, ReturnData: q.ReturnData }));

describe("predefined metrics resolve to AWS's CloudWatch metrics", () => {
  const readerDims = [
    { Name: "DBClusterIdentifier", Value: "virtway-aurora" },
    { Name: "Role", Value: "READER" },
  ];
  const groupDims = [{ Name: "AutoScalingGroupName", Value: "virtway-frontend-php" }];
  it.each([
    [
      readers,
      "RDSReaderAverageCPUUtilization",
      undefined,
      "AWS/RDS",
      "CPUUtilization",
      readerDims,
      "Average",
    ],
    [
      readers,
      "RDSReaderAverageDatabaseConnections",
      undefined,
      "AWS/RDS",
      "DatabaseConnections",
      readerDims,
      "Average",
    ],
    [frontend, "ASGAverageCPUUtilization", undefined, "AWS/EC2", "CPUUtilization", groupDims, "Average"],
    [frontend, "ASGAverageNetworkIn", undefined, "AWS/EC2", "NetworkIn", groupDims, "Average"],
    [frontend, "ASGAverageNetworkOut", undefined, "AWS/EC2", "NetworkOut", groupDims, "Average"],
    [
      frontend,
      "ALBRequestCountPerTarget",
      "app/virtway-alb/50dc6c495c0c9188/targetgroup/virtway-frontend/943f017f100becff",
      "AWS/ApplicationELB",
      "RequestCountPerTarget",
      [{ Name: "TargetGroup", Value: "targetgroup/virtway-frontend/943f017f100becff" }],
      "Sum",
    ],
  ] as const)("%#: %s", (t, type, label, Namespace, MetricName, Dimensions, stat) => {
    expect(
      predefinedMetric(t, { PredefinedMetricType: type, ...(label ? { ResourceLabel: label } : {}) }),
    ).toEqual({ metric: { Namespace, MetricName, Dimensions }, stat });
  });

  it("a metric of the wrong kind of target, or ALB requests without a target group, resolve to nothing", () => {
    expect(predefinedMetric(frontend, { PredefinedMetricType: "RDSReaderAverageCPUUtilization" })).toBeNull();
    expect(predefinedMetric(readers, { PredefinedMetricType: "ASGAverageCPUUtilization" })).toBeNull();
    expect(predefinedMetric(frontend, { PredefinedMetricType: "ALBRequestCountPerTarget" })).toBeNull();
    expect(targetGroupOf("app/a/1/targetgroup/b/2")).toBe("targetgroup/b/2");
    expect(targetGroupOf("app/a/1")).toBeNull();
  });
});

describe("customized metrics and alarms are read as given", () => {
  const custom = (
    spec: TargetTrackingPolicy["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"],
  ): TargetTrackingPolicy => ({
    PolicyName: "custom",
    PolicyType: "TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 100, CustomizedMetricSpecification: spec },
  });

  it("a customized metric: its namespace, name, dimensions, statistic and unit, one-minute periods", () => {
    const resolved = targetTrackingMetric(
      frontend,
      custom({
        Namespace: "Virtway",
        MetricName: "ActiveSessions",
        Dimensions: [{ Name: "Service", Value: "frontend" }],
        Statistic: "Maximum",
        Unit: "Count",
      }),
      "t2p9",
    );
    expect(resolved).toEqual({
      id: "t2p9",
      periodSeconds: 60,
      queries: [
        {
          Id: "t2p9",
          MetricStat: {
            Metric: {
              Namespace: "Virtway",
              MetricName: "ActiveSessions",
              Dimensions: [{ Name: "Service", Value: "frontend" }],
            },
            Period: 60,
            Stat: "Maximum",
            Unit: "Count",
          },
          Label: "custom",
          ReturnData: true,
        },
      ],
    });
  });

  it("metric math: every id renamed under the series' id, the expression's references too", () => {
    const stat = (MetricName: string) => ({
      Metric: { Namespace: "AWS/ApplicationELB", MetricName },
      Period: 60,
      Stat: "Sum",
    });
    const resolved = targetTrackingMetric(
      frontend,
      custom({
        Metrics: [
          { Id: "requests", MetricStat: stat("RequestCount"), ReturnData: false },
          { Id: "hosts", MetricStat: stat("HealthyHostCount"), ReturnData: false },
          { Id: "perhost", Expression: "requests / hosts", Label: "per host", ReturnData: true },
        ],
      }),
      "t2p3",
    );
    expect(resolved?.id).toBe("t2p3");
    expect(queryShapes(resolved)).toEqual([
      { Id: "t2p3_requests", Expression: null, ReturnData: false },
      { Id: "t2p3_hosts", Expression: null, ReturnData: false },
      { Id: "t2p3", Expression: "t2p3_requests / t2p3_hosts", ReturnData: true },
    ]);
  });

  it("renames ids, never functions or quoted text", () => {
    const rename = new Map([
      ["m1", "a0_m1"],
      ["errors", "a0_errors"],
    ]);
    expect(
      renameIds(`SUM(METRICS()) + m1 * 100 / errors + SEARCH('{AWS/EC2} m1', 'Average', 60)`, rename),
    ).toBe(`SUM(METRICS()) + a0_m1 * 100 / a0_errors + SEARCH('{AWS/EC2} m1', 'Average', 60)`);
  });

  it("an alarm's metric with its own period and statistic; metric math; none for composite and anomaly detection", () => {
    expect(alarmMetric(alarm("virtway-readers-cpu-low"), "a5")).toEqual({
      id: "a5",
      periodSeconds: 60,
      queries: [
        {
          Id: "a5",
          MetricStat: {
            Metric: {
              Namespace: "AWS/RDS",
              MetricName: "CPUUtilization",
              Dimensions: [
                { Name: "DBClusterIdentifier", Value: "virtway-aurora" },
                { Name: "Role", Value: "READER" },
              ],
            },
            Period: 60,
            Stat: "Average",
          },
          Label: "virtway-readers-cpu-low",
          ReturnData: true,
        },
      ],
    });
    const mathAlarm = alarmMetric(alarm("virtway-api-requests-high"), "a7");
    expect(queryShapes(mathAlarm)).toEqual([
      { Id: "a7_requests", Expression: null, ReturnData: false },
      { Id: "a7_hosts", Expression: null, ReturnData: false },
      { Id: "a7", Expression: "a7_requests / a7_hosts", ReturnData: true },
    ]);
    expect(alarmMetric(alarm("virtway-readers-pressure"), "a4")).toBeNull();
    expect(
      alarmMetric(
        {
          AlarmName: "band",
          EvaluationPeriods: 1,
          ComparisonOperator: "GreaterThanUpperThreshold",
          ThresholdMetricId: "ad1",
          Metrics: [{ Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)" }],
        },
        "a9",
      ),
    ).toBeNull();
  });
});

describe("one tick's batch", () => {
  it("every target-tracking policy, over the longest window plus the publishing lag", () => {
    const plan = planTickMetrics(config, new Set());
    expect(plan.queries.map((q) => ({ Id: q.Id, Label: q.Label }))).toEqual([
      { Id: "t0p0", Label: "readers-cpu-target-30" },
      { Id: "t2p0", Label: "frontend-cpu-target-70" },
      { Id: "t2p1", Label: "frontend-requests-target-1000" },
      { Id: "t3p0", Label: "api-cpu-target-70" },
      { Id: "t3p1", Label: "api-requests-target-800" },
    ]);
    // max(scaleOutDatapoints 3, scaleInDatapoints 15) + 1 minutes.
    expect(plan.windowSeconds).toBe(16 * 60);
    expect(Object.keys(plan.policies["virtway-readers"] ?? {})).toEqual(["readers-cpu-target-30"]);
    expect(plan.policies["virtway-acu-floor"]).toEqual({});
  });

  it("and every alarm the ledger holds in ALARM (none for a composite), the window a whole number of periods", () => {
    const plan = planTickMetrics(
      config,
      new Set(["virtway-readers-connections-high", "virtway-readers-pressure", "virtway-api-requests-high"]),
    );
    expect(plan.queries.map((q) => q.Id)).toEqual([
      "t0p0",
      "t2p0",
      "t2p1",
      "t3p0",
      "t3p1",
      "a2",
      "a7_requests",
      "a7_hosts",
      "a7",
    ]);
    expect(plan.alarms["virtway-readers-pressure"]).toBeNull();

    const cfg: BrainConfig = structuredClone(config);
    const slow = cfg.alarms.find((a) => a.AlarmName === "virtway-readers-cpu-low")!;
    Object.assign(slow, { Period: 300, EvaluationPeriods: 5 });
    expect(planTickMetrics(cfg, new Set(["virtway-readers-cpu-low"])).windowSeconds).toBe(6 * 300);
    Object.assign(slow, { Period: 120, EvaluationPeriods: 1 });
    expect(planTickMetrics(cfg, new Set(["virtway-readers-cpu-low"])).windowSeconds).toBe(16 * 60);
  });

  it("is resolved once per configuration and set of configured alarms in ALARM, then shared", () => {
    const cfg: BrainConfig = structuredClone(config);
    const high = new Set(["virtway-readers-connections-high", "virtway-api-requests-high"]);
    const plan = tickMetricPlan(cfg, high);
    expect(plan).toEqual(planTickMetrics(cfg, high));
    // The same set in another order, or with a name the configuration does not hold: the same plan.
    expect(tickMetricPlan(cfg, new Set([...high].reverse()))).toBe(plan);
    expect(tickMetricPlan(cfg, new Set([...high, "not-configured"]))).toBe(plan);
    expect(tickMetricPlan(cfg, new Set())).toEqual(planTickMetrics(cfg, new Set()));
    expect(tickMetricPlan(cfg, new Set())).not.toBe(plan);
    // Another configuration has plans of its own.
    const other: BrainConfig = structuredClone(cfg);
    other.settings.targetTracking.scaleInDatapoints = 5;
    expect(tickMetricPlan(other, high).windowSeconds).toBe(6 * 60);
    expect(tickMetricPlan(cfg, high).windowSeconds).toBe(16 * 60);
  });

  it("keeps a bounded number of sets per configuration, resolving a dropped one again", () => {
    const cfg: BrainConfig = structuredClone(config);
    const first = tickMetricPlan(cfg, new Set([cfg.alarms[0]!.AlarmName]));
    // Every subset of the configured alarms (2^8): more sets than are kept.
    const names = cfg.alarms.map((a) => a.AlarmName);
    for (let mask = 0; mask < 2 ** names.length; mask++)
      tickMetricPlan(cfg, new Set(names.filter((_, i) => mask & (1 << i))));
    const again = tickMetricPlan(cfg, new Set([cfg.alarms[0]!.AlarmName]));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it("the window ends at the start of the current minute", () => {
    expect(metricWindow(new Date("2026-11-23T19:02:07.450Z"), 960)).toEqual({
      start: new Date("2026-11-23T18:46:00.000Z"),
      end: new Date("2026-11-23T19:02:00.000Z"),
    });
  });
});

describe("the answer, as the policies take it", () => {
  const resolved = { id: "t0p0", periodSeconds: 60, queries: [] };
  it.each([
    ["a full window", [1, 2, 3, 4], [2, 3, 4]],
    ["the newest minute not published yet: one minute back", [1, 2, 3, null], [1, 2, 3]],
    ["a gap inside stays a gap", [1, null, 3, 4], [null, 3, 4]],
    ["a short answer is padded with gaps", [4], [null, null, 4]],
    ["no answer: all gaps", undefined, [null, null, null]],
  ] as const)("%s", (_, series, expected) => {
    const values = new Map(series ? [["t0p0", [...series]]] : []);
    expect(policyDatapoints(values, resolved, 3)).toEqual(expected);
  });

  it("an unresolved metric is undefined, not missing data", () => {
    expect(policyDatapoints(new Map(), null, 3)).toBeUndefined();
  });

  it("an alarm's value is its newest datapoint within its evaluation periods", () => {
    const values = new Map([["a2", [300, 310, null, 330, null]]]);
    const ref = { id: "a2", periodSeconds: 60, queries: [] };
    expect(alarmValue(values, ref, 1)).toBe(330);
    expect(alarmValue(new Map([["a2", [300, null, null]]]), ref, 1)).toBeNull();
    expect(alarmValue(values, null, 1)).toBeNull();
  });
});

describe("purity", () => {
  it.each([
    "shared/brain/metricQueries.ts",
    "shared/brain/ports/metrics.ts",
    "shared/core/deciders/coexistence.ts",
  ])("%s imports no AWS SDK and reads no clock", (file) => {
    const code = readFileSync(file, "utf8");
    const imports = [...code.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    for (const specifier of imports) expect(specifier).not.toMatch(/^@aws-sdk\/|functions\/|cli\//);
    const bare = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(bare).not.toMatch(/Date\.now\(|new Date\(\s*\)|performance\.now\(/);
  });
});
