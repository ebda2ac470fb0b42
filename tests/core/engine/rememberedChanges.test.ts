import { describe, expect, it } from "vitest";
import { eventTimeRefusal, MAX_CLOCK_SKEW_SECONDS } from "../../../shared/core/deciders/alarmDecision.js";
import {
  MAX_REMEMBERED_STATE_CHANGES,
  rememberStateChange,
} from "../../../shared/core/engine/targetState.js";

const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

describe("rememberStateChange (rule 6)", () => {
  it("forgets the changes whose time has passed, and keeps the order they came in", () => {
    const seen = { "a@1": iso(10), "b@2": iso(100), "c@3": iso(200) };
    expect(Object.entries(rememberStateChange(seen, "d@4", iso(300), new Date(T0 + 50_000)))).toEqual([
      ["b@2", iso(100)],
      ["c@3", iso(200)],
      ["d@4", iso(300)],
    ]);
  });

  it(`keeps at most ${MAX_REMEMBERED_STATE_CHANGES}, the most recent, whatever came before`, () => {
    let seen: Record<string, string> = {};
    const now = new Date(T0);
    for (let i = 0; i < MAX_REMEMBERED_STATE_CHANGES * 3; i++) {
      seen = rememberStateChange(seen, `alarm@${i}`, iso(1000 + i), now);
      expect(Object.keys(seen).length).toBeLessThanOrEqual(MAX_REMEMBERED_STATE_CHANGES);
    }
    const kept = Object.keys(seen);
    expect(kept).toHaveLength(MAX_REMEMBERED_STATE_CHANGES);
    expect(kept[0]).toBe(`alarm@${MAX_REMEMBERED_STATE_CHANGES * 2}`);
    expect(kept.at(-1)).toBe(`alarm@${MAX_REMEMBERED_STATE_CHANGES * 3 - 1}`);
    // A state change older than all that are kept is itself the one forgotten.
    const late = rememberStateChange(seen, "alarm@old", iso(1), now);
    expect(late).toEqual(seen);
  });
});

describe("eventTimeRefusal", () => {
  const settings = { maxEventAgeSeconds: 900 };
  const now = new Date(T0);
  it.each([
    [-901, "StaleEvent"],
    [-900, null],
    [0, null],
    [MAX_CLOCK_SKEW_SECONDS, null],
    [MAX_CLOCK_SKEW_SECONDS + 1, "FutureEvent"],
  ])("a change dated %i s from now → %s", (offset, reason) => {
    expect(eventTimeRefusal(settings, iso(offset), now)?.reason ?? null).toBe(reason);
  });
});
