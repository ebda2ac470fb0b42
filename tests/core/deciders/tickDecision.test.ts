import { describe, expect, it } from "vitest";
import type { BrainConfig, Target, TargetTrackingPolicy } from "../../../shared/core/config/schema.js";
import { decideOnTick, type TickInput } from "../../../shared/core/deciders/tickDecision.js";
import type { Observation, ReaderInstance } from "../../../shared/core/engine/observation.js";
import { initialState, type TargetState, VERTICAL_BUFFER } from "../../../shared/core/engine/targetState.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
const NOW = new Date("2026-11-23T19:10:00.000Z");
const at = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
const target = (id: string, cfg: BrainConfig = config): Target => cfg.targets.find((t) => t.id === id)!;

/** n one-minute datapoints, all `value`. */
const flat = (value: number | null, n = 15) => Array.from({ length: n }, () => value);

function state(id: string, capacity: number, overrides: Partial<TargetState> = {}): TargetState {
  const t = target(id);
  return {
    ...initialState(id, { min: t.MinCapacity, max: t.MaxCapacity }, capacity),
    version: 3,
    ...overrides,
  };
}

const reader = (id: string, status = "available", managed = false): ReaderInstance => ({
  id,
  status,
  isWriter: false,
  managed,
  createdAt: status === "creating" ? null : "2026-01-01T00:00:00.000Z",
});

function readersSeen(...readers: ReaderInstance[]): Observation {
  const live = readers.filter((r) => r.status !== "deleting");
  return {
    kind: "aurora-readers",
    capacity: live.length,
    available: live.filter((r) => r.status === "available").length,
    readers,
  };
}

function tick(overrides: Partial<TickInput> & { state: TargetState }): ReturnType<typeof decideOnTick> {
  const t = overrides.target ?? target(overrides.state.target, overrides.config ?? config);
  return decideOnTick({
    config,
    target: t,
    now: NOW,
    decisionId: "tick-1",
    observation: null,
    expiredReservations: [],
    metrics: { policies: {}, alarms: {} },
    readersInFlight: 0,
    ...overrides,
  });
}

/** The decision's outcome, reason and capacities, whether the tick acts on it, and whether it is quiet (not recorded). */
const summary = (d: ReturnType<typeof decideOnTick>) => ({
  outcome: d.decision.outcome,
  reason: d.decision.reason,
  from: d.decision.from,
  to: d.decision.to,
  act: d.act,
  quiet: d.quiet ?? false,
});

describe("target tracking on the tick", () => {
  it.each([
    // [name, capacity, CPU datapoints, expected summary]
    [
      "60% on 2 readers, target 30: out to 4",
      2,
      flat(60),
      { outcome: "scale-out", reason: "ScaleOut", from: 2, to: 4, act: true, quiet: false },
    ],
    [
      "31% for only 2 minutes: not yet",
      2,
      [...flat(20, 13), 31, 31],
      { outcome: "none", reason: "WithinTarget", from: 2, to: 2, act: false, quiet: true },
    ],
    [
      "28% on 2 readers: within [27, 30]",
      2,
      flat(28),
      { outcome: "none", reason: "WithinTarget", from: 2, to: 2, act: false, quiet: true },
    ],
    [
      "10% for 15 minutes on 4 readers: in to 2",
      4,
      flat(10),
      { outcome: "scale-in", reason: "ScaleIn", from: 4, to: 2, act: true, quiet: false },
    ],
    [
      "20% on 2 readers: ceil(2 × 20/30) keeps 2",
      2,
      flat(20),
      { outcome: "none", reason: "WithinTarget", from: 2, to: 2, act: false, quiet: true },
    ],
    [
      "no datapoint at all: nothing",
      2,
      flat(null),
      { outcome: "none", reason: "NoData", from: 2, to: 2, act: false, quiet: true },
    ],
    [
      "the latest minute missing (a gap after it): nothing",
      2,
      [...flat(60, 14), null],
      { outcome: "none", reason: "NoData", from: 2, to: 2, act: false, quiet: true },
    ],
  ] as const)("%s", (_, capacity, datapoints, expected) => {
    const d = tick({
      state: state("virtway-readers", capacity),
      metrics: { policies: { "readers-cpu-target-30": datapoints }, alarms: {} },
    });
    expect(summary(d)).toEqual(expected);
  });

  it("counts from the readers in service: one in flight is not a reader that serves", () => {
    const s = state("virtway-readers", 3, {
      inFlight: [{ decisionId: "d-0", delta: 1, requestedAt: at(-120), expectedReadyAt: at(360) }],
    });
    // ceil(2 × 60/30) = 4: one more than the 3 already ordered.
    const d = tick({ state: s, metrics: { policies: { "readers-cpu-target-30": flat(60) }, alarms: {} } });
    expect(summary(d)).toEqual({
      outcome: "scale-out",
      reason: "ScaleOut",
      from: 3,
      to: 4,
      act: true,
      quiet: false,
    });
    // ceil(2 × 45/30) = 3: what is ordered already covers it.
    const held = tick({ state: s, metrics: { policies: { "readers-cpu-target-30": flat(45) }, alarms: {} } });
    expect(summary(held)).toEqual({
      outcome: "held",
      reason: "CapacityInFlight",
      from: 3,
      to: 3,
      act: false,
      quiet: false,
    });
  });

  it("scale-in waits out cooldowns, capacity in flight and the stabilisation window (rule 4)", () => {
    const low = { policies: { "readers-cpu-target-30": flat(10) }, alarms: {} };
    const cooling = state("virtway-readers", 4, {
      cooldowns: [
        {
          layer: "readers-cpu-step-70",
          direction: "out",
          startedAt: at(-60),
          endsAt: at(240),
          baseline: 3,
          desired: 4,
        },
      ],
    });
    expect(summary(tick({ state: cooling, metrics: low }))).toEqual({
      outcome: "held",
      reason: "ScaleOutCooldown",
      from: 4,
      to: 2,
      act: false,
      quiet: false,
    });
    // Only 3 minutes of low datapoints before now: the window counts from them.
    const short = { policies: { "readers-cpu-target-30": [...flat(40, 12), 10, 10, 10] }, alarms: {} };
    expect(summary(tick({ state: state("virtway-readers", 4), metrics: short })).reason).toBe("WithinTarget");
  });
});

