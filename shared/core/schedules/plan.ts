/**
 * What `plan` shows: every run of every scheduled action in a window, the configured ones and
 * those the calendar derives, per target in time order, each with the bounds it sets and why it
 * runs then. Pure: the window comes in.
 */
import type { BrainConfig, ScheduledAction, Target } from "../config/schema.js";
import { calendarActionsOf } from "./calendar.js";
import { runsIn, type Window } from "./runs.js";
import { toLocalMs } from "./zonedTime.js";

export type PlannedAction = {
  /** ISO-8601 in UTC, ending in Z. */
  at: string;
  target: string;
  /** The ScheduledActionName, or the calendar event the action comes from. */
  from: string;
  MinCapacity?: number;
  MaxCapacity?: number;
  why: string;
};

const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");

/** Why a configured action runs at `t`: its schedule, read in its time zone. */
function whyConfigured(action: ScheduledAction, t: number): string {
  const schedule = action.Schedule.trim();
  const zone = action.Timezone ?? "UTC";
  if (action.StartTime && Date.parse(action.StartTime) === t && !schedule.startsWith("at(")) {
    return `its StartTime: a recurring action runs at its StartTime, then on ${schedule}`;
  }
  if (schedule.startsWith("rate(")) {
    return `${schedule} from ${action.StartTime ?? "1970-01-01T00:00:00Z (no StartTime)"}`;
  }
  const local = new Date(toLocalMs(zone, t)).toISOString().slice(0, 19).replace("T", " ");
  return `${schedule} in ${zone}: ${local} local time`;
}

/**
 * The runs in the window (`from` included, `to` excluded), per target in the configuration's order
 * and in time order; with `event`, only the actions derived from that calendar event.
 */
export function planActions(
  config: BrainConfig,
  window: Window,
  options: { event?: string } = {},
): PlannedAction[] {
  const runs: PlannedAction[] = [];
  const span: Window = { from: window.from - 1, to: window.to - 1 };
  for (const target of config.targets) {
    const planned: (PlannedAction & { t: number })[] = [];
    if (options.event === undefined) {
      for (const action of target.schedules) {
        for (const t of runsIn(action, span))
          planned.push({
            t,
            ...entry(target, action, t, action.ScheduledActionName, whyConfigured(action, t)),
          });
      }
    }
    for (const derived of calendarActionsOf(config, target)) {
      if (options.event !== undefined && derived.event !== options.event) continue;
      for (const t of runsIn(derived.action, span))
        planned.push({ t, ...entry(target, derived.action, t, derived.event, derived.why) });
    }
    planned.sort((a, b) => a.t - b.t);
    runs.push(...planned.map(({ t: _, ...p }) => p));
  }
  return runs;
}

function entry(target: Target, action: ScheduledAction, t: number, from: string, why: string): PlannedAction {
  const { MinCapacity, MaxCapacity } = action.ScalableTargetAction;
  return {
    at: iso(t),
    target: target.id,
    from,
    ...(MinCapacity === undefined ? {} : { MinCapacity }),
    ...(MaxCapacity === undefined ? {} : { MaxCapacity }),
    why,
  };
}
