/**
 * When a scheduled action runs: the semantics of Application Auto Scaling's PutScheduledAction,
 * as pure functions of the action and a window of time (no clock is read here).
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 * https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 *
 * - `at(yyyy-mm-ddThh:mm:ss)` runs once, at that local time in the action's Timezone (UTC when it
 *   has none). An `at()` in the past has run already: it falls in no window after it, and its
 *   bounds are in force until a later run changes them (boundsInForce.ts).
 * - `cron(...)` runs at every local time its six fields match, in the Timezone, across
 *   daylight-saving changes (zonedTime.ts for the local times a change skips or repeats).
 * - `rate(value unit)` runs every `value` units from StartTime; the Timezone does not apply (it is
 *   "used when setting a scheduled action by using an at or cron expression"). Without StartTime,
 *   the brain, which has no time of creation for an action, counts from 1970-01-01T00:00:00Z.
 * - StartTime and EndTime (UTC) bound the runs: "If you specify a start time, Application Auto
 *   Scaling performs the action at this time, and then performs the action based on the specified
 *   recurrence. If you specify an end time, the action stops repeating after this time." So a
 *   recurring action also runs at its StartTime, and no run comes after its EndTime. An `at()`
 *   outside them does not run.
 */
import AwsCronParser from "aws-cron-parser";
import { parseScheduleExpression, type ScheduleExpression } from "../config/scheduleExpression.js";
import type { ScheduledAction } from "../config/schema.js";
import { fromLocalMs, toLocalMs } from "./zonedTime.js";

/** A window of time, in epoch ms: `from` excluded, `to` included. */
export type Window = { from: number; to: number };

/**
 * How far a zone's local clock can move at once: a daylight-saving change moves it by an hour (half
 * an hour on Lord Howe Island). Walks over local times start this far beyond the instants asked
 * about, so that no run near a change is missed.
 */
const SHIFT_MARGIN_MS = 3 * 3_600_000;
/** The most steps a walk over local times takes to find one run (a cron every minute, over the margin). */
const MAX_STEPS = 1_000;
/** The most runs one action lists in one window: a rate(1 minute) over a week is 10,080. */
export const MAX_RUNS = 20_000;

type Parsed = { expression: ScheduleExpression; zone: string; start: number | null; end: number | null };

const parsedCache = new WeakMap<ScheduledAction, Parsed | null>();

function parsed(action: ScheduledAction): Parsed | null {
  if (parsedCache.has(action)) return parsedCache.get(action) ?? null;
  const expression = parseScheduleExpression(action.Schedule);
  const value = expression.ok
    ? {
        expression: expression.value,
        zone: action.Timezone ?? "UTC",
        start: action.StartTime ? Date.parse(action.StartTime) : null,
        end: action.EndTime ? Date.parse(action.EndTime) : null,
      }
    : null;
  parsedCache.set(action, value);
  return value;
}

const within = (p: Parsed, t: number) => (p.start === null || t >= p.start) && (p.end === null || t <= p.end);

/** The local time of an `at()` expression as ms read as UTC. */
function atLocalMs(localDateTime: string): number {
  return Date.parse(`${localDateTime}Z`);
}

/** Every run of the action in the window (`from` excluded, `to` included), oldest first; at most MAX_RUNS. */
export function runsIn(action: ScheduledAction, window: Window): number[] {
  const p = parsed(action);
  if (p === null || window.to <= window.from) return [];
  const from = p.start === null ? window.from : Math.max(window.from, p.start - 1);
  const to = p.end === null ? window.to : Math.min(window.to, p.end);
  if (to <= from) return [];
  const inWindow = (t: number) => t > from && t <= to && within(p, t);
  const runs: number[] = [];
  const e = p.expression;
  if (e.type === "at") {
    const t = fromLocalMs(p.zone, atLocalMs(e.localDateTime));
    return inWindow(t) ? [t] : [];
  }
  if (p.start !== null && inWindow(p.start)) runs.push(p.start);
  if (e.type === "rate") {
    const anchor = p.start ?? 0;
    const period = e.seconds * 1000;
    let k = Math.max(1, Math.floor((from - anchor) / period));
    for (let t = anchor + k * period; t <= to && runs.length < MAX_RUNS; t = anchor + ++k * period) {
      if (inWindow(t)) runs.push(t);
    }
    return runs;
  }
  // cron: walk the local times, beyond the window on both sides by the margin.
  let local = toLocalMs(p.zone, from) - SHIFT_MARGIN_MS;
  const lastLocal = toLocalMs(p.zone, to) + SHIFT_MARGIN_MS;
  const seen = new Set(runs);
  while (runs.length < MAX_RUNS) {
    const next = AwsCronParser.next(e.cron, new Date(local));
    if (next === null || next.getTime() > lastLocal) break;
    local = next.getTime();
    const t = fromLocalMs(p.zone, local);
    if (inWindow(t) && !seen.has(t)) {
      seen.add(t);
      runs.push(t);
    }
  }
  return runs.sort((a, b) => a - b);
}

