/**
 * Step scaling, as Application Auto Scaling performs it: the alarm's breach picks a step, the step's
 * adjustment applies to a baseline. Pure: no clock, no AWS. Bounds (MinCapacity, MaxCapacity, 15
 * replicas) are not applied here; coordination applies them, and chooses the baseline (rule 3, docs/rules.md).
 *
 * AWS's pages:
 * - https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html
 * - https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
 * - https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
 */
import type {
  AdjustmentType,
  ComparisonOperator,
  StepAdjustment,
  StepScalingPolicy,
} from "../config/schema.js";
import type { Abstention, Proposal } from "../engine/decision.js";
import { formatNumber, withoutNoise } from "./proposal.js";

/** The alarm state change a step policy answers. */
export type AlarmBreach =
  | {
      kind: "metric";
      threshold: number;
      comparison: ComparisonOperator;
      /** The breaching datapoint; undefined when the message carried none (some SNS notifications). */
      value: number | undefined;
      /** For messages only ("CPUUtilization 72 > 70"). */
      metricName?: string;
    }
  | {
      kind: "composite";
      /** For messages only. */
      alarmName?: string;
    };

/** Which side of the threshold the metric is on; it decides which bound of a step is inclusive. */
type Side = "above" | "below";

/** The side an alarm breaches on, from its comparison; undefined for a band that breaches both ways. */
function comparisonSide(comparison: ComparisonOperator): Side | undefined {
  switch (comparison) {
    case "GreaterThanThreshold":
    case "GreaterThanOrEqualToThreshold":
    case "GreaterThanUpperThreshold":
      return "above";
    case "LessThanThreshold":
    case "LessThanOrEqualToThreshold":
    case "LessThanLowerThreshold":
      return "below";
    case "LessThanLowerOrGreaterThanUpperThreshold":
      return undefined;
  }
}

/**
 * The side of a known value. A value equal to the threshold takes its alarm's side: AWS's own
 * example (threshold 50, "greater than or equal to 50 and less than 60" is the step [0, 10)) only
 * holds if a GreaterThanOrEqualToThreshold alarm at exactly 50 is "above".
 */
function valueSide(difference: number, comparison: ComparisonOperator): Side {
  if (difference > 0) return "above";
  if (difference < 0) return "below";
  return comparisonSide(comparison) ?? "above";
}

/**
 * Whether the difference (value − threshold) falls in the step. Above the threshold the lower bound is
 * inclusive and the upper exclusive; below it, the lower is exclusive and the upper inclusive; a missing
 * bound is infinite (API_StepAdjustment.html).
 */
function stepContains(step: StepAdjustment, difference: number, side: Side): boolean {
  const lo = step.MetricIntervalLowerBound;
  const hi = step.MetricIntervalUpperBound;
  if (side === "above")
    return (lo === undefined || difference >= lo) && (hi === undefined || difference < hi);
  return (lo === undefined || difference > lo) && (hi === undefined || difference <= hi);
}

/**
 * The step to take when the alarm's value is unknown: the one nearest the threshold on the alarm's side
 * (lower bound 0 above, upper bound 0 below, in a policy without gaps), the mildest response to a breach
 * whose size nobody knows.
 */
function stepNearestThreshold(steps: readonly StepAdjustment[], side: Side): StepAdjustment | undefined {
  if (side === "above") {
    const candidates = steps.filter(
      (s) => s.MetricIntervalUpperBound === undefined || s.MetricIntervalUpperBound > 0,
    );
    return minBy(candidates, (s) => s.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY);
  }
  const candidates = steps.filter(
    (s) => s.MetricIntervalLowerBound === undefined || s.MetricIntervalLowerBound < 0,
  );
  return minBy(candidates, (s) => -(s.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY));
}

function minBy<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || key(item) < key(best)) best = item;
  return best;
}

/**
 * A step policy's answer to one alarm breach: the capacity its step asks for, counted from `baseline`.
 * A composite alarm has no value: its policy's single step always applies.
 */