describe("several target-tracking policies on one target", () => {
  const frontend = (cpu: number, requests: number, capacity = 4, cfg = config) =>
    tick({
      config: cfg,
      target: target("virtway-frontend", cfg),
      state: state("virtway-frontend", capacity),
      metrics: {
        policies: { "frontend-cpu-target-70": flat(cpu), "frontend-requests-target-1000": flat(requests) },
        alarms: {},
      },
    });

  it.each([
    [
      "CPU within, requests over: out, the larger wins",
      66,
      1500,
      { outcome: "scale-out", reason: "ScaleOut", from: 4, to: 6, act: true, quiet: false },
    ],
    [
      "CPU over, requests over: the larger of ceil(4 × 85/70) = 5 and 6",
      85,
      1500,
      { outcome: "scale-out", reason: "ScaleOut", from: 4, to: 6, act: true, quiet: false },
    ],
    [
      "CPU low, requests within: no scale-in until both agree",
      20,
      950,
      { outcome: "none", reason: "WithinTarget", from: 4, to: 4, act: false, quiet: true },
    ],
    [
      "both low: in to the larger, ceil(4 × 30/70) = 2 and ceil(4 × 600/1000) = 3",
      30,
      600,
      { outcome: "scale-in", reason: "ScaleIn", from: 4, to: 3, act: true, quiet: false },
    ],
  ] as const)("%s", (_, cpu, requests, expected) => {
    expect(summary(frontend(cpu, requests))).toEqual(expected);
  });

  it("a policy with DisableScaleIn has no vote on scale-in, within its target or not (as AWS)", () => {
    const cfg = structuredClone(config);
    const cpu = target("virtway-frontend", cfg).policies[0] as TargetTrackingPolicy;
    cpu.TargetTrackingScalingPolicyConfiguration.DisableScaleIn = true;
    // CPU 66 is within its band; requests 600 want 3: AWS scales in, the CPU policy being out of the vote.
    expect(summary(frontend(66, 600, 4, cfg))).toEqual({
      outcome: "scale-in",
      reason: "ScaleIn",
      from: 4,
      to: 3,
      act: true,
      quiet: false,
    });
    // It still scales out.
    expect(summary(frontend(85, 600, 4, cfg))).toEqual({
      outcome: "scale-out",
      reason: "ScaleOut",
      from: 4,
      to: 5,
      act: true,
      quiet: false,
    });
  });
});

