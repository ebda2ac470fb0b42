/**
 * Scaling policies as the AWS CLI describes them, to the configuration's Application Auto Scaling
 * PutScalingPolicy shape. Application Auto Scaling's carry over as they are; EC2 Auto Scaling's
 * flatter ones are nested as the README's translation table says:
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ScalingPolicy.html.
 */
import type { ComparisonOperator } from "../../core/config/schema.js";
import { pick } from "./alarms.js";
import type { GroupPolicyOutput, ScalingPolicyOutput } from "./describeOutputs.js";

const STEP_CONFIGURATION = [
  "AdjustmentType",
  "StepAdjustments",
  "MinAdjustmentMagnitude",
  "Cooldown",
  "MetricAggregationType",
] as const;
const STEP = ["MetricIntervalLowerBound", "MetricIntervalUpperBound", "ScalingAdjustment"] as const;
const TARGET_TRACKING = [
  "TargetValue",
  "PredefinedMetricSpecification",
  "CustomizedMetricSpecification",
  "ScaleOutCooldown",
  "ScaleInCooldown",
  "DisableScaleIn",
] as const;

/** A policy to carry over, or why it cannot be. */
export type Translated = { policy: Record<string, unknown> } | { skipped: string };

type Report = (field: string) => void;

const steps = (items: unknown, report: Report) =>
  ((items ?? []) as Record<string, unknown>[]).map((s, i) =>
    pick(s, STEP, (f) => report(`StepAdjustments[${i}].${f}`)),
  );

/** An Application Auto Scaling policy; `alarms` are the alarms whose actions name it. */
export function scalingPolicy(policy: ScalingPolicyOutput, alarms: string[], report: Report): Translated {
  const { PolicyName, PolicyType } = policy;
  if (PolicyType === "StepScaling") {
    if (alarms.length === 0) return { skipped: "no alarm names it in its actions" };
    const cfg = pick(policy.StepScalingPolicyConfiguration ?? {}, STEP_CONFIGURATION, (f) =>
      report(`StepScalingPolicyConfiguration.${f}`),
    );
    cfg.StepAdjustments = steps(cfg.StepAdjustments, (f) => report(`StepScalingPolicyConfiguration.${f}`));
    return { policy: { PolicyName, PolicyType, StepScalingPolicyConfiguration: cfg, Alarms: alarms } };
  }
  if (PolicyType === "TargetTrackingScaling") {
    const cfg = pick(policy.TargetTrackingScalingPolicyConfiguration ?? {}, TARGET_TRACKING, (f) =>
      report(`TargetTrackingScalingPolicyConfiguration.${f}`),
    );
    return { policy: { PolicyName, PolicyType, TargetTrackingScalingPolicyConfiguration: cfg } };
  }
  return { skipped: `${PolicyType} policies are not run by the brain` };
}

/** Which side of its threshold an alarm breaches on, for a simple policy's one step. */
export type AlarmSide = { composite: true } | { composite: false; operator: ComparisonOperator | undefined };

/**
 * An EC2 Auto Scaling policy. A simple policy becomes a step policy of one step, open on the side
 * its alarm breaches (a step's bounds are relative to the threshold); a step policy's estimated
 * warm-up becomes its cooldown, and a target-tracking policy's its scale-out cooldown.
 */
export function groupPolicy(
  policy: GroupPolicyOutput,
  alarms: { name: string; side: AlarmSide }[],
  groupCooldown: number | undefined,
): Translated {
  const { PolicyName, PolicyType = "SimpleScaling" } = policy;
  if (policy.Enabled === false) return { skipped: "it is disabled (Enabled: false)" };
  if (PolicyType === "TargetTrackingScaling") {
    const tt = policy.TargetTrackingConfiguration ?? {};
    const cfg: Record<string, unknown> = pick(
      tt,
      ["TargetValue", "PredefinedMetricSpecification", "CustomizedMetricSpecification", "DisableScaleIn"],
      () => {},
    );
    if (policy.EstimatedInstanceWarmup !== undefined) cfg.ScaleOutCooldown = policy.EstimatedInstanceWarmup;
    return { policy: { PolicyName, PolicyType, TargetTrackingScalingPolicyConfiguration: cfg } };
  }
  if (PolicyType !== "StepScaling" && PolicyType !== "SimpleScaling")
    return { skipped: `${PolicyType} policies are not run by the brain` };
  if (alarms.length === 0) return { skipped: "no alarm names it in its actions" };
  const cfg: Record<string, unknown> = { AdjustmentType: policy.AdjustmentType ?? "ChangeInCapacity" };
  const magnitude = policy.MinAdjustmentMagnitude ?? policy.MinAdjustmentStep;
  if (magnitude !== undefined && cfg.AdjustmentType === "PercentChangeInCapacity")
    cfg.MinAdjustmentMagnitude = magnitude;
  if (PolicyType === "StepScaling") {
    cfg.StepAdjustments = steps(policy.StepAdjustments, () => {});
    if (policy.MetricAggregationType !== undefined) cfg.MetricAggregationType = policy.MetricAggregationType;
    const cooldown = policy.EstimatedInstanceWarmup ?? groupCooldown;
    if (cooldown !== undefined) cfg.Cooldown = cooldown;
  } else {
    const side = alarms[0]?.side;
    const step: Record<string, unknown> = { ScalingAdjustment: policy.ScalingAdjustment ?? 0 };
    if (side && !side.composite) {
      if (side.operator?.startsWith("Less")) step.MetricIntervalUpperBound = 0;
      else step.MetricIntervalLowerBound = 0;
    }
    cfg.StepAdjustments = [step];
    const cooldown = policy.Cooldown ?? groupCooldown;
    if (cooldown !== undefined) cfg.Cooldown = cooldown;
  }
  return {
    policy: {
      PolicyName,
      PolicyType: "StepScaling",
      StepScalingPolicyConfiguration: cfg,
      Alarms: alarms.map((a) => a.name),
    },
  };
}
