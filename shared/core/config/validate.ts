/**
 * Checks a configuration: the zod schema for shapes, then the rules that span fields and sections
 * (rules/). Every problem is listed with its JSON path; nothing runs on a file with errors. Files
 * are read at the edge (adapters/configFile.ts); this checks the JSON value it is given.
 */
import type { Problem } from "../errors.js";
import { errorAt, problemsFromZod } from "../problems.js";
import { type Checkable, checkableOf, type TargetFields } from "./checkable.js";
import { checkAlarms } from "./rules/alarms.js";
import { checkCalendar } from "./rules/calendar.js";
import { checkConnectionBudgets } from "./rules/connections.js";
import { checkPolicy } from "./rules/policies.js";
import { checkSchedule } from "./rules/schedules.js";
import { checkScalableTargetFields, checkTargetFields } from "./rules/targets.js";
import { salvage } from "./salvage.js";
import { type BrainConfig, BrainConfigSchema } from "./schema.js";

export type ValidationResult =
  | { ok: true; config: BrainConfig; problems: Problem[] }
  | { ok: false; problems: Problem[] };

/** Checks an already-parsed JSON value. Warnings do not stop a configuration; errors do. */
export function validateConfig(raw: unknown): ValidationResult {
  const parsed = BrainConfigSchema.safeParse(raw);
  if (parsed.success) {
    const problems = [
      ...crossCheck(checkableOf(parsed.data)),
      ...checkCalendar(parsed.data),
      ...checkConnectionBudgets(parsed.data),
    ];
    return problems.some((p) => p.severity === "error")
      ? { ok: false, problems }
      : { ok: true, config: parsed.data, problems };
  }
  // A shape is wrong somewhere. The rules across fields still run on every alarm, target, policy
  // and schedule that parses on its own, so that one pass lists every problem with its path.
  return { ok: false, problems: [...problemsFromZod(parsed.error.issues), ...crossCheck(salvage(raw))] };
}

/** The rules across fields, over every part that parsed, in the file's order. */
function crossCheck({ alarms, alarmKinds, targets }: Checkable): Problem[] {
  const problems = checkAlarms(alarms, alarmKinds);
  const ids = new Set<string>();
  const resources = new Map<string, string>();
  for (const { at, value } of targets) {
    const { fields: target, partial } = value;
    const path = ["targets", at];
    if (!partial) {
      if (ids.has(target.id))
        problems.push(errorAt([...path, "id"], `another target already has the id "${target.id}"`));
      ids.add(target.id);
      problems.push(...checkTargetFields(target, path));
      // Two targets on one resource would fight over it (one group's desired capacity, one
      // cluster's readers or ACU floor): the one brain per resource is the point.
      const { key, field, name } = resourceOf(target);
      const first = resources.get(key);
      if (first !== undefined) {
        problems.push(
          errorAt(
            [...path, field],
            `the target "${first}" already scales ${name}: two targets on one resource would fight over it`,
          ),
        );
      } else resources.set(key, target.id);
    }
    const policyNames = new Set<string>();
    for (const { at: p, value: policy } of value.policies) {
      const ppath = [...path, "policies", p];
      if (policyNames.has(policy.PolicyName)) {
        problems.push(
          errorAt([...ppath, "PolicyName"], `another policy of this target is named "${policy.PolicyName}"`),
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
          errorAt(
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

/** The AWS resource a target scales, and the field that names it. */
function resourceOf(target: TargetFields): { key: string; field: string; name: string } {
  switch (target.kind) {
    case "asg":
      return {
        key: `asg:${target.AutoScalingGroupName}`,
        field: "AutoScalingGroupName",
        name: `the group "${target.AutoScalingGroupName}"`,
      };
    case "aurora-readers":
      return {
        key: `readers:${target.DBClusterIdentifier}`,
        field: "DBClusterIdentifier",
        name: `the readers of "${target.DBClusterIdentifier}"`,
      };
    case "aurora-capacity":
      return {
        key: `floor:${target.DBClusterIdentifier}`,
        field: "DBClusterIdentifier",
        name: `the ACU floor of "${target.DBClusterIdentifier}"`,
      };
  }
}
