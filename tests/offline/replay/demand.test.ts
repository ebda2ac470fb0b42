import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { BrainConfig } from "../../../shared/core/config/schema.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { DemandModel } from "../../../shared/offline/replay/demand.js";
import { readStreams } from "../../../shared/offline/streams/readStream.js";
import type { MetricRecord, Statistics } from "../../../shared/offline/streams/record.js";
import { virtwayConfig, virtwayJson } from "../../support/config.js";

// The Virtway configuration (tests/fixtures/virtway.config.json, the same as brain.config.json):
// readers of virtway-aurora (target tracking on reader CPU at 30, steps at 70 and 85), the ACU
// floor (step on reader CPU > 85), the front end (ALBRequestCountPerTarget at 1000 on
// targetgroup/virtway-frontend, ASG CPU at 70) and the API (ALBRequestCountPerTarget at 800).
const T0 = Date.UTC(2026, 10, 23, 19, 0);
const MINUTE = 60_000;
const LB = "app/virtway-alb/50dc6c495c0c9188";
const API_TG = "targetgroup/virtway-api/73e2d6bc24d8a067";
const FRONT_TG = "targetgroup/virtway-frontend/943f017f100becff";
const READERS = { DBClusterIdentifier: "virtway-aurora", Role: "READER" };

const rec = (
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  stats: Statistics,
  unit: string | null = null,
  at = T0,
): MetricRecord => ({
  namespace,
  metricName,
  dimensions,
  timestamp: at,
  stats,
  unit,
  account: null,
  region: null,
  source: { file: "test" },
});

const rds = (metric: string, stats: Statistics, at = T0) => rec("AWS/RDS", metric, READERS, stats, null, at);
const elb = (metric: string, dims: Record<string, string>, stats: Statistics, at = T0) =>
  rec("AWS/ApplicationELB", metric, dims, stats, "Count", at);

/** The published record of a series, found by metric name and exact dimensions. */
function find(
  records: MetricRecord[],
  metricName: string,
  dims: Record<string, string>,
): MetricRecord | undefined {
  return records.find(
    (r) =>
      r.metricName === metricName &&
      JSON.stringify(Object.entries(r.dimensions).sort()) === JSON.stringify(Object.entries(dims).sort()),
  );
}
const avg = (records: MetricRecord[], metricName: string, dims: Record<string, string>) =>
  find(records, metricName, dims)?.stats.average;

const capacity =
  (units: Record<string, number>) =>
  (id: string): number =>
    units[id] ?? 0;