export function stepScaling(
  policy: StepScalingPolicy,
  breach: AlarmBreach,
  baseline: number,
  options: { defaultCooldownSeconds: number },
): Proposal | Abstention {
  const cfg = policy.StepScalingPolicyConfiguration;
  const steps = cfg.StepAdjustments;
  const abstain = (message: string): Abstention => ({
    layer: policy.PolicyName,
    kind: "step",
    reason: "NoStepForValue",
    message,
  });
  const propose = (step: StepAdjustment, why: string): Proposal => {
    const desired = applyAdjustment(
      cfg.AdjustmentType,
      step.ScalingAdjustment,
      baseline,
      cfg.MinAdjustmentMagnitude,
    );
    return {
      layer: policy.PolicyName,
      kind: "step",
      // ExactCapacity says no direction of its own: it is a scale-out when it asks for more.
      direction: desired >= baseline ? "out" : "in",
      desired,
      reason: "StepAdjustment",
      message: `${why} ${describeAdjustment(cfg.AdjustmentType, step.ScalingAdjustment, baseline, desired, cfg.MinAdjustmentMagnitude)}`,
      cooldownSeconds: cfg.Cooldown ?? options.defaultCooldownSeconds,
    };
  };
  const [first] = steps;

  if (breach.kind === "composite") {
    const alarm = breach.alarmName === undefined ? "composite alarm" : `composite alarm ${breach.alarmName}`;
    if (first === undefined || steps.length > 1)
      return abstain(
        `${alarm} has no value to choose among ${steps.length} steps: a composite alarm's policy has one`,
      );
    return propose(first, `${alarm} in ALARM: its step`);
  }

  const label = breach.metricName ?? "value";
  if (breach.value === undefined || !Number.isFinite(breach.value)) {
    const unknown = `${label} unknown (no datapoint in the alarm's message):`;
    if (first !== undefined && steps.length === 1)
      return propose(
        first,
        `${unknown} the policy's only step ${formatInterval(first, comparisonSide(breach.comparison))}`,
      );
    const side = comparisonSide(breach.comparison);
    if (side === undefined)
      return abstain(
        `${unknown} ${breach.comparison} breaches on both sides, so none of ${steps.length} steps applies`,
      );
    const step = stepNearestThreshold(steps, side);
    if (step === undefined)
      return abstain(`${unknown} no step lies ${side} the threshold ${formatNumber(breach.threshold)}`);
    return propose(step, `${unknown} took the step nearest the threshold, ${formatInterval(step, side)},`);
  }

  const difference = withoutNoise(breach.value - breach.threshold);
  const side = valueSide(difference, breach.comparison);
  const relation = difference > 0 ? ">" : difference < 0 ? "<" : "=";
  const observed = `${label} ${formatNumber(breach.value)} ${relation} ${formatNumber(breach.threshold)}`;
  const step = steps.find((s) => stepContains(s, difference, side));
  if (step === undefined)
    return abstain(`${observed}: no step of the policy covers a difference of ${formatNumber(difference)}`);
  return propose(step, `${observed}: step ${formatInterval(step, side)}`);
}

/**
 * The capacity an adjustment asks for, counted from `baseline` (not bounded). PercentChangeInCapacity
 * rounds as Application Auto Scaling documents it (application-auto-scaling-step-scaling-policies.html):
 * a change above 1 is rounded down, between 0 and 1 becomes 1, between 0 and −1 becomes −1, below −1 is
 * rounded up (toward zero); MinAdjustmentMagnitude then makes the change at least that large.
 */
export function applyAdjustment(
  type: AdjustmentType,
  adjustment: number,
  baseline: number,
  minAdjustmentMagnitude?: number,
): number {
  switch (type) {
    case "ChangeInCapacity":
      return baseline + adjustment;
    case "ExactCapacity":
      return adjustment;
    case "PercentChangeInCapacity":
      return baseline + percentChange(adjustment, baseline, minAdjustmentMagnitude);
  }
}

/** The change a PercentChangeInCapacity adjustment makes, rounded, and at least MinAdjustmentMagnitude. */
function percentChange(
  percent: number,
  baseline: number,
  minAdjustmentMagnitude: number | undefined,
): number {
  const raw = withoutNoise((baseline * percent) / 100);
  let change: number;
  if (raw > 1) change = Math.floor(raw);
  else if (raw > 0) change = 1;
  else if (raw >= -1) change = raw === 0 ? 0 : -1;
  else change = Math.ceil(raw);
  // The minimum applies in the adjustment's direction, even to 0 % of 0 (a group scaled to zero).
  if (minAdjustmentMagnitude !== undefined && percent > 0) change = Math.max(change, minAdjustmentMagnitude);
  if (minAdjustmentMagnitude !== undefined && percent < 0) change = Math.min(change, -minAdjustmentMagnitude);
  return change;
}

/** "[0, +∞)" above the threshold, "(-10, 0]" below: the brackets say which bound is inclusive. */
function formatInterval(step: StepAdjustment, side: Side | undefined): string {
  const lo = step.MetricIntervalLowerBound;
  const hi = step.MetricIntervalUpperBound;
  const open = lo === undefined ? "(-∞" : `${side === "below" ? "(" : "["}${formatNumber(lo)}`;
  const close = hi === undefined ? "+∞)" : `${formatNumber(hi)}${side === "below" ? "]" : ")"}`;
  return `${open}, ${close}`;
}

function describeAdjustment(
  type: AdjustmentType,
  adjustment: number,
  baseline: number,
  desired: number,
  minAdjustmentMagnitude: number | undefined,
): string {
  const change = Math.abs(desired - baseline);
  const least =
    minAdjustmentMagnitude === undefined ? "" : `; MinAdjustmentMagnitude ${minAdjustmentMagnitude}`;
  switch (type) {
    case "ExactCapacity":
      return `sets ${baseline} → ${desired}`;
    case "ChangeInCapacity":
      return adjustment >= 0
        ? `adds ${adjustment} to ${baseline} → ${desired}`
        : `removes ${-adjustment} from ${baseline} → ${desired}`;
    case "PercentChangeInCapacity":
      return adjustment >= 0
        ? `adds ${adjustment}% (${change}${least}) to ${baseline} → ${desired}`
        : `removes ${-adjustment}% (${change}${least}) from ${baseline} → ${desired}`;
  }
}