/**
 * The answer of lastRunAtOrBefore for a span of time: the same `last` for every `now` in
 * [from, until), until the next run. The tick and replay ask once a minute; a run changes the
 * answer only at its time, so the walk over local times is done once per run, not once a minute.
 */
type Answer = { from: number; until: number; last: number | null };
const answers = new WeakMap<ScheduledAction, Answer>();

/** The action's latest run at or before `now` (epoch ms), or null when it has not run yet. */
export function lastRunAtOrBefore(action: ScheduledAction, now: number): number | null {
  const known = answers.get(action);
  if (known && known.from <= now && now < known.until) return known.last;
  const last = computeLastRun(action, now);
  const next = nextRunAfter(action, now);
  answers.set(action, {
    from: last ?? Number.NEGATIVE_INFINITY,
    until: next ?? Number.POSITIVE_INFINITY,
    last,
  });
  return last;
}

/** The action's first run after `now`, or null when it runs no more. */
export function nextRunAfter(action: ScheduledAction, now: number): number | null {
  const p = parsed(action);
  if (p === null) return null;
  if (p.end !== null && now >= p.end) return null;
  const e = p.expression;
  if (e.type === "at") {
    const t = fromLocalMs(p.zone, atLocalMs(e.localDateTime));
    return t > now && within(p, t) ? t : null;
  }
  if (p.start !== null && p.start > now) return p.start;
  if (e.type === "rate") {
    const anchor = p.start ?? 0;
    const period = e.seconds * 1000;
    const t = anchor + Math.max(1, Math.floor((now - anchor) / period) + 1) * period;
    return within(p, t) ? t : null;
  }
  let local = toLocalMs(p.zone, now) - SHIFT_MARGIN_MS;
  for (let i = 0; i < MAX_STEPS; i++) {
    const next = AwsCronParser.next(e.cron, new Date(local));
    if (next === null || next === undefined) return null;
    local = next.getTime();
    const t = fromLocalMs(p.zone, local);
    if (t > now) return within(p, t) ? t : null;
  }
  return null;
}

function computeLastRun(action: ScheduledAction, now: number): number | null {
  const p = parsed(action);
  if (p === null) return null;
  const until = p.end === null ? now : Math.min(now, p.end);
  if (p.start !== null && until < p.start) return null;
  const e = p.expression;
  if (e.type === "at") {
    const t = fromLocalMs(p.zone, atLocalMs(e.localDateTime));
    return t <= until && within(p, t) ? t : null;
  }
  let latest: number | null = p.start !== null && p.start <= until ? p.start : null;
  if (e.type === "rate") {
    const anchor = p.start ?? 0;
    const period = e.seconds * 1000;
    const k = Math.floor((until - anchor) / period);
    const t = anchor + k * period;
    if (k >= 1 && within(p, t)) latest = Math.max(latest ?? t, t);
    return latest;
  }
  // cron: step back over local times until one falls at or before `until`.
  let local = toLocalMs(p.zone, until) + SHIFT_MARGIN_MS;
  for (let i = 0; i < MAX_STEPS; i++) {
    const prev = AwsCronParser.prev(e.cron, new Date(local));
    if (prev === null) break;
    local = prev.getTime();
    const t = fromLocalMs(p.zone, local);
    if (t <= until) {
      if (within(p, t)) latest = Math.max(latest ?? t, t);
      break;
    }
  }
  return latest;
}
