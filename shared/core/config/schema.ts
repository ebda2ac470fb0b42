/**
 * The configuration file, in AWS's own shapes.
 *
 * Alarms are CloudWatch's `PutMetricAlarm` / `PutCompositeAlarm` inputs, policies are Application
 * Auto Scaling's `PutScalingPolicy` input (plus `Alarms`, the alarms a step policy answers) and
 * schedules are `PutScheduledAction` inputs, so that users can carry over the JSON they already
 * have. Every object is strict: an unknown field (a typo) is an error, never silently ignored.
 *
 * Structural rules live here; the rules that span several fields or sections (bounds, step
 * intervals, alarm references) live in `rules/`, run by `validate.ts`, which every command goes through.
 */
import { z } from "zod";
import { ConnectionBudgetSchema } from "./connectionsSchema.js";

// --- CloudWatch alarms ------------------------------------------------------------------------
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html

export const ComparisonOperators = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
  "LessThanLowerOrGreaterThanUpperThreshold",
  "LessThanLowerThreshold",
  "GreaterThanUpperThreshold",
] as const;
export type ComparisonOperator = (typeof ComparisonOperators)[number];

export const Statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;

export const TreatMissingDataValues = ["missing", "notBreaching", "breaching", "ignore"] as const;
export type TreatMissingData = (typeof TreatMissingDataValues)[number];

const name = (max: number) => z.string().min(1).max(max);

/**
 * The largest value of AWS's `Integer` type (a signed 32-bit integer): the bound of the cooldowns
 * and capacities that Application Auto Scaling and EC2 Auto Scaling type as Integer with no range of
 * their own (PutScalingPolicy's Cooldown, ScaleOutCooldown, ScaleInCooldown; RegisterScalableTarget's
 * and PutScheduledAction's MinCapacity and MaxCapacity; CreateAutoScalingGroup's MinSize and MaxSize).
 * As seconds added to a date it stays far inside Date's range (±8.64e15 ms): 2.1e12 ms, 68 years.
 */
export const AWS_INTEGER_MAX = 2_147_483_647;

/** One day in seconds: the bound of the brain's own durations. */
export const DAY_SECONDS = 86_400;

const cooldown = () => z.int().min(0).max(AWS_INTEGER_MAX);
const capacity = () => z.number().min(0).max(AWS_INTEGER_MAX);

export const DimensionSchema = z.strictObject({ Name: name(255), Value: name(1024) });
export type Dimension = z.infer<typeof DimensionSchema>;

/** Extended statistics CloudWatch accepts on alarms: p, tm, wm, tc, ts, TM, WM, TC, TS, IQM, PR. */
const ExtendedStatisticSchema = z
  .string()
  .regex(
    /^(p\d{1,2}(\.\d+)?|(tm|wm|tc|ts)\d{1,2}(\.\d+)?|(TM|WM|TC|TS|PR)\(.+\)|IQM)$/,
    "an extended statistic such as p99, p99.9, tm90 or TM(10%:90%)",
  );

export const MetricSchema = z.strictObject({
  Namespace: name(255),
  MetricName: name(255),
  Dimensions: z.array(DimensionSchema).max(30).optional(),
});

/** A MetricDataQuery of an alarm's `Metrics` (metric math, anomaly detection). */
export const MetricDataQuerySchema = z.strictObject({
  Id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/, "an Id that starts with a lowercase letter"),
  MetricStat: z
    .strictObject({
      Metric: MetricSchema,
      Period: z.int().positive(),
      Stat: z.string().min(1),
      Unit: z.string().optional(),
    })
    .optional(),
  Expression: z.string().min(1).max(2048).optional(),
  Label: z.string().optional(),
  ReturnData: z.boolean().optional(),
  Period: z.int().positive().optional(),
  AccountId: z.string().optional(),
});
export type MetricDataQuery = z.infer<typeof MetricDataQuerySchema>;

