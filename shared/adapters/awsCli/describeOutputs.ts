/**
 * The JSON the AWS CLI prints for the describe calls `import` reads, told apart by their top-level
 * keys, with the fields `import` uses (every other field is let through, and sorted out by the
 * mapping). The CLI prints botocore's parsed response less ResponseMetadata; its timestamps are
 * ISO-8601 in v2 and, in v1, what the wire carried: epoch seconds for the JSON protocol
 * (Application Auto Scaling). Both are read. Field names as in botocore's service models:
 * https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/describe-alarms.html,
 * https://docs.aws.amazon.com/cli/latest/reference/application-autoscaling/describe-scaling-policies.html,
 * https://docs.aws.amazon.com/cli/latest/reference/autoscaling/describe-policies.html.
 */
import { z } from "zod";
import type { Problem } from "../../core/errors.js";
import { problemsFromZod } from "../../core/problems.js";

/** A timestamp as either CLI prints it: epoch seconds (v1) or ISO-8601 (v2). */
const Timestamp = z.union([z.number(), z.string()]);
const Item = z.looseObject({});
const Dimension = z.looseObject({ Name: z.string(), Value: z.string() });

export const MetricAlarmOutput = z.looseObject({
  AlarmName: z.string(),
  AlarmArn: z.string().optional(),
  AlarmActions: z.array(z.string()).optional(),
  Dimensions: z.array(Dimension).optional(),
  Metrics: z.array(Item).optional(),
});
export const CompositeAlarmOutput = z.looseObject({
  AlarmName: z.string(),
  AlarmArn: z.string().optional(),
  AlarmRule: z.string(),
  AlarmActions: z.array(z.string()).optional(),
  ActionsSuppressor: z.string().optional(),
});

const ScalableTargetKey = {
  ServiceNamespace: z.string(),
  ResourceId: z.string(),
  ScalableDimension: z.string(),
};
export const ScalableTargetOutput = z.looseObject({
  ...ScalableTargetKey,
  MinCapacity: z.number(),
  MaxCapacity: z.number(),
  SuspendedState: z.looseObject({}).optional(),
});
export const ScalingPolicyOutput = z.looseObject({
  ...ScalableTargetKey,
  PolicyName: z.string(),
  PolicyARN: z.string(),
  PolicyType: z.string(),
  StepScalingPolicyConfiguration: Item.optional(),
  TargetTrackingScalingPolicyConfiguration: Item.optional(),
  Alarms: z.array(z.looseObject({ AlarmName: z.string() })).optional(),
});
export const ScheduledActionOutput = z.looseObject({
  ...ScalableTargetKey,
  ScheduledActionName: z.string(),
  Schedule: z.string(),
  Timezone: z.string().optional(),
  StartTime: Timestamp.optional(),
  EndTime: Timestamp.optional(),
  ScalableTargetAction: z.looseObject({
    MinCapacity: z.number().optional(),
    MaxCapacity: z.number().optional(),
  }),
});
export const GroupPolicyOutput = z.looseObject({
  AutoScalingGroupName: z.string(),
  PolicyName: z.string(),
  PolicyARN: z.string(),
  PolicyType: z.string().optional(),
  AdjustmentType: z.string().optional(),
  MinAdjustmentStep: z.number().optional(),
  MinAdjustmentMagnitude: z.number().optional(),
  ScalingAdjustment: z.number().optional(),
  Cooldown: z.number().optional(),
  StepAdjustments: z.array(Item).optional(),
  MetricAggregationType: z.string().optional(),
  EstimatedInstanceWarmup: z.number().optional(),
  TargetTrackingConfiguration: Item.optional(),
  Alarms: z.array(z.looseObject({ AlarmName: z.string() })).optional(),
  Enabled: z.boolean().optional(),
});
export const GroupOutput = z.looseObject({
  AutoScalingGroupName: z.string(),
  AutoScalingGroupARN: z.string().optional(),
  MinSize: z.number(),
  MaxSize: z.number(),
  DefaultCooldown: z.number().optional(),
});
export const GroupScheduledActionOutput = z.looseObject({
  AutoScalingGroupName: z.string(),
  ScheduledActionName: z.string(),
});

export type MetricAlarmOutput = z.infer<typeof MetricAlarmOutput>;
export type CompositeAlarmOutput = z.infer<typeof CompositeAlarmOutput>;
export type ScalableTargetOutput = z.infer<typeof ScalableTargetOutput>;
export type ScalingPolicyOutput = z.infer<typeof ScalingPolicyOutput>;
export type ScheduledActionOutput = z.infer<typeof ScheduledActionOutput>;
export type GroupPolicyOutput = z.infer<typeof GroupPolicyOutput>;
export type GroupOutput = z.infer<typeof GroupOutput>;
export type GroupScheduledActionOutput = z.infer<typeof GroupScheduledActionOutput>;

