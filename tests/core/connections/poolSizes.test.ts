import { describe, expect, it } from "vitest";
import { clusterBudget, readerBudget } from "../../../shared/core/connections/clusterBudget.js";
import {
  capacityWithinBudget,
  type GroupDemand,
  poolSizes,
  readersNeeded,
} from "../../../shared/core/connections/poolSizes.js";

// A reader of 189 connections (Serverless v2, 1 ACU at most), 5 reserved, a proxy allowed 60 %.
const reader = readerBudget({ maxConnections: 189, reserve: 5, proxyPercent: 60 });

const api = (capacity: number): GroupDemand => ({
  target: "api",
  channel: "proxy",
  capacity,
  maxPoolSize: 50,
  minPoolSize: 20,
});
const front = (capacity: number): GroupDemand => ({
  target: "front",
  channel: "direct",
  capacity,
  maxPoolSize: 20,
  minPoolSize: 10,
});

describe("the budget of a reader", () => {
  it.each([
    ["a proxy at 60 %", { maxConnections: 189, reserve: 5, proxyPercent: 60 }, { proxy: 113, direct: 71 }],
    [
      "a proxy at 100 % leaves nothing direct, and the reserve",
      { maxConnections: 189, reserve: 5, proxyPercent: 100 },
      { proxy: 184, direct: 0 },
    ],
    ["no proxy", { maxConnections: 189, reserve: 5, proxyPercent: null }, { proxy: 0, direct: 184 }],
    ["a reserve of it all", { maxConnections: 10, reserve: 12, proxyPercent: 50 }, { proxy: 0, direct: 0 }],
  ])("%s", (_, input, expected) => {
    expect(readerBudget(input)).toMatchObject(expected);
  });

  it("counts only the readers available", () => {
    expect(clusterBudget(reader, 2)).toEqual({ readers: 2, proxy: 226, direct: 142, maxConnections: 378 });
    expect(clusterBudget(reader, 0).proxy).toBe(0);
  });
});

describe("pool sizes", () => {
  it.each([
    // [readers, api capacity, front capacity, api pool, front pool]
    ["within the budget every instance gets its pool", 2, 3, 4, 50, 20],
    ["a group resized while readers provision: the pools shrink in proportion", 1, 4, 3, 28, 20],
    ["a reader removed: both channels shrink", 1, 3, 5, 37, 14],
    ["a reader added: the pools grow back", 3, 4, 5, 50, 20],
  ])("%s", (_, readers, apiCapacity, frontCapacity, apiPool, frontPool) => {
    const sizes = poolSizes(clusterBudget(reader, readers), [api(apiCapacity), front(frontCapacity)]);
    expect(sizes.map((s) => [s.target, s.poolSize])).toEqual([
      ["api", apiPool],
      ["front", frontPool],
    ]);
  });

  it("flags a channel whose minimum pools no longer fit", () => {
    const sizes = poolSizes(clusterBudget(reader, 1), [api(6), front(2)]);
    expect(sizes).toEqual([
      { target: "api", poolSize: 18, overBudget: true },
      { target: "front", poolSize: 20, overBudget: false },
    ]);
  });

  it("never sizes a pool under 1", () => {
    expect(poolSizes(clusterBudget(reader, 0), [api(2)])).toEqual([
      { target: "api", poolSize: 1, overBudget: true },
    ]);
  });
});

describe("capacity within the budget, and the readers it needs", () => {
  it("holds a group to what its channel's minimum pools allow, the others counted", () => {
    const groups = [api(2), { ...api(1), target: "worker" }];
    // 113 through the proxy on one reader: the worker's 20 leaves 93, 4 api instances of 20.
    expect(capacityWithinBudget(clusterBudget(reader, 1), groups, "api")).toBe(4);
    expect(capacityWithinBudget(clusterBudget(reader, 2), groups, "api")).toBe(10);
    expect(capacityWithinBudget(clusterBudget(reader, 1), groups, "unknown")).toBe(Number.POSITIVE_INFINITY);
  });

  it("finds the fewest readers for a wanted capacity, or none within the most", () => {
    expect(readersNeeded(reader, [api(5)], 15)).toBe(1);
    expect(readersNeeded(reader, [api(6)], 15)).toBe(2);
    expect(readersNeeded(reader, [api(6), front(8)], 15)).toBe(2);
    expect(readersNeeded(reader, [api(100)], 15)).toBe(null);
    expect(readersNeeded(reader, [api(0)], 15)).toBe(0);
  });
});