/** Fields that AWS accepts on alarms and the brain carries but does not use. */
const alarmActionFields = {
  AlarmDescription: z.string().max(1024).optional(),
  ActionsEnabled: z.boolean().optional(),
  AlarmActions: z.array(z.string()).optional(),
  OKActions: z.array(z.string()).optional(),
  InsufficientDataActions: z.array(z.string()).optional(),
  Tags: z.array(z.strictObject({ Key: z.string(), Value: z.string() })).optional(),
};

/**
 * @example
 * { "AlarmName": "reader-cpu-high-70", "Namespace": "AWS/RDS", "MetricName": "CPUUtilization",
 *   "Dimensions": [{ "Name": "DBClusterIdentifier", "Value": "events-db" }, { "Name": "Role", "Value": "READER" }],
 *   "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1, "Threshold": 70,
 *   "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "missing" }
 */
export const MetricAlarmSchema = z.strictObject({
  AlarmName: name(255),
  ...alarmActionFields,
  Namespace: name(255).optional(),
  MetricName: name(255).optional(),
  Dimensions: z.array(DimensionSchema).max(30).optional(),
  Statistic: z.enum(Statistics).optional(),
  ExtendedStatistic: ExtendedStatisticSchema.optional(),
  Period: z.int().positive().optional(),
  Unit: z.string().optional(),
  EvaluationPeriods: z.int().min(1),
  DatapointsToAlarm: z.int().min(1).optional(),
  Threshold: z.number().optional(),
  ThresholdMetricId: z.string().optional(),
  ComparisonOperator: z.enum(ComparisonOperators),
  TreatMissingData: z.enum(TreatMissingDataValues).optional(),
  EvaluateLowSampleCountPercentile: z.enum(["evaluate", "ignore"]).optional(),
  Metrics: z.array(MetricDataQuerySchema).min(1).max(10).optional(),
});
export type MetricAlarm = z.infer<typeof MetricAlarmSchema>;

/**
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 * @example
 * { "AlarmName": "reader-pressure", "AlarmRule": "ALARM(reader-connections-high) OR ALARM(reader-latency-high)" }
 */
export const CompositeAlarmSchema = z.strictObject({
  AlarmName: name(255),
  ...alarmActionFields,
  AlarmRule: z.string().min(1).max(10240),
  ActionsSuppressor: name(1600).optional(),
  ActionsSuppressorWaitPeriod: z.int().min(0).optional(),
  ActionsSuppressorExtensionPeriod: z.int().min(0).optional(),
});
export type CompositeAlarm = z.infer<typeof CompositeAlarmSchema>;

export const AlarmSchema = z.union([MetricAlarmSchema, CompositeAlarmSchema]);
export type Alarm = z.infer<typeof AlarmSchema>;

export { isCompositeAlarm } from "./compositeAlarm.js";

// --- Application Auto Scaling policies ------------------------------------------------------------
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html

/** Fields a user may copy from a PutScalingPolicy / PutScheduledAction call; checked against the target. */
const scalableTargetFields = {
  ServiceNamespace: z.enum(["rds", "ec2"]).optional(),
  ResourceId: z.string().optional(),
  ScalableDimension: z.string().optional(),
};

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html */
export const StepAdjustmentSchema = z.strictObject({
  MetricIntervalLowerBound: z.number().optional(),
  MetricIntervalUpperBound: z.number().optional(),
  ScalingAdjustment: z.int(),
});
export type StepAdjustment = z.infer<typeof StepAdjustmentSchema>;

export const AdjustmentTypes = ["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"] as const;
export type AdjustmentType = (typeof AdjustmentTypes)[number];

export const StepScalingPolicyConfigurationSchema = z.strictObject({
  AdjustmentType: z.enum(AdjustmentTypes),
  StepAdjustments: z.array(StepAdjustmentSchema).min(1).max(20),
  MinAdjustmentMagnitude: z.int().min(1).optional(),
  Cooldown: cooldown().optional(),
  MetricAggregationType: z.enum(["Average", "Minimum", "Maximum"]).optional(),
});

