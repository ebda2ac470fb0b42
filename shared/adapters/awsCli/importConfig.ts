/**
 * An existing setup, as the AWS CLI describes it, turned into a configuration: targets from the
 * scalable targets of Aurora replicas and from EC2 groups, their policies and scheduled actions,
 * and the alarms whose actions name a policy carried over (with the alarms their composite rules
 * and suppressors depend on). What cannot be carried over is said, one note each; what is written
 * is checked by `validate`'s own code, and a part it refuses is left out with its reason, so that
 * the configuration written is always one `validate` accepts.
 */
import { alarmNameOf, alarmsReferenced, parseAlarmRule } from "../../core/alarms/alarmRule.js";
import { MAX_AURORA_REPLICAS } from "../../core/config/rules/targets.js";
import {
  type ComparisonOperator,
  ScalingPolicySchema,
  ScheduledActionSchema,
} from "../../core/config/schema.js";
import { validateConfig } from "../../core/config/validate.js";
import type { Problem } from "../../core/errors.js";
import { compositeAlarmInput, metricAlarmInput } from "./alarms.js";
import type {
  CompositeAlarmOutput,
  DescribeOutputs,
  MetricAlarmOutput,
  ScheduledActionOutput,
} from "./describeOutputs.js";
import { type AlarmSide, groupPolicy, scalingPolicy, type Translated } from "./policies.js";

export type Imported =
  | { config: Record<string, unknown>; notes: string[] }
  | { problems: Problem[]; notes: string[] };

type Target = Record<string, unknown> & {
  id: string;
  policies: Record<string, unknown>[];
  schedules: Record<string, unknown>[];
};

const READERS = { ServiceNamespace: "rds", ScalableDimension: "rds:cluster:ReadReplicaCount" };
const targetKey = (t: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string }) =>
  `${t.ServiceNamespace} ${t.ResourceId} ${t.ScalableDimension}`;

