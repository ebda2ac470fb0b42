/**
 * The event calendar's scheduled actions. For each target with an `audience`, each event needs a
 * floor of ceil(peakAudience / perUnit) units (ACU in steps of 0.5), raised ahead of the start by
 * the target's lead time (a reader's provisioning time plus a margin, an instance's warm-up plus
 * the margin, a minute for an ACU floor, or the target's own leadSeconds), held through the event
 * and released at its end. Events whose windows overlap on a target combine: at every moment the
 * larger floor wins, so one event's release never drops the floor under another still running.
 * The result is ordinary scheduled actions, `at()` in UTC, named `calendar:<event>:raise` and
 * `calendar:<event>:release`, with why each is there. Pure.
 */
import type { BrainConfig, CalendarEvent, ScheduledAction, Target } from "../config/schema.js";
import { hardMaxOf } from "../deciders/targets.js";
import { fromLocalMs } from "./zonedTime.js";

/** A derived action, the event it comes from and why it is there. */
export type CalendarAction = { action: ScheduledAction; event: string; at: number; why: string };

/** An ACU floor is raised this long before its event: Serverless v2 capacity moves in seconds, the tick once a minute. */
export const ACU_FLOOR_LEAD_SECONDS = 60;

const localMs = (local: string) => Date.parse(`${local}Z`);

/** The event's start and end, in epoch ms. */
export function eventSpan(event: CalendarEvent): { start: number; end: number } {
  return {
    start: fromLocalMs(event.timeZone, localMs(event.start)),
    end: fromLocalMs(event.timeZone, localMs(event.end)),
  };
}

/** How long before an event the target's floor is raised. */
export function leadSecondsOf(target: Target, settings: BrainConfig["settings"]): number {
  if (target.audience?.leadSeconds !== undefined) return target.audience.leadSeconds;
  switch (target.kind) {
    case "aurora-readers":
      return settings.readerProvisioningSeconds + settings.calendarLeadMarginSeconds;
    case "asg":
      return settings.instanceWarmupSeconds + settings.calendarLeadMarginSeconds;
    case "aurora-capacity":
      return ACU_FLOOR_LEAD_SECONDS;
  }
}

/** The floor an audience needs on the target, before its bounds: whole units, or half ACU. */
export function unitsFor(target: Target, audience: number): number {
  const perUnit = target.audience?.perUnit ?? Number.POSITIVE_INFINITY;
  const units = audience / perUnit;
  return target.kind === "aurora-capacity" ? Math.ceil(units * 2) / 2 : Math.ceil(units);
}

/** The floor an event gets on the target: what its audience needs, within the target's bounds. */
export function floorFor(target: Target, event: CalendarEvent): number {
  const ceiling = Math.min(target.MaxCapacity, hardMaxOf(target));
  return Math.max(target.MinCapacity, Math.min(ceiling, unitsFor(target, event.peakAudience)));
}

type Window = { event: CalendarEvent; from: number; to: number; floor: number };

const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");
const atExpression = (t: number) => `at(${iso(t).slice(0, 19)})`;

/** The target's derived actions, oldest first (none without an audience or a calendar). */
export function calendarActionsOf(config: BrainConfig, target: Target): CalendarAction[] {
  const events = config.calendar ?? [];
  if (!target.audience || events.length === 0) return [];
  const lead = leadSecondsOf(target, config.settings);
  const windows: Window[] = events.map((event) => {
    const { start, end } = eventSpan(event);
    return { event, from: start - lead * 1000, to: end, floor: floorFor(target, event) };
  });
  const onlyDuring = target.audience.onlyDuringEvents === true;
  const base = target.MinCapacity;
  const floorAt = (t: number) =>
    windows
      .filter((w) => w.from <= t && t < w.to)
      .reduce((best, w) => (best && best.floor >= w.floor ? best : w), null as Window | null);
  const points = [...new Set(windows.flatMap((w) => [w.from, w.to]))].sort((a, b) => a - b);
  const actions: CalendarAction[] = [];
  let previous: Window | null = null;
  for (const t of points) {
    const current = floorAt(t);
    const before = previous?.floor ?? base;
    const now = current?.floor ?? base;
    const changed = now !== before || (current === null) !== (previous === null);
    if (changed) actions.push(derive(target, t, previous, current, windows, base, onlyDuring, lead));
    previous = current;
  }
  return actions;
}

function derive(
  target: Target,
  t: number,
  previous: Window | null,
  current: Window | null,
  windows: readonly Window[],
  base: number,
  onlyDuring: boolean,
  lead: number,
): CalendarAction {
  const others = (w: Window) =>
    windows.filter((o) => o !== w && o.from <= t && t < o.to).map((o) => `${o.event.name} (${o.floor})`);
  if (current === null) {
    // Every window has ended: back to the target's own floor (and, around events only, to 0–0).
    const event = previous?.event.name ?? "";
    return {
      event,
      at: t,
      action: {
        ScheduledActionName: `calendar:${event}:release`,
        Schedule: atExpression(t),
        ScalableTargetAction: onlyDuring ? { MinCapacity: base, MaxCapacity: 0 } : { MinCapacity: base },
      },
      why: `${event} ends at ${iso(t)}: the floor back to ${base}${onlyDuring ? " and MaxCapacity to 0 (the target exists only around events)" : ""}`,
    };
  }
  const starting = current.from === t && (previous === null || current.floor > previous.floor);
  const event = starting ? current.event.name : (previous?.event.name ?? current.event.name);
  const overlapping = others(current);
  const combined =
    overlapping.length > 0 ? `; overlaps ${overlapping.join(", ")}: the larger floor wins` : "";
  const why = starting
    ? `${current.event.name} starts at ${iso(eventSpan(current.event).start)} with ${current.event.peakAudience} of audience: ${current.floor} at ${target.audience?.perUnit} per unit, raised ${lead} s ahead${combined}`
    : `${event} ends at ${iso(t)}; ${current.event.name} still runs: its floor ${current.floor}${combined}`;
  const raisesMax = onlyDuring && previous === null;
  return {
    event,
    at: t,
    action: {
      ScheduledActionName: `calendar:${event}:${starting ? "raise" : "release"}`,
      Schedule: atExpression(t),
      ScalableTargetAction: raisesMax
        ? { MinCapacity: current.floor, MaxCapacity: target.MaxCapacity }
        : { MinCapacity: current.floor },
    },
    why,
  };
}