describe("bounds", () => {
  it.each([
    [
      "asks beyond MaxCapacity 8: capped",
      6,
      60,
      { outcome: "scale-out", reason: "ScaleOut", from: 6, to: 8, act: true, quiet: false },
    ],
    [
      "at MaxCapacity: held, asking for ceil(8 × 60/30)",
      8,
      60,
      { outcome: "held", reason: "AtMaxCapacity", from: 8, to: 16, act: false, quiet: false },
    ],
    [
      "asks under MinCapacity 1: held at the floor",
      1,
      5,
      { outcome: "none", reason: "WithinTarget", from: 1, to: 1, act: false, quiet: true },
    ],
  ] as const)("%s", (_, capacity, cpu, expected) => {
    const d = tick({
      state: state("virtway-readers", capacity),
      metrics: { policies: { "readers-cpu-target-30": flat(cpu) }, alarms: {} },
    });
    expect(summary(d)).toEqual(expected);
  });

  it("bounds that moved put capacity inside them at once, whatever the metrics (rule 7)", () => {
    // Thursday 26 November, 19:00 in Madrid: readers-before-thursday-event's bounds are in force.
    const thursday = new Date("2026-11-26T18:00:00Z");
    const s = state("virtway-readers", 1, {
      bounds: { min: 3, max: 8, source: "readers-before-thursday-event", since: "2026-11-26T17:30:00.000Z" },
    });
    const d = tick({
      now: thursday,
      state: s,
      metrics: { policies: { "readers-cpu-target-30": flat(null) }, alarms: {} },
    });
    expect(summary(d)).toEqual({
      outcome: "scale-out",
      reason: "BoundsMoved",
      from: 1,
      to: 3,
      act: true,
      quiet: false,
    });
    expect(d.decision.policy).toBe("bounds:readers-before-thursday-event");
  });

  it("never more than 15 Aurora replicas, whatever MaxCapacity says", () => {
    const cfg = structuredClone(config);
    const readers = target("virtway-readers", cfg);
    readers.MaxCapacity = 40;
    readers.schedules = [];
    const s = state("virtway-readers", 10, { bounds: { min: 1, max: 40, source: "config", since: null } });
    const d = tick({
      config: cfg,
      target: readers,
      state: s,
      metrics: { policies: { "readers-cpu-target-30": flat(90) }, alarms: {} },
    });
    expect(summary(d)).toEqual({
      outcome: "scale-out",
      reason: "ScaleOut",
      from: 10,
      to: 15,
      act: true,
      quiet: false,
    });
  });
});

describe("step policies whose alarm stays in ALARM", () => {
  // The connections alarm fired at 320 (+1, 2 → 3) 60 s ago; its step cooldown runs 300 s.
  const afterFirst = state("virtway-readers", 3, {
    inFlight: [{ decisionId: "d-1", delta: 1, requestedAt: at(-60), expectedReadyAt: at(420) }],
    cooldowns: [
      {
        layer: "readers-connections-step",
        direction: "out",
        startedAt: at(-60),
        endsAt: at(240),
        baseline: 2,
        desired: 3,
      },
    ],
    alarms: { "virtway-readers-connections-high": { state: "ALARM", since: at(-61), value: 320 } },
  });
  const connections = (value: number | null) => ({
    policies: {},
    alarms: { "virtway-readers-connections-high": value },
  });

  it.each([
    [
      "the same step again: nothing new (rule 3)",
      330,
      { outcome: "held", reason: "CooldownRepeat", from: 3, to: 3, act: false, quiet: false },
    ],
    [
      "climbed into the +2 step: one more, counted from 2 (rule 3)",
      390,
      { outcome: "scale-out", reason: "ScaleOut", from: 3, to: 4, act: true, quiet: false },
    ],
    [
      "no datapoint: nothing",
      null,
      { outcome: "none", reason: "NoData", from: 3, to: 3, act: false, quiet: true },
    ],
    [
      "back under the threshold, OK not delivered yet: no step",
      250,
      { outcome: "none", reason: "NoStepForValue", from: 3, to: 3, act: false, quiet: true },
    ],
  ] as const)("%s", (_, value, expected) => {
    const d = tick({ state: afterFirst, metrics: connections(value) });
    expect(summary(d)).toEqual(expected);
  });

  it("says which alarm and step repeated", () => {
    const d = tick({ state: afterFirst, metrics: connections(390) });
    expect(d.decision.policy).toBe("readers-connections-step");
    expect(d.decision.message).toMatch(
      /^virtway-readers-connections-high still in ALARM: DatabaseConnections 390 > 280/,
    );
  });

  it("a suppressed alarm, or one back to OK, is not run again", () => {
    for (const memory of [
      { state: "ALARM" as const, since: at(-61), suppressed: true },
      { state: "OK" as const, since: at(-10) },
    ]) {
      const d = tick({
        state: { ...afterFirst, alarms: { "virtway-readers-connections-high": memory } },
        metrics: connections(390),
      });
      expect(d.decision.outcome).toBe("none");
    }
  });
});

