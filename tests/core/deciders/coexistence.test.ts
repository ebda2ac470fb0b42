import { describe, expect, it } from "vitest";
import type { Target } from "../../../shared/core/config/schema.js";
import {
  describeSuspension,
  nativeScaleInAction,
  remainingSuspension,
  suspensionRecord,
} from "../../../shared/core/deciders/coexistence.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
const target = (id: string): Target => config.targets.find((t) => t.id === id)!;
const NOW = new Date("2026-11-23T19:00:30.000Z");

const cooldown = (endsAt: string) => ({
  layer: "readers-cpu-target-30",
  direction: "out" as const,
  startedAt: "2026-11-23T19:00:00.000Z",
  endsAt,
  baseline: 2,
  desired: 4,
});
const suspended = {
  since: "2026-11-23T19:00:00.000Z",
  scalableTarget: "cluster:virtway-aurora",
  policies: [],
};

function state(overrides: Partial<TargetState>): TargetState {
  return { ...initialState("virtway-readers", { min: 1, max: 8 }, 4), ...overrides };
}

describe("when the tick calls the native policies", () => {
  it.each([
    [
      "a scale-out cooldown runs, nothing suspended yet",
      { cooldowns: [cooldown("2026-11-23T19:01:00.000Z")] },
      "suspend",
    ],
    [
      "it runs, already suspended",
      { cooldowns: [cooldown("2026-11-23T19:01:00.000Z")], nativeScaleIn: suspended },
      null,
    ],
    [
      "it ended, still suspended",
      { cooldowns: [cooldown("2026-11-23T19:00:30.000Z")], nativeScaleIn: suspended },
      "resume",
    ],
    ["it ended, nothing suspended", { cooldowns: [cooldown("2026-11-23T19:00:30.000Z")] }, null],
    [
      "a scale-in cooldown is no reason",
      { cooldowns: [{ ...cooldown("2026-11-23T19:05:00.000Z"), direction: "in" as const }] },
      null,
    ],
    [
      "paused: the brain acts not (rule 8), and gives back what it suspended",
      { paused: true, cooldowns: [cooldown("2026-11-23T19:01:00.000Z")], nativeScaleIn: suspended },
      "resume",
    ],
  ])("%s", (_, overrides, expected) => {
    expect(nativeScaleInAction(target("virtway-readers"), state(overrides), NOW)).toBe(expected);
  });

  it("an ACU floor has no native policy to coexist with", () => {
    const s = state({ cooldowns: [cooldown("2026-11-23T19:01:00.000Z")] });
    expect(nativeScaleInAction(target("virtway-acu-floor"), s, NOW)).toBeNull();
  });
});

describe("what is remembered", () => {
  it("a suspension records what it touched, even nothing (so that the next tick does not look again)", () => {
    expect(
      suspensionRecord(target("virtway-readers"), { done: ["cluster:virtway-aurora"], error: null }, NOW),
    ).toEqual({
      since: NOW.toISOString(),
      scalableTarget: "cluster:virtway-aurora",
      policies: [],
    });
    expect(suspensionRecord(target("virtway-frontend"), { done: [], error: null }, NOW)).toEqual({
      since: NOW.toISOString(),
      scalableTarget: null,
      policies: [],
    });
  });

  it("a resume that went through only in part keeps the rest for the next tick", () => {
    const both = { since: "x", scalableTarget: null, policies: ["a", "b"] };
    expect(remainingSuspension(both, { done: ["a", "b"], error: null })).toBeNull();
    expect(remainingSuspension(both, { done: ["a"], error: "ThrottlingException" })).toEqual({
      ...both,
      policies: ["b"],
    });
    expect(remainingSuspension(suspended, { done: [], error: "AccessDenied" })).toEqual(suspended);
  });

  it("says what it touched", () => {
    expect(describeSuspension({ scalableTarget: null, policies: ["a", "b"] })).toBe(
      "the scale-in of the target-tracking policies a, b (DisableScaleIn)",
    );
    expect(describeSuspension({ scalableTarget: null, policies: [] })).toBe("nothing");
  });
});
