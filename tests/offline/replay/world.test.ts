/**
 * Replay's port-level world beyond what the contract with the SDK-level account pins: the counts
 * replay reads every minute (inService, capacity), the seeded provisioning jitter, and a native
 * policy's set().
 */
import { describe, expect, it } from "vitest";
import type { Target } from "../../../shared/core/config/schema.js";
import { mulberry32 } from "../../../shared/offline/random.js";
import { SimulatedTargets } from "../../../shared/offline/replay/world.js";
import { virtwayConfig } from "../../support/config.js";

const START = Date.parse("2026-11-23T19:00:00.000Z");
const at = (s: number) => new Date(START + s * 1000);
const config = virtwayConfig(); // readerProvisioningSeconds 480, instanceWarmupSeconds 180
const target = (id: string) => config.targets.find((t) => t.id === id) as Target;
const READERS = "virtway-readers";
const GROUP = "virtway-frontend";
const FLOOR = "virtway-acu-floor";

const world = (options: { seed?: number; jitter?: number; capacities?: Record<string, number> } = {}) =>
  new SimulatedTargets(config, {
    seed: options.seed ?? 1,
    start: at(0),
    provisioningJitter: options.jitter ?? 0,
    ...(options.capacities ? { capacities: options.capacities } : {}),
  });

const change = (from: number, to: number, s = 0) => ({ decisionId: "d", from, to, at: at(s) });

describe("inService and capacity", () => {
  it("start at each target's MinCapacity (or the capacities given), all in service", () => {
    const w = world({ capacities: { [GROUP]: 4 } });
    // Virtway: readers MinCapacity 1, ACU floor 1, frontend given 4, api MinCapacity 2.
    expect([READERS, FLOOR, GROUP, "virtway-api"].map((id) => [w.inService(id), w.capacity(id)])).toEqual([
      [1, 1],
      [1, 1],
      [4, 4],
      [2, 2],
    ]);
  });

  it("readers count in service once available; capacity counts them from creation until deleted", async () => {
    const w = world();
    await w.actuatorFor(target(READERS)).apply(change(1, 3));
    expect([w.inService(READERS), w.capacity(READERS)]).toEqual([1, 3]);
    w.advanceTo(at(479));
    expect(w.inService(READERS)).toBe(1);
    w.advanceTo(at(480)); // 0 + 480 s
    expect(w.inService(READERS)).toBe(3);
    await w.actuatorFor(target(READERS)).apply(change(3, 2, 480));
    // The deleted reader is neither capacity nor in service while it is deleting.
    expect([w.inService(READERS), w.capacity(READERS)]).toEqual([2, 2]);
  });

  it("a group's new instances serve after the warm-up; the ACU floor at once", async () => {
    const w = world();
    await w.actuatorFor(target(GROUP)).apply(change(2, 6));
    await w.actuatorFor(target(FLOOR)).apply(change(1, 8));
    expect([w.inService(GROUP), w.capacity(GROUP), w.inService(FLOOR)]).toEqual([2, 6, 8]);
    w.advanceTo(at(180));
    expect(w.inService(GROUP)).toBe(6);
  });

  it("refuses a target id the configuration does not have", () => {
    expect(() => world().inService("nope")).toThrow(/no target nope/);
  });
});

describe("provisioning jitter", () => {
  /** When each of `n` readers created at 0 becomes available, to the second. */
  const readyTimes = async (seed: number, jitter: number, n = 5): Promise<number[]> => {
    const w = world({ seed, jitter });
    await w.actuatorFor(target(READERS)).apply(change(1, 1 + n));
    const times: number[] = [];
    for (let s = 0; s <= 600 && times.length < n; s++) {
      w.advanceTo(at(s));
      const ready = w.inService(READERS) - 1;
      while (times.length < ready) times.push(s);
    }
    return times;
  };

  it("is mulberry32 of the seed: deterministic, uniform in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(mulberry32(43)()).not.toBe(draws[0]);
  });

  it("the same seed gives the same times; another seed others; all within ±10 % of 480 s", async () => {
    const first = await readyTimes(1, 0.1);
    expect(await readyTimes(1, 0.1)).toEqual(first);
    expect(await readyTimes(2, 0.1)).not.toEqual(first);
    // 480 s × 0.9 = 432 s, 480 s × 1.1 = 528 s.
    for (const s of [...first, ...(await readyTimes(2, 0.1))]) {
      expect(s).toBeGreaterThanOrEqual(432);
      expect(s).toBeLessThanOrEqual(528);
    }
    // They are spread, not all the same.
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it("jitter 0: exactly readerProvisioningSeconds", async () => {
    expect(await readyTimes(9, 0, 3)).toEqual([480, 480, 480]);
  });
});

describe("set: a native policy's change", () => {
  it("readers: created and deleted as apply does, named as Application Auto Scaling names them", async () => {
    const w = world();
    w.set(READERS, 3);
    expect([w.inService(READERS), w.capacity(READERS)]).toEqual([1, 3]);
    w.advanceTo(at(480));
    w.set(READERS, 4);
    w.advanceTo(at(540));
    // The newest two: the one of 480 s (still creating), then, of the two of 0 s, the first listed
    // (a tie keeps DescribeDBInstances' order, as the SDK-level actuator's stable sort does).
    w.set(READERS, 2);
    const observed = await w.actuatorFor(target(READERS)).observe();
    expect(observed.kind === "aurora-readers" && observed.readers.map((r) => [r.id, r.status])).toEqual([
      ["virtway-aurora-writer", "available"],
      ["virtway-aurora-reader-1", "available"],
      ["application-autoscaling-1", "deleting"],
      ["application-autoscaling-2", "available"],
      ["application-autoscaling-3", "deleting"],
    ]);
    w.set(READERS, 0); // the user's reader stays
    expect(w.capacity(READERS)).toBe(1);
  });

  it("groups and the ACU floor: as SetDesiredCapacity and ModifyDBCluster", () => {
    const w = world();
    w.set(GROUP, 5);
    w.set(FLOOR, 4);
    expect([w.capacity(GROUP), w.inService(GROUP), w.inService(FLOOR)]).toEqual([5, 2, 4]);
    w.set(GROUP, 1); // below MinCapacity 2: the group's own MinSize is 0, as in the account
    expect([w.capacity(GROUP), w.inService(GROUP)]).toEqual([1, 1]);
    expect(() => w.set(GROUP, 21)).toThrow(/outside the group's bounds 0-20/);
  });
});
