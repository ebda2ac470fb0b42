/**
 * What the configuration tells replay's demand model: the series each target's demand is read
 * from (its "demand series"), the demand one unit of it serves by default, and every series the
 * alarms and target-tracking policies read, which replay publishes each minute.
 *
 * The demand series per kind (docs/replay.demand.md):
 * - `aurora-readers`: the cluster's reader CPUUtilization (DBClusterIdentifier, Role=READER), or
 *   its DatabaseConnections when the target tracks or steps on connections and not on CPU;
 * - `aurora-capacity` (the ACU floor): the cluster's reader CPUUtilization, per reader and per ACU;
 * - `asg`: its target group's RequestCount when an ALBRequestCountPerTarget policy names one in its
 *   ResourceLabel, else the group's EC2 CPUUtilization (AutoScalingGroupName).
 */
import { predefinedMetric, targetGroupOf } from "../../brain/metricQueries.js";
import {
  type BrainConfig,
  type Dimension,
  isCompositeAlarm,
  type MetricAlarm,
  type MetricDataQuery,
  type Target,
} from "../../core/config/schema.js";
import { type Dimensions, dimensionsFromList, seriesKey } from "../streams/record.js";

export type DemandSeries =
  /** Reader CPUUtilization × readers reporting: percent of one reader (100 = one reader's worth). */
  | { kind: "readerCpu"; cluster: string }
  /** Reader DatabaseConnections × readers reporting: connections to the cluster's readers. */
  | { kind: "readerConnections"; cluster: string }
  /** Reader CPU × the readers' ACUs ÷ readers in service: percent of one ACU, per reader. */
  | { kind: "acuFloor"; cluster: string }
  /** The group's CPUUtilization × instances reporting: percent of one instance. */
  | { kind: "groupCpu"; group: string }
  /** The target group's RequestCount (Sum per minute): requests a minute. */
  | { kind: "albRequests"; loadBalancer: string; targetGroup: string };

export type TargetDemand = {
  series: DemandSeries;
  /** replay.demandPerUnit, or the default below. */
  perUnit: number;
  /** Where the default comes from, for messages and the docs: a policy's or an alarm's name. */
  perUnitFrom: string;
};

/** A CloudWatch series as a record names it. */
export type SeriesName = { namespace: string; metricName: string; dimensions: Dimensions };

const GREATER = ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold"];

const readerDims = (cluster: string): Dimensions => ({ DBClusterIdentifier: cluster, Role: "READER" });

/** `app/<lb>/<id>/targetgroup/<tg>/<id>` → its LoadBalancer and TargetGroup dimensions. */
function resourceLabelParts(label: string | undefined): { loadBalancer: string; targetGroup: string } | null {
  const targetGroup = targetGroupOf(label);
  if (label === undefined || targetGroup === null) return null;
  const loadBalancer = label.slice(0, label.length - targetGroup.length).replace(/\/$/, "");
  return loadBalancer.startsWith("app/") ? { loadBalancer, targetGroup } : null;
}

/** The ALBRequestCountPerTarget ResourceLabel of an asg target, parsed; null when it has none. */
function albOf(target: Target): { loadBalancer: string; targetGroup: string } | null {
  if (target.kind !== "asg") return null;
  for (const p of target.policies) {
    if (p.PolicyType !== "TargetTrackingScaling") continue;
    const spec = p.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification;
    if (spec?.PredefinedMetricType !== "ALBRequestCountPerTarget") continue;
    const parts = resourceLabelParts(spec.ResourceLabel);
    if (parts) return parts;
  }
  return null;
}

const sameSeries = (alarm: MetricAlarm, namespace: string, metricName: string, dims: Dimensions) =>
  alarm.Namespace === namespace &&
  alarm.MetricName === metricName &&
  seriesKey(namespace, metricName, dimensionsFromList(alarm.Dimensions)) ===
    seriesKey(namespace, metricName, dims);

/**
 * The lowest threshold at which one of the target's step policies scales out on the series: the
 * Threshold of a GreaterThan metric alarm the policy answers (metric math and composites aside).
 */
function stepThreshold(
  config: BrainConfig,
  target: Target,
  namespace: string,
  metricName: string,
  dims: Dimensions,
): { value: number; from: string } | null {
  let best: { value: number; from: string } | null = null;
  for (const p of target.policies) {
    if (p.PolicyType !== "StepScaling") continue;
    for (const name of p.Alarms) {
      const alarm = config.alarms.find((a) => a.AlarmName === name);
      if (!alarm || isCompositeAlarm(alarm) || alarm.Threshold === undefined) continue;
      if (!GREATER.includes(alarm.ComparisonOperator)) continue;
      if (!sameSeries(alarm, namespace, metricName, dims)) continue;
      if (best === null || alarm.Threshold < best.value)
        best = { value: alarm.Threshold, from: alarm.AlarmName };
    }
  }
  return best;
}

