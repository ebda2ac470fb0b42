/**
 * The steps of the coordination pipeline (coordinate.ts), one function per numbered step, in
 * order. Each takes what it reads and returns either its verdict, which ends the pipeline, or what
 * it passes on to the next step, so that each can be tested alone. Each cites the coordination
 * rules it applies, from rule 1 (docs/rules.md), simultaneous scale-outs, to rule 8, the pause.
 * Pure: the clock comes in as `now`.
 */
import type { Decision, Direction, Proposal, Reason } from "../engine/decision.js";
import { isoAt, msOf } from "../engine/instants.js";
import { activeCooldowns, readyCapacity, type TargetState } from "../engine/targetState.js";

/** What ends the pipeline: the decision a step settles on, before it becomes a Decision. */
export type Verdict = {
  outcome: Decision["outcome"];
  reason: Reason;
  /** The capacity the decision sets (held: the capacity as it is). */
  to: number;
  proposal: Proposal | null;
  message: string;
  blockedBy: string | null;
  /** Rule 4's tracked scale-in recommendation as the steps left it; absent where none changed it. */
  scaleIn?: TargetState["scaleIn"];
};

/** A step's answer: its verdict, or what the next step gets. */
export type Step<T> = { verdict: Verdict } | { passOn: T };

/** The bounds in force: the target's or the last scheduled action's, never above the kind's hard limit. */
export type Bounds = { min: number; max: number };

/** A capacity chosen by step 2 or 3, before step 4 puts it into the bounds. */
export type Chosen = {
  direction: Direction;
  proposal: Proposal;
  /** The capacity asked for: the winning scale-out's, or the highest scale-in recommended in the window. */
  desired: number;
  /** What the decision says when it acts. */
  message: string;
  /** Rule 4's tracked scale-in recommendation, as step 3 leaves it. */
  scaleIn?: TargetState["scaleIn"];
};

/** What step 2 passes on: a scale-out that wins, or the scale-in that step 3 weighs. */
export type AfterScaleOut = { scaleOut: Chosen } | { scaleIn: Proposal };

function held(
  capacity: number,
  reason: Reason,
  proposal: Proposal,
  message: string,
  blockedBy: string | null,
): Verdict {
  return { outcome: "held", reason, to: capacity, proposal, message, blockedBy };
}

/**
 * The verdict with rule 4's tracked recommendation as the step leaves it (undefined: untouched).
 * Set on the verdict rather than spread into a copy: in Node 20 a spread copy given a property its
 * source lacks costs microseconds (a new hidden class every time), and a tick does this every minute.
 */
function tracked(verdict: Verdict, scaleIn: TargetState["scaleIn"] | undefined): Verdict {
  if (scaleIn !== undefined) verdict.scaleIn = scaleIn;
  return verdict;
}

/**
 * Step 1, bounds (rules 5 and 7): the bounds in force are the last scheduled action's, never above
 * the kind's hard limit. Capacity outside them is put inside at once, whatever any cooldown says
 * (BoundsMoved); capacity inside them passes the bounds on.
 */
export function boundsInForce(state: TargetState, hardMax: number): Step<Bounds> {
  const min = Math.min(state.bounds.min, hardMax);
  const max = Math.min(state.bounds.max, hardMax);
  const capacity = state.capacity;
  if (capacity >= min && capacity <= max) return { passOn: { min, max } };
  const to = Math.min(Math.max(capacity, min), max);
  return {
    verdict: {
      outcome: to > capacity ? "scale-out" : "scale-in",
      reason: "BoundsMoved",
      to,
      proposal: null,
      blockedBy: null,
      message: `capacity ${capacity} is outside the bounds ${min}–${max} (${state.bounds.source})`,
    },
  };
}

/**
 * Step 2, scale-out (rules 1, 2 and 3): the largest proposal above the capacity the brain believes
 * in (in service plus in flight) wins; nothing adds up. Without one, a proposal that asks for no
 * more than there is is already provisioning (CapacityInFlight), a repetition during its own
 * cooldown (CooldownRepeat), or the capacity already (NoChange); a scale-in goes on to step 3. A
 * full view that recommends no scale-in restarts rule 4's window.
 */
