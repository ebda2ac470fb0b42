/**
 * `bench`'s cold-start figures: each function bundled as it deploys, imported and run on its first
 * event in fresh Node processes against loopback AWS. The timings are this machine's, so only their
 * presence and shape are checked; the bundles' size is not a timing, and is held to its target.
 */
import { describe, expect, it } from "vitest";
import { run } from "./run.js";

const FUNCTIONS = ["alarm", "schedule", "tick"];
const times = { import: expect.any(Number), firstEvent: expect.any(Number) };

describe("bench: cold starts and bundles", () => {
  it("--quick --json gives coldStartMs, coldStartRatio and bundleBytes per function", async () => {
    const { code, out, err } = await run(
      "bench",
      "--quick",
      "--json",
      "--only",
      "coldStartMs,coldStartRatio,bundleBytes",
    );
    // Exit 0: every first event took its decision (bench fails a figure whose event did not).
    expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
    const figures = JSON.parse(out);
    expect(Object.keys(figures)).toEqual(["coldStartMs", "coldStartRatio", "bundleBytes"]);
    expect(figures.coldStartMs).toEqual({
      nodeBaseline: expect.any(Number),
      ...Object.fromEntries(FUNCTIONS.map((f) => [f, times])),
    });
    expect(figures.coldStartRatio).toEqual(Object.fromEntries(FUNCTIONS.map((f) => [f, times])));
    for (const f of FUNCTIONS) {
      const ms = figures.coldStartMs[f];
      // Handling an event includes importing the bundle; the ratio is against the same run's node -e 0.
      expect(ms.import).toBeGreaterThan(0);
      expect(figures.coldStartRatio[f].import).toBeCloseTo(ms.import / figures.coldStartMs.nodeBaseline, 1);
      // The size target (README, "Bench: cold starts and bundles"): at most 750,000 bytes minified.
      expect(figures.bundleBytes[f]).toBeGreaterThan(100_000);
      expect(figures.bundleBytes[f]).toBeLessThanOrEqual(750_000);
    }
    expect(err).toMatch(/coldStartMs: round 1\/1 done/);
  }, 120_000);

  it("prints the figures as tables", async () => {
    const { coldStartMsFigure, coldStartRatioFigure, bundleBytesFigure } = await import(
      "../../cli/bench/coldStart.js"
    );
    expect(coldStartMsFigure.lines({ nodeBaseline: 40, alarm: { import: 52.5, firstEvent: 80 } })).toEqual([
      "cold start (ms, median)",
      "  node -e 0                   40",
      "  alarm import / first event  52.5 / 80",
    ]);
    expect(coldStartRatioFigure.lines({ alarm: { import: 1.31, firstEvent: 2 } })).toEqual([
      "cold start ÷ node -e 0",
      "  alarm import / first event  1.31 / 2",
    ]);
    expect(bundleBytesFigure.lines({ alarm: 662529 })).toEqual(["bundle (bytes)", "  alarm  662,529"]);
  });
});