/** A target id from an AWS name: the characters an id takes, at most 63. */
function idFrom(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  base = (base || "target").slice(0, 60);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** A timestamp as either CLI prints it (epoch seconds, ISO-8601), as ISO-8601 UTC. */
export function isoTime(value: number | string): string {
  const ms = typeof value === "number" ? value * 1000 : Date.parse(value);
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

export function importConfig(outputs: DescribeOutputs): Imported {
  const notes: string[] = [];
  const note = (what: string, why: string): void => {
    notes.push(`${what}: ${why}`);
  };
  const ids = new Set<string>();
  const targets: Target[] = [];
  const byKey = new Map<string, Target>();
  const byGroup = new Map<string, Target>();
  const unsupported = new Set<string>();

  // --- targets ---------------------------------------------------------------------------------
  for (const st of outputs.scalableTargets) {
    const key = targetKey(st);
    if (byKey.has(key) || unsupported.has(key)) continue;
    const what = `scalable target ${st.ResourceId} (${st.ScalableDimension})`;
    const cluster = /^cluster:(.+)$/.exec(st.ResourceId)?.[1];
    if (
      st.ServiceNamespace !== READERS.ServiceNamespace ||
      st.ScalableDimension !== READERS.ScalableDimension ||
      !cluster
    ) {
      unsupported.add(key);
      note(
        what,
        "not carried over: the brain scales Aurora replicas, an Aurora cluster's ACU floor and EC2 groups",
      );
      continue;
    }
    let max = st.MaxCapacity;
    if (max > MAX_AURORA_REPLICAS) {
      note(
        what,
        `MaxCapacity ${max} lowered to ${MAX_AURORA_REPLICAS}, the most replicas an Aurora cluster has`,
      );
      max = MAX_AURORA_REPLICAS;
    }
    const suspended = Object.entries(st.SuspendedState ?? {}).filter(([, v]) => v === true);
    if (suspended.length > 0)
      note(what, `${suspended.map(([k]) => k).join(", ")} not carried over: pause the target instead`);
    const target: Target = {
      id: idFrom(`${cluster}-readers`, ids),
      kind: "aurora-readers",
      DBClusterIdentifier: cluster,
      MinCapacity: st.MinCapacity,
      MaxCapacity: max,
      policies: [],
      schedules: [],
    };
    targets.push(target);
    byKey.set(key, target);
  }
  const groupCooldowns = new Map<string, number | undefined>();
  for (const g of outputs.groups) {
    if (byGroup.has(g.AutoScalingGroupName)) continue;
    const target: Target = {
      id: idFrom(g.AutoScalingGroupName, ids),
      kind: "asg",
      AutoScalingGroupName: g.AutoScalingGroupName,
      MinCapacity: g.MinSize,
      MaxCapacity: g.MaxSize,
      policies: [],
      schedules: [],
    };
    targets.push(target);
    byGroup.set(g.AutoScalingGroupName, target);
    groupCooldowns.set(g.AutoScalingGroupName, g.DefaultCooldown);
  }

  // --- which alarms name which policy ------------------------------------------------------------
  const metricAlarms = new Map<string, MetricAlarmOutput>();
  const compositeAlarms = new Map<string, CompositeAlarmOutput>();
  for (const a of outputs.metricAlarms) if (!metricAlarms.has(a.AlarmName)) metricAlarms.set(a.AlarmName, a);
  for (const a of outputs.compositeAlarms)
    if (!compositeAlarms.has(a.AlarmName)) compositeAlarms.set(a.AlarmName, a);
  const allAlarms = [...metricAlarms.values(), ...compositeAlarms.values()];
  /** The alarms whose ALARM actions name a policy: its ARN, or (target tracking's own) ARN:createdBy/…. */
  const naming = (policyArn: string) =>
    allAlarms
      .filter((a) => (a.AlarmActions ?? []).some((x) => x === policyArn || x.startsWith(`${policyArn}:`)))
      .map((a) => a.AlarmName);
  const sideOf = (name: string): AlarmSide =>
    compositeAlarms.has(name)
      ? { composite: true }
      : {
          composite: false,
          operator: metricAlarms.get(name)?.ComparisonOperator as ComparisonOperator | undefined,
        };
  const managedBy = new Map<string, string>();

  const carry = (target: Target, what: string, translated: Translated, report: string[]) => {
    for (const f of report) note(what, `${f} not carried over`);
    if ("skipped" in translated) return note(what, `not carried over: ${translated.skipped}`);
    const parsed = ScalingPolicySchema.safeParse(translated.policy);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return note(what, `not carried over: ${issue?.path.join(".")}: ${issue?.message}`);
    }
    target.policies.push(translated.policy);
  };

  // --- policies --------------------------------------------------------------------------------
  for (const p of outputs.scalingPolicies) {
    const what = `policy ${p.PolicyName} (${p.ResourceId})`;
    const named = naming(p.PolicyARN);
    if (p.PolicyType === "TargetTrackingScaling") for (const a of named) managedBy.set(a, p.PolicyName);
    for (const a of p.Alarms ?? [])
      if (p.PolicyType === "StepScaling" && !named.includes(a.AlarmName))
        note(what, `its alarm ${a.AlarmName} is not in the describe-alarms output`);
    const target = byKey.get(targetKey(p));
    if (!target) {
      note(
        what,
        unsupported.has(targetKey(p))
          ? "not carried over with its scalable target"
          : "no describe-scalable-targets output names its scalable target",
      );
      continue;
    }
    const report: string[] = [];
    carry(
      target,
      what,
      scalingPolicy(p, p.PolicyType === "StepScaling" ? named : [], (f) => report.push(f)),
      report,
    );
  }
  for (const p of outputs.groupPolicies) {
    const what = `policy ${p.PolicyName} (${p.AutoScalingGroupName})`;
    const named = naming(p.PolicyARN);
    if (p.PolicyType === "TargetTrackingScaling") {
      for (const a of named) managedBy.set(a, p.PolicyName);
    }
    const target = byGroup.get(p.AutoScalingGroupName);
    if (!target) {
      note(what, "no describe-auto-scaling-groups output names its group");
      continue;
    }
    const alarms =
      p.PolicyType === "TargetTrackingScaling" ? [] : named.map((name) => ({ name, side: sideOf(name) }));
    carry(target, what, groupPolicy(p, alarms, groupCooldowns.get(p.AutoScalingGroupName)), []);
  }

  // --- scheduled actions ----------------------------------------------------------------------
  for (const s of outputs.scheduledActions) {
    const what = `scheduled action ${s.ScheduledActionName} (${s.ResourceId})`;
    const target = byKey.get(targetKey(s));
    if (!target) {
      note(
        what,
        unsupported.has(targetKey(s))
          ? "not carried over with its scalable target"
          : "no describe-scalable-targets output names its scalable target",
      );
      continue;
    }
    const schedule = scheduledAction(s);
    const parsed = ScheduledActionSchema.safeParse(schedule);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      note(what, `not carried over: ${issue?.path.join(".")}: ${issue?.message}`);
    } else target.schedules.push(schedule);
  }
  for (const s of outputs.groupScheduledActions) {
    note(
      `scheduled action ${s.ScheduledActionName} (${s.AutoScalingGroupName})`,
      "not carried over: write it as the target's schedule, a PutScheduledAction with a cron() of six fields (EC2 Auto Scaling's Recurrence is a Unix cron of five)",
    );
  }

  // --- alarms ----------------------------------------------------------------------------------
  const wanted = new Set<string>();
  const want = (name: string): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    const composite = compositeAlarms.get(name);
    if (!composite) return;
    try {
      for (const child of alarmsReferenced(parseAlarmRule(composite.AlarmRule))) want(alarmNameOf(child));
    } catch {
      // A rule that does not parse is reported by validate below.
    }
    if (composite.ActionsSuppressor) want(alarmNameOf(composite.ActionsSuppressor));
  };
  for (const t of targets)
    for (const p of t.policies) for (const a of (p.Alarms as string[] | undefined) ?? []) want(a);
  const alarms: Record<string, unknown>[] = [];
  for (const a of allAlarms) {
    const what = `alarm ${a.AlarmName}`;
    if (!wanted.has(a.AlarmName)) {
      const owner = managedBy.get(a.AlarmName);
      note(
        what,
        owner
          ? `left out: target-tracking policy ${owner}'s own alarm (the brain runs target tracking itself)`
          : "left out: its actions name no policy carried over",
      );
      continue;
    }
    const report = (f: string) => note(what, `${f} not carried over`);
    alarms.push(
      compositeAlarms.has(a.AlarmName)
        ? compositeAlarmInput(a as CompositeAlarmOutput, report)
        : metricAlarmInput(a as MetricAlarmOutput, report),
    );
  }
  for (const name of wanted)
    if (!metricAlarms.has(name) && !compositeAlarms.has(name))
      note(`alarm ${name}`, "named by a policy or a composite rule, but not in the describe-alarms output");

  const config: Record<string, unknown> = { ...origin(outputs, note), alarms, targets };
  return settle(config, notes);
}

