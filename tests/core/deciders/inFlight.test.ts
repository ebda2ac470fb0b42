import { describe, expect, it } from "vitest";
import { measuredCapacity, overdueInFlight, settleInFlight } from "../../../shared/core/deciders/inFlight.js";
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

describe("capacity that came into service, and the capacity the datapoints measured", () => {
  const at = (time: string) => new Date(`2026-11-23T${time}.000Z`);

  it("records what a group's settled change brought into service, when the brain saw it", () => {
    // 4 in service, 2 launching; at 19:03 DescribeAutoScalingGroups shows all 6 InService.
    const settled = settleInFlight(state(6, [change("a", 2)]), group(6, 6), at("19:03:00"));
    expect(settled.inFlight).toEqual([]);
    expect(settled.arrived).toEqual([{ at: "2026-11-23T19:03:00.000Z", delta: 2 }]);
  });

  it("counts only the readers that are available, not those gone", () => {
    const before = state(3, [change("a", 2, ["r2", "r3"])]);
    const settled = settleInFlight(
      before,
      readers({ r1: "available", r2: "available", r3: "failed" }),
      at("19:08:00"),
    );
    expect(settled.arrived).toEqual([{ at: "2026-11-23T19:08:00.000Z", delta: 1 }]);
  });

  it("leaves target tracking the capacity its newest datapoints measured, for two minutes", () => {
    const settled = settleInFlight(state(6, [change("a", 2)]), group(6, 6), at("19:03:00"));
    // Read at 19:03 and 19:04, the newest datapoint is of 19:01 and 19:02: measured on 4.
    expect(measuredCapacity(settled, at("19:03:00"))).toBe(4);
    expect(measuredCapacity(settled, at("19:04:59"))).toBe(4);
    // At 19:05 the datapoint of 19:03 measured all 6.
    expect(measuredCapacity(settled, at("19:05:00"))).toBe(6);
  });

  it("forgets arrivals that no longer matter at the next settle", () => {
    // 8 set, 4 in service, two changes of 2 launching: the first is in service at 19:03.
    const first = settleInFlight(state(8, [change("a", 2), change("b", 2)]), group(8, 6), at("19:03:00"));
    expect(first.arrived).toEqual([{ at: "2026-11-23T19:03:00.000Z", delta: 2 }]);
    // The second at 19:10: the first's arrival, 7 minutes old, is measured by now and dropped.
    const second = settleInFlight(first, group(8, 8), at("19:10:00"));
    expect(second.arrived).toEqual([{ at: "2026-11-23T19:10:00.000Z", delta: 2 }]);
  });

  it("counts all that serves when the arrivals would leave nothing (a group brought up from zero)", () => {
    const settled = settleInFlight(state(3, [change("a", 3)]), group(3, 3), at("19:03:00"));
    expect(measuredCapacity(settled, at("19:03:00"))).toBe(3);
  });
});
