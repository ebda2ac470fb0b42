/**
 * One contract, two simulations: the same sequences of observe, apply and time passing run on
 * replay's port-level SimulatedTargets and on the SDK-level SimulatedAccount behind the real
 * actuators, and every Observation, AppliedChange and refusal must be the same.
 *
 * The port-level world dates the instances it starts with a day before its start, the SDK-level
 * account on 2026-01-01: starting on 2026-01-02 makes both say the same creation time.
 */
import { describe, expect, it } from "vitest";
import type { ActuatorFor } from "../../../shared/brain/ports/actuator.js";
import type { BrainConfig, Target } from "../../../shared/core/config/schema.js";
import { SimulatedTargets } from "../../../shared/offline/replay/world.js";
import { virtwayConfig } from "../../support/config.js";
import { simulatedWorld } from "../../support/world.js";

const START = Date.parse("2026-01-02T00:00:00.000Z");

type Step =
  | { advance: number }
  | { observe: string }
  | {
      apply: string;
      from: number;
      to: number;
      decisionId?: string;
      /** A scheduled action's bounds, applied with the change. */
      bounds?: { min: number; max: number };
    };

/** What one simulation answers to the steps: observations, applied changes, refusals. */
type Run = { actuatorFor: ActuatorFor; advanceTo: (now: Date) => void };

async function play(run: Run, config: BrainConfig, steps: readonly Step[]): Promise<unknown[]> {
  const target = (id: string) => config.targets.find((t) => t.id === id) as Target;
  let now = START;
  const out: unknown[] = [];
  for (const step of steps) {
    if ("advance" in step) {
      now += step.advance * 1000;
      run.advanceTo(new Date(now));
    } else if ("observe" in step) {
      out.push({ observe: await run.actuatorFor(target(step.observe)).observe() });
    } else {
      const change = {
        decisionId: step.decisionId ?? "d-1",
        from: step.from,
        to: step.to,
        at: new Date(now),
        ...(step.bounds ? { bounds: step.bounds } : {}),
      };
      try {
        out.push({ applied: await run.actuatorFor(target(step.apply)).apply(change) });
      } catch (error) {
        const e = error as Error;
        out.push({ refused: { name: e.name, message: e.message } });
      }
    }
  }
  return out;
}

/** Both simulations from the same starting capacities; the port-level one without jitter. */
async function both(steps: readonly Step[], capacities: Record<string, number> = {}) {
  const config = virtwayConfig();
  const start = Object.fromEntries(Object.entries(capacities).map(([id, capacity]) => [id, { capacity }]));
  const sdk = simulatedWorld({ config, start, now: new Date(START) });
  const sdkRun: Run = { actuatorFor: sdk.actuatorFor, advanceTo: (d) => sdk.setNow(d) };
  const world = new SimulatedTargets(config, {
    seed: 7,
    start: new Date(START),
    capacities,
    provisioningJitter: 0,
  });
  const portRun: Run = { actuatorFor: world.actuatorFor, advanceTo: (d) => world.advanceTo(d) };
  return { sdk: await play(sdkRun, config, steps), port: await play(portRun, config, steps) };
}

const READERS = "virtway-readers";

