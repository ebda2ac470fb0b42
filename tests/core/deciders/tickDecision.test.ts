import { describe, expect, it } from "vitest";
import type { BrainConfig, Target, TargetTrackingPolicy } from "../../../shared/core/config/schema.js";
import { decideOnTick, type TickInput } from "../../../shared/core/deciders/tickDecision.js";
import { VERTICAL_BUFFER } from "../../../shared/core/deciders/verticalBuffer.js";
import type { Observation, ReaderInstance } from "../../../shared/core/engine/observation.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";
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

const summary = (d: ReturnType<typeof decideOnTick>) => [
  d.decision.outcome,
  d.decision.reason,
  d.decision.from,
  d.decision.to,
  d.act,
  d.quiet ?? false,
];

describe("target tracking on the tick", () => {
  it.each([
    // [name, capacity, CPU datapoints, expected [outcome, reason, from, to, act, quiet]]
    ["60% on 2 readers, target 30: out to 4", 2, flat(60), ["scale-out", "ScaleOut", 2, 4, true, false]],
    [
      "31% for only 2 minutes: not yet",
      2,
      [...flat(20, 13), 31, 31],
      ["none", "WithinTarget", 2, 2, false, true],
    ],
    ["28% on 2 readers: within [27, 30]", 2, flat(28), ["none", "WithinTarget", 2, 2, false, true]],
    ["10% for 15 minutes on 4 readers: in to 2", 4, flat(10), ["scale-in", "ScaleIn", 4, 2, true, false]],
    ["20% on 2 readers: ceil(2 × 20/30) keeps 2", 2, flat(20), ["none", "WithinTarget", 2, 2, false, true]],
    ["no datapoint at all: nothing", 2, flat(null), ["none", "NoData", 2, 2, false, true]],
    [
      "the latest minute missing (a gap after it): nothing",
      2,
      [...flat(60, 14), null],
      ["none", "NoData", 2, 2, false, true],
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
    expect(summary(d)).toEqual(["scale-out", "ScaleOut", 3, 4, true, false]);
    // ceil(2 × 45/30) = 3: what is ordered already covers it.
    const held = tick({ state: s, metrics: { policies: { "readers-cpu-target-30": flat(45) }, alarms: {} } });
    expect(summary(held)).toEqual(["held", "CapacityInFlight", 3, 3, false, false]);
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
    expect(summary(tick({ state: cooling, metrics: low }))).toEqual([
      "held",
      "ScaleOutCooldown",
      4,
      2,
      false,
      false,
    ]);
    // Only 3 minutes of low datapoints before now: the window counts from them.
    const short = { policies: { "readers-cpu-target-30": [...flat(40, 12), 10, 10, 10] }, alarms: {} };
    expect(summary(tick({ state: state("virtway-readers", 4), metrics: short }))[1]).toBe("WithinTarget");
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
      ["scale-out", "ScaleOut", 4, 6, true, false],
    ],
    [
      "CPU over, requests over: the larger of ceil(4 × 85/70) = 5 and 6",
      85,
      1500,
      ["scale-out", "ScaleOut", 4, 6, true, false],
    ],
    [
      "CPU low, requests within: no scale-in until both agree",
      20,
      950,
      ["none", "WithinTarget", 4, 4, false, true],
    ],
    [
      "both low: in to the larger, ceil(4 × 30/70) = 2 and ceil(4 × 600/1000) = 3",
      30,
      600,
      ["scale-in", "ScaleIn", 4, 3, true, false],
    ],
  ] as const)("%s", (_, cpu, requests, expected) => {
    expect(summary(frontend(cpu, requests))).toEqual(expected);
  });

  it("a policy with DisableScaleIn has no vote on scale-in, within its target or not (as AWS)", () => {
    const cfg = structuredClone(config);
    const cpu = target("virtway-frontend", cfg).policies[0] as TargetTrackingPolicy;
    cpu.TargetTrackingScalingPolicyConfiguration.DisableScaleIn = true;
    // CPU 66 is within its band; requests 600 want 3: AWS scales in, the CPU policy being out of the vote.
    expect(summary(frontend(66, 600, 4, cfg))).toEqual(["scale-in", "ScaleIn", 4, 3, true, false]);
    // It still scales out.
    expect(summary(frontend(85, 600, 4, cfg))).toEqual(["scale-out", "ScaleOut", 4, 5, true, false]);
  });
});

