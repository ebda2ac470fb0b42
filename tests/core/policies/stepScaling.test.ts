import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  AdjustmentType,
  ComparisonOperator,
  StepAdjustment,
  StepScalingPolicy,
} from "../../../shared/core/config/schema.js";
import type { Abstention, Proposal } from "../../../shared/core/engine/decision.js";
import { isProposal } from "../../../shared/core/policies/proposal.js";
import { type AlarmBreach, applyAdjustment, stepScaling } from "../../../shared/core/policies/stepScaling.js";

const options = { defaultCooldownSeconds: 300 };

function policy(
  steps: StepAdjustment[],
  extra: Partial<StepScalingPolicy["StepScalingPolicyConfiguration"]> = {},
): StepScalingPolicy {
  return {
    PolicyName: "reader-cpu-step",
    PolicyType: "StepScaling",
    Alarms: ["reader-cpu-high-70"],
    StepScalingPolicyConfiguration: { AdjustmentType: "ChangeInCapacity", StepAdjustments: steps, ...extra },
  };
}

const metric = (
  value: number | undefined,
  threshold: number,
  comparison: ComparisonOperator,
  metricName?: string,
): AlarmBreach => ({ kind: "metric", value, threshold, comparison, ...(metricName ? { metricName } : {}) });

function expectProposal(r: Proposal | Abstention): Proposal {
  if (!isProposal(r)) throw new Error(`expected a proposal, got ${r.reason}: ${r.message}`);
  return r;
}