export function scaleOut(
  state: TargetState,
  proposals: readonly Proposal[],
  now: Date,
  fullView: boolean,
): Step<AfterScaleOut> {
  const capacity = state.capacity;
  const outs = proposals.filter((p) => p.direction === "out" && p.desired > capacity);
  if (outs.length > 0) {
    const winner = outs.reduce((a, b) => (b.desired > a.desired ? b : a));
    const others = outs.filter((p) => p !== winner).map((p) => `${p.layer} (${p.desired})`);
    return {
      passOn: {
        scaleOut: {
          direction: "out",
          proposal: winner,
          desired: winner.desired,
          message: `${winner.message}${others.length ? `; larger than ${others.join(", ")}` : ""}`,
        },
      },
    };
  }
  const scaleIn = scaleInCandidate(proposals, capacity);
  if (scaleIn !== null) return { passOn: { scaleIn } };

  const tracking = fullView ? null : undefined;
  // Proposals that ask for no more than what is already there or on its way (rules 2 and 3).
  // Scale-outs already covered, and scale-ins that ask for no less than there is.
  const atOrAbove = proposals.filter((p) =>
    p.direction === "out" ? p.desired <= capacity : p.desired >= capacity,
  );
  const inCooldown = (p: Proposal) => activeCooldowns(state, now, "out").some((c) => c.layer === p.layer);
  const repeat = atOrAbove.find(
    (p) => p.direction === "out" && (p.desired > readyCapacity(state) || inCooldown(p)),
  );
  if (repeat && inCooldown(repeat)) {
    return {
      verdict: tracked(
        held(
          capacity,
          "CooldownRepeat",
          repeat,
          `${repeat.layer} asks for ${repeat.desired} again during its cooldown; capacity is ${capacity}`,
          repeat.layer,
        ),
        tracking,
      ),
    };
  }
  if (repeat) {
    return {
      verdict: tracked(
        held(
          capacity,
          "CapacityInFlight",
          repeat,
          `${repeat.layer} asks for ${repeat.desired}; ${capacity - readyCapacity(state)} of the ${capacity} are still provisioning`,
          "in-flight",
        ),
        tracking,
      ),
    };
  }
  const first = atOrAbove[0];
  if (first) {
    return {
      verdict: tracked(
        held(
          capacity,
          "NoChange",
          first,
          `${first.layer} asks for ${first.desired}, which is the capacity already`,
          null,
        ),
        tracking,
      ),
    };
  }
  return {
    verdict: tracked(
      {
        outcome: "none",
        reason: "NoChange",
        to: capacity,
        proposal: null,
        blockedBy: null,
        message: "no layer proposes a change",
      },
      tracking,
    ),
  };
}

/** Where step 3 takes its numbers: the most conservative scale-in below the capacity. */
export function scaleInCandidate(proposals: readonly Proposal[], capacity: number): Proposal | null {
  const ins = proposals.filter((p) => p.direction === "in" && p.desired < capacity);
  if (ins.length === 0) return null;
  return ins.reduce((a, b) => (b.desired > a.desired ? b : a));
}

/**
 * Step 3, scale-in (rule 4): only when no layer asks for more (a scale-out passes through). The
 * recommendation is tracked first, since the window runs while the other gates hold; then it is
 * held while any scale-out cooldown runs (ScaleOutCooldown), while capacity is in flight
 * (CapacityInFlight), during any scale-in cooldown (ScaleInCooldown), and until it has held for
 * the stabilisation window (ScaleInStabilizing). What passes is the highest recommendation in it.
 */