describe("bounds", () => {
  it.each([
    ["asks beyond MaxCapacity 8: capped", 6, 60, ["scale-out", "ScaleOut", 6, 8, true, false]],
    [
      "at MaxCapacity: held, asking for ceil(8 × 60/30)",
      8,
      60,
      ["held", "AtMaxCapacity", 8, 16, false, false],
    ],
    ["asks under MinCapacity 1: held at the floor", 1, 5, ["none", "WithinTarget", 1, 1, false, true]],
  ] as const)("%s", (_, capacity, cpu, expected) => {
    const d = tick({
      state: state("virtway-readers", capacity),
      metrics: { policies: { "readers-cpu-target-30": flat(cpu) }, alarms: {} },
    });
    expect(summary(d)).toEqual(expected);
  });

  it("bounds that moved put capacity inside them at once, whatever the metrics (rule 7)", () => {
    const s = state("virtway-readers", 1, {
      bounds: { min: 3, max: 8, source: "readers-before-thursday-event", since: at(-60) },
    });
    const d = tick({ state: s, metrics: { policies: { "readers-cpu-target-30": flat(null) }, alarms: {} } });
    expect(summary(d)).toEqual(["scale-out", "BoundsMoved", 1, 3, true, false]);
    expect(d.decision.policy).toBe("bounds:readers-before-thursday-event");
  });

  it("never more than 15 Aurora replicas, whatever MaxCapacity says", () => {
    const cfg = structuredClone(config);
    const readers = target("virtway-readers", cfg);
    readers.MaxCapacity = 40;
    const s = state("virtway-readers", 10, { bounds: { min: 1, max: 40, source: "config", since: null } });
    const d = tick({
      config: cfg,
      target: readers,
      state: s,
      metrics: { policies: { "readers-cpu-target-30": flat(90) }, alarms: {} },
    });
    expect(summary(d)).toEqual(["scale-out", "ScaleOut", 10, 15, true, false]);
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
    ["the same step again: nothing new (rule 3)", 330, ["held", "CooldownRepeat", 3, 3, false, false]],
    [
      "climbed into the +2 step: one more, counted from 2 (rule 3)",
      390,
      ["scale-out", "ScaleOut", 3, 4, true, false],
    ],
    ["no datapoint: nothing", null, ["none", "NoData", 3, 3, false, true]],
    [
      "back under the threshold, OK not delivered yet: no step",
      250,
      ["none", "NoStepForValue", 3, 3, false, true],
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
    expect([d.changed, d.quiet, d.decision.outcome]).toEqual([true, true, "none"]);
  });

  it("a reader still creating stays in flight: nothing changes, nothing is written", () => {
    const d = tick({
      state: inFlight,
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("r-new", "creating")),
    });
    expect([d.changed, d.quiet]).toEqual([false, true]);
  });

  it("a reader deleted by hand: drift recorded and adopted, never fought", () => {
    const d = tick({
      state: state("virtway-readers", 3),
      observation: readersSeen(reader("r-1"), reader("r-2"), reader("r-3", "deleting")),
      metrics: { policies: { "readers-cpu-target-30": flat(60) }, alarms: {} },
    });
    expect(summary(d)).toEqual(["none", "CapacityDrift", 3, 2, false, false]);
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
    expect(summary(d)).toEqual(["none", "CapacityDrift", 4, 7, false, false]);
    expect(d.next.capacity).toBe(7);
  });

  it("no drift while a reservation is live (its call may not show yet), nor on a stale observation", () => {
    const reserved = state("virtway-readers", 3, {
      reservations: [{ decisionId: "d-2", layer: "x", from: 2, to: 3, at: at(-1), expiresAt: at(899) }],
    });
    const live = tick({ state: reserved, observation: readersSeen(reader("r-1"), reader("r-2")) });
    expect([live.decision.outcome, live.next.capacity]).toEqual(["none", 3]);
    const stale = tick({ state: state("virtway-readers", 3), observation: null });
    expect([stale.decision.outcome, stale.next.capacity]).toEqual(["none", 3]);
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
    expect(summary(applied)).toEqual(["none", "ReservationExpired", 3, 3, false, false]);
    const lost = tick({
      state: state("virtway-readers", 3),
      observation: readersSeen(reader("r-1"), reader("r-2")),
      expiredReservations: [expired],
    });
    expect(summary(lost)).toEqual(["none", "CapacityDrift", 3, 2, false, false]);
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
    expect([d.decision.outcome, d.quiet, d.changed]).toEqual(["none", true, true]);
  });
});