// Virtway's layer 2: reader CPU > 70% adds 1 reader, > 85% adds 2.
const high = policy([
  { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 15, ScalingAdjustment: 1 },
  { MetricIntervalLowerBound: 15, ScalingAdjustment: 2 },
]);
// A low alarm at 30%: below it remove 1, 10 points further below remove 2.
const low = policy([
  { MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
  { MetricIntervalUpperBound: -10, ScalingAdjustment: -2 },
]);

describe("stepScaling: which step a value falls in", () => {
  // API_StepAdjustment.html: above the threshold the lower bound is inclusive and the upper
  // exclusive; below it the lower bound is exclusive and the upper inclusive; no bound is infinite.
  const cases: {
    name: string;
    p: StepScalingPolicy;
    breach: AlarmBreach;
    baseline: number;
    desired: number;
  }[] = [
    {
      name: "above: inside the first step",
      p: high,
      breach: metric(72, 70, "GreaterThanThreshold"),
      baseline: 3,
      desired: 4,
    },
    {
      name: "above: a lower bound is inclusive (85 is the +2 step)",
      p: high,
      breach: metric(85, 70, "GreaterThanThreshold"),
      baseline: 3,
      desired: 5,
    },
    {
      name: "above: an upper bound is exclusive (84.999 stays in +1)",
      p: high,
      breach: metric(84.999, 70, "GreaterThanThreshold"),
      baseline: 3,
      desired: 4,
    },
    {
      name: "above: a value at the threshold of a ≥ alarm is in [0, 15)",
      p: high,
      breach: metric(70, 70, "GreaterThanOrEqualToThreshold"),
      baseline: 3,
      desired: 4,
    },
    {
      name: "above: open upper end",
      p: high,
      breach: metric(1e6, 70, "GreaterThanThreshold"),
      baseline: 3,
      desired: 5,
    },
    {
      name: "below: negative steps scale in",
      p: low,
      breach: metric(25, 30, "LessThanThreshold"),
      baseline: 4,
      desired: 3,
    },
    {
      name: "below: an upper bound is inclusive (20 is the −2 step)",
      p: low,
      breach: metric(20, 30, "LessThanThreshold"),
      baseline: 4,
      desired: 2,
    },
    {
      name: "below: a lower bound is exclusive (20.001 stays in −1)",
      p: low,
      breach: metric(20.001, 30, "LessThanThreshold"),
      baseline: 4,
      desired: 3,
    },
    {
      name: "below: a value at the threshold of a ≤ alarm is in (−10, 0]",
      p: low,
      breach: metric(30, 30, "LessThanOrEqualToThreshold"),
      baseline: 4,
      desired: 3,
    },
    {
      name: "below: open lower end",
      p: low,
      breach: metric(-50, 30, "LessThanThreshold"),
      baseline: 4,
      desired: 2,
    },
    {
      name: "a band alarm above its upper threshold",
      p: high,
      breach: metric(90, 70, "LessThanLowerOrGreaterThanUpperThreshold"),
      baseline: 3,
      desired: 5,
    },
    {
      // 0.0031 − 0.003 is 0.00009999999999999983 in floating point: still the step [0.0001, +∞).
      name: "ReadLatency in seconds: float noise does not move a value off an inclusive bound",
      p: policy([
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 0.0001, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 0.0001, ScalingAdjustment: 2 },
      ]),
      breach: metric(0.0031, 0.003, "GreaterThanThreshold"),
      baseline: 2,
      desired: 4,
    },
  ];
  it.each(cases)("$name", ({ p, breach, baseline, desired }) => {
    const r = expectProposal(stepScaling(p, breach, baseline, options));
    expect(r.desired).toBe(desired);
    expect(r.reason).toBe("StepAdjustment");
  });

  // The same bound is inclusive on one side and exclusive on the other: a difference of exactly
  // ±10 picks the outer step both above and below.
  it.each([
    {
      name: "above: +10 belongs to [10, +∞), not [0, 10)",
      p: policy([
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
      ]),
      breach: metric(60, 50, "GreaterThanThreshold"),
      desired: 13,
    },
    {
      name: "below: −10 belongs to (−∞, −10], not (−10, 0]",
      p: policy([
        { MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
        { MetricIntervalUpperBound: -10, ScalingAdjustment: -3 },
      ]),
      breach: metric(40, 50, "LessThanThreshold"),
      desired: 7,
    },
  ])("$name", ({ p, breach, desired }) => {
    expect(expectProposal(stepScaling(p, breach, 10, options)).desired).toBe(desired);
  });

  it.each([
    {
      name: "a high alarm's value below its threshold",
      p: high,
      breach: metric(65, 70, "GreaterThanThreshold"),
    },
    { name: "a low alarm's value above its threshold", p: low, breach: metric(35, 30, "LessThanThreshold") },
    {
      name: "a gap between the threshold and the first step",
      p: policy([{ MetricIntervalLowerBound: 5, ScalingAdjustment: 1 }]),
      breach: metric(72, 70, "GreaterThanThreshold"),
    },
  ])("abstains with NoStepForValue: $name", ({ p, breach }) => {
    const r = stepScaling(p, breach, 3, options);
    expect(isProposal(r)).toBe(false);
    expect(r).toMatchObject({ layer: "reader-cpu-step", kind: "step", reason: "NoStepForValue" });
  });
});

describe("stepScaling: the proposal", () => {
  it("explains itself for people", () => {
    const r = expectProposal(
      stepScaling(
        policy([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]),
        metric(72, 70, "GreaterThanThreshold", "CPUUtilization"),
        3,
        options,
      ),
    );
    expect(r.message).toBe("CPUUtilization 72 > 70: step [0, +∞) adds 1 to 3 → 4");
  });

  it("writes a step below the threshold with its inclusive upper bound", () => {
    const r = expectProposal(
      stepScaling(low, metric(20, 30, "LessThanThreshold", "CPUUtilization"), 4, options),
    );
    expect(r.message).toBe("CPUUtilization 20 < 30: step (-∞, -10] removes 2 from 4 → 2");
  });

  it.each([
    { name: "Cooldown of the policy", extra: { Cooldown: 60 }, cooldown: 60 },
    { name: "default cooldown when the policy names none", extra: {}, cooldown: 300 },
  ])("starts the $name", ({ extra, cooldown }) => {
    const p = policy([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }], extra);
    const r = expectProposal(stepScaling(p, metric(72, 70, "GreaterThanThreshold"), 3, options));
    expect(r).toMatchObject({ layer: "reader-cpu-step", kind: "step", cooldownSeconds: cooldown });
  });

  it("counts from the baseline it is given, not from anything else (rule 3)", () => {
    expect(
      expectProposal(stepScaling(high, metric(90, 70, "GreaterThanThreshold"), 7, options)).desired,
    ).toBe(9);
  });

  it("does not apply bounds: coordination does", () => {
    const r = stepScaling(
      policy([{ MetricIntervalUpperBound: 0, ScalingAdjustment: -5 }]),
      metric(10, 30, "LessThanThreshold"),
      2,
      options,
    );
    expect(expectProposal(r).desired).toBe(-3);
  });

  it.each([
    { name: "ExactCapacity", type: "ExactCapacity" as const, adjustment: 6, desired: 6, text: "sets 3 → 6" },
    {
      name: "PercentChangeInCapacity",
      type: "PercentChangeInCapacity" as const,
      adjustment: 50,
      desired: 4,
      text: "adds 50% (1) to 3 → 4",
    },
  ])("applies $name", ({ type, adjustment, desired, text }) => {
    const p = policy([{ MetricIntervalLowerBound: 0, ScalingAdjustment: adjustment }], {
      AdjustmentType: type,
    });
    const r = expectProposal(stepScaling(p, metric(72, 70, "GreaterThanThreshold"), 3, options));
    expect(r.desired).toBe(desired);
    expect(r.message).toContain(text);
  });

  it("names MinAdjustmentMagnitude when the policy has one", () => {
    const p = policy([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 25 }], {
      AdjustmentType: "PercentChangeInCapacity",
      MinAdjustmentMagnitude: 2,
    });
    const r = expectProposal(stepScaling(p, metric(72, 70, "GreaterThanThreshold"), 4, options));
    expect(r.desired).toBe(6);
    expect(r.message).toContain("MinAdjustmentMagnitude 2");
  });
});

