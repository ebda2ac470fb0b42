/**
 * Target tracking, as Application Auto Scaling's managed alarms drive it: scale out when the metric
 * stayed above the target, scale in (more slowly) when it stayed well below. Pure: no clock, no AWS;
 * bounds and cooldowns are coordination's business.
 *
 * AWS publishes no formula for the capacity it asks for; the proportional rule of Kubernetes' HPA
 * is used: desired = ceil(capacity × metric / TargetValue).
 *
 * AWS's pages:
 * - https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
 * - https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
 */
import type { TargetTrackingPolicy, TargetTrackingScalingPolicyConfiguration } from "../config/schema.js";
import type { Abstention, Proposal } from "../engine/decision.js";
import { formatNumber, isProposal, withoutNoise } from "./proposal.js";

/**
 * ScaleOutCooldown and ScaleInCooldown when the policy names none: 300 s for Aurora DB clusters
 * (and ECS, Spot Fleet, EMR, AppStream, SageMaker, custom resources) per
 * API_TargetTrackingScalingPolicyConfiguration.html; EC2 Auto Scaling's default cooldown is 300 s too.
 */
export const DEFAULT_TARGET_TRACKING_COOLDOWN_SECONDS = 300;

export type TargetTrackingOptions = {
  /** Consecutive datapoints above the target before a scale-out (AWS's high alarm: 3 of 3). */
  scaleOutDatapoints: number;
  /** Consecutive datapoints below the scale-in threshold before a scale-in (AWS's low alarm: 15 of 15). */
  scaleInDatapoints: number;
  /** The scale-in threshold as a fraction of TargetValue (AWS's low alarm sits about 10% below). */
  scaleInRatio: number;
};

/**
 * ceil(capacity × metric / target), without the floating-point noise that would add a whole unit:
 * 1 × 2.1 / 0.3 is 7.000000000000001.
 */
export function proportionalCapacity(capacity: number, metric: number, target: number): number {
  return Math.ceil(withoutNoise((capacity * metric) / target));
}

/**
 * One target-tracking policy's view of its metric: `datapoints` are one per minute, oldest first, the
 * last one for the minute ending now (null where CloudWatch has none).
 */
export function targetTracking(
  policy: TargetTrackingPolicy,
  capacity: number,
  datapoints: readonly (number | null)[],
  options: TargetTrackingOptions,
): Proposal | Abstention {
  const cfg = policy.TargetTrackingScalingPolicyConfiguration;
  const { target, low, metric, targetText, lowText, ratioText } = thresholdsOf(cfg, options);
  const abstain = (reason: Abstention["reason"], message: string): Abstention => ({
    layer: policy.PolicyName,
    kind: "target-tracking",
    reason,
    message,
  });

  const latest = datapoints.at(-1);
  if (!isPresent(latest)) return abstain("NoData", `${metric}: no datapoint for the latest minute`);
  const value = formatNumber(latest);

  const above = streak(datapoints, options.scaleOutDatapoints, (v) => v > target);
  if (above === "held") {
    const proportional = proportionalCapacity(capacity, latest, target);
    // The high alarm fired, so at least one more: at capacity 0 a per-instance metric has nothing to
    // be proportional to, and a breach by a hair can round back to the capacity it started from.
    const desired = Math.max(proportional, capacity + 1);
    const observed = `${metric} ${value} > target ${targetText} for ${options.scaleOutDatapoints} min`;
    const how =
      capacity === 0
        ? "capacity 0 gives a per-instance metric nothing to scale from: asks for at least 1"
        : desired > proportional
          ? `ceil(${capacity} × ${value}/${targetText}) keeps ${proportional}: asks for one more`
          : `ceil(${capacity} × ${value}/${targetText}) = ${desired}`;
    return {
      layer: policy.PolicyName,
      kind: "target-tracking",
      direction: "out",
      desired,
      reason: "TargetTrackingScaleOut",
      message: `${observed}: ${how} (${capacity} → ${desired})`,
      cooldownSeconds: cfg.ScaleOutCooldown ?? DEFAULT_TARGET_TRACKING_COOLDOWN_SECONDS,
    };
  }

  const below = streak(datapoints, options.scaleInDatapoints, (v) => v < low);
  if (below === "held") {
    const observed = `${metric} ${value} < ${lowText} (${ratioText}% of target ${targetText}) for ${options.scaleInDatapoints} min`;
    if (cfg.DisableScaleIn === true)
      return abstain("ScaleInDisabled", `${observed}, but DisableScaleIn is set`);
    const desired = proportionalCapacity(capacity, latest, target);
    return {
      layer: policy.PolicyName,
      kind: "target-tracking",
      direction: "in",
      desired,
      reason: "TargetTrackingScaleIn",
      message: `${observed}: ceil(${capacity} × ${value}/${targetText}) = ${desired} (${capacity} → ${desired})`,
      cooldownSeconds: cfg.ScaleInCooldown ?? DEFAULT_TARGET_TRACKING_COOLDOWN_SECONDS,
    };
  }

  // Outside the band but without a full window: a gap or a short history is no evidence either way.
  if (latest > target && above === "incomplete")
    return abstain(
      "NoData",
      `${metric} ${value} > target ${targetText}, but not ${options.scaleOutDatapoints} datapoints in a row`,
    );
  if (latest < low && below === "incomplete")
    return abstain(
      "NoData",
      `${metric} ${value} < ${lowText}, but not ${options.scaleInDatapoints} datapoints in a row`,
    );
  if (latest > target)
    return abstain(
      "WithinTarget",
      `${metric} ${value} > target ${targetText} for less than ${options.scaleOutDatapoints} min`,
    );
  if (latest < low)
    return abstain(
      "WithinTarget",
      `${metric} ${value} < ${lowText} for less than ${options.scaleInDatapoints} min`,
    );
  return abstain("WithinTarget", `${metric} ${value} within [${lowText}, ${targetText}]`);
}

