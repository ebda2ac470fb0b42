/**
 * A storm's plan: the spike in which every alarm fires at once. Aurora clusters (their readers and
 * their ACU floor) and EC2 Auto Scaling groups, each with step policies on alarms that go to ALARM,
 * back to OK and to ALARM again within a minute (escalations and repetitions during the
 * cooldowns), every state change delivered by SNS and by EventBridge, some of those deliveries
 * again as Lambda's retries, and the tick once in the middle. Seeded: the same seed, the same storm.
 */

import type { BrainConfig } from "../../shared/core/config/schema.js";
import { validateConfig } from "../../shared/core/config/validate.js";
import { ConfigError } from "../../shared/core/errors.js";
import type { StateChange } from "../../shared/offline/evaluation/stateChange.js";
import { statedChange } from "../../shared/offline/evaluation/statedChange.js";
import { mulberry32 } from "../../shared/offline/random.js";

export const STORM_ACCOUNT = "123456789012";
export const STORM_REGION = "eu-west-1";
/** 19:00 UTC on the Virtway evening; every state change falls in the minute after it. */
export const STORM_START = Date.parse("2026-11-23T19:00:00.000Z");
/** The brain's clock throughout: a minute after the first change, before any cooldown ends. */
export const STORM_NOW = new Date(STORM_START + 60_000);

/** One invocation of a function: a state change's payload (a delivery), or the tick. */
export type StormInvocation =
  | { kind: "alarm"; id: string; change: StateChange; via: "sns" | "eventbridge"; retry: boolean }
  | { kind: "tick"; id: string };

export type StormPlan = {
  config: BrainConfig;
  /** Every distinct state change, in the order CloudWatch made them. */
  changes: StateChange[];
  /** The invocations, in the order they start (all at once, or nearly). */
  invocations: StormInvocation[];
};

export type StormSize = {
  /** Alarm deliveries (twins and retries included); the tick comes on top. */
  deliveries: number;
  /** Aurora clusters: two targets each (readers and the ACU floor). */
  clusters: number;
  /** EC2 Auto Scaling groups: one target each. */
  groups: number;
  seed: number;
};

/** bench's full storm: 1,000 deliveries over 20 targets (5 clusters, 10 groups). */
export const FULL_STORM: StormSize = { deliveries: 1000, clusters: 5, groups: 10, seed: 1 };
/** bench --quick, and `npm test`: the same storm, small. */
export const SMALL_STORM: StormSize = { deliveries: 48, clusters: 1, groups: 2, seed: 7 };

const metricAlarm = (
  name: string,
  namespace: string,
  metric: string,
  dimensions: object,
  threshold: number,
) => ({
  AlarmName: name,
  Namespace: namespace,
  MetricName: metric,
  Dimensions: dimensions,
  Statistic: namespace === "AWS/RDS" ? "Average" : "Sum",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: threshold,
  ComparisonOperator: "GreaterThanThreshold",
  TreatMissingData: "missing",
});

const step = (alarm: string, name: string, adjustments: object[], cooldown: number, extra: object = {}) => ({
  PolicyName: name,
  PolicyType: "StepScaling",
  Alarms: [alarm],
  StepScalingPolicyConfiguration: {
    AdjustmentType: "ChangeInCapacity",
    StepAdjustments: adjustments,
    Cooldown: cooldown,
    ...extra,
  },
});