function configWith(edit: (c: any) => void): BrainConfig {
  const json = virtwayJson();
  edit(json);
  const result = validateConfig(json);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

/** Two readers at 60% CPU (50 and 70), 200 connections each, 2 ms read latency. */
const readerMinute = (at = T0) => [
  rds("CPUUtilization", { sampleCount: 2, sum: 120, minimum: 50, maximum: 70 }, at),
  rds("DatabaseConnections", { sampleCount: 2, sum: 400, minimum: 180, maximum: 220 }, at),
  rds("ReadLatency", { sampleCount: 2, sum: 0.004, minimum: 0.002, maximum: 0.002 }, at),
];

describe("demand per unit: replay.demandPerUnit, or a default the configuration gives", () => {
  it("takes the target-tracking TargetValue, else the lowest step alarm threshold on the series", () => {
    const model = new DemandModel(virtwayConfig());
    expect(model.demandPerUnit("virtway-readers")).toBe(30); // readers-cpu-target-30
    expect(model.demandPerUnit("virtway-acu-floor")).toBe(85); // acu-floor-on-cpu-85's alarm threshold
    expect(model.demandPerUnit("virtway-frontend")).toBe(1000); // frontend-requests-target-1000
    expect(model.demandPerUnit("virtway-api")).toBe(800); // api-requests-target-800
    expect(model.targetDemand("virtway-frontend").series).toEqual({
      kind: "albRequests",
      loadBalancer: LB,
      targetGroup: FRONT_TG,
    });
  });

  it("prefers replay.demandPerUnit", () => {
    const model = new DemandModel(configWith((c) => (c.targets[3].replay = { demandPerUnit: 1200 })));
    expect(model.demandPerUnit("virtway-api")).toBe(1200);
    expect(model.targetDemand("virtway-api").perUnitFrom).toBe("replay.demandPerUnit");
  });

  it("falls back on group CPU without an ALB policy, and on 100% without any CPU policy", () => {
    const model = new DemandModel(
      configWith((c) => {
        c.targets[3].policies = c.targets[3].policies.filter(
          (p: any) => p.PolicyName === "api-cpu-target-70",
        );
        c.targets[2].policies = [];
      }),
    );
    expect(model.targetDemand("virtway-api").series).toEqual({
      kind: "groupCpu",
      group: "virtway-api-tomcat",
    });
    expect(model.demandPerUnit("virtway-api")).toBe(70);
    expect(model.demandPerUnit("virtway-frontend")).toBe(100);
  });

  it("reads readers' demand from connections when they step on connections and not on CPU", () => {
    const model = new DemandModel(
      configWith((c) => {
        c.targets[0].policies = c.targets[0].policies.filter(
          (p: any) => p.PolicyName === "readers-connections-step",
        );
      }),
    );
    expect(model.targetDemand("virtway-readers").series.kind).toBe("readerConnections");
    expect(model.demandPerUnit("virtway-readers")).toBe(280); // virtway-readers-connections-high
    model.observe(readerMinute());
    expect(model.demandOf("virtway-readers")).toBe(400); // 200 per reader × 2 readers reporting
  });
});

describe("the closed loop: readers", () => {
  it("capacity added: per-reader metrics fall, demand does not", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe(readerMinute());
    // Demand: 60% × 2 readers reporting (SampleCount) = 120, whatever is in service.
    expect(model.demandOf("virtway-readers")).toBe(120);
    const two = model.publish(T0, capacity({ "virtway-readers": 2, "virtway-acu-floor": 1 }));
    expect(find(two, "CPUUtilization", READERS)?.stats).toEqual({
      sampleCount: 2,
      sum: 120,
      minimum: 50,
      maximum: 70,
      average: 60,
    });
    const four = model.publish(T0, capacity({ "virtway-readers": 4, "virtway-acu-floor": 1 }));
    // 120 over 4 readers = 30 each; the recorded spread (50/60, 70/60) kept: 25 and 35.
    expect(find(four, "CPUUtilization", READERS)?.stats).toEqual({
      sampleCount: 4,
      sum: 120,
      minimum: 25,
      maximum: 35,
      average: 30,
    });
    expect(find(four, "CPUUtilization", READERS)?.unit).toBe("Percent");
    // 400 connections over 4 readers: 100 each; the total stays 400.
    expect(find(four, "DatabaseConnections", READERS)?.stats).toMatchObject({ sum: 400, average: 100 });
    // Latency ∝ utilization: 0.002 × 0.30 / 0.60 = 0.001.
    expect(avg(four, "ReadLatency", READERS)).toBeCloseTo(0.001, 12);
    expect(find(four, "ReadLatency", READERS)?.unit).toBe("Seconds");
    expect(model.demandOf("virtway-readers")).toBe(120);
  });

  it("saturation: CPU caps at 100, latency grows with the square of the utilization", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe(readerMinute());
    const one = model.publish(T0, capacity({ "virtway-readers": 1, "virtway-acu-floor": 1 }));
    // 120% of one reader: reported as 100, one sample.
    expect(find(one, "CPUUtilization", READERS)?.stats).toEqual({
      sampleCount: 1,
      sum: 100,
      minimum: 100,
      maximum: 100,
      average: 100,
    });
    // u = 1.2 > 1: h = 1.44; recorded u = 0.6: 0.002 × 1.44 / 0.6 = 0.0048.
    expect(avg(one, "ReadLatency", READERS)).toBeCloseTo(0.0048, 12);
    // All connections land on the one reader.
    expect(avg(one, "DatabaseConnections", READERS)).toBe(400);
    expect(model.demandOf("virtway-readers")).toBe(120);
  });

  it("latency does not fall below the service time (a quarter of a reader's CPU)", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe(readerMinute());
    const eight = model.publish(T0, capacity({ "virtway-readers": 8, "virtway-acu-floor": 1 }));
    // u = 120 / 8 / 100 = 0.15, held at 0.25: 0.002 × 0.25 / 0.6 = 0.000833…
    expect(avg(eight, "ReadLatency", READERS)).toBeCloseTo(0.002 / 2.4, 12);
  });

  it("no reader in service: no Role=READER datapoint", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe(readerMinute());
    const none = model.publish(T0, capacity({ "virtway-acu-floor": 1 }));
    expect(find(none, "CPUUtilization", READERS)).toBeUndefined();
    expect(model.demandOf("virtway-readers")).toBe(120);
  });

  it("takes readers reporting from the SampleCount of a get-metric-data query (Average alone elsewhere)", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe([
      rds("CPUUtilization", { average: 45, sampleCount: 3 }),
      rds("DatabaseConnections", { average: 150 }),
    ]);
    expect(model.demandOf("virtway-readers")).toBe(135); // 45 × 3
    const six = model.publish(T0, capacity({ "virtway-readers": 6, "virtway-acu-floor": 1 }));
    expect(avg(six, "DatabaseConnections", READERS)).toBe(75); // 150 × 3 / 6
  });
});

