/**
 * `bench`'s `replay` figure: a generated recording replayed in a child process (the timings are
 * this machine's, so only their presence and shape are checked), the recording it generates, and
 * its table.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatReplayFigure, median } from "../../cli/bench/replay.js";
import { writeVirtwayMonth } from "../../shared/offline/streams/virtwayMonth.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "bench-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bench's replay figure", () => {
  it("--quick --only replay replays a day in a child process and reports its time and memory", async () => {
    const { code, out, err } = await run("bench", "--quick", "--json", "--only", "replay");
    expect(code, err).toBe(0);
    const figures = JSON.parse(out);
    expect(Object.keys(figures)).toEqual(["replay"]);
    expect(figures.replay).toEqual({
      mode: "coordinated",
      days: 1,
      series: 10,
      datapoints: 14_400,
      runs: 1,
      seconds: expect.any(Number),
      cpuSeconds: expect.any(Number),
      datapointsPerSecond: expect.any(Number),
      peakMemoryMB: expect.any(Number),
    });
    expect(figures.replay.seconds).toBeGreaterThan(0);
    expect(figures.replay.cpuSeconds).toBeGreaterThan(0);
    // A Node process holds some tens of MB before it does anything: the child's, not the test's.
    expect(figures.replay.peakMemoryMB).toBeGreaterThan(20);
    // Of the unrounded median: within the rounding of `seconds` (to a hundredth).
    const rate = figures.replay.datapointsPerSecond;
    expect(rate).toBeLessThanOrEqual(14_400 / (figures.replay.seconds - 0.005) + 1);
    expect(rate).toBeGreaterThanOrEqual(14_400 / (figures.replay.seconds + 0.005) - 1);
    expect(err).toMatch(/replay: run 1\/1: .* s, \d+ MB/);
  }, 60_000);

  it("generates the recording it measures: ten series, one record each a minute, the same bytes each time", async () => {
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    expect(await writeVirtwayMonth(a, 1)).toEqual({ days: 1, series: 10, minutes: 1440, datapoints: 14_400 });
    await writeVirtwayMonth(b, 1);
    const lines = readFileSync(a, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(14_400);
    expect(readFileSync(b, "utf8")).toBe(readFileSync(a, "utf8"));
    const records = lines.map((l) => JSON.parse(l));
    const series = new Set(
      records.map((r) => `${r.namespace} ${r.metric_name} ${JSON.stringify(r.dimensions)}`),
    );
    expect(series.size).toBe(10);
    const minutes = new Set(records.map((r) => r.timestamp));
    expect(minutes.size).toBe(1440);
    expect(Math.max(...minutes) - Math.min(...minutes)).toBe(1439 * 60_000);
    await expect(writeVirtwayMonth(a, 0)).rejects.toThrow(/days must be a whole number/);
  });

  it("takes the median of its runs", () => {
    expect(median([12, 9, 30])).toBe(12);
    expect(median([4])).toBe(4);
  });

  it("prints the figure as a table", () => {
    const table = formatReplayFigure({
      mode: "coordinated",
      days: 30,
      series: 10,
      datapoints: 432_000,
      runs: 3,
      seconds: 9.5,
      cpuSeconds: 9.1,
      datapointsPerSecond: 45_474,
      peakMemoryMB: 180.2,
    });
    expect(table.split("\n")).toEqual([
      "replay",
      "  recording              30 days × 10 series, one a minute (432000 datapoints)",
      "  mode, runs             coordinated, median of 3",
      "  seconds (wall)         9.5",
      "  CPU seconds            9.1",
      "  datapoints per second  45474",
      "  peak memory (MB)       180.2",
    ]);
  });
});
