import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TargetTrackingPolicy } from "../../../shared/core/config/schema.js";
import type { Abstention, Proposal, Reason } from "../../../shared/core/engine/decision.js";
import { isProposal } from "../../../shared/core/policies/proposal.js";
import {
  combineTargetTracking,
  DEFAULT_TARGET_TRACKING_COOLDOWN_SECONDS,
  proportionalCapacity,
  type TargetTrackingOptions,
  targetTracking,
} from "../../../shared/core/policies/targetTracking.js";

const options: TargetTrackingOptions = { scaleOutDatapoints: 3, scaleInDatapoints: 15, scaleInRatio: 0.9 };

function policy(
  extra: Partial<TargetTrackingPolicy["TargetTrackingScalingPolicyConfiguration"]> = {},
  name = "reader-cpu-30",
): TargetTrackingPolicy {
  // Virtway's layer 1: reader CPU at 30%, scale-out cooldown 30 s, scale-in cooldown 120 s.
  return {
    PolicyName: name,
    PolicyType: "TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 30,
      PredefinedMetricSpecification: { PredefinedMetricType: "RDSReaderAverageCPUUtilization" },
      ScaleOutCooldown: 30,
      ScaleInCooldown: 120,
      ...extra,
    },
  };
}

const times = (n: number, v: number | null): (number | null)[] => Array.from({ length: n }, () => v);

describe("proportionalCapacity", () => {
  it.each([
    { name: "3 × 40/30 is 4, not 5", capacity: 3, metric: 40, target: 30, desired: 4 },
    { name: "3 × 30/30 is 3", capacity: 3, metric: 30, target: 30, desired: 3 },
    { name: "3 × 45/30 = 4.5 rounds up to 5", capacity: 3, metric: 45, target: 30, desired: 5 },
    {
      name: "1 × 2.1/0.3 is 7 (7.000000000000001 in floating point)",
      capacity: 1,
      metric: 2.1,
      target: 0.3,
      desired: 7,
    },
    {
      name: "1 × 2.1/0.7 is 3 (3.0000000000000004 in floating point)",
      capacity: 1,
      metric: 2.1,
      target: 0.7,
      desired: 3,
    },
    { name: "a hair above an integer still rounds up", capacity: 3, metric: 30.001, target: 30, desired: 4 },
    { name: "capacity 0 gives 0", capacity: 0, metric: 90, target: 30, desired: 0 },
  ])("$name", ({ capacity, metric, target, desired }) => {
    expect(proportionalCapacity(capacity, metric, target)).toBe(desired);
  });
});