describe("stepScaling: composite alarms and unknown values", () => {
  const composite: AlarmBreach = { kind: "composite", alarmName: "reader-pressure" };

  it("takes the single unbounded step of a policy on a composite alarm", () => {
    const r = expectProposal(stepScaling(policy([{ ScalingAdjustment: 1 }]), composite, 3, options));
    expect(r.desired).toBe(4);
    expect(r.message).toContain("reader-pressure");
  });

  it("abstains when a policy on a composite alarm has several steps (no value to choose by)", () => {
    expect(stepScaling(high, composite, 3, options)).toMatchObject({ reason: "NoStepForValue" });
  });

  const cases: { name: string; p: StepScalingPolicy; breach: AlarmBreach; desired: number; says: string }[] =
    [
      {
        name: "one step: use it",
        p: policy([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }]),
        breach: metric(undefined, 70, "GreaterThanThreshold"),
        desired: 5,
        says: "only step",
      },
      {
        name: "several steps above: the one with lower bound 0",
        p: high,
        breach: metric(undefined, 70, "GreaterThanThreshold"),
        desired: 4,
        says: "nearest the threshold",
      },
      {
        name: "several steps above, listed outer first: still the one with lower bound 0",
        p: policy([
          { MetricIntervalLowerBound: 15, ScalingAdjustment: 2 },
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 15, ScalingAdjustment: 1 },
        ]),
        breach: metric(undefined, 70, "GreaterThanOrEqualToThreshold"),
        desired: 4,
        says: "nearest the threshold",
      },
      {
        name: "several steps below: the one with upper bound 0",
        p: policy([
          { MetricIntervalUpperBound: -10, ScalingAdjustment: -2 },
          { MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
        ]),
        breach: metric(undefined, 30, "LessThanThreshold"),
        desired: 2,
        says: "nearest the threshold",
      },
    ];
  it.each(cases)("value unknown, $name", ({ p, breach, desired, says }) => {
    const r = expectProposal(stepScaling(p, breach, 3, options));
    expect(r.desired).toBe(desired);
    expect(r.message).toContain("unknown");
    expect(r.message).toContain(says);
  });

  it.each([
    {
      name: "a band alarm breaches on both sides",
      p: policy([
        { MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
        { MetricIntervalLowerBound: 0, ScalingAdjustment: 1 },
      ]),
      breach: metric(undefined, 70, "LessThanLowerOrGreaterThanUpperThreshold"),
    },
    { name: "no step lies on the alarm's side", p: high, breach: metric(undefined, 30, "LessThanThreshold") },
  ])("value unknown, abstains: $name", ({ p, breach }) => {
    expect(stepScaling(p, breach, 3, options)).toMatchObject({ reason: "NoStepForValue" });
  });
});