describe("the ACU floor", () => {
  it("demand: the readers' CPU × their ACUs, per reader in service; an unrecorded ACU leaves reader CPU to the readers", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe([rds("CPUUtilization", { sampleCount: 2, sum: 180, minimum: 90, maximum: 90 })]);
    // Before publish, per recorded reader: 90% × 2 readers × 1 ACU (the floor's MinCapacity) / 2.
    expect(model.demandOf("virtway-acu-floor")).toBe(90);
    const out = model.publish(T0, capacity({ "virtway-readers": 3, "virtway-acu-floor": 2 }));
    // 180 × 1 ACU / 3 readers in service = 60 (percent of one ACU, per reader): within a floor of 1.
    expect(model.demandOf("virtway-acu-floor")).toBe(60);
    // The recording does not say what ACUs the readers ran at: Serverless v2 ran each at what its
    // load needed, so a floor of 2 gives them nothing more: 180 / 3 readers = 60.
    expect(avg(out, "CPUUtilization", READERS)).toBe(60);
    // The readers' demand is what was recorded, floor or not.
    expect(model.demandOf("virtway-readers")).toBe(180);
  });

  it("a floor above the ACUs the recording says the readers ran at lowers reader CPU in proportion", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe([
      rds("CPUUtilization", { sampleCount: 2, sum: 180, minimum: 90, maximum: 90 }),
      rds("ServerlessDatabaseCapacity", { sampleCount: 2, sum: 2, minimum: 1, maximum: 1 }),
    ]);
    const out = model.publish(T0, capacity({ "virtway-readers": 3, "virtway-acu-floor": 2 }));
    // A floor of 2 ACUs where the readers ran at 1: each reader has twice the capacity.
    // 180 × (1 / 2) / 3 readers = 30.
    expect(avg(out, "CPUUtilization", READERS)).toBe(30);
  });

  it("takes the ACUs the readers ran at from ServerlessDatabaseCapacity when recorded", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe([
      rds("CPUUtilization", { sampleCount: 2, sum: 180, minimum: 90, maximum: 90 }),
      rds("ServerlessDatabaseCapacity", { sampleCount: 2, sum: 8, minimum: 4, maximum: 4 }),
    ]);
    expect(model.demandOf("virtway-acu-floor")).toBe(360); // 90 × 2 × 4 ACU / 2
    // A floor of 2, below the 4 ACUs they ran at, changes nothing: 180 / 2 = 90.
    const out = model.publish(T0, capacity({ "virtway-readers": 2, "virtway-acu-floor": 2 }));
    expect(avg(out, "CPUUtilization", READERS)).toBe(90);
  });
});