describe("targetTracking", () => {
  const cases: {
    name: string;
    p?: TargetTrackingPolicy;
    capacity: number;
    datapoints: (number | null)[];
    reason: Reason;
    desired?: number;
    cooldownSeconds?: number;
  }[] = [
    {
      name: "scale-out after 3 minutes above target, from the latest datapoint",
      capacity: 3,
      datapoints: [35, 50, 45],
      reason: "TargetTrackingScaleOut",
      desired: 5,
      cooldownSeconds: 30,
    },
    {
      name: "scale-out: only the last 3 minutes count",
      capacity: 3,
      datapoints: [null, 10, 40, 40, 40],
      reason: "TargetTrackingScaleOut",
      desired: 4,
    },
    {
      name: "scale-out: the Virtway avalanche, 2 readers at 95%",
      capacity: 2,
      datapoints: [31, 60, 95],
      reason: "TargetTrackingScaleOut",
      desired: 7,
    },
    {
      name: "scale-out at capacity 0 asks for at least 1",
      capacity: 0,
      datapoints: [40, 40, 40],
      reason: "TargetTrackingScaleOut",
      desired: 1,
    },
    {
      name: "scale-out by a hair that rounds back still adds 1",
      capacity: 3,
      datapoints: times(3, 30.000000000001),
      reason: "TargetTrackingScaleOut",
      desired: 4,
    },
    {
      name: "above target for only 2 of 3 minutes is within target",
      capacity: 3,
      datapoints: [25, 40, 40],
      reason: "WithinTarget",
    },
    {
      name: "at the target exactly is not above it",
      capacity: 3,
      datapoints: [30, 30, 30],
      reason: "WithinTarget",
    },
    { name: "above target but only 2 datapoints exist", capacity: 3, datapoints: [40, 40], reason: "NoData" },
    {
      name: "above target with a gap in the window",
      capacity: 3,
      datapoints: [40, null, 40],
      reason: "NoData",
    },
    { name: "latest minute missing", capacity: 3, datapoints: [40, 40, 40, null], reason: "NoData" },
    { name: "no datapoints at all", capacity: 3, datapoints: [], reason: "NoData" },
    { name: "NaN counts as missing", capacity: 3, datapoints: [40, 40, Number.NaN], reason: "NoData" },
    { name: "within the band [27, 30]", capacity: 3, datapoints: times(15, 28), reason: "WithinTarget" },
    {
      name: "scale-in after 15 minutes below 90% of target",
      capacity: 6,
      datapoints: times(15, 20),
      reason: "TargetTrackingScaleIn",
      desired: 4,
      cooldownSeconds: 120,
    },
    {
      name: "scale-in: only the last 15 minutes count",
      capacity: 6,
      datapoints: [50, null, ...times(15, 20)],
      reason: "TargetTrackingScaleIn",
      desired: 4,
    },
    {
      name: "scale-in is the formula, even when it keeps the capacity",
      capacity: 1,
      datapoints: times(15, 20),
      reason: "TargetTrackingScaleIn",
      desired: 1,
    },
    {
      name: "exactly 90% of target is not below it",
      capacity: 6,
      datapoints: times(15, 27),
      reason: "WithinTarget",
    },
    {
      name: "below for 14 of 15 minutes is within target",
      capacity: 6,
      datapoints: [28, ...times(14, 20)],
      reason: "WithinTarget",
    },
    { name: "below but only 14 datapoints exist", capacity: 6, datapoints: times(14, 20), reason: "NoData" },
    {
      name: "below with a gap in the window",
      capacity: 6,
      datapoints: [...times(7, 20), null, ...times(7, 20)],
      reason: "NoData",
    },
    {
      name: "DisableScaleIn abstains from scaling in",
      p: policy({ DisableScaleIn: true }),
      capacity: 6,
      datapoints: times(15, 20),
      reason: "ScaleInDisabled",
    },
    {
      name: "DisableScaleIn still scales out",
      p: policy({ DisableScaleIn: true }),
      capacity: 3,
      datapoints: [40, 40, 40],
      reason: "TargetTrackingScaleOut",
      desired: 4,
    },
  ];
  it.each(cases)("$name", ({ p, capacity, datapoints, reason, desired, cooldownSeconds }) => {
    const r = targetTracking(p ?? policy(), capacity, datapoints, options);
    expect(r).toMatchObject({ layer: p?.PolicyName ?? "reader-cpu-30", kind: "target-tracking", reason });
    expect(isProposal(r)).toBe(desired !== undefined);
    if (isProposal(r)) {
      expect(r.desired).toBe(desired);
      if (cooldownSeconds !== undefined) expect(r.cooldownSeconds).toBe(cooldownSeconds);
    }
  });

  it.each([
    {
      name: "a shorter scale-out window",
      o: { ...options, scaleOutDatapoints: 1 },
      datapoints: [10, 40],
      reason: "TargetTrackingScaleOut",
    },
    {
      name: "a shorter scale-in window",
      o: { ...options, scaleInDatapoints: 2 },
      datapoints: [28, 20, 20],
      reason: "TargetTrackingScaleIn",
    },
    {
      name: "a lower scale-in ratio",
      o: { ...options, scaleInRatio: 0.5 },
      datapoints: times(15, 20),
      reason: "WithinTarget",
    },
  ])("follows the settings' windows: $name", ({ o, datapoints, reason }) => {
    expect(targetTracking(policy(), 6, datapoints, o)).toMatchObject({ reason });
  });

  it("compares against the scale-in threshold without float noise (0.8 × 3 is 2.4000000000000004)", () => {
    const p = policy({ TargetValue: 3 });
    expect(targetTracking(p, 6, times(15, 2.4), { ...options, scaleInRatio: 0.8 })).toMatchObject({
      reason: "WithinTarget",
    });
  });

  it.each([
    { name: "scale-out", datapoints: [40, 40, 40] },
    { name: "scale-in", datapoints: times(15, 20) },
  ])("uses AWS's default cooldown of 300 s for $name when the policy names none", ({ datapoints }) => {
    const p = policy({ ScaleOutCooldown: undefined, ScaleInCooldown: undefined });
    const r = targetTracking(p, 6, datapoints, options);
    expect(isProposal(r) && r.cooldownSeconds).toBe(DEFAULT_TARGET_TRACKING_COOLDOWN_SECONDS);
    expect(DEFAULT_TARGET_TRACKING_COOLDOWN_SECONDS).toBe(300);
  });

  it.each([
    {
      name: "a scale-out",
      capacity: 3,
      datapoints: [40, 40, 40],
      says: ["RDSReaderAverageCPUUtilization 40 > target 30", "3 → 4"],
    },
    { name: "a scale-out from 0", capacity: 0, datapoints: [40, 40, 40], says: ["capacity 0", "0 → 1"] },
    { name: "a scale-in", capacity: 6, datapoints: times(15, 20), says: ["20 < 27", "6 → 4"] },
    { name: "a metric within its band", capacity: 6, datapoints: [28], says: ["28 within [27, 30]"] },
  ])("explains $name", ({ capacity, datapoints, says }) => {
    const { message } = targetTracking(policy(), capacity, datapoints, options);
    for (const s of says) expect(message).toContain(s);
  });

  it("names a customized metric", () => {
    const p = policy({
      PredefinedMetricSpecification: undefined,
      CustomizedMetricSpecification: {
        MetricName: "ActiveSessions",
        Namespace: "Virtway",
        Statistic: "Average",
      },
    });
    expect(targetTracking(p, 3, [40, 40, 40], options).message).toContain("ActiveSessions");
  });
});