describe("applyAdjustment", () => {
  // Worked examples of the Application Auto Scaling User Guide, "Step scaling policies":
  // https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
  const cases: {
    name: string;
    type: AdjustmentType;
    adjustment: number;
    baseline: number;
    min?: number;
    desired: number;
  }[] = [
    {
      name: "ChangeInCapacity: 3 and 5 make 8",
      type: "ChangeInCapacity",
      adjustment: 5,
      baseline: 3,
      desired: 8,
    },
    {
      name: "ChangeInCapacity: a negative value removes",
      type: "ChangeInCapacity",
      adjustment: -2,
      baseline: 3,
      desired: 1,
    },
    { name: "ExactCapacity: 3 becomes 5", type: "ExactCapacity", adjustment: 5, baseline: 3, desired: 5 },
    {
      name: "ExactCapacity: below the baseline too",
      type: "ExactCapacity",
      adjustment: 2,
      baseline: 7,
      desired: 2,
    },
    {
      name: "Percent: 10% of 10 adds 1",
      type: "PercentChangeInCapacity",
      adjustment: 10,
      baseline: 10,
      desired: 11,
    },
    {
      name: "Percent: 30% of 11 is 3.3, rounded down to 3",
      type: "PercentChangeInCapacity",
      adjustment: 30,
      baseline: 11,
      desired: 14,
    },
    {
      name: "Percent: −10% of 14 is −1.4, rounded to −1",
      type: "PercentChangeInCapacity",
      adjustment: -10,
      baseline: 14,
      desired: 13,
    },
    {
      name: "Percent: −30% of 13 is −3.9, rounded to −3",
      type: "PercentChangeInCapacity",
      adjustment: -30,
      baseline: 13,
      desired: 10,
    },
    {
      name: "Percent: 12.7 is rounded to 12",
      type: "PercentChangeInCapacity",
      adjustment: 10,
      baseline: 127,
      desired: 139,
    },
    {
      name: "Percent: .67 is rounded to 1",
      type: "PercentChangeInCapacity",
      adjustment: 1,
      baseline: 67,
      desired: 68,
    },
    {
      name: "Percent: −.58 is rounded to −1",
      type: "PercentChangeInCapacity",
      adjustment: -1,
      baseline: 58,
      desired: 57,
    },
    {
      name: "Percent: −6.67 is rounded to −6",
      type: "PercentChangeInCapacity",
      adjustment: -1,
      baseline: 667,
      desired: 661,
    },
    {
      name: "Percent: an integer change stays (100% of 10)",
      type: "PercentChangeInCapacity",
      adjustment: 100,
      baseline: 10,
      desired: 20,
    },
    {
      name: "Percent: −100% of 4 removes 4",
      type: "PercentChangeInCapacity",
      adjustment: -100,
      baseline: 4,
      desired: 0,
    },
    {
      name: "Percent: any % of 0 is 0",
      type: "PercentChangeInCapacity",
      adjustment: 50,
      baseline: 0,
      desired: 0,
    },
    {
      name: "MinAdjustmentMagnitude: 25% of 4 is 1, at least 2",
      type: "PercentChangeInCapacity",
      adjustment: 25,
      baseline: 4,
      min: 2,
      desired: 6,
    },
    {
      name: "MinAdjustmentMagnitude: −25% of 4 is −1, at least −2",
      type: "PercentChangeInCapacity",
      adjustment: -25,
      baseline: 4,
      min: 2,
      desired: 2,
    },
    {
      name: "MinAdjustmentMagnitude: a larger change is kept",
      type: "PercentChangeInCapacity",
      adjustment: 50,
      baseline: 10,
      min: 2,
      desired: 15,
    },
    {
      name: "MinAdjustmentMagnitude: from 0 still adds the minimum",
      type: "PercentChangeInCapacity",
      adjustment: 25,
      baseline: 0,
      min: 2,
      desired: 2,
    },
    {
      name: "MinAdjustmentMagnitude is for PercentChangeInCapacity only",
      type: "ChangeInCapacity",
      adjustment: 1,
      baseline: 3,
      min: 2,
      desired: 4,
    },
  ];
  it.each(cases)("$name", ({ type, adjustment, baseline, min, desired }) => {
    expect(applyAdjustment(type, adjustment, baseline, min)).toBe(desired);
  });

  it("follows AWS's walk through one scale-out and one scale-in policy at threshold 50", () => {
    // Same page: capacity 10; scale-out steps [0,10) 0, [10,20) +10%, [20,∞) +30%; scale-in steps
    // (−10,0] 0, (−20,−10] −10%, (−∞,−20] −30%. 60 → 11, then 70 → 14, 40 → 13, 30 → 10.
    const out = policy(
      [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 0 },
        { MetricIntervalLowerBound: 10, MetricIntervalUpperBound: 20, ScalingAdjustment: 10 },
        { MetricIntervalLowerBound: 20, ScalingAdjustment: 30 },
      ],
      { AdjustmentType: "PercentChangeInCapacity" },
    );
    const in_ = policy(
      [
        { MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: 0 },
        { MetricIntervalLowerBound: -20, MetricIntervalUpperBound: -10, ScalingAdjustment: -10 },
        { MetricIntervalUpperBound: -20, ScalingAdjustment: -30 },
      ],
      { AdjustmentType: "PercentChangeInCapacity" },
    );
    const walk: [StepScalingPolicy, number, ComparisonOperator][] = [
      [out, 60, "GreaterThanOrEqualToThreshold"],
      [out, 70, "GreaterThanOrEqualToThreshold"],
      [in_, 40, "LessThanOrEqualToThreshold"],
      [in_, 30, "LessThanOrEqualToThreshold"],
    ];
    const capacities: number[] = [];
    let capacity = 10;
    for (const [p, value, comparison] of walk) {
      capacity = expectProposal(stepScaling(p, metric(value, 50, comparison), capacity, options)).desired;
      capacities.push(capacity);
    }
    expect(capacities).toEqual([11, 14, 13, 10]);
  });
});

