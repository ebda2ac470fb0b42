/**
 * The rules across a scaling policy's fields: a target-tracking policy's metric and its fit to the
 * target, a step policy's alarms, adjustment type and step intervals.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 */
import type { Problem } from "../../errors.js";
import { errorAt, type Path } from "../../problems.js";
import type { AlarmKind, TargetFields } from "../checkable.js";
import type { PredefinedMetricType, ScalingPolicy, StepScalingPolicy, TargetKind } from "../schema.js";
import { checkQueries } from "./metricQueries.js";

/** The predefined metrics that measure each kind of target. */
const PREDEFINED_FOR: Record<TargetKind, readonly PredefinedMetricType[]> = {
  "aurora-readers": ["RDSReaderAverageCPUUtilization", "RDSReaderAverageDatabaseConnections"],
  asg: [
    "ASGAverageCPUUtilization",
    "ASGAverageNetworkIn",
    "ASGAverageNetworkOut",
    "ALBRequestCountPerTarget",
  ],
  "aurora-capacity": [],
};

/** A policy against its target; a step policy also against the alarms it answers. */
export function checkPolicy(
  target: TargetFields,
  policy: ScalingPolicy,
  path: Path,
  alarms: Map<string, AlarmKind>,
): Problem[] {
  if (policy.PolicyType === "StepScaling") return checkStepPolicy(policy, path, alarms);
  const problems: Problem[] = [];
  const cfg = policy.TargetTrackingScalingPolicyConfiguration;
  const cpath = [...path, "TargetTrackingScalingPolicyConfiguration"];
  const predefined = cfg.PredefinedMetricSpecification;
  const customized = cfg.CustomizedMetricSpecification;
  if (!predefined && !customized) {
    problems.push(
      errorAt(cpath, "no metric: give PredefinedMetricSpecification or CustomizedMetricSpecification"),
    );
  } else if (predefined && customized) {
    problems.push(
      errorAt(cpath, "give one of PredefinedMetricSpecification and CustomizedMetricSpecification, not both"),
    );
  }
  if (predefined) {
    const ppath = [...cpath, "PredefinedMetricSpecification"];
    const fits = PREDEFINED_FOR[target.kind];
    if (!fits.includes(predefined.PredefinedMetricType)) {
      problems.push(
        errorAt(
          [...ppath, "PredefinedMetricType"],
          `${predefined.PredefinedMetricType} does not fit a ${target.kind} target; ${fits.length ? `use ${fits.join(", ")}` : "use a CustomizedMetricSpecification"}`,
        ),
      );
    }
    if (predefined.PredefinedMetricType === "ALBRequestCountPerTarget" && !predefined.ResourceLabel) {
      problems.push(
        errorAt(
          [...ppath, "ResourceLabel"],
          "ALBRequestCountPerTarget needs the ResourceLabel app/<load-balancer>/<id>/targetgroup/<target-group>/<id>",
        ),
      );
    }
    if (predefined.PredefinedMetricType !== "ALBRequestCountPerTarget" && predefined.ResourceLabel) {
      problems.push(
        errorAt([...ppath, "ResourceLabel"], "only ALBRequestCountPerTarget takes a ResourceLabel"),
      );
    }
  }
  if (customized) {
    const mpath = [...cpath, "CustomizedMetricSpecification"];
    if (customized.Metrics) {
      const single = (["MetricName", "Namespace", "Dimensions", "Statistic", "Unit"] as const).filter(
        (f) => customized[f] !== undefined,
      );
      for (const f of single)
        problems.push(errorAt([...mpath, f], "give either Metrics or a single metric, not both"));
      problems.push(...checkQueries(customized.Metrics, [...mpath, "Metrics"], "policy"));
    } else {
      for (const f of ["MetricName", "Namespace", "Statistic"] as const) {
        if (customized[f] === undefined)
          problems.push(errorAt([...mpath, f], "required for a single customized metric"));
      }
    }
  }
  return problems;
}

