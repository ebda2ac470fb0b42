/**
 * The coordination rules of docs/rules.md ("the layers don't fight") as one pipeline of small
 * steps (steps.ts, one function per numbered step). It takes every layer's proposal for one target
 * and the target's recorded state, and returns one
 * decision with a reason from the closed set, and the state that follows from it. Pure: the clock
 * comes in as `now`, nothing here reads a clock or calls AWS.
 *
 * The steps, in order (each may settle the decision with its reason):
 *   1. Bounds (rules 5, 7): the bounds in force are the last scheduled action's, never above the
 *      hard limit of the kind (15 Aurora replicas). Capacity outside them is put inside at once,
 *      whatever any cooldown says.                                              → BoundsMoved
 *   2. Scale-out (rules 1, 2, 3): the largest proposal above the capacity the brain believes in
 *      (in service plus in flight) wins, and goes on to step 4; proposals never add up. A proposal
 *      that does not exceed it is already provisioning, or a repetition during its own cooldown.
 *                                                  → CapacityInFlight, CooldownRepeat, NoChange
 *  2b. Connection budget (rule 9): a group's winning scale-out above the capacity the database's
 *      connection budget allows (`connectionCap`) is cut to it, or held when it leaves no room;
 *      what it wanted is remembered for the readers (connectionBudget.ts).     → ConnectionBudget
 *   3. Scale-in (rule 4): only when no layer asks for more; the most conservative proposal; held
 *      while any scale-out cooldown runs, while capacity is in flight, during any scale-in
 *      cooldown, and until the recommendation has held for the stabilisation window; then it goes
 *      on to step 4.  → ScaleOutCooldown, CapacityInFlight, ScaleInCooldown, ScaleInStabilizing
 *   4. Bounds again (rules 5, 7): the chosen capacity is clamped into the bounds; a proposal that
 *      clamps to the current capacity is held.      → ScaleOut, ScaleIn, AtMaxCapacity, AtMinCapacity
 *   5. Pause (rule 8): a paused target records what it would have done, and acts not. → Paused
 *
 * Rule 6 (the same state change delivered twice acts once) comes before the pipeline: a change the
 * target's state already holds in `seen` is held as a duplicate without proposing anything
 * (alarmDecision.ts).                                                       → DuplicateStateChange
 */
import type { Decision, Direction, Proposal } from "../engine/decision.js";
import { Reasons } from "../engine/decision.js";
import { isoAt, isoOf, msOf } from "../engine/instants.js";
import {
  activeCooldowns,
  type Cooldown,
  readyCapacity,
  sameState,
  type TargetState,
} from "../engine/targetState.js";
import { holdToConnectionBudget } from "./connectionBudget.js";
import { boundsInForce, clampIntoBounds, holdWhilePaused, scaleIn, scaleOut, type Verdict } from "./steps.js";

export type CoordinationInput = {
  /** Deterministic id of the decision (the caller derives it from the trigger and the time). */
  decisionId: string;
  now: Date;
  state: TargetState;
  proposals: readonly Proposal[];
  /** The kind's hard ceiling (15 for Aurora replicas), whatever the bounds say. */
  hardMax: number;
  /** How long an added unit of capacity takes to come into service (0: at once, e.g. a desired capacity). */
  provisioningSeconds: number;
  /** Rule 4's stabilisation window. */
  scaleInStabilizationSeconds: number;
  /**
   * True when the proposals are every layer's view (the one-minute tick). A scale-in
   * recommendation that no layer makes any more then restarts the stabilisation window; a single
   * alarm's state change sees only its own policies and leaves the window alone.
   */
  fullView: boolean;
  /**
   * For a group that connects to a budgeted cluster: the largest capacity the connection budget
   * allows with the readers available now (rule 9). Absent: no budget limits the target.
   */
  connectionCap?: number;
};

export type Coordination = {
  decision: Decision;
  /** The state after the decision (identical to the input when nothing changed). */
  next: TargetState;
  /** Whether `next` differs from the input state, i.e. whether anything needs writing. */
  changed: boolean;
};

/** The ISO-8601 time `s` seconds after `d`. */
const isoAfter = (d: Date, s: number) => isoAt(d.getTime() + s * 1000);

export function coordinate(input: CoordinationInput): Coordination {
  const budget: { wanted?: number } = {};
  // 5. Pause: a paused target records what it would have done.
  const { next, decision } = settle(input, holdWhilePaused(input.state, decide(input, budget)));
  // 2b. What a scale-out the budget limited wanted, for the readers to make room for it.
  if (budget.wanted !== undefined) {
    next.connectionWant = {
      capacity: budget.wanted,
      since: input.state.connectionWant?.since ?? decision.at,
    };
  } else if (input.fullView) delete next.connectionWant;
  return {
    decision:
      budget.wanted !== undefined && decision.outcome === "scale-out"
        ? { ...decision, reason: "ConnectionBudget" }
        : decision,
    next,
    changed: !sameState(next, input.state),
  };
}