describe("capacity in flight, drift and expired reservations", () => {
  /** AWS shows 2 readers where the brain believed 3: recorded and adopted, nothing done. */
  const ADOPTED_3_TO_2 = {
    outcome: "none",
    reason: "CapacityDrift",
    from: 3,
    to: 2,
    act: false,
    quiet: false,
  };
  const inFlight = state("virtway-readers", 3, {
    inFlight: [
      { decisionId: "d-1", delta: 1, requestedAt: at(-480), expectedReadyAt: at(0), resources: ["r-new"] },
    ],
  });

  it("a reader that is available releases the in-flight count: written, not recorded", () => {
    const d = tick({
      state: inFlight,
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("r-new")),
    });
    expect(d.next.inFlight).toEqual([]);
    expect(d.next.capacity).toBe(3);
    expect(d).toMatchObject({ changed: true, quiet: true, decision: { outcome: "none" } });
  });

  it("a reader still creating stays in flight: nothing changes, nothing is written", () => {
    const d = tick({
      state: inFlight,
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("r-new", "creating")),
    });
    expect(d).toMatchObject({ changed: false, quiet: true });
  });

  it("a reader deleted by hand: drift recorded and adopted, never fought", () => {
    const d = tick({
      state: state("virtway-readers", 3),
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("r-3", "deleting")),
      metrics: { policies: { "readers-cpu-target-30": flat(60) }, alarms: {} },
    });
    expect(summary(d)).toEqual(ADOPTED_3_TO_2);
    expect(d.decision.message).toBe("AWS shows 2 readers, the brain believed 3: adopted, not fought");
    expect(d.next.capacity).toBe(2);
    // The metrics wait for the next minute, which decides on what AWS shows.
    expect(d.changed).toBe(true);
  });

  it("a reader added by hand and still creating counts as in flight once adopted", () => {
    const d = tick({
      state: state("virtway-readers", 2),
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("by-hand", "creating")),
    });
    expect(d.decision.reason).toBe("CapacityDrift");
    expect(d.next.capacity).toBe(3);
    expect(d.next.inFlight).toEqual([
      {
        decisionId: `drift@${NOW.toISOString()}`,
        delta: 1,
        requestedAt: NOW.toISOString(),
        expectedReadyAt: at(480),
        resources: ["by-hand"],
      },
    ]);
  });

  it("a group resized by hand: adopted", () => {
    const d = tick({
      state: state("virtway-frontend", 4),
      observation: { kind: "asg", capacity: 7, minSize: 0, maxSize: 20, inService: 7 },
    });
    expect(summary(d)).toEqual({
      outcome: "none",
      reason: "CapacityDrift",
      from: 4,
      to: 7,
      act: false,
      quiet: false,
    });
    expect(d.next.capacity).toBe(7);
  });

  it("no drift while a reservation is live (its call may not show yet), nor on a stale observation", () => {
    const reserved = state("virtway-readers", 3, {
      reservations: [{ decisionId: "d-2", layer: "x", from: 2, to: 3, at: at(-1), expiresAt: at(899) }],
    });
    const live = tick({ state: reserved, observation: readersSeen(reader("r-1"), reader("r-2")) });
    expect(live).toMatchObject({ decision: { outcome: "none" }, next: { capacity: 3 } });
    const stale = tick({ state: state("virtway-readers", 3), observation: null });
    expect(stale).toMatchObject({ decision: { outcome: "none" }, next: { capacity: 3 } });
  });

  it("an expired reservation is reconciled with what AWS shows", () => {
    const expired = {
      decisionId: "d-9",
      layer: "readers-cpu-step-70",
      from: 2,
      to: 3,
      at: at(-1000),
      expiresAt: at(-100),
    };
    const applied = tick({
      state: state("virtway-readers", 3),
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("r-3")),
      expiredReservations: [expired],
    });
    expect(summary(applied)).toEqual({
      outcome: "none",
      reason: "ReservationExpired",
      from: 3,
      to: 3,
      act: false,
      quiet: false,
    });
    const lost = tick({
      state: state("virtway-readers", 3),
      observation: readersSeen(reader("r-1"), reader("r-2")),
      expiredReservations: [expired],
    });
    expect(summary(lost)).toEqual(ADOPTED_3_TO_2);
    expect(lost.decision.message).toMatch(
      /^decision d-9 \(2 → 3\) died before recording its outcome; AWS shows 2/,
    );
  });

  it("a state an operator created before any event adopts AWS's capacity silently", () => {
    const d = tick({
      state: state("virtway-readers", 1, { unobserved: true }),
      observation: readersSeen(reader("r-1"), reader("r-2")),
    });
    expect(d.next.capacity).toBe(2);
    expect(d.next.unobserved).toBeUndefined();
    expect(d).toMatchObject({ decision: { outcome: "none" }, quiet: true, changed: true });
  });
});