/** The storm's configuration: per cluster a 70% (+1 reader) and an 85% (+2 readers, floor +100%) alarm; per group a requests alarm (+2, +3 past 400). */
export function stormConfig(size: Pick<StormSize, "clusters" | "groups">): BrainConfig {
  const alarms: object[] = [];
  const targets: object[] = [];
  for (let c = 1; c <= size.clusters; c++) {
    const cluster = `storm-aurora-${c}`;
    const dims = [
      { Name: "DBClusterIdentifier", Value: cluster },
      { Name: "Role", Value: "READER" },
    ];
    const high70 = `${cluster}-cpu-high-70`;
    const high85 = `${cluster}-cpu-high-85`;
    alarms.push(metricAlarm(high70, "AWS/RDS", "CPUUtilization", dims, 70));
    alarms.push(metricAlarm(high85, "AWS/RDS", "CPUUtilization", dims, 85));
    targets.push({
      id: `${cluster}-readers`,
      kind: "aurora-readers",
      DBClusterIdentifier: cluster,
      DBInstanceClass: "db.serverless",
      MinCapacity: 1,
      MaxCapacity: 8,
      policies: [
        step(high70, "readers-cpu-step-70", [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }], 300),
        step(high85, "readers-cpu-step-85", [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }], 300),
      ],
      schedules: [],
    });
    targets.push({
      id: `${cluster}-acu-floor`,
      kind: "aurora-capacity",
      DBClusterIdentifier: cluster,
      MinCapacity: 1,
      MaxCapacity: 16,
      AcuMaximum: 32,
      policies: [
        step(high85, "acu-floor-on-cpu-85", [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 100 }], 120, {
          AdjustmentType: "PercentChangeInCapacity",
          MinAdjustmentMagnitude: 2,
        }),
      ],
      schedules: [],
    });
  }
  for (let g = 1; g <= size.groups; g++) {
    const group = `storm-group-${g}`;
    const alarm = `${group}-requests-high`;
    alarms.push(
      metricAlarm(
        alarm,
        "AWS/ApplicationELB",
        "RequestCountPerTarget",
        [{ Name: "TargetGroup", Value: `targetgroup/${group}/0123456789abcdef` }],
        1800,
      ),
    );
    targets.push({
      id: group,
      kind: "asg",
      AutoScalingGroupName: group,
      MinCapacity: 2,
      MaxCapacity: 20,
      policies: [
        step(
          alarm,
          "requests-step",
          [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 400, ScalingAdjustment: 2 },
            { MetricIntervalLowerBound: 400, ScalingAdjustment: 3 },
          ],
          60,
        ),
      ],
      schedules: [],
    });
  }
  const checked = validateConfig({ account: STORM_ACCOUNT, region: STORM_REGION, alarms, targets });
  if (!checked.ok) throw new ConfigError("the storm's configuration", checked.problems);
  return checked.config;
}

/**
 * The storm: each alarm goes ALARM, OK, ALARM… every few seconds within the minute, with values
 * drawn above its threshold (for OK, below); every change is delivered by SNS and EventBridge, and
 * the rest of `deliveries` are retries of deliveries drawn at random. The tick starts halfway.
 */
export function planStorm(size: StormSize): StormPlan {
  const config = stormConfig(size);
  const random = mulberry32(size.seed);
  const alarms = config.alarms.flatMap((a) => ("Threshold" in a && a.Threshold !== undefined ? [a] : []));
  // Distinct changes: about a third of the deliveries, as twins with some retries make.
  const perAlarm = Math.max(2, Math.round(size.deliveries / 3 / alarms.length));
  const changes: StateChange[] = [];
  for (const alarm of alarms) {
    const threshold = alarm.Threshold as number;
    let atMs = STORM_START + Math.floor(random() * 5_000);
    for (let k = 0; k < perAlarm; k++) {
      const to = k % 2 === 0 ? "ALARM" : "OK";
      const value = to === "ALARM" ? threshold * (1 + random() * 0.4) : threshold * (0.5 + random() * 0.4);
      changes.push(
        statedChange(alarm, {
          to,
          value: Math.round(value * 10) / 10,
          atMs,
          account: STORM_ACCOUNT,
          region: STORM_REGION,
        }),
      );
      atMs += 1_000 + Math.floor(random() * (50_000 / perAlarm));
    }
  }
  changes.sort((a, b) => a.atMs - b.atMs || (a.alarm < b.alarm ? -1 : 1));

  const deliveries: StormInvocation[] = changes.flatMap((change, i) =>
    (["sns", "eventbridge"] as const).map((via) => ({
      kind: "alarm" as const,
      id: `storm-${i}-${via}`,
      change,
      via,
      retry: false,
    })),
  );
  const firsts = deliveries.length;
  while (deliveries.length < size.deliveries) {
    const original = deliveries[Math.floor(random() * firsts)] as Extract<StormInvocation, { kind: "alarm" }>;
    // Lambda's retry of an invocation keeps its request id.
    deliveries.push({ ...original, retry: true });
  }
  // Shuffled (Fisher–Yates): twins and retries arrive in any order.
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j] as StormInvocation, deliveries[i] as StormInvocation];
  }
  const half = Math.floor(deliveries.length / 2);
  const invocations = [
    ...deliveries.slice(0, half),
    { kind: "tick" as const, id: "storm-tick" },
    ...deliveries.slice(half),
  ];
  return { config, changes, invocations };
}