export const StepScalingPolicySchema = z.strictObject({
  PolicyName: name(256),
  PolicyType: z.literal("StepScaling"),
  ...scalableTargetFields,
  StepScalingPolicyConfiguration: StepScalingPolicyConfigurationSchema,
  /** The alarms this policy answers (where AWS would list the policy's ARN in the alarm's actions). */
  Alarms: z.array(name(255)).min(1),
});
export type StepScalingPolicy = z.infer<typeof StepScalingPolicySchema>;

export const PredefinedMetricTypes = [
  "RDSReaderAverageCPUUtilization",
  "RDSReaderAverageDatabaseConnections",
  "ASGAverageCPUUtilization",
  "ASGAverageNetworkIn",
  "ASGAverageNetworkOut",
  "ALBRequestCountPerTarget",
] as const;
export type PredefinedMetricType = (typeof PredefinedMetricTypes)[number];

export const PredefinedMetricSpecificationSchema = z.strictObject({
  PredefinedMetricType: z.enum(PredefinedMetricTypes),
  ResourceLabel: z.string().min(1).max(1023).optional(),
});

/** https://docs.aws.amazon.com/autoscaling/application/APIReference/API_CustomizedMetricSpecification.html */
export const CustomizedMetricSpecificationSchema = z.strictObject({
  MetricName: name(255).optional(),
  Namespace: name(255).optional(),
  Dimensions: z.array(DimensionSchema).optional(),
  Statistic: z.enum(Statistics).optional(),
  Unit: z.string().optional(),
  Metrics: z.array(MetricDataQuerySchema).min(1).max(10).optional(),
});

export const TargetTrackingScalingPolicyConfigurationSchema = z.strictObject({
  TargetValue: z.number().positive(),
  PredefinedMetricSpecification: PredefinedMetricSpecificationSchema.optional(),
  CustomizedMetricSpecification: CustomizedMetricSpecificationSchema.optional(),
  ScaleOutCooldown: cooldown().optional(),
  ScaleInCooldown: cooldown().optional(),
  DisableScaleIn: z.boolean().optional(),
});
export type TargetTrackingScalingPolicyConfiguration = z.infer<
  typeof TargetTrackingScalingPolicyConfigurationSchema
>;

export const TargetTrackingPolicySchema = z.strictObject({
  PolicyName: name(256),
  PolicyType: z.literal("TargetTrackingScaling"),
  ...scalableTargetFields,
  TargetTrackingScalingPolicyConfiguration: TargetTrackingScalingPolicyConfigurationSchema,
});
export type TargetTrackingPolicy = z.infer<typeof TargetTrackingPolicySchema>;

export const ScalingPolicySchema = z.discriminatedUnion("PolicyType", [
  StepScalingPolicySchema,
  TargetTrackingPolicySchema,
]);
export type ScalingPolicy = z.infer<typeof ScalingPolicySchema>;

// --- Scheduled actions -----------------------------------------------------------------------------
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html

export const ScheduledActionSchema = z.strictObject({
  ScheduledActionName: name(256),
  ...scalableTargetFields,
  Schedule: z.string().min(1).max(1600),
  Timezone: z.string().min(1).optional(),
  StartTime: z.iso.datetime({ offset: true }).optional(),
  EndTime: z.iso.datetime({ offset: true }).optional(),
  ScalableTargetAction: z.strictObject({
    MinCapacity: capacity().optional(),
    MaxCapacity: capacity().optional(),
  }),
});
export type ScheduledAction = z.infer<typeof ScheduledActionSchema>;

// --- Targets ---------------------------------------------------------------------------------------

export const TargetKinds = ["aurora-readers", "aurora-capacity", "asg"] as const;
export type TargetKind = (typeof TargetKinds)[number];

/**
 * What replay needs to know of a target and the recording cannot tell (docs/replay.demand.md): the
 * demand one unit of capacity (an instance, a reader, an ACU of the floor) serves before it
 * saturates, in the units of the target's demand series. The functions ignore it.
 */
export const TargetReplaySchema = z.strictObject({
  demandPerUnit: z.number().positive().optional(),
});

