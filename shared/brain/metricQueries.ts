/**
 * Which CloudWatch series the tick reads, and how the answer becomes what the policies take. Pure:
 * no AWS, no clock; the tick's application service and the simulated account both use it, so a dry
 * run asks CloudWatch exactly what a live run does.
 *
 * Predefined metrics resolve to the CloudWatch metrics that AWS's own target tracking watches:
 * - RDSReaderAverageCPUUtilization and RDSReaderAverageDatabaseConnections are "the average value of
 *   the CPUUtilization [DatabaseConnections] metric in CloudWatch across all Aurora Replicas in the
 *   Aurora DB cluster"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html):
 *   AWS/RDS with the dimensions DBClusterIdentifier and Role = READER, which aggregate a cluster's
 *   metric over the instances of one role
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html), statistic Average.
 * - ASGAverageCPUUtilization, ASGAverageNetworkIn and ASGAverageNetworkOut are the group's average
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredefinedMetricSpecification.html):
 *   AWS/EC2 CPUUtilization, NetworkIn and NetworkOut with the AutoScalingGroupName dimension, which
 *   aggregates the group's instances
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html), Average.
 * - ALBRequestCountPerTarget is AWS/ApplicationELB RequestCountPerTarget with the TargetGroup
 *   dimension, the `targetgroup/<name>/<id>` half of the ResourceLabel
 *   (`app/<lb>/<id>/targetgroup/<name>/<id>`, same page); its only valid statistic is Sum, which for
 *   this metric already is the average per target
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
 *
 * Customized metrics are read as given, metric math included; so are the alarms the ledger holds in
 * ALARM (their own Period and statistic). Query ids are derived from positions in the configuration
 * (`t<target>p<policy>`, `a<alarm>`, and `<that>_<Id>` for the parts of a metric-math series), so
 * that they are unique in the batch, start with a lowercase letter as GetMetricData requires
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html), and
 * are the same in every tick.
 */

import { isCompositeAlarm } from "../core/config/compositeAlarm.js";
import type {
  Alarm,
  BrainConfig,
  Dimension,
  MetricDataQuery,
  Target,
  TargetTrackingPolicy,
} from "../core/config/schema.js";
import type { MetricValues } from "./ports/metrics.js";

/** Target tracking reads one-minute datapoints (AWS's target-tracking alarms use 60 s periods). */
export const TARGET_TRACKING_PERIOD_SECONDS = 60;

/**
 * CloudWatch publishes a minute's datapoint a little after the minute ends: the window reaches one
 * minute further back, and a newest minute still missing is read as "not published yet".
 */
const PUBLISHING_LAG_MINUTES = 1;

export type CloudWatchMetric = {
  Namespace: string;
  MetricName: string;
  Dimensions?: Dimension[];
};

/** One series the tick reads: the queries it takes, and the id whose values are the series. */
export type ResolvedMetric = {
  /** Every query the series needs, ids unique in the batch; only `id` returns data. */
  queries: MetricDataQuery[];
  id: string;
  periodSeconds: number;
};

export const policyQueryId = (targetIndex: number, policyIndex: number): string =>
  `t${targetIndex}p${policyIndex}`;
const alarmQueryId = (alarmIndex: number): string => `a${alarmIndex}`;

const dims = (...pairs: [string, string][]): Dimension[] => pairs.map(([Name, Value]) => ({ Name, Value }));

/** The CloudWatch metric and statistic behind a predefined metric of a target, or null when it does not fit. */
export function predefinedMetric(
  target: Target,
  spec: { PredefinedMetricType: string; ResourceLabel?: string | undefined },
): { metric: CloudWatchMetric; stat: string } | null {
  const readers = (MetricName: string) =>
    target.kind === "aurora-readers"
      ? {
          metric: {
            Namespace: "AWS/RDS",
            MetricName,
            Dimensions: dims(["DBClusterIdentifier", target.DBClusterIdentifier], ["Role", "READER"]),
          },
          stat: "Average",
        }
      : null;
  const group = (MetricName: string) =>
    target.kind === "asg"
      ? {
          metric: {
            Namespace: "AWS/EC2",
            MetricName,
            Dimensions: dims(["AutoScalingGroupName", target.AutoScalingGroupName]),
          },
          stat: "Average",
        }
      : null;
  switch (spec.PredefinedMetricType) {
    case "RDSReaderAverageCPUUtilization":
      return readers("CPUUtilization");
    case "RDSReaderAverageDatabaseConnections":
      return readers("DatabaseConnections");
    case "ASGAverageCPUUtilization":
      return group("CPUUtilization");
    case "ASGAverageNetworkIn":
      return group("NetworkIn");
    case "ASGAverageNetworkOut":
      return group("NetworkOut");
    case "ALBRequestCountPerTarget": {
      const targetGroup = targetGroupOf(spec.ResourceLabel);
      if (target.kind !== "asg" || targetGroup === null) return null;
      return {
        metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "RequestCountPerTarget",
          Dimensions: dims(["TargetGroup", targetGroup]),
        },
        stat: "Sum",
      };
    }
    default:
      return null;
  }
}