/** The TargetValue of the target's first target-tracking policy on a predefined metric type. */
function trackedValue(target: Target, type: string): { value: number; from: string } | null {
  for (const p of target.policies) {
    if (p.PolicyType !== "TargetTrackingScaling") continue;
    const cfg = p.TargetTrackingScalingPolicyConfiguration;
    if (cfg.PredefinedMetricSpecification?.PredefinedMetricType === type)
      return { value: cfg.TargetValue, from: p.PolicyName };
  }
  return null;
}

/** One unit at 100%: what a CPU series serves when nothing in the configuration says less. */
const FULL_CPU = { value: 100, from: "CPUUtilization at 100%" };

/** A target's demand series and the demand one unit of it serves. */
export function targetDemandOf(config: BrainConfig, target: Target): TargetDemand {
  const { series, byDefault } = seriesAndDefault(config, target);
  const own = target.replay?.demandPerUnit;
  return own === undefined
    ? { series, perUnit: byDefault.value, perUnitFrom: byDefault.from }
    : { series, perUnit: own, perUnitFrom: "replay.demandPerUnit" };
}

function seriesAndDefault(
  config: BrainConfig,
  target: Target,
): { series: DemandSeries; byDefault: { value: number; from: string } } {
  switch (target.kind) {
    case "aurora-readers": {
      const cluster = target.DBClusterIdentifier;
      const cpu =
        trackedValue(target, "RDSReaderAverageCPUUtilization") ??
        stepThreshold(config, target, "AWS/RDS", "CPUUtilization", readerDims(cluster));
      const connections =
        trackedValue(target, "RDSReaderAverageDatabaseConnections") ??
        stepThreshold(config, target, "AWS/RDS", "DatabaseConnections", readerDims(cluster));
      if (cpu === null && connections !== null)
        return { series: { kind: "readerConnections", cluster }, byDefault: connections };
      return { series: { kind: "readerCpu", cluster }, byDefault: cpu ?? FULL_CPU };
    }
    case "aurora-capacity": {
      const cluster = target.DBClusterIdentifier;
      const readers = config.targets.find(
        (t) => t.kind === "aurora-readers" && t.DBClusterIdentifier === cluster,
      );
      const byDefault =
        stepThreshold(config, target, "AWS/RDS", "CPUUtilization", readerDims(cluster)) ??
        (readers ? trackedValue(readers, "RDSReaderAverageCPUUtilization") : null) ??
        FULL_CPU;
      return { series: { kind: "acuFloor", cluster }, byDefault };
    }
    case "asg": {
      const alb = albOf(target);
      const tracked = trackedValue(target, "ALBRequestCountPerTarget");
      if (alb && tracked) return { series: { kind: "albRequests", ...alb }, byDefault: tracked };
      const group = target.AutoScalingGroupName;
      const byDefault =
        trackedValue(target, "ASGAverageCPUUtilization") ??
        stepThreshold(config, target, "AWS/EC2", "CPUUtilization", { AutoScalingGroupName: group }) ??
        FULL_CPU;
      return { series: { kind: "groupCpu", group }, byDefault };
    }
  }
}

const named = (namespace: string, metricName: string, dims: Dimension[] | undefined): SeriesName => ({
  namespace,
  metricName,
  dimensions: dimensionsFromList(dims),
});

const statsOfMath = (metrics: readonly MetricDataQuery[]): SeriesName[] =>
  metrics.flatMap((q) =>
    q.MetricStat
      ? [named(q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Metric.Dimensions)]
      : [],
  );

/**
 * Every series the configuration reads, once each, in configuration order: the metric alarms'
 * metrics and their metric math's MetricStats, then the target-tracking policies' metrics (the
 * predefined ones resolved as the tick resolves them, the customized ones as given).
 */
export function seriesRead(config: BrainConfig): SeriesName[] {
  const found: SeriesName[] = [];
  for (const alarm of config.alarms) {
    if (isCompositeAlarm(alarm)) continue;
    if (alarm.Metrics) found.push(...statsOfMath(alarm.Metrics));
    else if (alarm.Namespace !== undefined && alarm.MetricName !== undefined)
      found.push(named(alarm.Namespace, alarm.MetricName, alarm.Dimensions));
  }
  for (const target of config.targets) {
    for (const p of target.policies) {
      if (p.PolicyType !== "TargetTrackingScaling") continue;
      const cfg = p.TargetTrackingScalingPolicyConfiguration;
      if (cfg.PredefinedMetricSpecification) {
        const resolved = predefinedMetric(target, cfg.PredefinedMetricSpecification);
        if (resolved)
          found.push(
            named(resolved.metric.Namespace, resolved.metric.MetricName, resolved.metric.Dimensions),
          );
      }
      const custom = cfg.CustomizedMetricSpecification;
      if (custom?.Metrics) found.push(...statsOfMath(custom.Metrics));
      else if (custom?.Namespace !== undefined && custom.MetricName !== undefined)
        found.push(named(custom.Namespace, custom.MetricName, custom.Dimensions));
    }
  }
  const seen = new Set<string>();
  return found.filter((s) => {
    const key = seriesKey(s.namespace, s.metricName, s.dimensions);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