function scheduledAction(s: ScheduledActionOutput): Record<string, unknown> {
  const action: Record<string, unknown> = {};
  if (s.ScalableTargetAction.MinCapacity !== undefined)
    action.MinCapacity = s.ScalableTargetAction.MinCapacity;
  if (s.ScalableTargetAction.MaxCapacity !== undefined)
    action.MaxCapacity = s.ScalableTargetAction.MaxCapacity;
  return {
    ScheduledActionName: s.ScheduledActionName,
    Schedule: s.Schedule,
    ...(s.Timezone ? { Timezone: s.Timezone } : {}),
    ...(s.StartTime === undefined ? {} : { StartTime: isoTime(s.StartTime) }),
    ...(s.EndTime === undefined ? {} : { EndTime: isoTime(s.EndTime) }),
    ScalableTargetAction: action,
  };
}

/** The account and region, where every ARN read names the same ones. */
function origin(outputs: DescribeOutputs, note: (what: string, why: string) => void): Record<string, string> {
  const arns = [
    ...outputs.metricAlarms.map((a) => a.AlarmArn),
    ...outputs.compositeAlarms.map((a) => a.AlarmArn),
    ...outputs.scalingPolicies.map((p) => p.PolicyARN),
    ...outputs.groupPolicies.map((p) => p.PolicyARN),
    ...outputs.groups.map((g) => g.AutoScalingGroupARN),
  ];
  const accounts = new Set<string>();
  const regions = new Set<string>();
  for (const arn of arns) {
    const m = /^arn:[^:]+:[^:]+:([^:]*):(\d{12}):/.exec(arn ?? "");
    if (m) {
      regions.add(m[1] as string);
      accounts.add(m[2] as string);
    }
  }
  if (accounts.size > 1 || regions.size > 1) {
    note(
      "account and region",
      `not set: the ARNs name ${[...accounts].join(", ")} in ${[...regions].join(", ")}`,
    );
    return {};
  }
  return {
    ...(accounts.size === 1 ? { account: [...accounts][0] as string } : {}),
    ...(regions.size === 1 ? { region: [...regions][0] as string } : {}),
  };
}

