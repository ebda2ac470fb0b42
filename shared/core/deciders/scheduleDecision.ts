/**
 * What the scheduled actions mean for one target now (rule 5 of docs/rules.md): the bounds their
 * latest runs leave in force (schedules/boundsInForce.ts) become the target's, and capacity
 * outside them is put inside at once, "as AWS does": "If current capacity is less than the
 * specified minimum capacity, Application Auto Scaling scales out (increases capacity) to the
 * specified minimum capacity. If current capacity is greater than the specified maximum capacity,
 * Application Auto Scaling scales in (decreases capacity) to the specified maximum capacity."
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html)
 * Pure: the state, the configuration and the time come in; a decision and the next state come out.
 *
 * The `schedule` function and the tick both decide here. Bounds already in force are not applied
 * again: whichever of the two writes first acts, and the other finds them in force
 * (ScheduledBoundsInForce), the ledger's conditional write making them meet on one item.
 */
import type { BrainConfig, ScheduledAction, Target } from "../config/schema.js";
import { coordinate } from "../coordination/coordinate.js";
import type { Decided } from "../engine/decided.js";
import type { Decision } from "../engine/decision.js";
import { isoAt, isoOf } from "../engine/instants.js";
import { initialState, type TargetState } from "../engine/targetState.js";
import { formatNumber } from "../policies/proposal.js";
import { scheduledActionsOf } from "../schedules/actions.js";
import { latestRun, type Run, type ScheduledBounds, scheduledBoundsAt } from "../schedules/boundsInForce.js";
import { coordinationOf } from "./targets.js";

export type ScheduleInput = {
  config: BrainConfig;
  target: Target;
  state: TargetState;
  now: Date;
  decisionId: string;
};

/** A schedule decision: `due` when the bounds in force differ from the target's (something to apply). */
export type ScheduleDecided = Decided & { due: boolean };

const iso = isoAt;

/** How a run is named in a decision: the action, its schedule and the time it ran. */
export const describeRun = (run: Run): string =>
  `${run.action.ScheduledActionName} (${run.action.Schedule}${run.action.Timezone ? ` ${run.action.Timezone}` : ""}, run at ${iso(run.at)})`;

/** What an action sets, as people read it: "MinCapacity 3, MaxCapacity 8". */
export const describeAction = (action: ScheduledAction): string =>
  [
    action.ScalableTargetAction.MinCapacity === undefined
      ? null
      : `MinCapacity ${formatNumber(action.ScalableTargetAction.MinCapacity)}`,
    action.ScalableTargetAction.MaxCapacity === undefined
      ? null
      : `MaxCapacity ${formatNumber(action.ScalableTargetAction.MaxCapacity)}`,
  ]
    .filter((s) => s !== null)
    .join(", ");

/**
 * The state of a target the ledger has never seen, with the bounds its scheduled actions leave in
 * force now: a decision on it (an alarm's, before any tick) never goes under a floor in force.
 */
export function initialStateAt(
  config: BrainConfig,
  target: Target,
  now: Date,
  capacity: number,
): TargetState {
  const bounds = scheduledBoundsAt(target, scheduledActionsOf(config, target), now.getTime());
  const run = latestRun(bounds);
  const state = initialState(target.id, { min: bounds.min, max: bounds.max }, capacity);
  // Bounds that are the target's own are labelled so, whichever run last set them (as the tick leaves them).
  if (run === null || (bounds.min === target.MinCapacity && bounds.max === target.MaxCapacity)) return state;
  return {
    ...state,
    bounds: { ...state.bounds, source: run.action.ScheduledActionName, since: iso(run.at) },
  };
}

/** The bounds the target's scheduled actions leave in force at `now`. */
const boundsAt = (config: BrainConfig, target: Target, now: Date): ScheduledBounds =>
  scheduledBoundsAt(target, scheduledActionsOf(config, target), now.getTime());

const inForce = (bounds: ScheduledBounds, state: TargetState): boolean =>
  bounds.min === state.bounds.min && bounds.max === state.bounds.max;

