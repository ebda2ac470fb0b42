import { describe, expect, it } from "vitest";
import { type AlarmSignal, decideOnAlarm, targetsAnswering } from "../../shared/brain/alarmDecision.js";
import { loadConfig } from "../../shared/config/validate.js";
import { initialState, type TargetState } from "../../shared/engine/targetState.js";

const { config } = loadConfig("brain.config.json");
const readers = config.targets.find((t) => t.id === "virtway-readers")!;
const acuFloor = config.targets.find((t) => t.id === "virtway-acu-floor")!;

const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000);

function alarm(alarmName: string, state: AlarmSignal["state"], s: number, value: number | null): AlarmSignal {
  return { alarmName, state, stateChangedAt: at(s).toISOString(), value, actionsSuppressedBy: null };
}

/** Feeds state changes through decideOnAlarm in order, as the ledger would, and returns each decision. */
function sequence(start: TargetState, signals: AlarmSignal[], target = readers) {
  let state = start;
  return signals.map((signal, i) => {
    const result = decideOnAlarm({
      config,
      target,
      state,
      signal,
      now: new Date(signal.stateChangedAt),
      decisionId: `d${i}`,
    });
    state = result.next;
    return { ...result.decision, state };
  });
}

const twoReaders = initialState("virtway-readers", { min: 1, max: 8 }, 2);

describe("decideOnAlarm on the Virtway readers", () => {
  it("72% on the 70% alarm adds one reader", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72)]);
    expect(d).toMatchObject({
      outcome: "scale-out",
      reason: "ScaleOut",
      policy: "readers-cpu-step-70",
      from: 2,
      to: 3,
    });
    expect(d!.state.inFlight).toHaveLength(1);
  });

  it("90% on the 85% alarm adds two readers", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-cpu-high-85", "ALARM", 0, 90)]);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "readers-cpu-step-85", from: 2, to: 4 });
  });

  it("the 70% alarm then the 85% alarm 30 s later: +1, then +1 more", () => {
    const [first, second] = sequence(twoReaders, [
      alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72),
      alarm("virtway-readers-cpu-high-85", "ALARM", 30, 90),
    ]);
    expect(first).toMatchObject({ from: 2, to: 3 });
    expect(second).toMatchObject({ outcome: "scale-out", from: 3, to: 4 });
  });

  it("the same state change delivered twice acts once", () => {
    const change = alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72);
    const [first, second] = sequence(twoReaders, [change, { ...change }]);
    expect(first).toMatchObject({ outcome: "scale-out", to: 3 });
    expect(second).toMatchObject({ outcome: "held", reason: "DuplicateStateChange", from: 3, to: 3 });
  });

  it("the 70% alarm again after a brief OK, while the reader provisions: nothing", () => {
    const decisions = sequence(twoReaders, [
      alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72),
      alarm("virtway-readers-cpu-high-70", "OK", 120, null),
      alarm("virtway-readers-cpu-high-70", "ALARM", 180, 71),
      // its cooldown (300 s) is over, the reader (480 s) is not: still nothing
      alarm("virtway-readers-cpu-high-70", "OK", 300, null),
      alarm("virtway-readers-cpu-high-70", "ALARM", 360, 74),
    ]);
    expect(decisions.map((d) => [d.outcome, d.reason])).toEqual([
      ["scale-out", "ScaleOut"],
      ["none", "AlarmStateRecorded"],
      ["held", "CooldownRepeat"],
      ["none", "AlarmStateRecorded"],
      ["held", "CapacityInFlight"],
    ]);
    expect(decisions.at(-1)!.state.capacity).toBe(3);
  });

  it("the low-CPU alarm after the cooldowns removes one reader: its ten datapoints are the stabilisation", () => {
    const settled: TargetState = { ...twoReaders, capacity: 4 };
    const [d] = sequence(settled, [alarm("virtway-readers-cpu-low", "ALARM", 0, 12)]);
    expect(d).toMatchObject({
      outcome: "scale-in",
      reason: "ScaleIn",
      policy: "readers-cpu-low-step",
      from: 4,
      to: 3,
    });
  });

  it("an OK is recorded as the alarm's state and does nothing else", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-cpu-high-70", "OK", 0, null)]);
    expect(d).toMatchObject({ outcome: "none", reason: "AlarmStateRecorded", to: 2 });
    expect(d!.state.alarms["virtway-readers-cpu-high-70"]).toEqual({
      state: "OK",
      since: at(0).toISOString(),
    });
  });

  it("a state change whose actions CloudWatch suppressed is recorded and does not act", () => {
    const signal = { ...alarm("virtway-readers-pressure", "ALARM", 0, null), actionsSuppressedBy: "Alarm" };
    const [d] = sequence(twoReaders, [signal]);
    expect(d).toMatchObject({ outcome: "none", reason: "ActionsSuppressed", to: 2 });
    expect(d!.state.alarms["virtway-readers-pressure"]).toMatchObject({ state: "ALARM", suppressed: true });
  });

  it("the composite alarm's single step applies without a value", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-pressure", "ALARM", 0, null)]);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "readers-pressure-step", to: 4 });
  });

  it("connections at 391 (80 and more over 280) take the +2 step", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-connections-high", "ALARM", 0, 391)]);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "readers-connections-step", to: 4 });
  });

  it("the 85% alarm doubles the ACU floor of the same cluster (PercentChangeInCapacity, at least 2)", () => {
    const floor = initialState("virtway-acu-floor", { min: 1, max: 16 }, 1);
    const [d] = sequence(floor, [alarm("virtway-readers-cpu-high-85", "ALARM", 0, 90)], acuFloor);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "acu-floor-on-cpu-85", from: 1, to: 3 });
    expect(d!.state.inFlight).toEqual([]);
  });

  it("finds every target an alarm drives", () => {
    expect(targetsAnswering(config, "virtway-readers-cpu-high-85").map((t) => t.id)).toEqual([
      "virtway-readers",
      "virtway-acu-floor",
    ]);
    expect(targetsAnswering(config, "nobody-listens")).toEqual([]);
  });
});
