/**
 * The coordination rules of docs/rules.md ("the layers don't fight") as one pipeline of small steps.
 * It takes every layer's proposal for one target and the target's recorded state, and returns one
 * decision with a reason from the closed set, and the state that follows from it. Pure: the clock
 * comes in as `now`, nothing here reads a clock or calls AWS.
 *
 * The steps, in order (each may settle the decision with its reason):
 *   1. Bounds (rules 5, 7): the bounds in force are the last scheduled action's, never above the
 *      hard limit of the kind (15 Aurora replicas). Capacity outside them is put inside at once,
 *      whatever any cooldown says.                                              → BoundsMoved
 *   2. Scale-out (rules 1, 2, 3): the largest proposal above the capacity the brain believes in
 *      (in service plus in flight) wins; proposals never add up. A proposal that does not exceed
 *      it is already provisioning, or a repetition during its own cooldown.     → ScaleOut,
 *                                                   CapacityInFlight, CooldownRepeat, NoChange
 *   3. Scale-in (rule 4): only when no layer asks for more; the most conservative proposal; held
 *      while any scale-out cooldown runs, while capacity is in flight, during any scale-in
 *      cooldown, and until the recommendation has held for the stabilisation window.
 *                         → ScaleIn, ScaleOutCooldown, CapacityInFlight, ScaleInCooldown,
 *                           ScaleInStabilizing
 *   4. Bounds again (rule 7): the chosen capacity is clamped into the bounds; a proposal that
 *      clamps to the current capacity is held.                       → AtMaxCapacity, AtMinCapacity
 *   5. Pause (rule 8): a paused target records what it would have done, and acts not. → Paused
 *
 * Rule 6 (the same state change delivered twice acts once) comes before the pipeline: a change the
 * target's state already holds in `seen` is held as a duplicate without proposing anything
 * (alarmDecision.ts).                                                       → DuplicateStateChange
 */
import type { Decision, Direction, Proposal, Reason } from "../engine/decision.js";
import { Reasons } from "../engine/decision.js";
import { activeCooldowns, type Cooldown, readyCapacity, type TargetState } from "../engine/targetState.js";

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
};

export type Coordination = {
  decision: Decision;
  /** The state after the decision (identical to the input when nothing changed). */
  next: TargetState;
  /** Whether `next` differs from the input state, i.e. whether anything needs writing. */
  changed: boolean;
};

type Verdict = {
  outcome: Decision["outcome"];
  reason: Reason;
  to: number;
  proposal: Proposal | null;
  message: string;
  blockedBy: string | null;
};

const iso = (d: Date) => d.toISOString();
const addSeconds = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

/** Where step 3 takes its numbers: the most conservative scale-in, and how long it has been asked. */
function scaleInCandidate(proposals: readonly Proposal[], capacity: number): Proposal | null {
  const ins = proposals.filter((p) => p.direction === "in" && p.desired < capacity);
  if (ins.length === 0) return null;
  return ins.reduce((a, b) => (b.desired > a.desired ? b : a));
}