function checkStepPolicy(policy: StepScalingPolicy, path: Path, alarms: Map<string, AlarmKind>): Problem[] {
  const problems: Problem[] = [];
  const cfg = policy.StepScalingPolicyConfiguration;
  const cpath = [...path, "StepScalingPolicyConfiguration"];
  let composite = false;
  policy.Alarms.forEach((name, i) => {
    const kind = alarms.get(name);
    if (!kind) problems.push(errorAt([...path, "Alarms", i], `"${name}" is not in alarms`));
    else if (kind === "composite") composite = true;
  });
  if (cfg.AdjustmentType === "ExactCapacity") {
    cfg.StepAdjustments.forEach((s, i) => {
      if (s.ScalingAdjustment < 0)
        problems.push(
          errorAt(
            [...cpath, "StepAdjustments", i, "ScalingAdjustment"],
            "ExactCapacity takes a capacity of 0 or more",
          ),
        );
    });
  }
  if (cfg.MinAdjustmentMagnitude !== undefined && cfg.AdjustmentType !== "PercentChangeInCapacity") {
    problems.push(
      errorAt([...cpath, "MinAdjustmentMagnitude"], "only with AdjustmentType PercentChangeInCapacity"),
    );
  }
  if (composite) {
    // A composite alarm has no value to measure a step against: one step, no bounds.
    const [only] = cfg.StepAdjustments;
    if (cfg.StepAdjustments.length > 1) {
      problems.push(
        errorAt(
          [...cpath, "StepAdjustments"],
          "a policy answering a composite alarm has one step: a composite alarm has no value to choose a step by",
        ),
      );
    } else if (
      only &&
      (only.MetricIntervalLowerBound !== undefined || only.MetricIntervalUpperBound !== undefined)
    ) {
      problems.push(
        errorAt(
          [...cpath, "StepAdjustments", 0],
          "a policy answering a composite alarm takes a step without bounds",
        ),
      );
    }
    return problems;
  }
  return [...problems, ...checkStepIntervals(cfg.StepAdjustments, [...cpath, "StepAdjustments"])];
}

/**
 * AWS's rules for step adjustments
 * (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html):
 * the ranges can't overlap or have a gap; at most one null lower bound, and one is required if any
 * lower bound is negative; at most one null upper bound, and one is required if any upper bound is
 * positive; the two bounds can't both be null in one step.
 */
function checkStepIntervals(
  steps: readonly {
    MetricIntervalLowerBound?: number | undefined;
    MetricIntervalUpperBound?: number | undefined;
  }[],
  path: Path,
): Problem[] {
  const problems: Problem[] = [];
  const lowerOpen = steps.flatMap((s, i) => (s.MetricIntervalLowerBound === undefined ? [i] : []));
  const upperOpen = steps.flatMap((s, i) => (s.MetricIntervalUpperBound === undefined ? [i] : []));
  steps.forEach((s, i) => {
    const lo = s.MetricIntervalLowerBound;
    const hi = s.MetricIntervalUpperBound;
    if (lo === undefined && hi === undefined)
      problems.push(errorAt([...path, i], "a step needs a lower or an upper bound"));
    if (lo !== undefined && hi !== undefined && lo >= hi) {
      problems.push(
        errorAt([...path, i], `MetricIntervalLowerBound ${lo} is not below MetricIntervalUpperBound ${hi}`),
      );
    }
  });
  if (lowerOpen.length > 1)
    problems.push(errorAt([...path, lowerOpen[1] as number], "more than one step is open at the lower end"));
  if (upperOpen.length > 1)
    problems.push(errorAt([...path, upperOpen[1] as number], "more than one step is open at the upper end"));
  const negativeLower = steps.findIndex((s) => (s.MetricIntervalLowerBound ?? 0) < 0);
  if (negativeLower >= 0 && lowerOpen.length === 0) {
    problems.push(
      errorAt([...path, negativeLower], "a negative lower bound needs a step open at the lower end"),
    );
  }
  const positiveUpper = steps.findIndex((s) => (s.MetricIntervalUpperBound ?? 0) > 0);
  if (positiveUpper >= 0 && upperOpen.length === 0) {
    problems.push(
      errorAt([...path, positiveUpper], "a positive upper bound needs a step open at the upper end"),
    );
  }
  if (problems.length > 0) return problems;
  const order = steps
    .map((s, i) => ({
      i,
      lo: s.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY,
      hi: s.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY,
    }))
    .sort((a, b) => a.lo - b.lo);
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1] as (typeof order)[number];
    const cur = order[k] as (typeof order)[number];
    if (cur.lo < prev.hi)
      problems.push(errorAt([...path, cur.i], `overlaps step ${prev.i} (${cur.lo} < ${prev.hi})`));
    else if (cur.lo > prev.hi)
      problems.push(errorAt([...path, cur.i], `leaves a gap after step ${prev.i} (${prev.hi} to ${cur.lo})`));
  }
  return problems;
}
