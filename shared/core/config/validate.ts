/**
 * Loads and checks a configuration: the zod schema for shapes, then the rules that span fields
 * and sections. Every problem is listed with its JSON path; nothing runs on a file with errors.
 * Every command loads its configuration through `loadConfig`.
 */
import { z } from "zod";
import { AlarmRuleSyntaxError, alarmsReferenced, parseAlarmRule } from "../alarms/alarmRule.js";
import type { Problem } from "../errors.js";
import { isIanaTimeZone, parseScheduleExpression } from "./scheduleExpression.js";
import {
  type Alarm,
  AlarmSchema,
  AsgTargetSchema,
  AuroraCapacityTargetSchema,
  AuroraReadersTargetSchema,
  type BrainConfig,
  BrainConfigSchema,
  type CompositeAlarm,
  isCompositeAlarm,
  type MetricAlarm,
  type MetricDataQuery,
  type PredefinedMetricType,
  type ScalingPolicy,
  ScalingPolicySchema,
  type ScheduledAction,
  ScheduledActionSchema,
  type StepScalingPolicy,
  type TargetKind,
} from "./schema.js";

type Path = readonly (string | number)[];

/** `["targets", 0, "MinCapacity"]` → `$.targets[0].MinCapacity`. */
export function jsonPath(path: Path): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${acc}.${key}` : `${acc}[${JSON.stringify(key)}]`;
  }, "$");
}

export type ValidationResult =
  | { ok: true; config: BrainConfig; problems: Problem[] }
  | { ok: false; problems: Problem[] };

/** Checks an already-parsed JSON value. Warnings do not stop a configuration; errors do. */
export function validateConfig(raw: unknown): ValidationResult {
  const parsed = BrainConfigSchema.safeParse(raw);
  if (parsed.success) {
    const problems = crossCheck(checkableOf(parsed.data));
    return problems.some((p) => p.severity === "error")
      ? { ok: false, problems }
      : { ok: true, config: parsed.data, problems };
  }
  // A shape is wrong somewhere. The rules across fields still run on every alarm, target, policy
  // and schedule that parses on its own, so that one pass lists every problem with its path.
  return { ok: false, problems: [...zodProblems(parsed.error.issues, []), ...crossCheck(salvage(raw))] };
}

// --- what the rules across fields look at --------------------------------------------------------

/** A target's own fields, without its policies and schedules (checked one by one). */
const TargetFieldsSchema = z.discriminatedUnion("kind", [
  AuroraReadersTargetSchema.omit({ policies: true, schedules: true }),
  AuroraCapacityTargetSchema.omit({ policies: true, schedules: true }),
  AsgTargetSchema.omit({ policies: true, schedules: true }),
]);
type TargetFields = z.infer<typeof TargetFieldsSchema>;

/** An element that parsed, with its index in the file (so that paths name the file's element). */
type At<T> = { at: number; value: T };
type AlarmKind = "metric" | "composite";

/** The parts of a configuration that parsed, each where it stands in the file. */
type Checkable = {
  alarms: At<Alarm>[];
  /** Every alarm the file names, parsed or not: a reference to a broken alarm is not a second problem. */
  alarmKinds: Map<string, AlarmKind>;
  targets: At<{
    fields: TargetFields;
    /** Its own fields did not parse: only its policies and schedules are checked, not against its identifiers. */
    partial?: boolean;
    policies: At<ScalingPolicy>[];
    schedules: At<ScheduledAction>[];
  }>[];
};

const indexed = <T>(items: readonly T[]): At<T>[] => items.map((value, at) => ({ at, value }));

function checkableOf(config: BrainConfig): Checkable {
  return {
    alarms: indexed(config.alarms),
    alarmKinds: new Map(
      config.alarms.map((a) => [a.AlarmName, isCompositeAlarm(a) ? "composite" : "metric"] as const),
    ),
    targets: indexed(
      config.targets.map((target) => ({
        fields: target,
        policies: indexed(target.policies),
        schedules: indexed(target.schedules),
      })),
    ),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const arrayAt = (v: unknown, key: string): unknown[] => {
  const value = isRecord(v) ? v[key] : undefined;
  return Array.isArray(value) ? value : [];
};

/** Of a file that fails the schema, each alarm, target, policy and schedule parsed on its own. */
function salvage(raw: unknown): Checkable {
  const alarmKinds = new Map<string, AlarmKind>();
  for (const a of arrayAt(raw, "alarms")) {
    if (isRecord(a) && typeof a.AlarmName === "string")
      alarmKinds.set(a.AlarmName, "AlarmRule" in a ? "composite" : "metric");
  }
  const targets = arrayAt(raw, "targets").flatMap((t, at) => {
    if (!isRecord(t)) return [];
    const { policies, schedules, ...own } = t;
    const whole = parsePart(TargetFieldsSchema, own);
    // A target whose own fields are wrong (already reported) still has its policies and schedules
    // checked, against what can be told of it: its kind and identifier.
    const fields = whole ?? standIn(own);
    if (fields === undefined) return [];
    return [
      {
        at,
        value: {
          fields,
          partial: whole === undefined,
          policies: parseEach(ScalingPolicySchema, Array.isArray(policies) ? policies : []),
          schedules: parseEach(ScheduledActionSchema, Array.isArray(schedules) ? schedules : []),
        },
      },
    ];
  });
  return { alarms: parseEach(AlarmSchema, arrayAt(raw, "alarms")), alarmKinds, targets };
}

/**
 * A target's own fields with those that do not parse put by neutral values, so that its policies
 * and schedules can be checked; undefined when not even its kind is known. Only the checks of its
 * policies and schedules look at it (`partial`): its own were reported from the schema.
 */
function standIn(own: Record<string, unknown>): TargetFields | undefined {
  if (!["aurora-readers", "aurora-capacity", "asg"].includes(String(own.kind))) return undefined;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : "?");
  const number = (v: unknown, fallback: number) =>
    typeof v === "number" && Number.isFinite(v) ? v : fallback;
  const base = {
    id: text(own.id),
    MinCapacity: number(own.MinCapacity, 0),
    MaxCapacity: number(own.MaxCapacity, 1),
  };
  const candidate =
    own.kind === "asg"
      ? { ...base, kind: "asg", AutoScalingGroupName: text(own.AutoScalingGroupName) }
      : own.kind === "aurora-capacity"
        ? {
            ...base,
            kind: "aurora-capacity",
            DBClusterIdentifier: text(own.DBClusterIdentifier),
            AcuMaximum: number(own.AcuMaximum, 256),
          }
        : { ...base, kind: "aurora-readers", DBClusterIdentifier: text(own.DBClusterIdentifier) };
  const parsed = TargetFieldsSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** The items that parse, each with its index. */
function parseEach<T>(schema: z.ZodType<T>, items: readonly unknown[]): At<T>[] {
  return items.flatMap((item, at) => {
    const value = parsePart(schema, item);
    return value === undefined ? [] : [{ at, value }];
  });
}

/** `raw` parsed by `schema`, ignoring unknown fields (already reported); undefined if it fails. */
function parsePart<T>(schema: z.ZodType<T>, raw: unknown): T | undefined {
  const first = schema.safeParse(raw);
  if (first.success) return first.data;
  const unknown = flatten(first.error.issues, []).filter(({ issue }) => issue.code === "unrecognized_keys");
  if (unknown.length === 0) return undefined;
  const copy = structuredClone(raw);
  for (const { path, issue } of unknown) {
    if (issue.code !== "unrecognized_keys") continue;
    let node: unknown = copy;
    for (const key of path) node = (node as Record<PropertyKey, unknown>)[key];
    for (const key of issue.keys) delete (node as Record<string, unknown>)[key];
  }
  const second = schema.safeParse(copy);
  return second.success ? second.data : undefined;
}

// --- zod issues → problems -----------------------------------------------------------------

/** How badly a union branch fits: unknown and missing fields count double, other problems once. */
function misfit(issues: readonly z.core.$ZodIssue[]): number {
  return issues.reduce((sum, issue) => {
    if (issue.code === "unrecognized_keys") return sum + 2 * issue.keys.length;
    if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return sum + 2;
    return sum + 1;
  }, 0);
}

/** zod's issues with their full paths; of a union that matched no branch, the closest branch's. */
function flatten(
  issues: readonly z.core.$ZodIssue[],
  prefix: Path,
): { path: (string | number)[]; issue: z.core.$ZodIssue }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch the input meant: the one its fields fit best. Fields a branch does not
      // know, and fields it needs and does not find, weigh more than a value of the wrong type (a
      // metric alarm with three mistyped values is no composite alarm missing its AlarmRule).
      const best = [...issue.errors].sort((a, b) => misfit(a) - misfit(b))[0] ?? [];
      return flatten(best, path);
    }
    return [{ path, issue }];
  });
}

function zodProblems(issues: readonly z.core.$ZodIssue[], prefix: Path): Problem[] {
  return flatten(issues, prefix).flatMap(({ path, issue }) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) =>
        error([...path, key], "unknown field (AWS's shapes are case-sensitive)"),
      );
    }
    if (issue.code === "invalid_union") {
      // A discriminated union whose discriminator matched nothing; zod's path ends at that field.
      return [error(path, discriminatorMessage(String(path[path.length - 1])))];
    }
    return [error(path, issue.message)];
  });
}

function discriminatorMessage(field: string | undefined): string {
  if (field === "kind") return 'kind must be "aurora-readers", "aurora-capacity" or "asg"';
  if (field === "PolicyType") return 'PolicyType must be "StepScaling" or "TargetTrackingScaling"';
  return "does not match any accepted shape";
}

const error = (path: Path, message: string): Problem => ({
  severity: "error",
  path: jsonPath(path),
  message,
});
const warning = (path: Path, message: string): Problem => ({
  severity: "warning",
  path: jsonPath(path),
  message,
});

// --- rules across fields ---------------------------------------------------------------------

const MAX_AURORA_REPLICAS = 15; // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Replication.html
const ACU_MIN = 0; // Serverless v2 accepts 0 (auto-pause) to 256 ACU in steps of 0.5:
const ACU_MAX = 256; // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html

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

function crossCheck({ alarms, alarmKinds, targets }: Checkable): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  for (const { at, value: alarm } of alarms) {
    if (names.has(alarm.AlarmName)) {
      problems.push(
        error(["alarms", at, "AlarmName"], `another alarm is already named "${alarm.AlarmName}"`),
      );
    }
    names.add(alarm.AlarmName);
  }
  for (const { at, value: alarm } of alarms) {
    const path = ["alarms", at];
    if (isCompositeAlarm(alarm)) problems.push(...checkCompositeAlarm(alarm, path, alarmKinds));
    else problems.push(...checkMetricAlarm(alarm, path));
  }

  const ids = new Set<string>();
  for (const { at, value } of targets) {
    const { fields: target, partial } = value;
    const path = ["targets", at];
    if (!partial && ids.has(target.id))
      problems.push(error([...path, "id"], `another target already has the id "${target.id}"`));
    if (!partial) ids.add(target.id);
    if (!partial) problems.push(...checkBounds(target, path, target.MinCapacity, target.MaxCapacity));
    if (!partial && target.kind === "aurora-capacity") {
      const acuMax = target.AcuMaximum;
      problems.push(...checkAcu([...path, "AcuMaximum"], acuMax));
      if (acuMax < 1) problems.push(error([...path, "AcuMaximum"], "the ACU ceiling must be at least 1"));
      if (acuMax < target.MaxCapacity) {
        problems.push(
          error(
            [...path, "AcuMaximum"],
            `the ACU ceiling ${acuMax} is under the target's MaxCapacity ${target.MaxCapacity}`,
          ),
        );
      }
    }
    const policyNames = new Set<string>();
    for (const { at: p, value: policy } of value.policies) {
      const ppath = [...path, "policies", p];
      if (policyNames.has(policy.PolicyName)) {
        problems.push(
          error([...ppath, "PolicyName"], `another policy of this target is named "${policy.PolicyName}"`),
        );
      }
      policyNames.add(policy.PolicyName);
      if (!partial) problems.push(...checkScalableTargetFields(target, policy, ppath));
      problems.push(...checkPolicy(target, policy, ppath, alarmKinds));
    }
    const scheduleNames = new Set<string>();
    for (const { at: s, value: schedule } of value.schedules) {
      const spath = [...path, "schedules", s];
      if (scheduleNames.has(schedule.ScheduledActionName)) {
        problems.push(
          error(
            [...spath, "ScheduledActionName"],
            `another schedule of this target is named "${schedule.ScheduledActionName}"`,
          ),
        );
      }
      scheduleNames.add(schedule.ScheduledActionName);
      if (!partial) problems.push(...checkScalableTargetFields(target, schedule, spath));
      problems.push(...checkSchedule(target, schedule, spath));
    }
  }
  return problems;
}

