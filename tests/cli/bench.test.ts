/**
 * `bench`: its figures as one JSON object (the timings are this machine's, so only their presence
 * and shape are checked), its table, and its help.
 */
import { describe, expect, it } from "vitest";
import { formatLoad } from "../../cli/bench/load.js";
import { run } from "./run.js";

describe("bench", () => {
  it("--quick --json prints one object, a key per figure, whose `load` has every figure", async () => {
    const { code, out, err } = await run("bench", "--quick", "--json");
    expect(code).toBe(0);
    const figures = JSON.parse(out);
    // replay's own fields are checked in benchReplay.test.ts.
    expect(Object.keys(figures)).toEqual(["load", "replay"]);
    expect(figures.load).toEqual({
      invocations: expect.any(Number),
      failed: 0,
      decisionsPerSecond: expect.any(Number),
      conflictRetries: { p50: expect.any(Number), p99: expect.any(Number) },
      latencyMs: { p50: expect.any(Number), p99: expect.any(Number) },
      deliveries: expect.any(Number),
      targets: 4,
    });
    expect(figures.load.invocations).toBe(figures.load.deliveries + 1);
    expect(figures.load.decisionsPerSecond).toBeGreaterThan(0);
    expect(figures.load.latencyMs.p99).toBeGreaterThanOrEqual(figures.load.latencyMs.p50);
    // Progress goes to standard error, never into the object.
    expect(err).toMatch(/load: .*invocations done/);
  }, 60_000);

  it("--only names the figures to measure, and refuses one that does not exist", async () => {
    const { code, out, err } = await run("bench", "--quick", "--json", "--only", "load,nonsense");
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/--only: no figure nonsense \(the figures: load/);
  });

  it("prints the load as a table", () => {
    const table = formatLoad({
      invocations: 1001,
      failed: 0,
      decisionsPerSecond: 42.5,
      conflictRetries: { p50: 0, p99: 3 },
      latencyMs: { p50: 120.5, p99: 900 },
      deliveries: 1000,
      targets: 20,
    });
    expect(table.split("\n")).toEqual([
      "load",
      "  storm                       1000 deliveries + 1 tick over 20 targets",
      "  invocations failed          0 of 1001",
      "  decisions per second        42.5",
      "  conflict retries p50 / p99  0 / 3",
      "  latency p50 / p99 (ms)      120.5 / 900",
    ]);
  });

  it("has --help", async () => {
    const { code, out } = await run("bench", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/--quick/);
    expect(out).toMatch(/--json/);
    expect(out).toMatch(/--only/);
  });
});