/**
 * The bounds in force at `now` when the target does not have them yet (something to apply), or
 * null: what the tick asks every minute before deciding anything else, without building the
 * decision that says they are in force already.
 */
export function scheduledBoundsDue(
  config: BrainConfig,
  target: Target,
  state: TargetState,
  now: Date,
): ScheduledBounds | null {
  const bounds = boundsAt(config, target, now);
  return inForce(bounds, state) ? null : bounds;
}

export function decideOnSchedule(input: ScheduleInput): ScheduleDecided {
  const { config, target, state, now, decisionId } = input;
  const bounds = boundsAt(config, target, now);
  if (inForce(bounds, state)) {
    const run = latestRun(bounds);
    const source = run?.action.ScheduledActionName ?? "config";
    const decision: Decision = {
      id: decisionId,
      at: isoOf(now),
      target: target.id,
      policy: run ? source : null,
      from: state.capacity,
      to: state.capacity,
      outcome: "none",
      reason: "ScheduledBoundsInForce",
      blockedBy: null,
      message: `bounds ${formatNumber(bounds.min)}–${formatNumber(bounds.max)} already in force (${state.bounds.source}${state.bounds.since ? ` since ${state.bounds.since}` : ""})`,
    };
    return {
      decision,
      next: state,
      changed: false,
      act: false,
      trigger: triggerOf(run, now),
      quiet: true,
      due: false,
    };
  }
  return applyScheduledBounds(input, bounds);
}

/** What a schedule decision is triggered by: the run that last moved the bounds, or the target's own. */
const triggerOf = (run: Run | null, now: Date): string =>
  run ? `schedule:${run.action.ScheduledActionName}@${iso(run.at)}` : `schedule:config@${isoOf(now)}`;

/**
 * Bounds in force that the target does not have yet, applied: they become the target's, and
 * capacity outside them is put inside at once (BoundsMoved).
 */
export function applyScheduledBounds(input: ScheduleInput, bounds: ScheduledBounds): ScheduleDecided {
  const { config, target, state, now, decisionId } = input;
  const run = latestRun(bounds);
  const source = run?.action.ScheduledActionName ?? "config";
  const moved: TargetState = {
    ...state,
    bounds: { min: bounds.min, max: bounds.max, source, since: run ? iso(run.at) : null },
  };
  const coordinated = coordinate({
    decisionId,
    now,
    state: moved,
    proposals: [],
    ...coordinationOf(target, config.settings),
    fullView: false,
  });
  const why = run
    ? `${describeRun(run)} set ${describeAction(run.action)}`
    : `the target's own bounds apply again`;
  const was = `${formatNumber(state.bounds.min)}–${formatNumber(state.bounds.max)}`;
  const now_ = `${formatNumber(bounds.min)}–${formatNumber(bounds.max)}`;
  const d = coordinated.decision;
  const decision: Decision =
    d.reason === "BoundsMoved" || d.reason === "Paused"
      ? {
          ...d,
          policy: source,
          message: `${why}: bounds ${was} → ${now_}; ${d.reason === "Paused" ? d.message : `capacity ${formatNumber(d.from)} → ${formatNumber(d.to)}, inside them at once`}`,
        }
      : {
          ...d,
          policy: source,
          outcome: "none",
          reason: "ScheduledBounds",
          blockedBy: null,
          to: d.from,
          message: `${why}: bounds ${was} → ${now_}; capacity ${formatNumber(d.from)} is inside them${target.kind === "asg" ? "; the group's MinSize and MaxSize move with them" : ""}`,
        };
  // A group's MinSize and MaxSize are AWS's too: they move with the run even when capacity stays,
  // or a later SetDesiredCapacity inside the new bounds would be refused outside the old ones.
  const act =
    decision.outcome === "scale-out" ||
    decision.outcome === "scale-in" ||
    (target.kind === "asg" && decision.reason === "ScheduledBounds");
  const { lastHeld: _, ...next } = coordinated.next;
  return {
    decision,
    next,
    changed: true,
    act,
    trigger: triggerOf(run, now),
    due: true,
    bounds: { min: bounds.min, max: bounds.max },
  };
}