describe("records: a held-back decision is recorded once", () => {
  const s = state("virtway-readers", 3, {
    inFlight: [{ decisionId: "d-0", delta: 1, requestedAt: at(-120), expectedReadyAt: at(360) }],
  });
  const metrics = { policies: { "readers-cpu-target-30": flat(45) }, alarms: {} };

  it("the first time recorded and remembered, then quiet while identical, then recorded again when it changes", () => {
    const first = tick({ state: s, metrics });
    expect(first).toMatchObject({ decision: { reason: "CapacityInFlight" }, quiet: false, changed: true });
    expect(first.next.lastHeld).toEqual({
      reason: "CapacityInFlight",
      policy: "readers-cpu-target-30",
      from: 3,
      to: 3,
      at: NOW.toISOString(),
    });
    const again = tick({ state: first.next, metrics });
    expect(again).toMatchObject({ decision: { reason: "CapacityInFlight" }, quiet: true, changed: false });
    const other = tick({
      state: first.next,
      metrics: { policies: { "readers-cpu-target-30": flat(60) }, alarms: {} },
    });
    expect(other).toMatchObject({ decision: { reason: "ScaleOut" }, quiet: false });
    expect(other.next.lastHeld).toBeUndefined();
    const calm = tick({
      state: first.next,
      metrics: { policies: { "readers-cpu-target-30": flat(28) }, alarms: {} },
    });
    expect(calm).toMatchObject({ decision: { reason: "WithinTarget" }, quiet: true, changed: true });
    expect(calm.next.lastHeld).toBeUndefined();
  });
});

describe("the vertical buffer of the ACU floor", () => {
  it("readers in flight: the floor goes to MaxCapacity, remembering where it was", () => {
    const d = tick({ state: state("virtway-acu-floor", 2), readersInFlight: 2 });
    expect(summary(d)).toEqual({
      outcome: "scale-out",
      reason: "ScaleOut",
      from: 2,
      to: 16,
      act: true,
      quiet: false,
    });
    expect(d.decision.policy).toBe(VERTICAL_BUFFER);
    expect(d.next.cooldowns).toEqual([]);
    expect(d.next.floorBeforeBuffer).toEqual({ capacity: 2, raisedTo: 16, raisedAt: at(0) });
  });

  it("at MaxCapacity while readers are still in flight: nothing to do, and no scale-in", () => {
    const raised = state("virtway-acu-floor", 16, {
      floorBeforeBuffer: { capacity: 2, raisedTo: 16, raisedAt: at(-60) },
    });
    const d = tick({ state: raised, readersInFlight: 1 });
    expect(summary(d)).toEqual({
      outcome: "none",
      reason: "NoChange",
      from: 16,
      to: 16,
      act: false,
      quiet: true,
    });
  });

  it("readers available: back to where it was, after the stabilisation window", () => {
    const raised = state("virtway-acu-floor", 16, {
      floorBeforeBuffer: { capacity: 2, raisedTo: 16, raisedAt: at(-480) },
    });
    const first = tick({ state: raised });
    expect(summary(first)).toEqual({
      outcome: "held",
      reason: "ScaleInStabilizing",
      from: 16,
      to: 2,
      act: false,
      quiet: false,
    });
    expect(first.next.scaleIn).toEqual({ since: at(0), desired: 2 });
    const later = decideOnTick({
      config,
      target: target("virtway-acu-floor"),
      state: first.next,
      now: new Date(NOW.getTime() + 300_000),
      decisionId: "tick-6",
      observation: null,
      expiredReservations: [],
      metrics: { policies: {}, alarms: {} },
      readersInFlight: 0,
    });
    expect(summary(later)).toEqual({
      outcome: "scale-in",
      reason: "ScaleIn",
      from: 16,
      to: 2,
      act: true,
      quiet: false,
    });
  });
});