describe("combineTargetTracking", () => {
  const out = (layer: string, desired: number): Proposal => ({
    layer,
    kind: "target-tracking",
    direction: "out",
    desired,
    reason: "TargetTrackingScaleOut",
    message: `${layer} out`,
    cooldownSeconds: 30,
  });
  const in_ = (layer: string, desired: number): Proposal => ({
    ...out(layer, desired),
    reason: "TargetTrackingScaleIn",
    message: `${layer} in`,
  });
  const abstain = (layer: string, reason: Reason): Abstention => ({
    layer,
    kind: "target-tracking",
    reason,
    message: `${layer} ${reason}`,
  });

  const cases: {
    name: string;
    results: (Proposal | Abstention)[];
    layer: string;
    reason: Reason;
    desired?: number;
  }[] = [
    {
      name: "any scale-out wins; the largest of them",
      results: [out("cpu", 5), abstain("conn", "WithinTarget"), out("req", 7)],
      layer: "req",
      reason: "TargetTrackingScaleOut",
      desired: 7,
    },
    {
      name: "a scale-out beats a scale-in",
      results: [in_("cpu", 4), out("conn", 8)],
      layer: "conn",
      reason: "TargetTrackingScaleOut",
      desired: 8,
    },
    {
      name: "a scale-out beats missing data",
      results: [abstain("cpu", "NoData"), out("conn", 7)],
      layer: "conn",
      reason: "TargetTrackingScaleOut",
      desired: 7,
    },
    {
      name: "scale-in when all agree, to the largest (most conservative)",
      results: [in_("cpu", 2), in_("conn", 4)],
      layer: "conn",
      reason: "TargetTrackingScaleIn",
      desired: 4,
    },
    {
      name: "no scale-in while another policy is within target",
      results: [in_("cpu", 2), abstain("conn", "WithinTarget")],
      layer: "conn",
      reason: "WithinTarget",
    },
    {
      name: "no scale-in while another policy has no data",
      results: [in_("cpu", 2), abstain("conn", "NoData")],
      layer: "conn",
      reason: "NoData",
    },
    {
      name: "a policy with DisableScaleIn has no say in scale-in",
      results: [in_("cpu", 2), abstain("conn", "ScaleInDisabled")],
      layer: "cpu",
      reason: "TargetTrackingScaleIn",
      desired: 2,
    },
    {
      name: "WithinTarget is preferred over NoData",
      results: [abstain("cpu", "NoData"), abstain("conn", "WithinTarget")],
      layer: "conn",
      reason: "WithinTarget",
    },
    {
      name: "otherwise the first abstention",
      results: [abstain("cpu", "NoData"), abstain("conn", "NoData")],
      layer: "cpu",
      reason: "NoData",
    },
    {
      name: "only disabled scale-ins",
      results: [abstain("cpu", "ScaleInDisabled")],
      layer: "cpu",
      reason: "ScaleInDisabled",
    },
    { name: "no policy at all", results: [], layer: "target-tracking", reason: "NoData" },
  ];
  it.each(cases)("$name", ({ results, layer, reason, desired }) => {
    const r = combineTargetTracking(results, 6);
    expect(r).toMatchObject({ layer, reason });
    expect(isProposal(r) ? r.desired : undefined).toBe(desired);
  });

  it("says why a scale-in waits", () => {
    const r = combineTargetTracking([in_("cpu", 2), abstain("conn", "WithinTarget")], 6);
    expect(r.message).toContain("conn WithinTarget");
    expect(r.message).toContain("1 of 2");
  });

  it("combines real policies: Virtway's CPU at 30% and connections at 280", () => {
    const cpu = targetTracking(policy(), 4, times(15, 12), options);
    const conn = targetTracking(
      policy(
        {
          TargetValue: 280,
          PredefinedMetricSpecification: { PredefinedMetricType: "RDSReaderAverageDatabaseConnections" },
        },
        "reader-conn-280",
      ),
      4,
      [300, 350, 391],
      options,
    );
    expect(combineTargetTracking([cpu, conn], 4)).toMatchObject({ layer: "reader-conn-280", desired: 6 });
  });
});

