import { describe, expect, it } from "vitest";
import type { BrainConfig, Target } from "../../../shared/core/config/schema.js";
import { decideOnAlarm } from "../../../shared/core/deciders/alarmDecision.js";
import {
  applyScheduledBounds,
  decideOnSchedule,
  scheduledBoundsDue,
} from "../../../shared/core/deciders/scheduleDecision.js";
import { decideOnTick } from "../../../shared/core/deciders/tickDecision.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
/** Thursday 26 November 2026, 19:00 in Madrid: readers-before-thursday-event (3–8) ran at 18:30. */
const DURING = new Date("2026-11-26T18:00:00.000Z");
const RAN = "2026-11-26T17:30:00.000Z";
const readers = (cfg: BrainConfig = config): Target => cfg.targets.find((t) => t.id === "virtway-readers")!;

function state(capacity: number, overrides: Partial<TargetState> = {}): TargetState {
  return { ...initialState("virtway-readers", { min: 1, max: 8 }, capacity), version: 2, ...overrides };
}
const floorInForce = { min: 3, max: 8, source: "readers-before-thursday-event", since: RAN };

const decide = (s: TargetState, cfg: BrainConfig = config, now = DURING) =>
  decideOnSchedule({ config: cfg, target: readers(cfg), state: s, now, decisionId: "d-1" });

describe("a scheduled action's run", () => {
  it.each([
    {
      name: "capacity under the new floor: put inside at once",
      state: state(1),
      expected: { due: true, act: true, outcome: "scale-out", reason: "BoundsMoved", from: 1, to: 3 },
    },
    {
      name: "capacity inside the new bounds: the bounds are recorded, nothing moves",
      state: state(5),
      expected: { due: true, act: false, outcome: "none", reason: "ScheduledBounds", from: 5, to: 5 },
    },
    {
      name: "the bounds in force already (the tick or a retry applied them): acts not, writes nothing",
      state: state(3, { bounds: floorInForce }),
      expected: { due: false, act: false, outcome: "none", reason: "ScheduledBoundsInForce", from: 3, to: 3 },
    },
    {
      name: "a paused target: the bounds are recorded, capacity is not moved (rule 8)",
      state: state(1, { paused: true }),
      expected: { due: true, act: false, outcome: "held", reason: "Paused", from: 1, to: 3 },
    },
  ])("$name", ({ state: s, expected }) => {
    const d = decide(s);
    expect({
      due: d.due,
      act: d.act,
      outcome: d.decision.outcome,
      reason: d.decision.reason,
      from: d.decision.from,
      to: d.decision.to,
    }).toEqual(expected);
    expect(d.decision.policy).toBe("readers-before-thursday-event");
    expect(d.next.bounds).toEqual(floorInForce);
  });

  it("on a group, capacity inside the new bounds still acts: its MinSize and MaxSize move with them", () => {
    const group = config.targets.find((t) => t.id === "virtway-frontend")!;
    const raised = { ...initialState("virtway-frontend", { min: 2, max: 20 }, 8), version: 2 };
    // frontend-before-thursday-event (MinCapacity 6) ran at 18:30 in Madrid; 8 is inside 6–20.
    const d = decideOnSchedule({ config, target: group, state: raised, now: DURING, decisionId: "d-1" });
    expect({ act: d.act, outcome: d.decision.outcome, reason: d.decision.reason, to: d.decision.to }).toEqual(
      {
        act: true,
        outcome: "none",
        reason: "ScheduledBounds",
        to: 8,
      },
    );
    expect(d.bounds).toEqual({ min: 6, max: 20 });
  });

  it("a new MaxCapacity under the capacity scales in to it at once", () => {
    const cfg = structuredClone(config);
    readers(cfg).schedules.push({
      ScheduledActionName: "cap-at-two",
      Schedule: "at(2026-11-26T17:45:00)",
      ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
    });
    const d = decide(state(5), cfg);
    expect([d.decision.outcome, d.decision.reason, d.decision.to, d.decision.policy]).toEqual([
      "scale-in",
      "BoundsMoved",
      2,
      "cap-at-two",
    ]);
  });

  it("after the last action's run, its bounds hold; after the next one's, the next's", () => {
    const after = new Date("2026-11-26T21:00:00.000Z"); // 22:00 in Madrid: readers-after ran at 21:30
    const d = decide(state(3, { bounds: floorInForce }), config, after);
    expect([d.decision.reason, d.next.bounds.min, d.next.bounds.source]).toEqual([
      "ScheduledBounds",
      1,
      "readers-after-thursday-event",
    ]);
  });
});

describe("rule 5: a floor beats every scale-in", () => {
  it("target tracking that wants fewer readers stays at the floor", () => {
    const d = decideOnTick({
      config,
      target: readers(),
      state: state(3, { bounds: floorInForce }),
      now: DURING,
      decisionId: "tick-1",
      observation: null,
      expiredReservations: [],
      metrics: { policies: { "readers-cpu-target-30": Array.from({ length: 15 }, () => 2) }, alarms: {} },
      readersInFlight: 0,
    });
    expect([d.act, d.decision.reason, d.decision.outcome]).toEqual([false, "AtMinCapacity", "held"]);
    expect(d.next.capacity).toBe(3);
  });

  it("a step policy's scale-in is held at the floor", () => {
    const d = decideOnAlarm({
      config,
      target: readers(),
      state: state(3, { bounds: floorInForce }),
      signal: {
        alarmName: "virtway-readers-cpu-low",
        state: "ALARM",
        stateChangedAt: DURING.toISOString(),
        value: 8,
        actionsSuppressedBy: null,
      },
      now: DURING,
      decisionId: "alarm-1",
    });
    expect([d.act, d.decision.reason, d.decision.outcome]).toEqual([false, "AtMinCapacity", "held"]);
    expect(d.next.capacity).toBe(3);
  });
});

describe("the tick's question: bounds in force that the target does not have yet", () => {
  it("none while the target has them; the bounds, and the same decision as the schedule's, when it has not", () => {
    const target = readers();
    expect(scheduledBoundsDue(config, target, state(3, { bounds: floorInForce }), DURING)).toBeNull();
    const s = state(1);
    const due = scheduledBoundsDue(config, target, s, DURING);
    expect(due).toMatchObject({ min: 3, max: 8 });
    if (due === null) return;
    const input = { config, target, state: s, now: DURING, decisionId: "d-1" };
    expect(applyScheduledBounds(input, due)).toEqual(decideOnSchedule(input));
  });
});