export function coordinate(input: CoordinationInput): Coordination {
  const { state, now, proposals } = input;
  const next: TargetState = structuredClone(state);
  const min = Math.min(state.bounds.min, input.hardMax);
  const max = Math.min(state.bounds.max, input.hardMax);
  const capacity = state.capacity;

  const verdict = decide();

  // Rule 8: a paused target records what it would have done and changes nothing.
  if (state.paused && verdict.outcome !== "none" && verdict.outcome !== "held") {
    return settle(
      {
        ...verdict,
        outcome: "held",
        reason: "Paused",
        blockedBy: "pause",
        message: `paused: would have ${verdict.outcome === "scale-out" ? "scaled out" : "scaled in"} ${capacity} → ${verdict.to} (${verdict.message})`,
      },
      false,
    );
  }
  return settle(verdict, verdict.outcome === "scale-out" || verdict.outcome === "scale-in");

  function decide(): Verdict {
    // 1. Bounds that moved put capacity inside them at once (rules 5 and 7).
    if (capacity < min || capacity > max) {
      const to = Math.min(Math.max(capacity, min), max);
      const outcome = to > capacity ? "scale-out" : "scale-in";
      return {
        outcome,
        reason: "BoundsMoved",
        to,
        proposal: null,
        blockedBy: null,
        message: `capacity ${capacity} is outside the bounds ${min}–${max} (${state.bounds.source})`,
      };
    }

    // 2. Scale-out: the largest wins; nothing adds up (rule 1).
    const outs = proposals.filter((p) => p.direction === "out" && p.desired > capacity);
    if (outs.length > 0) {
      const winner = outs.reduce((a, b) => (b.desired > a.desired ? b : a));
      const to = Math.min(winner.desired, max);
      if (to <= capacity) {
        return held(
          "AtMaxCapacity",
          winner,
          `${winner.layer} asks for ${winner.desired}; MaxCapacity is ${max}`,
          "bounds",
        );
      }
      const others = outs.filter((p) => p !== winner).map((p) => `${p.layer} (${p.desired})`);
      return {
        outcome: "scale-out",
        reason: "ScaleOut",
        to,
        proposal: winner,
        blockedBy: null,
        message: `${winner.message}${others.length ? `; larger than ${others.join(", ")}` : ""}${to < winner.desired ? `; capped at MaxCapacity ${max}` : ""}`,
      };
    }

    // Proposals that ask for no more than what is already there or on its way (rules 2 and 3).
    // Scale-outs already covered, and scale-ins that ask for no less than there is.
    const atOrAbove = proposals.filter((p) =>
      p.direction === "out" ? p.desired <= capacity : p.desired >= capacity,
    );
    const scaleIn = scaleInCandidate(proposals, capacity);
    if (scaleIn === null) {
      if (input.fullView) next.scaleIn = null;
      const repeat = atOrAbove.find(
        (p) => p.direction === "out" && (p.desired > readyCapacity(state) || hasCooldown(p.layer, "out")),
      );
      if (repeat) return explainNoGrowth(repeat);
      if (atOrAbove[0])
        return held(
          "NoChange",
          atOrAbove[0],
          `${atOrAbove[0].layer} asks for ${atOrAbove[0].desired}, which is the capacity already`,
          null,
        );
      return {
        outcome: "none",
        reason: "NoChange",
        to: capacity,
        proposal: null,
        blockedBy: null,
        message: "no layer proposes a change",
      };
    }

    // 3. Scale-in (rule 4). Track the recommendation first: the window runs while other gates hold.
    const evidenceSince = scaleIn.since ? Math.min(Date.parse(scaleIn.since), now.getTime()) : now.getTime();
    const stabilizingSince = new Date(
      Math.min(state.scaleIn ? Date.parse(state.scaleIn.since) : now.getTime(), evidenceSince),
    );
    const recommended = Math.max(scaleIn.desired, state.scaleIn?.desired ?? Number.NEGATIVE_INFINITY);
    next.scaleIn = { since: iso(stabilizingSince), desired: recommended };

    const outCooldown = activeCooldowns(state, now, "out")[0];
    if (outCooldown) {
      return held(
        "ScaleOutCooldown",
        scaleIn,
        `${outCooldown.layer}'s scale-out cooldown runs until ${outCooldown.endsAt}`,
        outCooldown.layer,
      );
    }
    if (state.inFlight.length > 0) {
      const pending = state.inFlight.reduce((s, c) => s + c.delta, 0);
      return held(
        "CapacityInFlight",
        scaleIn,
        `${pending} still provisioning; no scale-in until it is in service`,
        "in-flight",
      );
    }
    const inCooldown = activeCooldowns(state, now, "in")[0];
    if (inCooldown) {
      return held(
        "ScaleInCooldown",
        scaleIn,
        `${inCooldown.layer} scaled in; its cooldown runs until ${inCooldown.endsAt}`,
        inCooldown.layer,
      );
    }
    const stableFor = (now.getTime() - stabilizingSince.getTime()) / 1000;
    if (stableFor < input.scaleInStabilizationSeconds) {
      return held(
        "ScaleInStabilizing",
        scaleIn,
        `scale-in to ${recommended} recommended for ${Math.round(stableFor)} s of the ${input.scaleInStabilizationSeconds} s window`,
        "stabilization",
      );
    }
    // 4. Bounds: never under MinCapacity (a floor beats every scale-in, rule 5).
    const to = Math.max(recommended, min);
    if (to >= capacity) {
      return held(
        "AtMinCapacity",
        scaleIn,
        `${scaleIn.layer} asks for ${scaleIn.desired}; MinCapacity is ${min}`,
        "bounds",
      );
    }
    return {
      outcome: "scale-in",
      reason: "ScaleIn",
      to,
      proposal: scaleIn,
      blockedBy: null,
      message: `${scaleIn.message}; recommended for ${Math.round(stableFor)} s${recommended > scaleIn.desired ? `, the highest recommendation in the window was ${recommended}` : ""}`,
    };
  }

  function hasCooldown(layer: string, direction: Direction): boolean {
    return activeCooldowns(state, now, direction).some((c) => c.layer === layer);
  }

  function explainNoGrowth(p: Proposal): Verdict {
    if (hasCooldown(p.layer, "out")) {
      return held(
        "CooldownRepeat",
        p,
        `${p.layer} asks for ${p.desired} again during its cooldown; capacity is ${capacity}`,
        p.layer,
      );
    }
    const ready = readyCapacity(state);
    return held(
      "CapacityInFlight",
      p,
      `${p.layer} asks for ${p.desired}; ${capacity - ready} of the ${capacity} are still provisioning`,
      "in-flight",
    );
  }

  function held(reason: Reason, proposal: Proposal, message: string, blockedBy: string | null): Verdict {
    return { outcome: "held", reason, to: capacity, proposal, message, blockedBy };
  }

  function settle(v: Verdict, act: boolean): Coordination {
    if (act) apply(v);
    const decision: Decision = {
      id: input.decisionId,
      at: iso(now),
      target: state.target,
      policy: v.proposal?.layer ?? (v.reason === "BoundsMoved" ? `bounds:${state.bounds.source}` : null),
      from: capacity,
      to: v.outcome === "held" && v.reason !== "Paused" ? (v.proposal?.desired ?? capacity) : v.to,
      outcome: v.outcome,
      reason: v.reason,
      message: v.message || Reasons[v.reason],
      blockedBy: v.blockedBy,
    };
    return { decision, next, changed: JSON.stringify(next) !== JSON.stringify(state) };
  }

  /** A taken decision: capacity, what is now in flight, the layer's cooldown. */
  function apply(v: Verdict): void {
    const direction: Direction = v.to > capacity ? "out" : "in";
    next.capacity = v.to;
    if (direction === "out" && input.provisioningSeconds > 0) {
      next.inFlight.push({
        decisionId: input.decisionId,
        delta: v.to - capacity,
        requestedAt: iso(now),
        expectedReadyAt: iso(addSeconds(now, input.provisioningSeconds)),
      });
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
      startedAt: iso(now),
      endsAt: iso(addSeconds(now, v.proposal.cooldownSeconds)),
      baseline: direction === "out" ? stepBaseline(state, now) : capacity,
      desired: v.to,
    };
    next.cooldowns = [
      ...state.cooldowns.filter(
        (c) => !(c.layer === layer && c.direction === direction) && Date.parse(c.endsAt) > now.getTime(),
      ),
      cooldown,
    ];
  }
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