describe("target tracking: properties", () => {
  const datapoint = fc.option(fc.double({ min: 0, max: 200, noNaN: true }), { nil: null });
  const input = fc.record({
    target: fc.double({ min: 1, max: 100, noNaN: true }),
    disableScaleIn: fc.boolean(),
    capacity: fc.integer({ min: 0, max: 50 }),
    datapoints: fc.array(datapoint, { maxLength: 25 }),
    scaleOutDatapoints: fc.integer({ min: 1, max: 5 }),
    scaleInDatapoints: fc.integer({ min: 1, max: 20 }),
    scaleInRatio: fc.double({ min: 0.1, max: 0.99, noNaN: true }),
  });
  const run = (i: typeof input extends fc.Arbitrary<infer T> ? T : never, name = "tt") =>
    targetTracking(
      policy({ TargetValue: i.target, DisableScaleIn: i.disableScaleIn }, name),
      i.capacity,
      i.datapoints,
      {
        scaleOutDatapoints: i.scaleOutDatapoints,
        scaleInDatapoints: i.scaleInDatapoints,
        scaleInRatio: i.scaleInRatio,
      },
    );

  it("is deterministic and leaves its input alone", () => {
    fc.assert(
      fc.property(input, (i) => {
        const before = structuredClone(i);
        const first = run(i);
        expect(run(i)).toEqual(first);
        expect(i).toEqual(before);
      }),
    );
  });

  it("scales out above the capacity and scales in never above it", () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = run(i);
        if (r.reason === "TargetTrackingScaleOut")
          expect(isProposal(r) && r.desired).toBeGreaterThan(i.capacity);
        if (r.reason === "TargetTrackingScaleIn")
          expect(isProposal(r) && r.desired).toBeLessThanOrEqual(i.capacity);
      }),
    );
  });

  it("combineTargetTracking never proposes less than the largest scale-out", () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 5 }), fc.integer({ min: 0, max: 50 }), (inputs, capacity) => {
        const results = inputs.map((i, n) => run({ ...i, capacity }, `tt-${n}`));
        const outs = results.filter(isProposal).filter((p) => p.desired > capacity);
        const combined = combineTargetTracking(results, capacity);
        if (outs.length === 0) return;
        const largest = Math.max(...outs.map((p) => p.desired));
        expect(isProposal(combined) && combined.desired).toBeGreaterThanOrEqual(largest);
      }),
    );
  });

  it("combineTargetTracking scales in only when every policy with scale-in enabled agrees", () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 5 }), fc.integer({ min: 0, max: 50 }), (inputs, capacity) => {
        const results = inputs.map((i, n) => run({ ...i, capacity }, `tt-${n}`));
        const combined = combineTargetTracking(results, capacity);
        if (!isProposal(combined) || combined.desired > capacity) return;
        for (const r of results) expect(["TargetTrackingScaleIn", "ScaleInDisabled"]).toContain(r.reason);
        for (const r of results.filter(isProposal))
          expect(combined.desired).toBeGreaterThanOrEqual(r.desired);
      }),
    );
  });
});
