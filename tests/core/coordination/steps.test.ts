import { describe, expect, it } from "vitest";
import {
  boundsInForce,
  type Chosen,
  clampIntoBounds,
  holdWhilePaused,
  scaleIn,
  scaleInCandidate,
  scaleOut,
  type Verdict,
} from "../../../shared/core/coordination/steps.js";
import type { Proposal } from "../../../shared/core/engine/decision.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";

const NOW = new Date("2026-11-23T19:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

function state(overrides: Partial<TargetState> = {}): TargetState {
  return { ...initialState("virtway-readers", { min: 1, max: 8 }, 2), ...overrides };
}

function proposal(layer: string, desired: number, direction: Proposal["direction"] = "out"): Proposal {
  return {
    layer,
    kind: "step",
    direction,
    desired,
    reason: "StepAdjustment",
    message: `${layer} wants ${desired}`,
    cooldownSeconds: 300,
  };
}

const cooldown = (layer: string, direction: "out" | "in", endsIn: number) => ({
  layer,
  direction,
  startedAt: at(-30),
  endsAt: at(endsIn),
  baseline: 2,
  desired: 3,
});

const inFlight = { decisionId: "d-0", delta: 1, requestedAt: at(-30), expectedReadyAt: at(450) };

describe("step 1: the bounds in force", () => {
  it("capacity inside the bounds passes them on, the hard limit applied", () => {
    expect(boundsInForce(state({ bounds: { min: 1, max: 20, source: "config", since: null } }), 15)).toEqual({
      passOn: { min: 1, max: 15 },
    });
  });

  it("capacity under a raised floor goes up to it at once (BoundsMoved)", () => {
    const raised = state({ bounds: { min: 5, max: 8, source: "before-event", since: at(0) } });
    expect(boundsInForce(raised, 15)).toEqual({
      verdict: {
        outcome: "scale-out",
        reason: "BoundsMoved",
        to: 5,
        proposal: null,
        blockedBy: null,
        message: "capacity 2 is outside the bounds 5–8 (before-event)",
      },
    });
  });

  it("capacity above a lowered ceiling, or above the hard limit, comes down to it", () => {
    const above = state({ capacity: 6, bounds: { min: 1, max: 4, source: "after-event", since: at(0) } });
    expect(boundsInForce(above, 15)).toMatchObject({ verdict: { outcome: "scale-in", to: 4 } });
    const beyond = state({ capacity: 17, bounds: { min: 1, max: 20, source: "config", since: null } });
    expect(boundsInForce(beyond, 15)).toMatchObject({ verdict: { outcome: "scale-in", to: 15 } });
  });
});

describe("step 2: scale-out", () => {
  it("the largest scale-out wins and goes on unclamped; nothing adds up", () => {
    const step = scaleOut(
      state(),
      [proposal("step-70", 3), proposal("step-85", 12), proposal("low", 1, "in")],
      NOW,
      true,
    );
    expect(step).toEqual({
      passOn: {
        scaleOut: {
          direction: "out",
          proposal: proposal("step-85", 12),
          desired: 12,
          message: "step-85 wants 12; larger than step-70 (3)",
        },
      },
    });
  });

  it("without a scale-out, the most conservative scale-in below the capacity goes on to step 3", () => {
    const s = state({ capacity: 5 });
    const step = scaleOut(
      s,
      [proposal("low", 2, "in"), proposal("tt", 4, "in"), proposal("same", 5, "in")],
      NOW,
      true,
    );
    expect(step).toEqual({ passOn: { scaleIn: proposal("tt", 4, "in") } });
    expect(scaleInCandidate([proposal("same", 5, "in")], 5)).toBeNull();
  });

  it("the same ask during its own cooldown is a repetition (CooldownRepeat)", () => {
    const s = state({ capacity: 3, cooldowns: [cooldown("step-70", "out", 270)] });
    expect(scaleOut(s, [proposal("step-70", 3)], NOW, false)).toMatchObject({
      verdict: { outcome: "held", reason: "CooldownRepeat", blockedBy: "step-70", to: 3 },
    });
  });

  it("an ask covered by capacity still provisioning is in flight (CapacityInFlight)", () => {
    const s = state({ capacity: 3, inFlight: [inFlight] });
    expect(scaleOut(s, [proposal("step-70", 3)], NOW, false)).toMatchObject({
      verdict: {
        reason: "CapacityInFlight",
        blockedBy: "in-flight",
        message: "step-70 asks for 3; 1 of the 3 are still provisioning",
      },
    });
  });

  it("an ask for the capacity already is NoChange; none at all is nothing decided", () => {
    expect(scaleOut(state(), [proposal("tt", 2, "in")], NOW, false)).toMatchObject({
      verdict: { outcome: "held", reason: "NoChange", blockedBy: null },
    });
    expect(scaleOut(state(), [], NOW, false)).toEqual({
      verdict: {
        outcome: "none",
        reason: "NoChange",
        to: 2,
        proposal: null,
        blockedBy: null,
        message: "no layer proposes a change",
      },
    });
  });

  it("a full view with no scale-in restarts rule 4's window; a single alarm's view leaves it", () => {
    const tracking = state({ scaleIn: { since: at(-200), desired: 1 } });
    const full = scaleOut(tracking, [], NOW, true);
    expect("verdict" in full && full.verdict.scaleIn).toBeNull();
    const single = scaleOut(tracking, [], NOW, false);
    expect("verdict" in single && "scaleIn" in single.verdict).toBe(false);
  });
});

describe("step 3: scale-in", () => {
  const low = proposal("low", 3, "in");

  it("a scale-out passes through untouched", () => {
    const out: Chosen = { direction: "out", proposal: proposal("step-85", 4), desired: 4, message: "m" };
    expect(scaleIn(state(), { scaleOut: out }, NOW, 300)).toEqual({ passOn: out });
  });

  it("a first recommendation starts the window and is held (ScaleInStabilizing)", () => {
    expect(scaleIn(state({ capacity: 4 }), { scaleIn: low }, NOW, 300)).toEqual({
      verdict: {
        outcome: "held",
        reason: "ScaleInStabilizing",
        to: 4,
        proposal: low,
        blockedBy: "stabilization",
        message: "scale-in to 3 recommended for 0 s of the 300 s window",
        scaleIn: { since: at(0), desired: 3 },
      },
    });
  });

  it("held by a scale-out cooldown, then capacity in flight, then a scale-in cooldown, in that order", () => {
    const all = state({
      capacity: 4,
      inFlight: [inFlight],
      cooldowns: [cooldown("low", "in", 500), cooldown("tt", "out", 20)],
    });
    const reasonOf = (s: TargetState) => {
      const step = scaleIn(s, { scaleIn: low }, NOW, 300);
      return "verdict" in step ? [step.verdict.reason, step.verdict.blockedBy] : null;
    };
    expect(reasonOf(all)).toEqual(["ScaleOutCooldown", "tt"]);
    expect(reasonOf({ ...all, cooldowns: [cooldown("low", "in", 500)] })).toEqual([
      "CapacityInFlight",
      "in-flight",
    ]);
    expect(reasonOf({ ...all, inFlight: [], cooldowns: [cooldown("low", "in", 500)] })).toEqual([
      "ScaleInCooldown",
      "low",
    ]);
  });

  it("the window tracks while the gates hold: the earliest start, the highest recommendation", () => {
    // The scale-out began 250 s ago, before both the evidence and the window tracked.
    const s = state({
      capacity: 5,
      scaleIn: { since: at(-100), desired: 4 },
      cooldowns: [{ ...cooldown("tt", "out", 20), startedAt: at(-250) }],
    });
    const step = scaleIn(s, { scaleIn: { ...low, since: at(-200) } }, NOW, 300);
    expect("verdict" in step && step.verdict.scaleIn).toEqual({ since: at(-200), desired: 4 });
  });

  it("evidence from before the target's last action does not count: a new window starts with it", () => {
    // A scale-in 100 s ago (its cooldown over); the alarm's datapoints reach back 400 s, measured
    // on the capacity before it. The window starts at the action, and 100 s of 300 is not enough.
    const s = state({ capacity: 4, cooldowns: [{ ...cooldown("low", "in", -40), startedAt: at(-100) }] });
    const step = scaleIn(s, { scaleIn: { ...low, since: at(-400) } }, NOW, 300);
    expect("verdict" in step && step.verdict.reason).toBe("ScaleInStabilizing");
    expect("verdict" in step && step.verdict.scaleIn).toEqual({ since: at(-100), desired: 3 });
  });

  it("after the window, the highest recommendation in it goes on to step 4", () => {
    const s = state({ capacity: 5, scaleIn: { since: at(-300), desired: 4 } });
    expect(scaleIn(s, { scaleIn: low }, NOW, 300)).toEqual({
      passOn: {
        direction: "in",
        proposal: low,
        desired: 4,
        message: "low wants 3; recommended for 300 s, the highest recommendation in the window was 4",
        scaleIn: { since: at(-300), desired: 4 },
      },
    });
  });
});

describe("step 4: bounds again", () => {
  const bounds = { min: 2, max: 8 };
  const out = (desired: number): Chosen => ({
    direction: "out",
    proposal: proposal("step-85", desired),
    desired,
    message: `step-85 wants ${desired}`,
  });
  const tracked = { since: at(-300), desired: 1 };
  const inward = (desired: number): Chosen => ({
    direction: "in",
    proposal: proposal("low", desired, "in"),
    desired,
    message: `low wants ${desired}`,
    scaleIn: tracked,
  });

  it("a scale-out within the bounds acts as chosen", () => {
    expect(clampIntoBounds(4, bounds, out(6))).toMatchObject({
      outcome: "scale-out",
      reason: "ScaleOut",
      to: 6,
    });
  });

  it("a scale-out beyond MaxCapacity is capped, and says so; at MaxCapacity it is held", () => {
    expect(clampIntoBounds(7, bounds, out(9))).toMatchObject({
      outcome: "scale-out",
      to: 8,
      message: "step-85 wants 9; capped at MaxCapacity 8",
    });
    expect(clampIntoBounds(8, bounds, out(10))).toEqual({
      outcome: "held",
      reason: "AtMaxCapacity",
      to: 8,
      proposal: proposal("step-85", 10),
      blockedBy: "bounds",
      message: "step-85 asks for 10; MaxCapacity is 8",
    });
  });

  it("a scale-in stops at MinCapacity; one that would go no lower is held, keeping the window", () => {
    expect(clampIntoBounds(4, bounds, inward(1))).toMatchObject({
      outcome: "scale-in",
      reason: "ScaleIn",
      to: 2,
    });
    expect(clampIntoBounds(2, bounds, inward(1))).toMatchObject({
      outcome: "held",
      reason: "AtMinCapacity",
      to: 2,
      blockedBy: "bounds",
      message: "low asks for 1; MinCapacity is 2",
      scaleIn: tracked,
    });
  });
});

describe("step 5: pause", () => {
  const scaledOut: Verdict = {
    outcome: "scale-out",
    reason: "ScaleOut",
    to: 4,
    proposal: proposal("step-85", 4),
    blockedBy: null,
    message: "step-85 wants 4",
  };

  it("a paused target records what it would have done (Paused)", () => {
    expect(holdWhilePaused(state({ paused: true }), scaledOut)).toEqual({
      ...scaledOut,
      outcome: "held",
      reason: "Paused",
      blockedBy: "pause",
      message: "paused: would have scaled out 2 → 4 (step-85 wants 4)",
    });
  });

  it("a target not paused, or a verdict that does not act, passes as it came", () => {
    expect(holdWhilePaused(state(), scaledOut)).toBe(scaledOut);
    const held: Verdict = { ...scaledOut, outcome: "held", reason: "CooldownRepeat" };
    expect(holdWhilePaused(state({ paused: true }), held)).toBe(held);
  });
});