/**
 * How much of an event's audience one unit of the target serves (a reader, an instance, an ACU of
 * the floor), from which the calendar derives the target's floor for each event
 * (schedules/calendar.ts).
 * @example { "perUnit": 1600 }
 */
export const TargetAudienceSchema = z.strictObject({
  /** Audience one unit serves: the floor for an event is ceil(peakAudience / perUnit). */
  perUnit: z.number().positive(),
  /**
   * How long before the event starts the floor is raised; default by kind: a reader's provisioning
   * time plus settings.calendarLeadMarginSeconds, an instance's warm-up plus the margin, 60 s for
   * an ACU floor.
   */
  leadSeconds: z.int().min(0).max(DAY_SECONDS).optional(),
  /**
   * The target exists only around events (MinCapacity 0): released after each, its bounds go to
   * 0–0, so that it goes from 0 before to 0 after; raised, its MaxCapacity comes back.
   */
  onlyDuringEvents: z.boolean().optional(),
});
export type TargetAudience = z.infer<typeof TargetAudienceSchema>;

const targetFields = {
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "letters, digits, '.', '_' or '-' (at most 63)"),
  MinCapacity: capacity(),
  MaxCapacity: capacity(),
  policies: z.array(ScalingPolicySchema),
  schedules: z.array(ScheduledActionSchema),
  replay: TargetReplaySchema.optional(),
  audience: TargetAudienceSchema.optional(),
};

/** The number of Aurora replicas of one cluster (Application Auto Scaling's rds:cluster:ReadReplicaCount). */
export const AuroraReadersTargetSchema = z.strictObject({
  kind: z.literal("aurora-readers"),
  DBClusterIdentifier: name(63),
  /** The class of the readers the brain creates; Aurora Serverless v2 by default. */
  DBInstanceClass: z.string().min(1).optional(),
  ...targetFields,
});

/** The cluster's Serverless v2 ACU floor (ServerlessV2ScalingConfiguration.MinCapacity). */
export const AuroraCapacityTargetSchema = z.strictObject({
  kind: z.literal("aurora-capacity"),
  DBClusterIdentifier: name(63),
  /** The cluster's ACU ceiling (ServerlessV2ScalingConfiguration.MaxCapacity), which the brain keeps. */
  AcuMaximum: z.number(),
  ...targetFields,
});

/** An EC2 Auto Scaling group's desired capacity. */
export const AsgTargetSchema = z.strictObject({
  kind: z.literal("asg"),
  AutoScalingGroupName: name(255),
  ...targetFields,
});

export const TargetSchema = z.discriminatedUnion("kind", [
  AuroraReadersTargetSchema,
  AuroraCapacityTargetSchema,
  AsgTargetSchema,
]);
export type Target = z.infer<typeof TargetSchema>;
export type AuroraReadersTarget = z.infer<typeof AuroraReadersTargetSchema>;
export type AuroraCapacityTarget = z.infer<typeof AuroraCapacityTargetSchema>;
export type AsgTarget = z.infer<typeof AsgTargetSchema>;

// --- Settings --------------------------------------------------------------------------------------

/**
 * Every setting has a range, so that no date the brain computes from it can overflow: the brain's
 * durations at most a day (DAY_SECONDS), a step policy's default cooldown AWS's own bound. The
 * datapoints of target tracking at most a day of one-minute datapoints.
 */
export const TargetTrackingSettingsSchema = z.strictObject({
  /** Consecutive one-minute datapoints above the target before a scale-out (AWS's alarms use 3). */
  scaleOutDatapoints: z.int().min(1).max(1440).default(3),
  /** Consecutive one-minute datapoints below the scale-in threshold before a scale-in (AWS uses 15). */
  scaleInDatapoints: z.int().min(1).max(1440).default(15),
  /** Scale in only below this fraction of the target value (AWS's low alarm sits at 90%). */
  scaleInRatio: z.number().gt(0).lt(1).default(0.9),
});