function checkMetricAlarm(alarm: MetricAlarm, path: Path): Problem[] {
  const problems: Problem[] = [];
  const single = alarm.MetricName !== undefined || alarm.Namespace !== undefined;
  if (alarm.Metrics && single) {
    problems.push(error(path, "give either Metrics or MetricName/Namespace, not both"));
  } else if (alarm.Metrics) {
    problems.push(...checkQueries(alarm.Metrics, [...path, "Metrics"], "alarm"));
    for (const field of ["Statistic", "ExtendedStatistic", "Period", "Dimensions", "Unit"] as const) {
      if (alarm[field] !== undefined)
        problems.push(error([...path, field], "belongs in Metrics[].MetricStat when Metrics is given"));
    }
  } else {
    for (const field of ["MetricName", "Namespace", "Period"] as const) {
      if (alarm[field] === undefined)
        problems.push(error([...path, field], "required for an alarm on a single metric"));
    }
    if ((alarm.Statistic === undefined) === (alarm.ExtendedStatistic === undefined)) {
      problems.push(error([...path, "Statistic"], "give exactly one of Statistic and ExtendedStatistic"));
    }
  }
  if (alarm.ThresholdMetricId !== undefined) {
    if (alarm.Threshold !== undefined)
      problems.push(
        error([...path, "Threshold"], "an anomaly-detection alarm has ThresholdMetricId, not Threshold"),
      );
    const band = alarm.Metrics?.find((q) => q.Id === alarm.ThresholdMetricId);
    if (!band?.Expression?.includes("ANOMALY_DETECTION_BAND")) {
      problems.push(
        error(
          [...path, "ThresholdMetricId"],
          `no query "${alarm.ThresholdMetricId}" in Metrics with an ANOMALY_DETECTION_BAND expression`,
        ),
      );
    }
    if (!alarm.ComparisonOperator.includes("Upper") && !alarm.ComparisonOperator.includes("Lower")) {
      problems.push(
        error(
          [...path, "ComparisonOperator"],
          "an anomaly-detection alarm compares with the band: use LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold or GreaterThanUpperThreshold",
        ),
      );
    }
  } else {
    if (alarm.Threshold === undefined)
      problems.push(error([...path, "Threshold"], "required (or ThresholdMetricId for anomaly detection)"));
    if (alarm.ComparisonOperator.includes("Upper") || alarm.ComparisonOperator.includes("Lower")) {
      problems.push(
        error(
          [...path, "ComparisonOperator"],
          `${alarm.ComparisonOperator} is only for anomaly-detection alarms`,
        ),
      );
    }
  }
  if (alarm.DatapointsToAlarm !== undefined && alarm.DatapointsToAlarm > alarm.EvaluationPeriods) {
    problems.push(
      error(
        [...path, "DatapointsToAlarm"],
        `${alarm.DatapointsToAlarm} out of ${alarm.EvaluationPeriods} cannot happen: DatapointsToAlarm must not exceed EvaluationPeriods`,
      ),
    );
  }
  const periods: [Path, number, string | undefined][] = [];
  if (alarm.Period !== undefined) periods.push([[...path, "Period"], alarm.Period, alarm.Namespace]);
  alarm.Metrics?.forEach((q, i) => {
    if (q.MetricStat)
      periods.push([
        [...path, "Metrics", i, "MetricStat", "Period"],
        q.MetricStat.Period,
        q.MetricStat.Metric.Namespace,
      ]);
  });
  for (const [ppath, period, namespace] of periods) {
    problems.push(...checkPeriod(ppath, period, namespace));
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
    if (period * alarm.EvaluationPeriods > 86400 && period < 3600) {
      problems.push(
        error(ppath, "Period × EvaluationPeriods must not exceed one day for periods under an hour"),
      );
    }
  }
  return problems;
}