describe("SimulatedTargets answers as the SDK-level account does", () => {
  it("readers: created, provisioning for readerProvisioningSeconds (480 s), then available", async () => {
    const { sdk, port } = await both([
      { observe: READERS },
      { apply: READERS, from: 1, to: 3 },
      { observe: READERS },
      { advance: 479 },
      { observe: READERS }, // 479 s: still creating
      { advance: 1 },
      { observe: READERS }, // 480 s: available
    ]);
    expect(port).toEqual(sdk);
    // The contract is not vacuous: 2 creating (outputs 2 and 3), then 3 available.
    expect(port[2]).toMatchObject({ observe: { capacity: 3, available: 1 } });
    expect(port[3]).toMatchObject({ observe: { capacity: 3, available: 1 } });
    expect(port[4]).toMatchObject({ observe: { capacity: 3, available: 3 } });
  });

  it("readers: scale-in deletes the brain's newest, deleting for a minute, never the user's", async () => {
    const { sdk, port } = await both(
      [
        { apply: READERS, from: 2, to: 3 },
        { advance: 60 },
        { apply: READERS, from: 3, to: 4 },
        { advance: 600 },
        { observe: READERS },
        { apply: READERS, from: 4, to: 3 }, // the one created at 60 s
        { observe: READERS },
        { advance: 59 },
        { observe: READERS }, // still deleting
        { advance: 1 },
        { observe: READERS }, // gone
        { apply: READERS, from: 3, to: 0 }, // only one of the brain's is left
        { observe: READERS },
      ],
      { [READERS]: 2 },
    );
    expect(port).toEqual(sdk);
    // Outputs: 0 apply, 1 apply, 2 observe, 3 apply (4 → 3), 4–6 observe, 7 apply (3 → 0), 8 observe.
    expect(port[3]).toMatchObject({
      applied: { capacity: 3, resources: [expect.stringContaining("t000100-4")] },
    });
    expect(port[7]).toMatchObject({
      applied: { capacity: 2, resources: [expect.stringContaining("t000000-3")] },
    });
  });

  it("readers: one still creating is the newest; ties go in creation order", async () => {
    const { sdk, port } = await both([
      { apply: READERS, from: 1, to: 3 },
      { advance: 480 },
      { apply: READERS, from: 3, to: 4 },
      { advance: 60 },
      { apply: READERS, from: 4, to: 3 }, // the creating one
      { apply: READERS, from: 3, to: 2 }, // of the two created together, the first listed
      { observe: READERS },
    ]);
    expect(port).toEqual(sdk);
    // Outputs: 0–1 apply, 2 apply (the creating one: position 4), 3 apply (position 2), 4 observe.
    expect(port[2]).toMatchObject({ applied: { resources: [expect.stringContaining("t000800-4")] } });
    expect(port[3]).toMatchObject({ applied: { resources: [expect.stringContaining("t000000-2")] } });
  });

  it("readers: an identifier already taken refuses the change, or ends it part way", async () => {
    const { sdk, port } = await both([
      // Each decision its own id: a reader tagged with the same decision would be its own, counted.
      { apply: READERS, from: 2, to: 3, decisionId: "d-1" }, // position 3 at 00:00:00
      { apply: READERS, from: 1, to: 3, decisionId: "d-2" }, // position 2 created, position 3 taken
      { apply: READERS, from: 2, to: 3, decisionId: "d-3" }, // position 3 taken: nothing created
      { observe: READERS },
    ]);
    expect(port).toEqual(sdk);
    expect(port[1]).toMatchObject({
      applied: { capacity: 2, note: expect.stringContaining("created 1 of the 2") },
    });
    expect(port[2]).toEqual({
      refused: { name: "DBInstanceAlreadyExistsFault", message: "DB instance already exists" },
    });
  });

  it("the ACU floor moves at once, MaxCapacity kept at AcuMaximum", async () => {
    const { sdk, port } = await both([
      { observe: "virtway-acu-floor" },
      { apply: "virtway-acu-floor", from: 1, to: 8 },
      { observe: "virtway-acu-floor" },
      { apply: "virtway-acu-floor", from: 8, to: 2.5 },
      { observe: "virtway-acu-floor" },
      { observe: READERS }, // the same cluster: its readers untouched
    ]);
    expect(port).toEqual(sdk);
    expect(port[4]).toEqual({ observe: { kind: "aurora-capacity", capacity: 2.5, acuMaximum: 32 } });
  });

  it("groups: InService after instanceWarmupSeconds (180 s), scale-in at once, bounds refused", async () => {
    const group = "virtway-frontend";
    const { sdk, port } = await both([
      { observe: group },
      { apply: group, from: 2, to: 5 },
      { advance: 179 },
      { observe: group }, // 2 InService
      { advance: 1 },
      { observe: group }, // 5
      { apply: group, from: 5, to: 6 },
      { apply: group, from: 6, to: 3 },
      { observe: group }, // the new one ended: 3 InService
      { apply: group, from: 3, to: 21 }, // MaxCapacity 20
      { observe: group },
    ]);
    expect(port).toEqual(sdk);
    // Outputs: 0 observe, 1 apply, 2 observe (179 s), 3 observe (180 s), 4–5 apply, 6 observe, 7 refused.
    expect(port[2]).toMatchObject({ observe: { capacity: 5, inService: 2 } });
    expect(port[3]).toMatchObject({ observe: { capacity: 5, inService: 5 } });
    expect(port[6]).toMatchObject({ observe: { capacity: 3, inService: 3 } });
    expect(port[7]).toMatchObject({ refused: { name: "ValidationError" } });
  });

  it("groups: a scheduled action's bounds move MinSize and MaxSize with the capacity, or are refused whole", async () => {
    const group = "virtway-frontend";
    const { sdk, port } = await both([
      { apply: group, from: 2, to: 0, bounds: { min: 0, max: 0 } }, // the group down to 0–0
      { observe: group },
      { apply: group, from: 0, to: 12 }, // SetDesiredCapacity alone: outside 0–0
      { apply: group, from: 0, to: 12, bounds: { min: 12, max: 60 } },
      { observe: group },
      { apply: group, from: 12, to: 24 }, // inside the new bounds
      { apply: group, from: 24, to: 8, bounds: { min: 8, max: 6 } }, // MinSize over MaxSize
      { apply: group, from: 24, to: 30, bounds: { min: 2, max: 20 } }, // capacity outside them
      { observe: group },
    ]);
    expect(port).toEqual(sdk);
    expect(port[1]).toMatchObject({ observe: { capacity: 0, minSize: 0, maxSize: 0 } });
    expect(port[2]).toMatchObject({ refused: { name: "ValidationError" } });
    expect(port[4]).toMatchObject({ observe: { capacity: 12, minSize: 12, maxSize: 60 } });
    expect(port[5]).toMatchObject({ applied: { capacity: 24 } });
    expect(port[6]).toMatchObject({ refused: { name: "ValidationError" } });
    expect(port[7]).toMatchObject({ refused: { name: "ValidationError" } });
    // Refused whole: the bounds and the capacity as they were.
    expect(port[8]).toMatchObject({ observe: { capacity: 24, minSize: 12, maxSize: 60 } });
  });
});