describe("the closed loop: groups and target groups", () => {
  it("pinned: a stream of RequestCount alone is the demand of the asg whose ALBRequestCountPerTarget names it", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe([
      elb(
        "RequestCount",
        { LoadBalancer: LB, TargetGroup: API_TG },
        { sampleCount: 4, sum: 8000, minimum: 1500, maximum: 2500 },
      ),
    ]);
    expect(model.demandOf("virtway-api")).toBe(8000);
    expect(model.demandOf("virtway-frontend")).toBeNull();
    expect(model.demandOf("virtway-readers")).toBeNull();
    const four = model.publish(T0, capacity({ "virtway-api": 4 }));
    const ten = model.publish(T0, capacity({ "virtway-api": 10 }));
    const both = { LoadBalancer: LB, TargetGroup: API_TG };
    // The alarm's metric math reads RequestCount (Sum) and HealthyHostCount (Average): the total stays.
    expect(find(four, "RequestCount", both)?.stats).toMatchObject({
      sum: 8000,
      sampleCount: 4,
      average: 2000,
    });
    expect(find(ten, "RequestCount", both)?.stats).toMatchObject({
      sum: 8000,
      sampleCount: 10,
      average: 800,
    });
    expect(avg(ten, "HealthyHostCount", both)).toBe(10);
    // The policy's RequestCountPerTarget (TargetGroup alone): 8000 / 4, then 8000 / 10.
    expect(find(four, "RequestCountPerTarget", { TargetGroup: API_TG })?.stats.sum).toBe(2000);
    expect(find(ten, "RequestCountPerTarget", { TargetGroup: API_TG })?.stats.sum).toBe(800);
    // Nothing recorded for the readers or the front end: nothing published for them.
    expect(find(ten, "CPUUtilization", READERS)).toBeUndefined();
    expect(find(ten, "RequestCountPerTarget", { TargetGroup: FRONT_TG })).toBeUndefined();
    expect(model.demandOf("virtway-api")).toBe(8000);
  });

  it("RequestCountPerTarget × HealthyHostCount, raw 10-second host samples averaged over the minute", () => {
    const model = new DemandModel(virtwayConfig());
    const front = { LoadBalancer: LB, TargetGroup: FRONT_TG };
    model.observe([
      elb("RequestCountPerTarget", { TargetGroup: FRONT_TG }, { sampleCount: 1, sum: 1500 }),
      ...[4, 4, 4, 6, 6, 6].map((v, i) =>
        elb(
          "HealthyHostCount",
          front,
          { sampleCount: 1, sum: v, minimum: v, maximum: v, values: [v] },
          T0 + i * 10_000,
        ),
      ),
    ]);
    expect(model.demandOf("virtway-frontend")).toBe(7500); // 1500 per target × 5 hosts on average
    const out = model.publish(T0, capacity({ "virtway-frontend": 3 }));
    // The step alarm's series, TargetGroup alone: 7500 / 3.
    expect(find(out, "RequestCountPerTarget", { TargetGroup: FRONT_TG })?.stats).toEqual({
      sampleCount: 1,
      sum: 2500,
      minimum: 2500,
      maximum: 2500,
      average: 2500,
    });
    // The next minute records no hosts: the last count (5) is held.
    model.observe([
      elb("RequestCountPerTarget", { TargetGroup: FRONT_TG }, { sampleCount: 1, sum: 1000 }, T0 + MINUTE),
    ]);
    expect(model.demandOf("virtway-frontend")).toBe(5000);
  });

  it("without HealthyHostCount, the hosts are the group's instances reporting CPU", () => {
    const model = new DemandModel(virtwayConfig());
    model.observe([
      elb("RequestCountPerTarget", { TargetGroup: FRONT_TG }, { sampleCount: 1, sum: 300 }),
      rec(
        "AWS/EC2",
        "CPUUtilization",
        { AutoScalingGroupName: "virtway-frontend-php" },
        { sampleCount: 6, sum: 480, minimum: 70, maximum: 90 },
      ),
    ]);
    expect(model.demandOf("virtway-frontend")).toBe(1800); // 300 × 6
  });

  it("group CPU: the recorded total over the instances in service, capped at 100", () => {
    const model = new DemandModel(virtwayConfig());
    const group = { AutoScalingGroupName: "virtway-frontend-php" };
    model.observe([
      rec("AWS/EC2", "CPUUtilization", group, { sampleCount: 6, sum: 480, minimum: 70, maximum: 90 }),
    ]);
    const twelve = model.publish(T0, capacity({ "virtway-frontend": 12 }));
    // 80% × 6 = 480 over 12 = 40; spread 70/80 and 90/80: 35 and 45.
    expect(find(twelve, "CPUUtilization", group)?.stats).toEqual({
      sampleCount: 12,
      sum: 480,
      minimum: 35,
      maximum: 45,
      average: 40,
    });
    const four = model.publish(T0, capacity({ "virtway-frontend": 4 }));
    // 480 / 4 = 120: every instance at 100.
    expect(find(four, "CPUUtilization", group)?.stats).toEqual({
      sampleCount: 4,
      sum: 400,
      minimum: 100,
      maximum: 100,
      average: 100,
    });
  });
});