describe("records: a held-back decision is recorded once", () => {
  const s = state("virtway-readers", 3, {
    inFlight: [{ decisionId: "d-0", delta: 1, requestedAt: at(-120), expectedReadyAt: at(360) }],
  });
  const metrics = { policies: { "readers-cpu-target-30": flat(45) }, alarms: {} };

  it("the first time recorded and remembered, then quiet while identical, then recorded again when it changes", () => {
    const first = tick({ state: s, metrics });
    expect([first.decision.reason, first.quiet, first.changed]).toEqual(["CapacityInFlight", false, true]);
    expect(first.next.lastHeld).toEqual({
      reason: "CapacityInFlight",
      policy: "readers-cpu-target-30",
      from: 3,
      to: 3,
      at: NOW.toISOString(),
    });
    const again = tick({ state: first.next, metrics });
    expect([again.decision.reason, again.quiet, again.changed]).toEqual(["CapacityInFlight", true, false]);
    const other = tick({
      state: first.next,
      metrics: { policies: { "readers-cpu-target-30": flat(60) }, alarms: {} },
    });
    expect([other.decision.reason, other.quiet]).toEqual(["ScaleOut", false]);
    expect(other.next.lastHeld).toBeUndefined();
    const calm = tick({
      state: first.next,
      metrics: { policies: { "readers-cpu-target-30": flat(28) }, alarms: {} },
    });
    expect([calm.decision.reason, calm.quiet, calm.changed, calm.next.lastHeld]).toEqual([
      "WithinTarget",
      true,
      true,
      undefined,
    ]);
  });
});

describe("the vertical buffer of the ACU floor", () => {
  it("readers in flight: the floor goes to MaxCapacity, remembering where it was", () => {
    const d = tick({ state: state("virtway-acu-floor", 2), readersInFlight: 2 });
    expect(summary(d)).toEqual(["scale-out", "ScaleOut", 2, 16, true, false]);
    expect(d.decision.policy).toBe(VERTICAL_BUFFER);
    expect(d.next.cooldowns).toEqual([
      { layer: VERTICAL_BUFFER, direction: "out", startedAt: at(0), endsAt: at(0), baseline: 2, desired: 16 },
    ]);
  });

  it("at MaxCapacity while readers are still in flight: nothing to do, and no scale-in", () => {
    const raised = state("virtway-acu-floor", 16, {
      cooldowns: [
        {
          layer: VERTICAL_BUFFER,
          direction: "out",
          startedAt: at(-60),
          endsAt: at(-60),
          baseline: 2,
          desired: 16,
        },
      ],
    });
    const d = tick({ state: raised, readersInFlight: 1 });
    expect(summary(d)).toEqual(["none", "NoChange", 16, 16, false, true]);
  });

  it("readers available: back to where it was, after the stabilisation window", () => {
    const raised = state("virtway-acu-floor", 16, {
      cooldowns: [
        {
          layer: VERTICAL_BUFFER,
          direction: "out",
          startedAt: at(-480),
          endsAt: at(-480),
          baseline: 2,
          desired: 16,
        },
      ],
    });
    const first = tick({ state: raised });
    expect(summary(first)).toEqual(["held", "ScaleInStabilizing", 16, 2, false, false]);
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
    expect(summary(later)).toEqual(["scale-in", "ScaleIn", 16, 2, true, false]);
  });
});