/** CloudWatch takes 10, 20, 30 or any multiple of 60 seconds; AWS namespaces publish per minute. */
function checkPeriod(path: Path, period: number, namespace: string | undefined): Problem[] {
  if (![10, 20, 30].includes(period) && period % 60 !== 0) {
    return [error(path, `${period} s: CloudWatch takes 10, 20, 30 or a multiple of 60`)];
  }
  if (period < 60 && namespace?.startsWith("AWS/")) {
    return [
      warning(
        path,
        `${period} s on ${namespace}: AWS publishes its metrics once a minute, so most periods will be missing`,
      ),
    ];
  }
  return [];
}

function checkQueries(queries: readonly MetricDataQuery[], path: Path, owner: "alarm" | "policy"): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  queries.forEach((q, i) => {
    if (ids.has(q.Id)) problems.push(error([...path, i, "Id"], `another query has the Id "${q.Id}"`));
    ids.add(q.Id);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      problems.push(error([...path, i], "give exactly one of MetricStat and Expression"));
    }
  });
  const returning = queries.filter((q) => q.ReturnData !== false);
  if (owner === "alarm" && returning.length !== 1) {
    problems.push(
      error(path, `exactly one query must return data (ReturnData true); ${returning.length} do`),
    );
  }
  return problems;
}