/** `app/my-alb/778d…/targetgroup/my-tg/943f…` → `targetgroup/my-tg/943f…` (null if there is none). */
export function targetGroupOf(resourceLabel: string | undefined): string | null {
  const at = resourceLabel?.indexOf("targetgroup/") ?? -1;
  return resourceLabel !== undefined && at >= 0 ? resourceLabel.slice(at) : null;
}

/** The series a target-tracking policy tracks, or null when its metric cannot be resolved. */
export function targetTrackingMetric(
  target: Target,
  policy: TargetTrackingPolicy,
  id: string,
): ResolvedMetric | null {
  const cfg = policy.TargetTrackingScalingPolicyConfiguration;
  if (cfg.PredefinedMetricSpecification) {
    const resolved = predefinedMetric(target, cfg.PredefinedMetricSpecification);
    if (resolved === null) return null;
    return single(id, resolved.metric, resolved.stat, TARGET_TRACKING_PERIOD_SECONDS, policy.PolicyName);
  }
  const custom = cfg.CustomizedMetricSpecification;
  if (custom === undefined) return null;
  return seriesOf(
    id,
    custom,
    custom.Statistic ?? "Average",
    TARGET_TRACKING_PERIOD_SECONDS,
    policy.PolicyName,
  );
}

/**
 * The series an alarm evaluates, or null: a composite alarm has none, and an anomaly-detection
 * alarm's threshold is a band the brain does not recompute.
 */
export function alarmMetric(alarm: Alarm, id: string): ResolvedMetric | null {
  if (isCompositeAlarm(alarm) || alarm.ThresholdMetricId !== undefined) return null;
  return seriesOf(
    id,
    alarm,
    alarm.Statistic ?? alarm.ExtendedStatistic ?? "Average",
    alarm.Period ?? TARGET_TRACKING_PERIOD_SECONDS,
    alarm.AlarmName,
  );
}

/**
 * The series an alarm or a customized metric gives: metric math (`Metrics`), or one metric named by
 * Namespace, MetricName and Dimensions; null without both names.
 */
function seriesOf(
  id: string,
  source: Partial<CloudWatchMetric> & { Metrics?: readonly MetricDataQuery[]; Unit?: string },
  stat: string,
  period: number,
  label: string,
): ResolvedMetric | null {
  if (source.Metrics) return math(id, source.Metrics);
  if (source.Namespace === undefined || source.MetricName === undefined) return null;
  const metric: CloudWatchMetric = {
    Namespace: source.Namespace,
    MetricName: source.MetricName,
    ...(source.Dimensions ? { Dimensions: source.Dimensions } : {}),
  };
  return single(id, metric, stat, period, label, source.Unit);
}

function single(
  id: string,
  metric: CloudWatchMetric,
  stat: string,
  period: number,
  label: string,
  unit?: string,
): ResolvedMetric {
  return {
    id,
    periodSeconds: period,
    queries: [
      {
        Id: id,
        MetricStat: { Metric: metric, Period: period, Stat: stat, ...(unit ? { Unit: unit } : {}) },
        Label: label,
        ReturnData: true,
      },
    ],
  };
}

/**
 * Metric math: every query renamed under `id` (the one that returns data becomes `id` itself, the
 * others `<id>_<Id>`), with the expressions' references renamed alike.
 */
function math(id: string, metrics: readonly MetricDataQuery[]): ResolvedMetric | null {
  const returned =
    metrics.find((q) => q.ReturnData === true) ?? metrics.findLast((q) => q.ReturnData !== false);
  if (returned === undefined) return null;
  const rename = new Map(metrics.map((q) => [q.Id, q === returned ? id : `${id}_${q.Id}`]));
  const queries = metrics.map(
    (q): MetricDataQuery => ({
      ...q,
      Id: rename.get(q.Id) ?? q.Id,
      ...(q.Expression === undefined ? {} : { Expression: renameIds(q.Expression, rename) }),
      ReturnData: q === returned,
    }),
  );
  const periods = metrics.flatMap((q) => (q.MetricStat ? [q.MetricStat.Period] : []));
  const periodSeconds =
    returned.MetricStat?.Period ??
    returned.Period ??
    (periods.length ? Math.max(...periods) : TARGET_TRACKING_PERIOD_SECONDS);
  return { id, periodSeconds, queries };
}

/** Renames the ids an expression references; quoted text (a SEARCH's query, a label) is left alone. */
export function renameIds(expression: string, rename: ReadonlyMap<string, string>): string {
  return expression
    .split(/('[^']*'|"[^"]*")/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/\b[a-z][a-zA-Z0-9_]*\b/g, (word) => rename.get(word) ?? word),
    )
    .join("");
}

/** What one tick asks CloudWatch, and where each answer goes. */
export type TickMetricPlan = {
  /** Every query of the batch, in configuration order. */
  queries: MetricDataQuery[];
  /** Per target id, per target-tracking PolicyName: its series, or null when it cannot be resolved. */
  policies: Record<string, Record<string, ResolvedMetric | null>>;
  /** Per alarm in ALARM: its series, or null (composite, anomaly detection). */
  alarms: Record<string, ResolvedMetric | null>;
  /** How far back the batch reads: the longest window any series needs, a whole number of each period. */
  windowSeconds: number;
};