export function scaleIn(
  state: TargetState,
  passed: AfterScaleOut,
  now: Date,
  stabilizationSeconds: number,
): Step<Chosen> {
  if ("scaleOut" in passed) return { passOn: passed.scaleOut };
  const proposal = passed.scaleIn;
  const capacity = state.capacity;
  // Evidence counts from no earlier than the target's last action: datapoints from before it were
  // measured on the capacity it changed, and a new window starts with every action.
  const evidenceSince = Math.max(
    proposal.since ? Math.min(msOf(proposal.since), now.getTime()) : now.getTime(),
    lastActionAt(state),
  );
  const stabilizingSince = Math.min(state.scaleIn ? msOf(state.scaleIn.since) : now.getTime(), evidenceSince);
  const recommended = Math.max(proposal.desired, state.scaleIn?.desired ?? Number.NEGATIVE_INFINITY);
  const tracking = { since: isoAt(stabilizingSince), desired: recommended };
  const hold = (reason: Reason, message: string, blockedBy: string): Step<Chosen> => ({
    verdict: tracked(held(capacity, reason, proposal, message, blockedBy), tracking),
  });

  const outCooldown = activeCooldowns(state, now, "out")[0];
  if (outCooldown) {
    return hold(
      "ScaleOutCooldown",
      `${outCooldown.layer}'s scale-out cooldown runs until ${outCooldown.endsAt}`,
      outCooldown.layer,
    );
  }
  if (state.inFlight.length > 0) {
    const pending = state.inFlight.reduce((s, c) => s + c.delta, 0);
    return hold(
      "CapacityInFlight",
      `${pending} still provisioning; no scale-in until it is in service`,
      "in-flight",
    );
  }
  const inCooldown = activeCooldowns(state, now, "in")[0];
  if (inCooldown) {
    return hold(
      "ScaleInCooldown",
      `${inCooldown.layer} scaled in; its cooldown runs until ${inCooldown.endsAt}`,
      inCooldown.layer,
    );
  }
  const stableFor = (now.getTime() - stabilizingSince) / 1000;
  if (stableFor < stabilizationSeconds) {
    return hold(
      "ScaleInStabilizing",
      `scale-in to ${recommended} recommended for ${Math.round(stableFor)} s of the ${stabilizationSeconds} s window`,
      "stabilization",
    );
  }
  return {
    passOn: {
      direction: "in",
      proposal,
      desired: recommended,
      message: `${proposal.message}; recommended for ${Math.round(stableFor)} s${recommended > proposal.desired ? `, the highest recommendation in the window was ${recommended}` : ""}`,
      scaleIn: tracking,
    },
  };
}

/**
 * Step 4, bounds again (rules 5 and 7): the chosen capacity is put into the bounds, a scale-out
 * capped at MaxCapacity, a scale-in never under MinCapacity (a floor beats every scale-in). A
 * choice that comes back to the current capacity is held (AtMaxCapacity, AtMinCapacity).
 */
export function clampIntoBounds(capacity: number, bounds: Bounds, chosen: Chosen): Verdict {
  const { proposal } = chosen;
  const tracking = chosen.scaleIn;
  if (chosen.direction === "out") {
    const to = Math.min(chosen.desired, bounds.max);
    if (to <= capacity) {
      return held(
        capacity,
        "AtMaxCapacity",
        proposal,
        `${proposal.layer} asks for ${proposal.desired}; MaxCapacity is ${bounds.max}`,
        "bounds",
      );
    }
    return tracked(
      {
        outcome: "scale-out",
        reason: "ScaleOut",
        to,
        proposal,
        blockedBy: null,
        message: `${chosen.message}${to < chosen.desired ? `; capped at MaxCapacity ${bounds.max}` : ""}`,
      },
      tracking,
    );
  }
  const to = Math.max(chosen.desired, bounds.min);
  if (to >= capacity) {
    return tracked(
      held(
        capacity,
        "AtMinCapacity",
        proposal,
        `${proposal.layer} asks for ${proposal.desired}; MinCapacity is ${bounds.min}`,
        "bounds",
      ),
      tracking,
    );
  }
  return tracked(
    {
      outcome: "scale-in",
      reason: "ScaleIn",
      to,
      proposal,
      blockedBy: null,
      message: chosen.message,
    },
    tracking,
  );
}

/**
 * Step 5, pause (rule 8): a paused target records what it would have done, and acts not (Paused).
 * Anything else is the verdict as it came.
 */
export function holdWhilePaused(state: TargetState, verdict: Verdict): Verdict {
  if (!state.paused || verdict.outcome === "none" || verdict.outcome === "held") return verdict;
  return {
    ...verdict,
    outcome: "held",
    reason: "Paused",
    blockedBy: "pause",
    message: `paused: would have ${verdict.outcome === "scale-out" ? "scaled out" : "scaled in"} ${state.capacity} → ${verdict.to} (${verdict.message})`,
  };
}

/** When the target last acted (the latest cooldown's start); 0 when it never did. */
function lastActionAt(state: TargetState): number {
  return state.cooldowns.reduce((latest, c) => Math.max(latest, msOf(c.startedAt)), 0);
}
