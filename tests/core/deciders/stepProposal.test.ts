import { describe, expect, it } from "vitest";
import type { StepScalingPolicy } from "../../../shared/core/config/schema.js";
import { stepProposal } from "../../../shared/core/deciders/alarmDecision.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";
import type { AlarmBreach } from "../../../shared/core/policies/stepScaling.js";

const NOW = new Date("2026-11-23T19:20:00.000Z");
const at = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();

const policy = (adjustment: number): StepScalingPolicy => ({
  PolicyName: adjustment > 0 ? "requests-high-step" : "requests-low-step",
  PolicyType: "StepScaling",
  Alarms: ["requests"],
  StepScalingPolicyConfiguration: {
    AdjustmentType: "ChangeInCapacity",
    StepAdjustments: [
      adjustment > 0
        ? { MetricIntervalLowerBound: 0, ScalingAdjustment: adjustment }
        : { MetricIntervalUpperBound: 0, ScalingAdjustment: adjustment },
    ],
    Cooldown: 60,
  },
});
const above: AlarmBreach = {
  kind: "metric",
  threshold: 1800,
  comparison: "GreaterThanThreshold",
  value: 2400,
};
const below: AlarmBreach = { kind: "metric", threshold: 600, comparison: "LessThanThreshold", value: 560 };

/** 8 instances, the last 6 added by target tracking 4 minutes ago, its scale-out cooldown running. */
const afterScaleOut = (): TargetState => ({
  ...initialState("web", { min: 2, max: 20 }, 8),
  cooldowns: [
    {
      layer: "requests-target-1000",
      direction: "out",
      startedAt: at(-240),
      endsAt: at(60),
      baseline: 2,
      desired: 8,
    },
  ],
});
const options = { defaultCooldownSeconds: 300, kind: "aurora-readers" as const };

describe("a step policy's proposal", () => {
  it("scales out from the capacity before the running scale-out cooldown began (rules 2 and 3)", () => {
    // 2 + 3 = 5, which 8 covers: coordination holds it as nothing new.
    expect(stepProposal(policy(3), above, afterScaleOut(), NOW, options)).toMatchObject({
      direction: "out",
      desired: 5,
    });
  });

  it("scales in from the capacity the target has, not from a scale-out's baseline", () => {
    // 8 − 4 = 4; counted from the cooldown's baseline it would be 2 − 4 = −2.
    expect(stepProposal(policy(-4), below, afterScaleOut(), NOW, options)).toMatchObject({
      direction: "in",
      desired: 4,
    });
  });

  it("a group's scale-in has no cooldown, as EC2 Auto Scaling's step policies have none", () => {
    // The same policy names Cooldown 60: Application Auto Scaling holds to it, EC2 Auto Scaling ignores it.
    expect(stepProposal(policy(-1), below, afterScaleOut(), NOW, options)).toMatchObject({
      direction: "in",
      cooldownSeconds: 60,
    });
    expect(stepProposal(policy(-1), below, afterScaleOut(), NOW, { ...options, kind: "asg" })).toMatchObject({
      direction: "in",
      desired: 7,
      cooldownSeconds: 0,
    });
  });

  it("a group's scale-out keeps the policy's cooldown for rule 3", () => {
    expect(stepProposal(policy(3), above, afterScaleOut(), NOW, { ...options, kind: "asg" })).toMatchObject({
      direction: "out",
      cooldownSeconds: 60,
    });
  });
});