/**
 * `validate`'s own check, and what it refuses left out with its reason, until it accepts the rest:
 * an alarm, a policy or a schedule at a time (a policy left without its alarm goes next round).
 */
function settle(config: Record<string, unknown>, notes: string[]): Imported {
  for (;;) {
    const alarms = config.alarms as Record<string, unknown>[];
    const targets = config.targets as Target[];
    if (targets.length === 0) {
      return {
        problems: [
          {
            severity: "error",
            path: "$.targets",
            message:
              "no target: give the describe-scalable-targets output of an Aurora cluster's replicas or the describe-auto-scaling-groups output of a group",
          },
        ],
        notes,
      };
    }
    // Each round leaves out at least one part, so this ends.
    const result = validateConfig(config);
    if (result.ok) return { config, notes };
    const drop = new Set<Record<string, unknown>>();
    for (const p of result.problems.filter((x) => x.severity === "error")) {
      const part = partAt(config, p.path);
      if (!part) return { problems: [p], notes };
      if (!drop.has(part.item)) notes.push(`${part.what}: not carried over: ${p.message} (${p.path})`);
      drop.add(part.item);
    }
    config.alarms = alarms.filter((a) => !drop.has(a));
    config.targets = targets.filter((t) => !drop.has(t));
    for (const t of targets) {
      t.policies = t.policies.filter((x) => !drop.has(x));
      t.schedules = t.schedules.filter((x) => !drop.has(x));
    }
  }
}

/** The alarm, policy, schedule or target a problem's path points into. */
function partAt(
  config: Record<string, unknown>,
  path: string,
): { item: Record<string, unknown>; what: string } | null {
  const alarms = config.alarms as Record<string, unknown>[];
  const targets = config.targets as Target[];
  const alarm = /^\$\.alarms\[(\d+)\]/.exec(path);
  if (alarm) {
    const item = alarms[Number(alarm[1])];
    return item ? { item, what: `alarm ${item.AlarmName}` } : null;
  }
  const inTarget = /^\$\.targets\[(\d+)\](?:\.(policies|schedules)\[(\d+)\])?/.exec(path);
  if (!inTarget) return null;
  const target = targets[Number(inTarget[1])];
  if (!target) return null;
  if (inTarget[2] === undefined) return { item: target, what: `target ${target.id}` };
  const list = inTarget[2] === "policies" ? target.policies : target.schedules;
  const item = list[Number(inTarget[3])];
  if (!item) return null;
  const name = item.PolicyName ?? item.ScheduledActionName;
  return {
    item,
    what: `${inTarget[2] === "policies" ? "policy" : "scheduled action"} ${name} (${target.id})`,
  };
}
