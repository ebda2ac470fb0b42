/**
 * `bench`: its figures as one JSON object (the timings are this machine's, so only their presence
 * and shape are checked), its table, and its help.
 */
import { describe, expect, it } from "vitest";
import { apiCallsFigure } from "../../cli/bench/decision.js";
import { formatLoad } from "../../cli/bench/load.js";
import { run } from "./run.js";

describe("bench", () => {
  it("--quick --json prints one object: the load and the decision's figures, each with every field", async () => {
    // The cold-start figures have their own test (benchColdStart.test.ts).
    const { code, out, err } = await run(
      "bench",
      "--quick",
      "--json",
      "--only",
      "load,decisionLatencyMs,brainComputeMs,apiCallsPerDecision",
    );
    expect(code).toBe(0);
    const figures = JSON.parse(out);
    expect(Object.keys(figures)).toEqual([
      "load",
      "decisionLatencyMs",
      "brainComputeMs",
      "apiCallsPerDecision",
    ]);
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
    for (const key of ["decisionLatencyMs", "brainComputeMs"]) {
      expect(figures[key]).toEqual({ p50: expect.any(Number), p99: expect.any(Number) });
      expect(figures[key].p50).toBeGreaterThan(0);
      expect(figures[key].p99).toBeGreaterThanOrEqual(figures[key].p50);
    }
    const calls = {
      ledgerReads: expect.any(Number),
      ledgerWrites: expect.any(Number),
      conditionalWrites: expect.any(Number),
      awsCalls: expect.any(Number),
    };
    expect(figures.apiCallsPerDecision).toEqual({
      taken: { ...calls, before: calls, after: calls },
      heldBack: calls,
      duplicate: calls,
    });
    // Progress goes to standard error, never into the object.
    expect(err).toMatch(/load: .*invocations done/);
    expect(err).toMatch(/decisionLatencyMs: round 1\/1/);
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

  it("prints the calls per decision as a table", () => {
    const count = (reads: number, writes: number, conditional: number, aws: number) => ({
      ledgerReads: reads,
      ledgerWrites: writes,
      conditionalWrites: conditional,
      awsCalls: aws,
    });
    const lines = apiCallsFigure.lines({
      taken: { ...count(1, 5, 4, 2), before: count(1, 2, 2, 1), after: count(0, 3, 2, 0) },
      heldBack: count(1, 3, 3, 0),
      duplicate: count(0, 1, 1, 0),
    });
    expect(lines).toEqual([
      "API calls per decision",
      "  taken, before its AWS call  1 read, 2 writes (2 conditional), 1 AWS call",
      "  taken, after it             0 reads, 3 writes (2 conditional), 0 AWS calls",
      "  taken, in all               1 read, 5 writes (4 conditional), 2 AWS calls",
      "  held back                   1 read, 3 writes (3 conditional), 0 AWS calls",
      "  duplicate                   0 reads, 1 write (1 conditional), 0 AWS calls",
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