/** Steps 1 to 4, each ending the pipeline with its verdict or passing on to the next. */
function decide(input: CoordinationInput, budget: { wanted?: number }): Verdict {
  const { state, now } = input;
  // 1. Bounds that moved put capacity inside them at once.
  const bounds = boundsInForce(state, input.hardMax);
  if ("verdict" in bounds) return bounds.verdict;
  // 2. Scale-out: the largest wins.
  // 2b. Held to the connection budget.
  const budgeted = holdToConnectionBudget(
    scaleOut(state, input.proposals, now, input.fullView),
    state.capacity,
    input.connectionCap,
    bounds.passOn.max,
  );
  if (budgeted.wanted !== undefined) budget.wanted = budgeted.wanted;
  const outward = budgeted.step;
  if ("verdict" in outward) return outward.verdict;
  // 3. Scale-in, when nothing scales out: stabilised, never under a cooldown or capacity in flight.
  const chosen = scaleIn(state, outward.passOn, now, input.scaleInStabilizationSeconds);
  if ("verdict" in chosen) return chosen.verdict;
  // 4. Bounds again.
  return clampIntoBounds(state.capacity, bounds.passOn, chosen.passOn);
}

/** The decision of a verdict, and the state that follows: a scale-out or a scale-in acts. */
function settle(input: CoordinationInput, v: Verdict): { decision: Decision; next: TargetState } {
  const { state, now } = input;
  // A new top level over the same parts: what the decision changes, it replaces rather than
  // mutates (apply), so the parts it leaves alone are shared and compared by identity (sameState).
  const next: TargetState = { ...state };
  if (v.scaleIn !== undefined) next.scaleIn = v.scaleIn;
  if (v.outcome === "scale-out" || v.outcome === "scale-in") apply(input, v, next);
  const decision: Decision = {
    id: input.decisionId,
    at: isoOf(now),
    target: state.target,
    policy: v.proposal?.layer ?? (v.reason === "BoundsMoved" ? `bounds:${state.bounds.source}` : null),
    from: state.capacity,
    to: v.outcome === "held" && v.reason !== "Paused" ? (v.proposal?.desired ?? state.capacity) : v.to,
    outcome: v.outcome,
    reason: v.reason,
    message: v.message || Reasons[v.reason],
    blockedBy: v.blockedBy,
  };
  return { decision, next };
}

/** A taken decision: capacity, what is now in flight, the layer's cooldown. */
function apply(input: CoordinationInput, v: Verdict, next: TargetState): void {
  const { state, now } = input;
  const capacity = state.capacity;
  const direction: Direction = v.to > capacity ? "out" : "in";
  next.capacity = v.to;
  if (direction === "out" && input.provisioningSeconds > 0) {
    next.inFlight = [
      ...state.inFlight,
      {
        decisionId: input.decisionId,
        delta: v.to - capacity,
        requestedAt: isoOf(now),
        expectedReadyAt: isoAfter(now, input.provisioningSeconds),
      },
    ];
  }
  // Any action ends the scale-in recommendation being tracked: the next one starts a new window.
  next.scaleIn = null;
  if (!v.proposal) return;
  const layer = v.proposal.layer;
  // Rule 3: a scale-out during a cooldown counts from the capacity before that cooldown began,
  // so the cooldown it starts keeps that baseline for the next escalation.
  const cooldown: Cooldown = {
    layer,
    direction,
    startedAt: isoOf(now),
    endsAt: isoAfter(now, v.proposal.cooldownSeconds),
    baseline: direction === "out" ? stepBaseline(state, now) : capacity,
    desired: v.to,
  };
  next.cooldowns = [
    ...state.cooldowns.filter(
      (c) => !(c.layer === layer && c.direction === direction) && msOf(c.endsAt) > now.getTime(),
    ),
    cooldown,
  ];
}

/**
 * The capacity a step adjustment counts from (rules 2 and 3): the capacity in service, or the
 * capacity before the earliest running scale-out cooldown began, whichever is lower — so an alarm
 * that fires again asks only for what is still missing, and an escalation adds only the difference.
 */
export function stepBaseline(state: TargetState, now: Date): number {
  const baselines = activeCooldowns(state, now, "out").map((c) => c.baseline);
  return Math.min(readyCapacity(state), ...baselines);
}
