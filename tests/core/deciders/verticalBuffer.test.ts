import { describe, expect, it } from "vitest";
import type { Target } from "../../../shared/core/config/schema.js";
import {
  refusedBufferRaise,
  rememberFloorBeforeBuffer,
  verticalBuffer,
} from "../../../shared/core/deciders/verticalBuffer.js";
import type { Decision, Proposal } from "../../../shared/core/engine/decision.js";
import {
  activeCooldowns,
  initialState,
  type TargetState,
  VERTICAL_BUFFER,
} from "../../../shared/core/engine/targetState.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
const floor = config.targets.find((t) => t.id === "virtway-acu-floor") as Target;
const NOW = "2026-11-23T19:00:00.000Z";
const EARLIER = "2026-11-23T18:50:00.000Z";

function state(capacity: number, overrides: Partial<TargetState> = {}): TargetState {
  return { ...initialState(floor.id, { min: 1, max: 16 }, capacity), ...overrides };
}

function decision(overrides: Partial<Decision>): Decision {
  return {
    id: "d-1",
    at: NOW,
    target: floor.id,
    policy: VERTICAL_BUFFER,
    from: 2,
    to: 16,
    outcome: "scale-out",
    reason: "ScaleOut",
    message: "m",
    blockedBy: null,
    ...overrides,
  };
}

const bufferOut: Proposal = {
  layer: VERTICAL_BUFFER,
  kind: "buffer",
  direction: "out",
  desired: 16,
  reason: "VerticalBuffer",
  message: "m",
  cooldownSeconds: 0,
};

const remembered = { capacity: 2, raisedTo: 16, raisedAt: EARLIER };

/** The state a decision leaves, the floor's memory applied. */
function leftBy(d: Decision, before: TargetState, proposals: readonly Proposal[] = []): TargetState {
  const next = structuredClone(before);
  rememberFloorBeforeBuffer(d, next, proposals);
  return next;
}

describe("the floor before the buffer", () => {
  it("is remembered when the buffer raises the floor, and the raise keeps no cooldown of its own", () => {
    const raisedBy = state(2, {
      cooldowns: [
        { layer: VERTICAL_BUFFER, direction: "out", startedAt: NOW, endsAt: NOW, baseline: 2, desired: 16 },
      ],
    });
    const next = leftBy(decision({}), raisedBy, [bufferOut]);
    expect(next.floorBeforeBuffer).toEqual({ capacity: 2, raisedTo: 16, raisedAt: NOW });
    expect(next.cooldowns).toEqual([]);
  });

  it("is remembered when the floor's own step wins over the buffer, its cooldown kept", () => {
    const step = { layer: "acu-floor-on-cpu-85", direction: "out" as const, startedAt: NOW, endsAt: NOW };
    const stepped = state(2, { cooldowns: [{ ...step, baseline: 2, desired: 16 }] });
    const next = leftBy(decision({ policy: "acu-floor-on-cpu-85" }), stepped, [bufferOut]);
    expect(next.floorBeforeBuffer).toEqual({ capacity: 2, raisedTo: 16, raisedAt: NOW });
    expect(next.cooldowns).toEqual(stepped.cooldowns);
  });

  it("is forgotten when a layer's action moves the floor otherwise: back down, or up without the buffer", () => {
    const raised = state(16, { floorBeforeBuffer: remembered });
    const down = decision({ outcome: "scale-in", reason: "ScaleIn", from: 16, to: 2 });
    expect(leftBy(down, raised).floorBeforeBuffer).toBeUndefined();
    const up = decision({ policy: "acu-floor-on-cpu-85", from: 16, to: 20 });
    expect(leftBy(up, raised).floorBeforeBuffer).toBeUndefined();
  });

  it("counts as a scale-out cooldown of no length: running only for a clock before the raise", () => {
    const raised = state(16, { floorBeforeBuffer: remembered });
    expect(activeCooldowns(raised, new Date(NOW), "out")).toEqual([]);
    expect(activeCooldowns(raised, new Date("2026-11-23T18:49:59.000Z"), "out")).toEqual([
      {
        layer: VERTICAL_BUFFER,
        direction: "out",
        startedAt: EARLIER,
        endsAt: EARLIER,
        baseline: 2,
        desired: 16,
      },
    ]);
    // A layer's action on a clock before the raise keeps it, as it keeps a cooldown still running.
    const early = decision({
      policy: "acu-floor-on-cpu-85",
      at: "2026-11-23T18:49:59.000Z",
      from: 16,
      to: 20,
    });
    expect(leftBy(early, raised).floorBeforeBuffer).toEqual(remembered);
  });

  it("is kept through bounds that moved, and through a decision held back or paused", () => {
    const raised = state(16, { floorBeforeBuffer: remembered });
    const bounds = decision({ policy: "bounds:config", reason: "BoundsMoved", outcome: "scale-in", to: 12 });
    expect(leftBy(bounds, raised).floorBeforeBuffer).toEqual(remembered);
    const paused = decision({ outcome: "held", reason: "Paused", from: 16, to: 2 });
    expect(leftBy(paused, raised).floorBeforeBuffer).toEqual(remembered);
  });

  it("goes with a refused raise of the buffer's own, not with another layer's or an earlier one", () => {
    const raised = state(16, { floorBeforeBuffer: { capacity: 2, raisedTo: 16, raisedAt: NOW } });
    expect(refusedBufferRaise(raised, VERTICAL_BUFFER, NOW)).toBe(true);
    expect(refusedBufferRaise(raised, "acu-floor-on-cpu-85", NOW)).toBe(false);
    expect(refusedBufferRaise(raised, VERTICAL_BUFFER, "2026-11-23T19:01:00.000Z")).toBe(false);
    expect(refusedBufferRaise(state(2), VERTICAL_BUFFER, NOW)).toBe(false);
  });

  it("brings the floor back once the readers are available, and only from above it", () => {
    const input = (capacity: number) => ({
      config,
      target: floor,
      state: state(capacity, { floorBeforeBuffer: remembered }),
      readersInFlight: 0,
    });
    expect(verticalBuffer(input(16), []).proposals).toMatchObject([
      { layer: VERTICAL_BUFFER, direction: "in", desired: 2, reason: "VerticalBuffer" },
    ]);
    expect(verticalBuffer(input(2), []).proposals).toEqual([]);
    expect(verticalBuffer({ ...input(16), state: state(16) }, []).proposals).toEqual([]);
  });
});