/** A policy's thresholds, and how its messages print them and its metric. */
type Thresholds = {
  target: number;
  /** The scale-in threshold. */
  low: number;
  ratio: number;
  metric: string;
  targetText: string;
  lowText: string;
  ratioText: string;
};

const thresholds = new WeakMap<TargetTrackingScalingPolicyConfiguration, Thresholds>();

/**
 * The thresholds of a policy under the options, worked out once: the tick evaluates every policy
 * every minute, and formatting a number costs more than the rest of the evaluation.
 */
function thresholdsOf(
  cfg: TargetTrackingScalingPolicyConfiguration,
  options: TargetTrackingOptions,
): Thresholds {
  const known = thresholds.get(cfg);
  if (known && known.target === cfg.TargetValue && known.ratio === options.scaleInRatio) return known;
  const target = cfg.TargetValue;
  // 0.8 × 3 is 2.4000000000000004: a datapoint of exactly 80% must not count as below it.
  const low = withoutNoise(options.scaleInRatio * target);
  const worked: Thresholds = {
    target,
    low,
    ratio: options.scaleInRatio,
    metric: metricName(cfg),
    targetText: formatNumber(target),
    lowText: formatNumber(low),
    ratioText: formatNumber(options.scaleInRatio * 100),
  };
  thresholds.set(cfg, worked);
  return worked;
}

/**
 * Several target-tracking policies on one target, combined as Application Auto Scaling does: scale out
 * if any policy is ready to (the largest capacity wins); scale in only if every policy whose scale-in
 * is enabled is ready to, and then to the largest of their capacities, the most conservative.
 */
export function combineTargetTracking(
  results: readonly (Proposal | Abstention)[],
  capacity: number,
): Proposal | Abstention {
  const proposals = results.filter(isProposal);
  const scaleOuts = proposals.filter((p) => p.desired > capacity);
  const largestOut = largest(scaleOuts);
  if (largestOut !== undefined) return largestOut;

  const scaleIns = proposals.filter((p) => p.desired <= capacity);
  const abstentions = results.filter((r): r is Abstention => !isProposal(r));
  // A policy with DisableScaleIn has no say in scale-in (it is "not enabled" in AWS's words).
  const vetoes = abstentions.filter((a) => a.reason !== "ScaleInDisabled");
  const largestIn = largest(scaleIns);
  if (largestIn !== undefined && vetoes.length === 0) return largestIn;

  const chosen = preferred(vetoes) ?? preferred(abstentions);
  if (chosen === undefined)
    return {
      layer: "target-tracking",
      kind: "target-tracking",
      reason: "NoData",
      message: "no target-tracking policy",
    };
  if (scaleIns.length === 0) return chosen;
  return {
    ...chosen,
    message: `${chosen.message}; no scale-in until every policy is ready (${scaleIns.length} of ${scaleIns.length + vetoes.length})`,
  };
}

const largest = (proposals: readonly Proposal[]): Proposal | undefined =>
  proposals.reduce<Proposal | undefined>(
    (best, p) => (best === undefined || p.desired > best.desired ? p : best),
    undefined,
  );

/** The abstention that explains the most: a metric within its band says more than a missing one. */
const preferred = (abstentions: readonly Abstention[]): Abstention | undefined =>
  abstentions.find((a) => a.reason !== "NoData") ?? abstentions[0];

const isPresent = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Whether the last `n` datapoints all satisfy `test`: "held"; "broken" when a present one fails it;
 * "incomplete" when none fails but some are missing (or there are fewer than `n`).
 */
function streak(
  datapoints: readonly (number | null)[],
  n: number,
  test: (v: number) => boolean,
): "held" | "broken" | "incomplete" {
  let complete = datapoints.length >= n;
  for (let i = Math.max(0, datapoints.length - n); i < datapoints.length; i++) {
    const v = datapoints[i];
    if (!isPresent(v)) complete = false;
    else if (!test(v)) return "broken";
  }
  return complete ? "held" : "incomplete";
}

function metricName(cfg: TargetTrackingScalingPolicyConfiguration): string {
  const custom = cfg.CustomizedMetricSpecification;
  return (
    cfg.PredefinedMetricSpecification?.PredefinedMetricType ??
    custom?.MetricName ??
    (custom?.Metrics === undefined ? "metric" : "metric math")
  );
}
