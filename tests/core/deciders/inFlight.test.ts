import { describe, expect, it } from "vitest";
import { overdueInFlight, settleInFlight } from "../../../shared/core/deciders/inFlight.js";
import type { Observation } from "../../../shared/core/engine/observation.js";
import {
  type InFlightChange,
  initialState,
  type TargetState,
} from "../../../shared/core/engine/targetState.js";

const change = (decisionId: string, delta: number, resources?: string[]): InFlightChange => ({
  decisionId,
  delta,
  requestedAt: "2026-11-23T19:00:00.000Z",
  expectedReadyAt: "2026-11-23T19:03:00.000Z",
  ...(resources ? { resources } : {}),
});

const state = (capacity: number, inFlight: InFlightChange[]): TargetState => ({
  ...initialState("t", { min: 1, max: 20 }, capacity),
  inFlight,
});

const group = (capacity: number, inService: number): Observation => ({
  kind: "asg",
  capacity,
  minSize: 0,
  maxSize: 20,
  inService,
});

const readers = (statuses: Record<string, string>): Observation => ({
  kind: "aurora-readers",
  capacity: Object.keys(statuses).length,
  available: Object.values(statuses).filter((s) => s === "available").length,
  readers: Object.entries(statuses).map(([id, status]) => ({
    id,
    status,
    isWriter: false,
    managed: true,
    createdAt: null,
  })),
});

describe("settleInFlight", () => {
  it.each<[string, TargetState, Observation, string[]]>([
    // A group's instances are counted: 4 in service before, +1 then +2 requested.
    ["group: nothing InService yet", state(7, [change("a", 1), change("b", 2)]), group(7, 4), ["a", "b"]],
    [
      "group: the first change's instance InService",
      state(7, [change("a", 1), change("b", 2)]),
      group(7, 5),
      ["b"],
    ],
    [
      "group: one of the second change's two, not enough",
      state(7, [change("a", 1), change("b", 2)]),
      group(7, 6),
      ["b"],
    ],
    ["group: all InService", state(7, [change("a", 1), change("b", 2)]), group(7, 7), []],
    [
      "readers: a change is done once its readers are available",
      state(4, [change("a", 1, ["r3"]), change("b", 1, ["r4"])]),
      readers({ r1: "available", r2: "available", r3: "available", r4: "creating" }),
      ["b"],
    ],
    [
      "readers: a reader stuck where AWS only lets it be rebooted or deleted is no longer awaited",
      state(3, [change("a", 1, ["r3"])]),
      readers({ r1: "available", r2: "available", r3: "incompatible-parameters" }),
      [],
    ],
    [
      "readers: a reader deleted by hand is no longer awaited",
      state(3, [change("a", 1, ["r3"])]),
      readers({ r1: "available", r2: "available" }),
      [],
    ],
  ])("%s", (_, before, observation, left) => {
    expect(settleInFlight(before, observation).inFlight.map((c) => c.decisionId)).toEqual(left);
  });

  it("leaves the state as it is (the same object) when nothing settled", () => {
    const before = state(5, [change("a", 1)]);
    expect(settleInFlight(before, group(5, 4))).toBe(before);
  });
});

describe("overdueInFlight", () => {
  // Requested at 19:00, expected at 19:03: overdue after three times that, 19:09.
  it.each([
    ["19:08:59", []],
    ["19:09:00", []],
    ["19:09:01", ["a"]],
  ])("at %s", (time, overdue) => {
    const now = new Date(`2026-11-23T${time}.000Z`);
    expect(overdueInFlight(state(5, [change("a", 1)]), now).map((c) => c.decisionId)).toEqual(overdue);
  });
});
