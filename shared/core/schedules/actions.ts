/**
 * Every scheduled action of a target: those configured in its `schedules`, and those the calendar
 * derives for it (calendar.ts). Derived actions are ordinary scheduled actions: the schedule
 * function, the tick, `plan`, replay and the deployment all read them from here.
 */
import type { BrainConfig, ScheduledAction, Target } from "../config/schema.js";
import { calendarActionsOf } from "./calendar.js";

const cache = new WeakMap<BrainConfig, Map<string, ScheduledAction[]>>();

export function scheduledActionsOf(config: BrainConfig, target: Target): ScheduledAction[] {
  let perTarget = cache.get(config);
  if (perTarget === undefined) {
    perTarget = new Map();
    cache.set(config, perTarget);
  }
  let actions = perTarget.get(target.id);
  if (actions === undefined) {
    actions = [...target.schedules, ...calendarActionsOf(config, target).map((c) => c.action)];
    perTarget.set(target.id, actions);
  }
  return actions;
}