/** Everything read from the files, by kind, in the files' order. */
export type DescribeOutputs = {
  metricAlarms: MetricAlarmOutput[];
  compositeAlarms: CompositeAlarmOutput[];
  scalableTargets: ScalableTargetOutput[];
  scalingPolicies: ScalingPolicyOutput[];
  scheduledActions: ScheduledActionOutput[];
  groupPolicies: GroupPolicyOutput[];
  groups: GroupOutput[];
  groupScheduledActions: GroupScheduledActionOutput[];
};

export const emptyOutputs = (): DescribeOutputs => ({
  metricAlarms: [],
  compositeAlarms: [],
  scalableTargets: [],
  scalingPolicies: [],
  scheduledActions: [],
  groupPolicies: [],
  groups: [],
  groupScheduledActions: [],
});

/** Each CLI output `import` reads: the command, and the schema of its document. */
const OUTPUTS = {
  alarms: {
    command: "aws cloudwatch describe-alarms",
    schema: z.looseObject({
      MetricAlarms: z.array(MetricAlarmOutput).optional(),
      CompositeAlarms: z.array(CompositeAlarmOutput).optional(),
    }),
  },
  scalableTargets: {
    command: "aws application-autoscaling describe-scalable-targets",
    schema: z.looseObject({ ScalableTargets: z.array(ScalableTargetOutput) }),
  },
  scalingPolicies: {
    command: "aws application-autoscaling describe-scaling-policies",
    schema: z.looseObject({ ScalingPolicies: z.array(ScalingPolicyOutput) }),
  },
  scheduledActions: {
    command: "aws application-autoscaling describe-scheduled-actions",
    schema: z.looseObject({ ScheduledActions: z.array(ScheduledActionOutput) }),
  },
  groupPolicies: {
    command: "aws autoscaling describe-policies",
    schema: z.looseObject({ ScalingPolicies: z.array(GroupPolicyOutput) }),
  },
  groups: {
    command: "aws autoscaling describe-auto-scaling-groups",
    schema: z.looseObject({ AutoScalingGroups: z.array(GroupOutput) }),
  },
  groupScheduledActions: {
    command: "aws autoscaling describe-scheduled-actions",
    schema: z.looseObject({ ScheduledUpdateGroupActions: z.array(GroupScheduledActionOutput) }),
  },
} as const;
type OutputKind = keyof typeof OUTPUTS;

export const UNKNOWN_OUTPUT = `not the output of a describe call import reads: ${Object.values(OUTPUTS)
  .map((o) => o.command)
  .join(", ")} (--output json)`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Which describe call printed a document, from its top-level keys; null: none `import` reads. */
function kindOf(doc: Record<string, unknown>): OutputKind | null {
  if ("MetricAlarms" in doc || "CompositeAlarms" in doc) return "alarms";
  if ("ScalableTargets" in doc) return "scalableTargets";
  if ("ScheduledActions" in doc) return "scheduledActions";
  if ("AutoScalingGroups" in doc) return "groups";
  if ("ScheduledUpdateGroupActions" in doc) return "groupScheduledActions";
  if (Array.isArray(doc.ScalingPolicies)) {
    // The two services' policies: Application Auto Scaling's name their scalable target.
    const first: unknown = doc.ScalingPolicies[0];
    return isObject(first) && "AutoScalingGroupName" in first && !("ServiceNamespace" in first)
      ? "groupPolicies"
      : "scalingPolicies";
  }
  return null;
}

/**
 * Adds one parsed document to `into`; the command that printed it, or the problems (with JSON
 * paths into the document) that make it unreadable.
 */
export function readDescribeOutput(
  doc: unknown,
  into: DescribeOutputs,
): { command: string } | { problems: Problem[] } {
  const kind = isObject(doc) ? kindOf(doc) : null;
  if (kind === null) return { problems: [{ severity: "error", path: "$", message: UNKNOWN_OUTPUT }] };
  const { command, schema } = OUTPUTS[kind];
  const parsed = schema.safeParse(doc);
  if (!parsed.success) return { problems: problemsFromZod(parsed.error.issues) };
  const d = parsed.data as Record<string, unknown[] | undefined>;
  const add = <K extends keyof DescribeOutputs>(key: K, items: unknown[] | undefined) =>
    (into[key] as unknown[]).push(...(items ?? []));
  switch (kind) {
    case "alarms":
      add("metricAlarms", d.MetricAlarms);
      add("compositeAlarms", d.CompositeAlarms);
      break;
    case "scalableTargets":
      add("scalableTargets", d.ScalableTargets);
      break;
    case "scalingPolicies":
      add("scalingPolicies", d.ScalingPolicies);
      break;
    case "scheduledActions":
      add("scheduledActions", d.ScheduledActions);
      break;
    case "groupPolicies":
      add("groupPolicies", d.ScalingPolicies);
      break;
    case "groups":
      add("groups", d.AutoScalingGroups);
      break;
    case "groupScheduledActions":
      add("groupScheduledActions", d.ScheduledUpdateGroupActions);
      break;
  }
  return { command };
}