describe("what is published", () => {
  it("a series the model does not make is published as recorded, and only when recorded", () => {
    const config = configWith((c) =>
      c.alarms.push({
        AlarmName: "writer-memory-low",
        Namespace: "AWS/RDS",
        MetricName: "FreeableMemory",
        Dimensions: [{ Name: "DBInstanceIdentifier", Value: "virtway-writer" }],
        Statistic: "Minimum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1e9,
        ComparisonOperator: "LessThanThreshold",
      }),
    );
    const model = new DemandModel(config);
    const dims = { DBInstanceIdentifier: "virtway-writer" };
    model.observe([
      rec(
        "AWS/RDS",
        "FreeableMemory",
        dims,
        { sampleCount: 1, sum: 5e8, minimum: 5e8, maximum: 5e8 },
        "Bytes",
      ),
    ]);
    const out = model.publish(T0, capacity({}));
    expect(find(out, "FreeableMemory", dims)).toMatchObject({
      unit: "Bytes",
      timestamp: T0,
      stats: { minimum: 5e8 },
    });
    model.observe([]);
    expect(find(model.publish(T0 + MINUTE, capacity({})), "FreeableMemory", dims)).toBeUndefined();
  });

  it("demand is null before the recording has any, then held through minutes without records", () => {
    const model = new DemandModel(virtwayConfig());
    expect(model.demandOf("virtway-readers")).toBeNull();
    model.observe(readerMinute());
    model.observe([]);
    expect(model.demandOf("virtway-readers")).toBe(120);
    expect(model.publish(T0 + MINUTE, capacity({ "virtway-readers": 2 }))).toEqual([]);
    expect(() => model.demandOf("nope")).toThrow(/no target nope/);
  });

  it("is deterministic, and every statistic set is consistent", () => {
    const run = () => {
      const model = new DemandModel(virtwayConfig());
      model.observe([
        ...readerMinute(),
        elb("RequestCount", { LoadBalancer: LB, TargetGroup: API_TG }, { sampleCount: 4, sum: 9999 }),
        elb("RequestCountPerTarget", { TargetGroup: FRONT_TG }, { sampleCount: 1, sum: 777 }),
        rec(
          "AWS/EC2",
          "CPUUtilization",
          { AutoScalingGroupName: "virtway-api-tomcat" },
          { sampleCount: 4, sum: 330, minimum: 70, maximum: 95 },
        ),
      ]);
      return model.publish(
        T0,
        capacity({ "virtway-readers": 3, "virtway-acu-floor": 1, "virtway-frontend": 7, "virtway-api": 3 }),
      );
    };
    const out = run();
    expect(JSON.stringify(run())).toBe(JSON.stringify(out));
    expect(out.length).toBeGreaterThan(6);
    for (const r of out) {
      const s = r.stats as Required<Omit<Statistics, "extended" | "values">>;
      expect(s.sum).toBeCloseTo(s.average * s.sampleCount, 9);
      expect(s.minimum).toBeLessThanOrEqual(s.average);
      expect(s.average).toBeLessThanOrEqual(s.maximum);
      expect(r.timestamp).toBe(T0);
      expect(r.account).toBe("123456789012");
    }
  });
});

describe("the bundled avalanche, at the capacity it was recorded with", () => {
  it("gives back what was recorded, and demand per target", async () => {
    const model = new DemandModel(virtwayConfig());
    const file = fileURLToPath(new URL("../../../events/streams/avalanche.jsonl", import.meta.url));
    const minutes = new Map<number, MetricRecord[]>();
    for await (const r of readStreams([file])) {
      const m = Math.floor(r.timestamp / MINUTE) * MINUTE;
      minutes.set(m, [...(minutes.get(m) ?? []), r]);
    }
    const at1901 = Date.UTC(2026, 10, 23, 19, 1);
    let published: MetricRecord[] = [];
    for (const [m, records] of [...minutes].sort((a, b) => a[0] - b[0])) {
      model.observe(records);
      // The README's capacity at 19:01: 2 readers, 6 front-end instances, 4 API hosts.
      const out = model.publish(
        m,
        capacity({ "virtway-readers": 2, "virtway-acu-floor": 1, "virtway-frontend": 6, "virtway-api": 4 }),
      );
      if (m === at1901) {
        published = out;
        expect(model.demandOf("virtway-readers")).toBe(182.2); // 91.1% × 2 readers
        expect(model.demandOf("virtway-acu-floor")).toBe(91.1); // above 85: the floor is short
        expect(model.demandOf("virtway-frontend")).toBe(15756); // 2626 per target × 6 instances
        expect(model.demandOf("virtway-api")).toBe(10482); // RequestCount
      }
    }
    expect(avg(published, "CPUUtilization", READERS)).toBe(91.1);
    expect(avg(published, "ReadLatency", READERS)).toBe(0.00383);
    expect(find(published, "RequestCountPerTarget", { TargetGroup: FRONT_TG })?.stats.sum).toBe(2626);
    expect(find(published, "RequestCount", { LoadBalancer: LB, TargetGroup: API_TG })?.stats.sum).toBe(10482);
  });
});
