import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CoordinationInput,
  coordinate,
  stepBaseline,
} from "../../../shared/core/coordination/coordinate.js";
import type { Proposal } from "../../../shared/core/engine/decision.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";

const NOW = new Date("2026-11-23T19:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

function state(overrides: Partial<TargetState> = {}): TargetState {
  return { ...initialState("virtway-readers", { min: 1, max: 8 }, 2), ...overrides };
}

function proposal(
  layer: string,
  desired: number,
  cooldownSeconds = 300,
  kind: Proposal["kind"] = "step",
  // The low-CPU step scales in; every other layer here scales out unless told.
  direction: Proposal["direction"] = layer.includes("low") ? "in" : "out",
): Proposal {
  return {
    layer,
    kind,
    direction,
    desired,
    reason: kind === "step" ? "StepAdjustment" : "TargetTrackingScaleOut",
    message: `${layer} wants ${desired}`,
    cooldownSeconds,
  };
}

function input(overrides: Partial<CoordinationInput> = {}): CoordinationInput {
  return {
    decisionId: "d-1",
    now: NOW,
    state: state(),
    proposals: [],
    hardMax: 15,
    provisioningSeconds: 480,
    scaleInStabilizationSeconds: 300,
    fullView: false,
    ...overrides,
  };
}

/** Readers: 2 in service, the 70% step added one at -30 s (in flight), its cooldown runs 300 s. */
const afterFirstStep = state({
  capacity: 3,
  inFlight: [{ decisionId: "d-0", delta: 1, requestedAt: at(-30), expectedReadyAt: at(450) }],
  cooldowns: [
    {
      layer: "readers-cpu-step-70",
      direction: "out",
      startedAt: at(-30),
      endsAt: at(270),
      baseline: 2,
      desired: 3,
    },
  ],
});

const cases: {
  name: string;
  input: Partial<CoordinationInput>;
  outcome: string;
  reason: string;
  to: number;
  policy?: string | null;
  blockedBy?: string | null;
}[] = [
  {
    name: "rule 1: simultaneous scale-outs do not add up, the larger wins",
    input: {
      proposals: [
        proposal("readers-cpu-step-70", 3),
        proposal("readers-cpu-step-85", 4),
        proposal("readers-cpu-target-30", 3, 30, "target-tracking"),
      ],
    },
    outcome: "scale-out",
    reason: "ScaleOut",
    to: 4,
    policy: "readers-cpu-step-85",
  },
  {
    name: "rule 2: capacity still provisioning counts, the same ask again is nothing",
    input: { state: { ...afterFirstStep, cooldowns: [] }, proposals: [proposal("readers-cpu-step-70", 3)] },
    outcome: "held",
    reason: "CapacityInFlight",
    to: 3,
    blockedBy: "in-flight",
  },
  {
    name: "rule 2: a scale-out counted from the capacity in service asks for less than is ordered: in flight, never a scale-in",
    input: {
      state: {
        ...afterFirstStep,
        cooldowns: [],
        capacity: 4,
        inFlight: [{ ...afterFirstStep.inFlight[0]!, delta: 2 }],
      },
      proposals: [proposal("readers-connections-step", 3)],
    },
    outcome: "held",
    reason: "CapacityInFlight",
    to: 3,
  },
  {
    name: "rule 3: repetition during the cooldown is held back",
    input: { state: afterFirstStep, proposals: [proposal("readers-cpu-step-70", 3)] },
    outcome: "held",
    reason: "CooldownRepeat",
    to: 3,
    blockedBy: "readers-cpu-step-70",
  },
  {
    name: "rule 3: escalation during the cooldown adds only the difference",
    input: { state: afterFirstStep, proposals: [proposal("readers-cpu-step-85", 4)] },
    outcome: "scale-out",
    reason: "ScaleOut",
    to: 4,
    policy: "readers-cpu-step-85",
  },
  {
    name: "rule 4: no scale-in while a scale-out cooldown runs",
    input: {
      state: state({
        capacity: 4,
        cooldowns: [
          {
            layer: "readers-cpu-target-30",
            direction: "out",
            startedAt: at(-10),
            endsAt: at(20),
            baseline: 3,
            desired: 4,
          },
        ],
      }),
      proposals: [proposal("readers-cpu-low-step", 3, 600)],
    },
    outcome: "held",
    reason: "ScaleOutCooldown",
    to: 3,
    blockedBy: "readers-cpu-target-30",
  },
  {
    name: "rule 4: no scale-in while capacity is in flight",
    input: {
      state: { ...afterFirstStep, cooldowns: [] },
      proposals: [proposal("readers-cpu-low-step", 2, 600)],
    },
    outcome: "held",
    reason: "CapacityInFlight",
    to: 2,
    blockedBy: "in-flight",
  },
  {
    name: "rule 4: one scale-in per scale-in cooldown",
    input: {
      state: state({
        capacity: 4,
        cooldowns: [
          {
            layer: "readers-cpu-low-step",
            direction: "in",
            startedAt: at(-60),
            endsAt: at(540),
            baseline: 5,
            desired: 4,
          },
        ],
      }),
      proposals: [proposal("readers-cpu-low-step", 3, 600)],
    },
    outcome: "held",
    reason: "ScaleInCooldown",
    to: 3,
    blockedBy: "readers-cpu-low-step",
  },
  {
    name: "rule 4: a first scale-in recommendation starts the stabilisation window",
    input: { state: state({ capacity: 4 }), proposals: [proposal("readers-cpu-low-step", 3, 600)] },
    outcome: "held",
    reason: "ScaleInStabilizing",
    to: 3,
    blockedBy: "stabilization",
  },
  {
    name: "rule 4: after the window, scale in to the highest recommendation seen in it",
    input: {
      state: state({ capacity: 5, scaleIn: { since: at(-300), desired: 4 } }),
      proposals: [proposal("readers-cpu-target-30", 2, 120, "target-tracking", "in")],
    },
    outcome: "scale-in",
    reason: "ScaleIn",
    to: 4,
    policy: "readers-cpu-target-30",
  },
  {
    name: "rule 4: evidence older than the window (an alarm's datapoints) counts towards it",
    input: {
      state: state({ capacity: 4 }),
      proposals: [{ ...proposal("readers-cpu-low-step", 3, 600), since: at(-600) }],
    },
    outcome: "scale-in",
    reason: "ScaleIn",
    to: 3,
  },
  {
    name: "rule 4: evidence shorter than the window does not",
    input: {
      state: state({ capacity: 4 }),
      proposals: [{ ...proposal("readers-cpu-low-step", 3, 600), since: at(-120) }],
    },
    outcome: "held",
    reason: "ScaleInStabilizing",
    to: 3,
  },
  {
    name: "rule 4: a scale-out beats a scale-in asked at the same time",
    input: {
      state: state({ capacity: 4, scaleIn: { since: at(-900), desired: 3 } }),
      proposals: [proposal("readers-cpu-low-step", 3, 600), proposal("readers-latency-step", 5)],
    },
    outcome: "scale-out",
    reason: "ScaleOut",
    to: 5,
  },
  {
    name: "rule 5: a raised floor puts capacity inside at once, even during a cooldown",
    input: {
      state: {
        ...afterFirstStep,
        bounds: { min: 5, max: 8, source: "readers-before-thursday-event", since: at(0) },
      },
    },
    outcome: "scale-out",
    reason: "BoundsMoved",
    to: 5,
    policy: "bounds:readers-before-thursday-event",
  },
  {
    name: "rule 5: a floor beats every scale-in",
    input: {
      state: state({
        capacity: 3,
        bounds: { min: 3, max: 8, source: "readers-before-thursday-event", since: at(-600) },
        scaleIn: { since: at(-900), desired: 1 },
      }),
      proposals: [proposal("readers-cpu-low-step", 2, 600)],
    },
    outcome: "held",
    reason: "AtMinCapacity",
    to: 2,
    blockedBy: "bounds",
  },
  {
    name: "rule 7: a lowered ceiling puts capacity inside at once",
    input: { state: state({ capacity: 6, bounds: { min: 1, max: 4, source: "after-event", since: at(0) } }) },
    outcome: "scale-in",
    reason: "BoundsMoved",
    to: 4,
  },
  {
    name: "rule 7: a scale-out is capped at MaxCapacity",
    input: { state: state({ capacity: 7 }), proposals: [proposal("readers-cpu-step-85", 9)] },
    outcome: "scale-out",
    reason: "ScaleOut",
    to: 8,
  },
  {
    name: "rule 7: at MaxCapacity a scale-out is held",
    input: { state: state({ capacity: 8 }), proposals: [proposal("readers-cpu-step-85", 10)] },
    outcome: "held",
    reason: "AtMaxCapacity",
    to: 10,
    blockedBy: "bounds",
  },
  {
    name: "rule 7: never more than 15 Aurora replicas, whatever the bounds say",
    input: {
      state: state({ capacity: 15, bounds: { min: 1, max: 20, source: "config", since: null } }),
      proposals: [proposal("readers-cpu-step-85", 17)],
    },
    outcome: "held",
    reason: "AtMaxCapacity",
    to: 17,
  },
  {
    name: "rule 8: a paused target records what it would have done",
    input: { state: state({ paused: true }), proposals: [proposal("readers-cpu-step-85", 4)] },
    outcome: "held",
    reason: "Paused",
    to: 4,
    blockedBy: "pause",
  },
  {
    name: "nothing proposed, nothing decided",
    input: {},
    outcome: "none",
    reason: "NoChange",
    to: 2,
    policy: null,
  },
];

describe("coordinate: the rules of docs/rules.md", () => {
  it.each(cases)("$name", ({ input: overrides, outcome, reason, to, policy, blockedBy }) => {
    const { decision } = coordinate(input(overrides));
    expect(decision).toMatchObject({ outcome, reason, to });
    if (policy !== undefined) expect(decision.policy).toBe(policy);
    if (blockedBy !== undefined) expect(decision.blockedBy).toBe(blockedBy);
  });
});

describe("coordinate: the state that follows", () => {
  it("a reader scale-out is in flight until the provisioning time has passed, and starts the layer's cooldown", () => {
    const { next, changed } = coordinate(input({ proposals: [proposal("readers-cpu-step-70", 3, 300)] }));
    expect(changed).toBe(true);
    expect(next.capacity).toBe(3);
    expect(next.inFlight).toEqual([
      { decisionId: "d-1", delta: 1, requestedAt: at(0), expectedReadyAt: at(480) },
    ]);
    expect(next.cooldowns).toEqual([
      {
        layer: "readers-cpu-step-70",
        direction: "out",
        startedAt: at(0),
        endsAt: at(300),
        baseline: 2,
        desired: 3,
      },
    ]);
  });

  it("an escalation's cooldown keeps the baseline from before the first cooldown (rule 3)", () => {
    const { next } = coordinate(
      input({ state: afterFirstStep, proposals: [proposal("readers-cpu-step-85", 4)] }),
    );
    expect(next.capacity).toBe(4);
    expect(next.cooldowns.find((c) => c.layer === "readers-cpu-step-85")?.baseline).toBe(2);
    expect(next.inFlight.map((c) => c.delta)).toEqual([1, 1]);
  });

  it("a group's desired capacity is not in flight (provisioning 0)", () => {
    const { next } = coordinate(
      input({ provisioningSeconds: 0, proposals: [proposal("frontend-requests-step", 5, 60)] }),
    );
    expect(next.capacity).toBe(5);
    expect(next.inFlight).toEqual([]);
  });

  it("a held-back decision changes nothing in the state", () => {
    const { next, changed } = coordinate(
      input({ state: afterFirstStep, proposals: [proposal("readers-cpu-step-70", 3)] }),
    );
    expect(changed).toBe(false);
    expect(next).toEqual(afterFirstStep);
  });

  it("a paused target keeps its capacity and starts no cooldown", () => {
    const paused = state({ paused: true });
    const { next, changed } = coordinate(
      input({ state: paused, proposals: [proposal("readers-cpu-step-85", 4)] }),
    );
    expect(changed).toBe(false);
    expect(next).toEqual(paused);
  });

  it("the stabilisation window remembers the highest recommendation and when it began", () => {
    const first = coordinate(
      input({
        state: state({ capacity: 5 }),
        proposals: [proposal("readers-cpu-target-30", 3, 120, "target-tracking", "in")],
      }),
    );
    expect(first.next.scaleIn).toEqual({ since: at(0), desired: 3 });
    const later = coordinate(
      input({
        now: new Date(at(120)),
        state: first.next,
        proposals: [proposal("readers-cpu-target-30", 2, 120, "target-tracking", "in")],
      }),
    );
    expect(later.decision.reason).toBe("ScaleInStabilizing");
    expect(later.next.scaleIn).toEqual({ since: at(0), desired: 3 });
  });

  it("a full view with no scale-in recommendation restarts the window; a single alarm's view does not", () => {
    const tracking = state({ capacity: 5, scaleIn: { since: at(-200), desired: 3 } });
    expect(coordinate(input({ state: tracking, fullView: true })).next.scaleIn).toBeNull();
    expect(coordinate(input({ state: tracking, fullView: false })).next.scaleIn).toEqual(tracking.scaleIn);
  });

  it("a scale-in is followed by a new window", () => {
    const { next } = coordinate(
      input({
        state: state({ capacity: 5, scaleIn: { since: at(-300), desired: 4 } }),
        proposals: [proposal("readers-cpu-low-step", 4, 600)],
      }),
    );
    expect(next.capacity).toBe(4);
    expect(next.scaleIn).toBeNull();
    expect(next.cooldowns).toEqual([
      {
        layer: "readers-cpu-low-step",
        direction: "in",
        startedAt: at(0),
        endsAt: at(600),
        baseline: 5,
        desired: 4,
      },
    ]);
  });

  it("stepBaseline counts from the capacity in service, or from before a running scale-out cooldown", () => {
    expect(stepBaseline(afterFirstStep, NOW)).toBe(2);
    expect(stepBaseline(state({ capacity: 4 }), NOW)).toBe(4);
    const expired = {
      ...afterFirstStep,
      inFlight: [],
      cooldowns: afterFirstStep.cooldowns.map((c) => ({ ...c, endsAt: at(-1) })),
    };
    expect(stepBaseline(expired, NOW)).toBe(3);
  });
});

// --- invariants ----------------------------------------------------------------------------

const arbProposal = fc.record({
  layer: fc.constantFrom("step-70", "step-85", "tt-30", "low-cpu", "latency"),
  kind: fc.constantFrom("step" as const, "target-tracking" as const),
  direction: fc.constantFrom("out" as const, "in" as const),
  desired: fc.integer({ min: 0, max: 20 }),
  reason: fc.constant("StepAdjustment" as const),
  message: fc.constant("m"),
  cooldownSeconds: fc.integer({ min: 0, max: 900 }),
});

const arbCooldown = fc.record({
  layer: fc.constantFrom("step-70", "step-85", "tt-30", "low-cpu", "latency"),
  direction: fc.constantFrom("out" as const, "in" as const),
  startedAt: fc.integer({ min: -900, max: 0 }).map(at),
  endsAt: fc.integer({ min: -600, max: 900 }).map(at),
  baseline: fc.integer({ min: 0, max: 15 }),
  desired: fc.integer({ min: 0, max: 15 }),
});

const arbInput = fc
  .record({
    min: fc.integer({ min: 0, max: 10 }),
    span: fc.integer({ min: 0, max: 10 }),
    capacity: fc.integer({ min: 0, max: 20 }),
    inFlight: fc.integer({ min: 0, max: 3 }),
    cooldowns: fc.array(arbCooldown, { maxLength: 4 }),
    scaleIn: fc.option(
      fc.record({
        since: fc.integer({ min: -900, max: 0 }).map(at),
        desired: fc.integer({ min: 0, max: 20 }),
      }),
      { nil: null },
    ),
    proposals: fc.array(arbProposal, { maxLength: 5 }),
    paused: fc.boolean(),
    fullView: fc.boolean(),
    provisioningSeconds: fc.constantFrom(0, 480),
  })
  .map(
    (r): CoordinationInput =>
      input({
        state: state({
          capacity: r.capacity,
          bounds: { min: r.min, max: r.min + r.span, source: "config", since: null },
          inFlight: r.inFlight
            ? [
                {
                  decisionId: "x",
                  delta: Math.min(r.inFlight, r.capacity),
                  requestedAt: at(-60),
                  expectedReadyAt: at(420),
                },
              ]
            : [],
          cooldowns: r.cooldowns,
          scaleIn: r.scaleIn,
          paused: r.paused,
        }),
        proposals: r.proposals,
        fullView: r.fullView,
        provisioningSeconds: r.provisioningSeconds,
      }),
  );

describe("coordinate: invariants (fast-check)", () => {
  it("bounds always hold after an action, never above 15 replicas", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const { decision, next } = coordinate(i);
        if (decision.outcome === "scale-out" || decision.outcome === "scale-in") {
          const max = Math.min(i.state.bounds.max, i.hardMax);
          expect(next.capacity).toBeGreaterThanOrEqual(Math.min(i.state.bounds.min, max));
          expect(next.capacity).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it("simultaneous scale-outs never add up", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const { decision, next } = coordinate(i);
        if (decision.reason === "ScaleOut") {
          expect(next.capacity).toBeLessThanOrEqual(Math.max(...i.proposals.map((p) => p.desired)));
        }
      }),
    );
  });

  it("no scale-in during any scale-out cooldown or while capacity is in flight (bounds aside)", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const { decision, next } = coordinate(i);
        const outCooldown = i.state.cooldowns.some(
          (c) => c.direction === "out" && Date.parse(c.endsAt) > NOW.getTime(),
        );
        if ((outCooldown || i.state.inFlight.length > 0) && decision.reason !== "BoundsMoved") {
          expect(next.capacity).toBeGreaterThanOrEqual(i.state.capacity);
        }
      }),
    );
  });

  it("scale-out proposals alone never lower capacity (bounds aside)", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const outsOnly = { ...i, proposals: i.proposals.map((p) => ({ ...p, direction: "out" as const })) };
        const { decision, next } = coordinate(outsOnly);
        if (decision.reason !== "BoundsMoved") expect(next.capacity).toBeGreaterThanOrEqual(i.state.capacity);
      }),
    );
  });

  it("a paused target never changes capacity", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        fc.pre(i.state.paused);
        expect(coordinate(i).next.capacity).toBe(i.state.capacity);
      }),
    );
  });

  it("the same input always gives the same decision", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const copy = structuredClone(i);
        expect(coordinate(copy)).toEqual(coordinate(i));
      }),
    );
  });
});