/**
 * The one batch of a tick: every target-tracking policy's metric over the longest of the scale-out
 * and scale-in windows (settings.targetTracking), and the metric of every alarm the ledger holds in
 * ALARM over its evaluation span (EvaluationPeriods × Period), each one publishing lag further back.
 */
export function planTickMetrics(config: BrainConfig, alarmsInAlarm: ReadonlySet<string>): TickMetricPlan {
  const tt = config.settings.targetTracking;
  const ttSeconds =
    (Math.max(tt.scaleOutDatapoints, tt.scaleInDatapoints) + PUBLISHING_LAG_MINUTES) *
    TARGET_TRACKING_PERIOD_SECONDS;
  const queries: MetricDataQuery[] = [];
  const policies: TickMetricPlan["policies"] = {};
  const alarms: TickMetricPlan["alarms"] = {};
  const windows: number[] = [];
  const periods: number[] = [];
  config.targets.forEach((target, ti) => {
    const perPolicy: Record<string, ResolvedMetric | null> = {};
    target.policies.forEach((policy, pi) => {
      if (policy.PolicyType !== "TargetTrackingScaling") return;
      const resolved = targetTrackingMetric(target, policy, policyQueryId(ti, pi));
      perPolicy[policy.PolicyName] = resolved;
      if (resolved === null) return;
      queries.push(...resolved.queries);
      windows.push(ttSeconds);
      periods.push(resolved.periodSeconds);
    });
    policies[target.id] = perPolicy;
  });
  config.alarms.forEach((alarm, ai) => {
    if (!alarmsInAlarm.has(alarm.AlarmName)) return;
    const resolved = alarmMetric(alarm, alarmQueryId(ai));
    alarms[alarm.AlarmName] = resolved;
    if (resolved === null || isCompositeAlarm(alarm)) return;
    queries.push(...resolved.queries);
    windows.push((alarm.EvaluationPeriods + PUBLISHING_LAG_MINUTES) * resolved.periodSeconds);
    periods.push(resolved.periodSeconds);
  });
  const step = periods.reduce(lcm, TARGET_TRACKING_PERIOD_SECONDS);
  const longest = Math.max(0, ...windows);
  return { queries, policies, alarms, windowSeconds: Math.ceil(longest / step) * step };
}

/**
 * planTickMetrics, resolved once per configuration and set of alarms in ALARM, then shared by the
 * ticks that find the same set (a container's every minute, mostly): a plan is never changed by
 * those who read it. The sets remembered per configuration are bounded, the oldest dropped first.
 */
export function tickMetricPlan(config: BrainConfig, alarmsInAlarm: ReadonlySet<string>): TickMetricPlan {
  let plans = plansByConfig.get(config);
  if (!plans) {
    plans = new Map();
    plansByConfig.set(config, plans);
  }
  // Names the configuration does not hold plan nothing: the key is the configured alarms in ALARM.
  let key = "";
  config.alarms.forEach((alarm, ai) => {
    if (alarmsInAlarm.has(alarm.AlarmName)) key += `${ai},`;
  });
  let plan = plans.get(key);
  if (!plan) {
    plan = planTickMetrics(config, alarmsInAlarm);
    if (plans.size >= PLANS_KEPT) plans.delete(plans.keys().next().value as string);
    plans.set(key, plan);
  }
  return plan;
}

const PLANS_KEPT = 64;
const plansByConfig = new WeakMap<BrainConfig, Map<string, TickMetricPlan>>();

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/** The batch's window: `windowSeconds` back from the start of the current minute. */
export function metricWindow(now: Date, windowSeconds: number): { start: Date; end: Date } {
  const end = Math.floor(now.getTime() / 60_000) * 60_000;
  return { start: new Date(end - windowSeconds * 1000), end: new Date(end) };
}

/**
 * A target-tracking policy's datapoints as `targetTracking` takes them: the newest `n`, oldest
 * first, the newest for the latest published minute. Undefined when the metric cannot be resolved.
 */
export function policyDatapoints(
  values: MetricValues,
  resolved: ResolvedMetric | null | undefined,
  n: number,
): (number | null)[] | undefined {
  if (!resolved) return undefined;
  const series = values.get(resolved.id) ?? [];
  const published = series.at(-1) === null ? series.slice(0, -1) : series;
  const window = published.slice(-n);
  return [...Array.from({ length: n - window.length }, () => null), ...window];
}

/**
 * An alarm's current value: its newest datapoint within its evaluation periods (and the
 * publishing lag), or null when it has none there.
 */
export function alarmValue(
  values: MetricValues,
  resolved: ResolvedMetric | null | undefined,
  evaluationPeriods: number,
): number | null {
  if (!resolved) return null;
  const series = values.get(resolved.id) ?? [];
  const recent = series.slice(-(evaluationPeriods + PUBLISHING_LAG_MINUTES));
  for (let i = recent.length - 1; i >= 0; i--) {
    const v = recent[i];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return null;
}
