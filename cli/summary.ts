/** What the brain will manage, for people: each target, its bounds and its layers. */
import {
  type BrainConfig,
  isCompositeAlarm,
  type ScalingPolicy,
  type Target,
} from "../shared/core/config/schema.js";
import { calendarActionsOf } from "../shared/core/schedules/calendar.js";

const UNIT: Record<Target["kind"], string> = {
  "aurora-readers": "readers",
  "aurora-capacity": "ACU",
  asg: "instances",
};

function identifier(target: Target): string {
  switch (target.kind) {
    case "aurora-readers":
      return `readers of Aurora cluster ${target.DBClusterIdentifier}`;
    case "aurora-capacity":
      return `Serverless v2 ACU floor of cluster ${target.DBClusterIdentifier} (ceiling ${target.AcuMaximum} ACU kept)`;
    case "asg":
      return `desired capacity of Auto Scaling group ${target.AutoScalingGroupName}`;
  }
}

const signed = (n: number) => (n >= 0 ? `+${n}` : `${n}`);

/**
 * A step's interval, as a difference from the alarm's threshold. Above the threshold the lower
 * bound is inclusive and the upper exclusive, below it the other way round
 * (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html): a
 * bound at or above 0 is reached from above, one at or below 0 from below. So `[0, 80)` above and
 * `(-∞, 0]` below; a step across the threshold is open at both ends.
 */
export function interval(lower: number | undefined, upper: number | undefined): string {
  const open = lower === undefined || lower < 0 ? "(" : "[";
  const close = upper === undefined || upper > 0 ? ")" : "]";
  return `${open}${lower ?? "-∞"}, ${upper ?? "+∞"}${close}`;
}

const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: "≥",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "≤",
};

function describePolicy(config: BrainConfig, policy: ScalingPolicy): string {
  if (policy.PolicyType === "TargetTrackingScaling") {
    const c = policy.TargetTrackingScalingPolicyConfiguration;
    const metric =
      c.PredefinedMetricSpecification?.PredefinedMetricType ??
      c.CustomizedMetricSpecification?.MetricName ??
      "metric math";
    const cooldowns = [
      c.ScaleOutCooldown !== undefined ? `scale-out cooldown ${c.ScaleOutCooldown} s` : undefined,
      c.ScaleInCooldown !== undefined ? `scale-in cooldown ${c.ScaleInCooldown} s` : undefined,
      c.DisableScaleIn ? "scale-in disabled" : undefined,
    ].filter(Boolean);
    return `target tracking ${policy.PolicyName}: ${metric} at ${c.TargetValue}${cooldowns.length ? ` (${cooldowns.join(", ")})` : ""}`;
  }
  const c = policy.StepScalingPolicyConfiguration;
  const alarms = policy.Alarms.map((name) => {
    const alarm = config.alarms.find((a) => a.AlarmName === name);
    if (!alarm) return name;
    if (isCompositeAlarm(alarm)) return `${name} [${alarm.AlarmRule}]`;
    const op = COMPARISON[alarm.ComparisonOperator];
    if (!op || alarm.Threshold === undefined) return `${name} (${alarm.ComparisonOperator})`;
    return `${name} (${alarm.MetricName ?? "metric math"} ${op} ${alarm.Threshold})`;
  });
  const unit = c.AdjustmentType === "PercentChangeInCapacity" ? "%" : "";
  const steps = c.StepAdjustments.map((s) => {
    const lo = s.MetricIntervalLowerBound;
    const hi = s.MetricIntervalUpperBound;
    const range = lo === undefined && hi === undefined ? "" : ` ${interval(lo, hi)}`;
    const change =
      c.AdjustmentType === "ExactCapacity"
        ? `=${s.ScalingAdjustment}`
        : `${signed(s.ScalingAdjustment)}${unit}`;
    return `${change}${range}`;
  });
  return `step ${policy.PolicyName} on ${alarms.join(", ")}: ${steps.join(", ")}${c.Cooldown !== undefined ? `, cooldown ${c.Cooldown} s` : ""}`;
}

export function summarize(config: BrainConfig): string {
  const lines: string[] = [];
  const scope = [
    config.account && `account ${config.account}`,
    config.region && `region ${config.region}`,
  ].filter(Boolean);
  lines.push(
    `${config.targets.length} target${config.targets.length === 1 ? "" : "s"}, ${config.alarms.length} alarms${scope.length ? `, ${scope.join(", ")}` : ""}`,
  );
  for (const target of config.targets) {
    lines.push("");
    lines.push(`${target.id} (${target.kind}): ${identifier(target)}`);
    lines.push(`  bounds: ${target.MinCapacity}–${target.MaxCapacity} ${UNIT[target.kind]}`);
    if (target.policies.length === 0) lines.push("  policies: none");
    for (const policy of target.policies) lines.push(`  ${describePolicy(config, policy)}`);
    for (const s of [...target.schedules, ...calendarActionsOf(config, target).map((c) => c.action)]) {
      const a = s.ScalableTargetAction;
      const bounds = [
        a.MinCapacity !== undefined && `MinCapacity ${a.MinCapacity}`,
        a.MaxCapacity !== undefined && `MaxCapacity ${a.MaxCapacity}`,
      ].filter(Boolean);
      lines.push(
        `  schedule ${s.ScheduledActionName}: ${s.Schedule}${s.Timezone ? ` ${s.Timezone}` : ""} → ${bounds.join(", ")}`,
      );
    }
  }
  return lines.join("\n");
}