describe("stepScaling: properties", () => {
  // Steps above the threshold that cover [0, +∞) without gaps, as validation requires.
  const stepsAbove = fc
    .uniqueArray(fc.integer({ min: 1, max: 1000 }), { maxLength: 5 })
    .chain((cuts) => {
      const bounds = [0, ...cuts.sort((a, b) => a - b)];
      return fc.tuple(
        fc.constant(bounds),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: bounds.length, maxLength: bounds.length }),
      );
    })
    .map(([bounds, adjustments]) =>
      bounds.map((lo, i): StepAdjustment => {
        const hi = bounds[i + 1];
        return {
          MetricIntervalLowerBound: lo,
          ...(hi === undefined ? {} : { MetricIntervalUpperBound: hi }),
          ScalingAdjustment: adjustments[i]!,
        };
      }),
    );

  it("above the threshold, non-negative adjustments never propose below the baseline", () => {
    fc.assert(
      fc.property(
        stepsAbove,
        fc.constantFrom<AdjustmentType>("ChangeInCapacity", "PercentChangeInCapacity"),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        (steps, type, min, threshold, excess, baseline) => {
          const p = policy(steps, {
            AdjustmentType: type,
            ...(min === undefined ? {} : { MinAdjustmentMagnitude: min }),
          });
          const r = stepScaling(
            p,
            metric(threshold + excess, threshold, "GreaterThanOrEqualToThreshold"),
            baseline,
            options,
          );
          expect(expectProposal(r).desired).toBeGreaterThanOrEqual(baseline);
        },
      ),
    );
  });

  it("below the threshold, non-positive adjustments never propose above the baseline", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        (near, far, shortfall, baseline) => {
          const p = policy(
            [
              { MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -near },
              { MetricIntervalUpperBound: -10, ScalingAdjustment: -far },
            ],
            { AdjustmentType: "PercentChangeInCapacity" },
          );
          const r = stepScaling(
            p,
            metric(30 - shortfall, 30, "LessThanOrEqualToThreshold"),
            baseline,
            options,
          );
          expect(expectProposal(r).desired).toBeLessThanOrEqual(baseline);
        },
      ),
    );
  });
});