export const SettingsSchema = z.strictObject({
  /**
   * A state change older than this is refused (and kept this long for de-duplication). At most a
   * day: EventBridge stops retrying an event after its RetryPolicy's MaximumEventAgeInSeconds, at
   * most 86,400 (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html).
   */
  maxEventAgeSeconds: z.int().positive().max(DAY_SECONDS).default(900),
  /** Decisions expire from the ledger's log after this many days (a TTL attribute); at most ten years. */
  decisionRetentionDays: z.int().positive().max(3650).default(30),
  /** A larger payload is refused before it is parsed; at most Lambda's 6 MB invocation payload. */
  maxPayloadBytes: z.int().positive().max(6_291_456).default(262144),
  /** Rule 4 (docs/rules.md): scale-in waits until every proposal of this window agreed on it. */
  scaleInStabilizationSeconds: z.int().min(0).max(DAY_SECONDS).default(300),
  /**
   * Cooldown of a step policy that names none (Application Auto Scaling's default is 300 s). A
   * group's step scale-ins have none, named or not: EC2 Auto Scaling has no cooldown for step policies.
   */
  defaultCooldownSeconds: cooldown().default(300),
  /** How long a new Aurora reader takes to become available (simulated account, expectations). */
  readerProvisioningSeconds: z.int().positive().max(DAY_SECONDS).default(480),
  /**
   * How long a new EC2 instance is expected to take to be InService in its group (simulated
   * account, expectations); DescribeAutoScalingGroups says when it is.
   */
  instanceWarmupSeconds: z.int().positive().max(DAY_SECONDS).default(180),
  /** A reservation whose invocation died is reconciled after this long. */
  reservationTimeoutSeconds: z.int().positive().max(DAY_SECONDS).default(900),
  /** The calendar raises a reader's floor this long before its provisioning time, an instance's before its warm-up. */
  calendarLeadMarginSeconds: z.int().min(0).max(DAY_SECONDS).default(300),
  targetTracking: TargetTrackingSettingsSchema.prefault({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

// --- The calendar ----------------------------------------------------------------------------------

/** A local date and time, as at() takes it: yyyy-mm-ddThh:mm:ss, read in the event's time zone. */
const localDateTime = () =>
  z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/,
      "a local date and time yyyy-mm-ddThh:mm:ss (no zone: timeZone says it)",
    );

/**
 * A known event, from which every target with an `audience` gets its floor raised ahead of the
 * start by its own lead time, held through the event and released after (schedules/calendar.ts).
 * @example
 * { "name": "virtway-avalanche", "start": "2026-11-23T20:00:00", "end": "2026-11-23T20:15:00",
 *   "timeZone": "Europe/Madrid", "peakAudience": 8000 }
 */
export const CalendarEventSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "letters, digits, '.', '_' or '-' (at most 100)"),
  start: localDateTime(),
  end: localDateTime(),
  /** An IANA time zone (Europe/Madrid), as a scheduled action's Timezone. */
  timeZone: z.string().min(1),
  /** The audience at the event's peak: users, viewers, connections, in the unit the targets' perUnit counts. */
  peakAudience: z.number().positive().max(AWS_INTEGER_MAX),
});
export type CalendarEvent = z.infer<typeof CalendarEventSchema>;

// --- The file --------------------------------------------------------------------------------------

export const BrainConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The AWS account the brain serves; an event from another is refused. */
  account: z
    .string()
    .regex(/^\d{12}$/, "a 12-digit AWS account id")
    .optional(),
  /** The AWS region the brain serves; an event from another is refused. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region code such as eu-west-1")
    .optional(),
  alarms: z.array(AlarmSchema),
  targets: z.array(TargetSchema).min(1),
  /** Known events (optional): each target with an `audience` gets its floor raised ahead of them. */
  calendar: z.array(CalendarEventSchema).optional(),
  /** Connection budgets (optional): per Aurora cluster, the groups that connect and their pools. */
  connectionBudgets: z.array(ConnectionBudgetSchema).optional(),
  settings: SettingsSchema.prefault({}),
});
export type BrainConfig = z.infer<typeof BrainConfigSchema>;
