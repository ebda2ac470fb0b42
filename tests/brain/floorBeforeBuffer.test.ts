/**
 * The floor the vertical buffer remembers, through a commit: kept when AWS raises the floor, gone
 * with the raise when AWS refuses it.
 */
import { describe, expect, it } from "vitest";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { commitDecision } from "../../shared/brain/applyDecision.js";
import type { Actuator } from "../../shared/brain/ports/actuator.js";
import type { Target } from "../../shared/core/config/schema.js";
import { decideVerticalBuffer } from "../../shared/core/deciders/verticalBuffer.js";
import { initialState, VERTICAL_BUFFER } from "../../shared/core/engine/targetState.js";
import { virtwayConfig } from "../support/config.js";

const config = virtwayConfig();
const floor = config.targets.find((t) => t.id === "virtway-acu-floor") as Target;
const NOW = new Date("2026-11-23T19:00:02.000Z");

async function raise(apply: Actuator["apply"]) {
  const ledger = new MemoryLedger();
  const actuator: Actuator = {
    observe: () => Promise.reject(new Error("not asked")),
    apply,
  };
  const { record, decided } = await commitDecision({
    ports: { ledger, actuatorFor: () => actuator },
    target: floor,
    now: NOW,
    reservationTimeoutSeconds: 900,
    init: () => initialState(floor.id, { min: floor.MinCapacity, max: floor.MaxCapacity }, 2),
    decide: (state) =>
      decideVerticalBuffer({
        config,
        target: floor,
        state,
        readersInFlight: 2,
        now: NOW,
        decisionId: "floor-1",
        trigger: "virtway-readers-cpu-high-70@2026-11-23T19:00:00.000Z",
      }),
  });
  return { record, decided, stored: await ledger.read(floor.id) };
}

describe("the floor before the buffer, through a commit", () => {
  it("an applied raise keeps where the floor was, and the decision comes back with the record", async () => {
    const { record, decided, stored } = await raise(async (c) => ({ capacity: c.to, resources: [] }));
    expect(record).toMatchObject({ status: "applied", policy: VERTICAL_BUFFER, from: 2, to: 16 });
    expect(decided.decision.id).toBe(record.id);
    expect(decided.next.floorBeforeBuffer).toEqual({
      capacity: 2,
      raisedTo: 16,
      raisedAt: NOW.toISOString(),
    });
    expect(stored).toMatchObject({ capacity: 16, floorBeforeBuffer: { capacity: 2 }, cooldowns: [] });
  });

  it("a refused raise remembers nothing", async () => {
    const { record, stored } = await raise(() => Promise.reject(new Error("InvalidDBClusterStateFault")));
    expect(record).toMatchObject({ status: "failed", reason: "ActionFailed", to: 2 });
    expect(stored?.capacity).toBe(2);
    expect(stored?.cooldowns).toEqual([]);
    expect(stored?.floorBeforeBuffer).toBeUndefined();
  });
});
