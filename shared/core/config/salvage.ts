/**
 * What of a configuration that fails the schema can still be checked: each alarm, target, policy
 * and schedule that parses on its own, so that the rules across fields run on those too and one
 * pass lists every problem of the file.
 */
import type { z } from "zod";
import { issuesAt } from "../problems.js";
import {
  type AlarmKind,
  type At,
  type Checkable,
  type TargetFields,
  TargetFieldsSchema,
} from "./checkable.js";
import { AlarmSchema, ScalingPolicySchema, ScheduledActionSchema } from "./schema.js";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const arrayAt = (v: unknown, key: string): unknown[] => {
  const value = isRecord(v) ? v[key] : undefined;
  return Array.isArray(value) ? value : [];
};

/** Of a file that fails the schema, each alarm, target, policy and schedule parsed on its own. */
export function salvage(raw: unknown): Checkable {
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
  const unknown = issuesAt(first.error.issues, []).filter(({ issue }) => issue.code === "unrecognized_keys");
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