function checkCompositeAlarm(alarm: CompositeAlarm, path: Path, alarms: Map<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  try {
    const tree = parseAlarmRule(alarm.AlarmRule);
    for (const name of alarmsReferenced(tree)) {
      if (name === alarm.AlarmName)
        problems.push(error([...path, "AlarmRule"], "a composite alarm cannot refer to itself"));
      else if (!alarms.has(name))
        problems.push(error([...path, "AlarmRule"], `refers to "${name}", which is not in alarms`));
    }
  } catch (e) {
    if (!(e instanceof AlarmRuleSyntaxError)) throw e;
    problems.push(error([...path, "AlarmRule"], `does not parse: ${e.message}`));
  }
  if (alarm.ActionsSuppressor !== undefined && !alarms.has(alarm.ActionsSuppressor)) {
    problems.push(error([...path, "ActionsSuppressor"], `"${alarm.ActionsSuppressor}" is not in alarms`));
  }
  for (const field of ["ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"] as const) {
    if (alarm[field] !== undefined && alarm.ActionsSuppressor === undefined) {
      problems.push(error([...path, field], "only with an ActionsSuppressor"));
    }
  }
  return problems;
}

function checkBounds(
  target: TargetFields,
  path: Path,
  min: number | undefined,
  max: number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const minPath = [...path, "MinCapacity"];
  const maxPath = [...path, "MaxCapacity"];
  for (const [p, v] of [
    [minPath, min],
    [maxPath, max],
  ] as const) {
    if (v === undefined) continue;
    if (target.kind === "aurora-capacity") problems.push(...checkAcu(p, v));
    else if (!Number.isInteger(v))
      problems.push(
        error(p, `${v} is not a whole number of ${target.kind === "asg" ? "instances" : "readers"}`),
      );
    if (target.kind === "aurora-readers" && v > MAX_AURORA_REPLICAS) {
      problems.push(error(p, `${v} readers: an Aurora cluster has at most ${MAX_AURORA_REPLICAS} replicas`));
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(error(minPath, `MinCapacity ${min} is greater than MaxCapacity ${max}`));
  }
  return problems;
}

function checkAcu(path: Path, value: number): Problem[] {
  if (value < ACU_MIN || value > ACU_MAX)
    return [error(path, `${value} ACU is outside ${ACU_MIN}–${ACU_MAX}`)];
  if (!Number.isInteger(value * 2)) return [error(path, `${value} ACU is not a multiple of 0.5`)];
  return [];
}

/** ServiceNamespace/ResourceId/ScalableDimension, when copied from AWS, must name this target. */
function checkScalableTargetFields(
  target: TargetFields,
  item: {
    ServiceNamespace?: string | undefined;
    ResourceId?: string | undefined;
    ScalableDimension?: string | undefined;
  },
  path: Path,
): Problem[] {
  const given = (["ServiceNamespace", "ResourceId", "ScalableDimension"] as const).filter(
    (f) => item[f] !== undefined,
  );
  if (given.length === 0) return [];
  if (target.kind !== "aurora-readers") {
    return given.map((f) =>
      error(
        [...path, f],
        `a ${target.kind} target is not an Application Auto Scaling scalable target; drop ${f}`,
      ),
    );
  }
  const expected = {
    ServiceNamespace: "rds",
    ResourceId: `cluster:${target.DBClusterIdentifier}`,
    ScalableDimension: "rds:cluster:ReadReplicaCount",
  };
  return given
    .filter((f) => item[f] !== expected[f])
    .map((f) => error([...path, f], `"${item[f]}" does not name this target; expected "${expected[f]}"`));
}

function checkPolicy(
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
      error(cpath, "no metric: give PredefinedMetricSpecification or CustomizedMetricSpecification"),
    );
  } else if (predefined && customized) {
    problems.push(
      error(cpath, "give one of PredefinedMetricSpecification and CustomizedMetricSpecification, not both"),
    );
  }
  if (predefined) {
    const ppath = [...cpath, "PredefinedMetricSpecification"];
    const fits = PREDEFINED_FOR[target.kind];
    if (!fits.includes(predefined.PredefinedMetricType)) {
      problems.push(
        error(
          [...ppath, "PredefinedMetricType"],
          `${predefined.PredefinedMetricType} does not fit a ${target.kind} target; ${fits.length ? `use ${fits.join(", ")}` : "use a CustomizedMetricSpecification"}`,
        ),
      );
    }
    if (predefined.PredefinedMetricType === "ALBRequestCountPerTarget" && !predefined.ResourceLabel) {
      problems.push(
        error(
          [...ppath, "ResourceLabel"],
          "ALBRequestCountPerTarget needs the ResourceLabel app/<load-balancer>/<id>/targetgroup/<target-group>/<id>",
        ),
      );
    }
    if (predefined.PredefinedMetricType !== "ALBRequestCountPerTarget" && predefined.ResourceLabel) {
      problems.push(
        error([...ppath, "ResourceLabel"], "only ALBRequestCountPerTarget takes a ResourceLabel"),
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
        problems.push(error([...mpath, f], "give either Metrics or a single metric, not both"));
      problems.push(...checkQueries(customized.Metrics, [...mpath, "Metrics"], "policy"));
    } else {
      for (const f of ["MetricName", "Namespace", "Statistic"] as const) {
        if (customized[f] === undefined)
          problems.push(error([...mpath, f], "required for a single customized metric"));
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
    if (!kind) problems.push(error([...path, "Alarms", i], `"${name}" is not in alarms`));
    else if (kind === "composite") composite = true;
  });
  if (cfg.AdjustmentType === "ExactCapacity") {
    cfg.StepAdjustments.forEach((s, i) => {
      if (s.ScalingAdjustment < 0)
        problems.push(
          error(
            [...cpath, "StepAdjustments", i, "ScalingAdjustment"],
            "ExactCapacity takes a capacity of 0 or more",
          ),
        );
    });
  }
  if (cfg.MinAdjustmentMagnitude !== undefined && cfg.AdjustmentType !== "PercentChangeInCapacity") {
    problems.push(
      error([...cpath, "MinAdjustmentMagnitude"], "only with AdjustmentType PercentChangeInCapacity"),
    );
  }
  if (composite) {
    // A composite alarm has no value to measure a step against: one step, no bounds.
    const [only] = cfg.StepAdjustments;
    if (cfg.StepAdjustments.length > 1) {
      problems.push(
        error(
          [...cpath, "StepAdjustments"],
          "a policy answering a composite alarm has one step: a composite alarm has no value to choose a step by",
        ),
      );
    } else if (
      only &&
      (only.MetricIntervalLowerBound !== undefined || only.MetricIntervalUpperBound !== undefined)
    ) {
      problems.push(
        error(
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
export function checkStepIntervals(
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
      problems.push(error([...path, i], "a step needs a lower or an upper bound"));
    if (lo !== undefined && hi !== undefined && lo >= hi) {
      problems.push(
        error([...path, i], `MetricIntervalLowerBound ${lo} is not below MetricIntervalUpperBound ${hi}`),
      );
    }
  });
  if (lowerOpen.length > 1)
    problems.push(error([...path, lowerOpen[1] as number], "more than one step is open at the lower end"));
  if (upperOpen.length > 1)
    problems.push(error([...path, upperOpen[1] as number], "more than one step is open at the upper end"));
  const negativeLower = steps.findIndex((s) => (s.MetricIntervalLowerBound ?? 0) < 0);
  if (negativeLower >= 0 && lowerOpen.length === 0) {
    problems.push(
      error([...path, negativeLower], "a negative lower bound needs a step open at the lower end"),
    );
  }
  const positiveUpper = steps.findIndex((s) => (s.MetricIntervalUpperBound ?? 0) > 0);
  if (positiveUpper >= 0 && upperOpen.length === 0) {
    problems.push(
      error([...path, positiveUpper], "a positive upper bound needs a step open at the upper end"),
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
      problems.push(error([...path, cur.i], `overlaps step ${prev.i} (${cur.lo} < ${prev.hi})`));
    else if (cur.lo > prev.hi)
      problems.push(error([...path, cur.i], `leaves a gap after step ${prev.i} (${prev.hi} to ${cur.lo})`));
  }
  return problems;
}

function checkSchedule(target: TargetFields, schedule: ScheduledAction, path: Path): Problem[] {
  const problems: Problem[] = [];
  const parsed = parseScheduleExpression(schedule.Schedule);
  if (!parsed.ok) problems.push(error([...path, "Schedule"], parsed.message));
  if (schedule.Timezone !== undefined && !isIanaTimeZone(schedule.Timezone)) {
    problems.push(
      error([...path, "Timezone"], `"${schedule.Timezone}" is not an IANA time zone such as Europe/Madrid`),
    );
  }
  if (
    schedule.StartTime &&
    schedule.EndTime &&
    Date.parse(schedule.StartTime) >= Date.parse(schedule.EndTime)
  ) {
    problems.push(error([...path, "EndTime"], "EndTime is not after StartTime"));
  }
  const action = schedule.ScalableTargetAction;
  const apath = [...path, "ScalableTargetAction"];
  if (action.MinCapacity === undefined && action.MaxCapacity === undefined) {
    problems.push(error(apath, "give MinCapacity, MaxCapacity or both"));
  }
  problems.push(...checkBounds(target, apath, action.MinCapacity, action.MaxCapacity));
  return problems;
}
