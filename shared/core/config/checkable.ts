/**
 * What the rules across fields look at: the alarms, targets, policies and schedules of a
 * configuration, each with its index in the file so that a problem's path names the file's element.
 */
import { z } from "zod";
import {
  type Alarm,
  AsgTargetSchema,
  AuroraCapacityTargetSchema,
  AuroraReadersTargetSchema,
  type BrainConfig,
  isCompositeAlarm,
  type ScalingPolicy,
  type ScheduledAction,
} from "./schema.js";

/** A target's own fields, without its policies and schedules (checked one by one). */
export const TargetFieldsSchema = z.discriminatedUnion("kind", [
  AuroraReadersTargetSchema.omit({ policies: true, schedules: true }),
  AuroraCapacityTargetSchema.omit({ policies: true, schedules: true }),
  AsgTargetSchema.omit({ policies: true, schedules: true }),
]);
export type TargetFields = z.infer<typeof TargetFieldsSchema>;

/** An element that parsed, with its index in the file (so that paths name the file's element). */
export type At<T> = { at: number; value: T };
export type AlarmKind = "metric" | "composite";

/** The parts of a configuration that parsed, each where it stands in the file. */
export type Checkable = {
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

/** A configuration that parsed whole, every part of it. */
export function checkableOf(config: BrainConfig): Checkable {
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
