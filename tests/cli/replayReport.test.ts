/**
 * `replay --report F.html`: one self-contained page whose embedded data is the `--json` object
 * (unchanged by the report) plus, for a scenario of a published case, the case's figures and each
 * mode's own; and a report asked for in a way that cannot be written is refused before anything runs.
 * (The page itself, drawn in a browser, is `npm run test:report`'s: scripts/test-report.mjs.)
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { doubledSeconds, scenarioOf, spikeToCapacitySeconds } from "../../cli/report/published.js";
import type { Timeline } from "../../shared/offline/replay/timeline.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "replay-report-"));
const RAFFLE = [
  "events/scenarios/raffle/raffle.jsonl",
  "--config",
  "events/scenarios/raffle/brain.config.json",
];

/** The text of the page's `<script type="application/json" id="...">`, parsed. */
function block(html: string, id: string): any {
  const match = html.match(new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`));
  if (!match) throw new Error(`no ${id} block`);
  return JSON.parse(match[1] as string);
}

describe("replay --report on the raffle scenario, both modes", async () => {
  const file = join(dir, "raffle.html");
  const withReport = await run("replay", ...RAFFLE, "--mode", "both", "--json", "--report", file);
  const html = readFileSync(file, "utf8");
  const report = block(html, "surge-report");

  it("prints the same --json as without the report", async () => {
    const without = await run("replay", ...RAFFLE, "--mode", "both", "--json");
    expect(withReport.code).toBe(0);
    expect(withReport.out).toBe(without.out);
    expect(withReport.err).toContain(`report: ${file}`);
  });

  it("embeds the --json object, with the published figures and each mode's beside them", () => {
    const { published, measured, ...json } = report;
    expect(json).toEqual(JSON.parse(withReport.out));
    expect(published).toEqual({ capacityDoubledSeconds: 45 });
    expect(measured.target).toBe("raffle-web");
    for (const mode of ["coordinated", "uncoordinated"])
      expect(measured[mode].capacityDoubledSeconds).toBeGreaterThan(45);
  });

  it("holds each mode's minutes, as many as the recording has, with the capacity the KPIs count", () => {
    const { timelines } = block(html, "surge-timeline");
    for (const mode of ["coordinated", "uncoordinated"]) {
      const t = timelines[mode];
      expect(t.minutes).toHaveLength(60);
      const web = t.targets["raffle-web"];
      const hours = web.capacity.reduce((a: number, b: number) => a + b, 0) / 60;
      expect(hours).toBeCloseTo(report[mode].targets["raffle-web"].capacityHours, 6);
      expect(t.alarms["raffle-cpu-high-60"]).toContain("ALARM");
    }
  });

  it("inlines uPlot, its style and the page's script: nothing to fetch", () => {
    expect(html).toContain("uPlot");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(\s*["']?https?:/);
    expect(html.match(/<script>/g)).toHaveLength(2);
  });
});

describe("replay --report, the published case", () => {
  it("sets the Virtway readers' spike to capacity and scale-in lag beside 8.5 and 12–13 minutes", async () => {
    const file = join(dir, "virtway.html");
    const { code, out } = await run(
      "replay",
      "events/scenarios/virtway/avalanche.jsonl",
      "--mode",
      "coordinated",
      "--json",
      "--report",
      file,
    );
    expect(code).toBe(0);
    const html = readFileSync(file, "utf8");
    const report = block(html, "surge-report");
    const timeline = block(html, "surge-timeline").timelines.coordinated;
    const kpis = JSON.parse(out).targets["virtway-readers"];
    expect(report.published).toEqual({ spikeToCapacityMinutes: 8.5, scaleInMinutes: [12, 13] });
    expect(report.measured.coordinated).toEqual({
      spikeToCapacityMinutes: (spikeToCapacitySeconds(timeline, "virtway-readers") as number) / 60,
      scaleInMinutes: kpis.scaleInLagSeconds / 60,
    });
  });

  it.each<[string, string[], string | null]>([
    ["a scenario's stream", ["events/scenarios/virtway/avalanche.jsonl"], "virtway"],
    ["a stream outside the scenarios", ["events/streams/avalanche.jsonl"], null],
    [
      "streams of two folders",
      ["events/scenarios/virtway/avalanche.jsonl", "events/streams/tv-vote.csv"],
      null,
    ],
    ["a scenario with no published case", ["events/scenarios/tv-vote/tv-vote.jsonl"], null],
  ])("%s: %s", (_name, files, expected) => {
    expect(scenarioOf(files)).toBe(expected);
  });
});

/** One target's timeline from its per-minute demand and units in service, one unit serving 10. */
function timelineOf(demand: (number | null)[], inService: number[]): Timeline {
  return {
    minutes: demand.map((_d, i) => i * 60_000),
    targets: {
      t: {
        kind: "asg",
        demandPerUnit: 10,
        demand,
        served: inService.map((n) => n * 10),
        inService,
        capacity: inService,
      },
    },
    alarms: {},
  };
}

describe("the published figures, measured", () => {
  it.each<[string, (number | null)[], number[], number | null]>([
    [
      "from the minute demand reaches half its peak to the first minute covered",
      [10, 20, 60, 80, 80, 40],
      [2, 2, 2, 4, 8, 8],
      120,
    ],
    ["short before the spike does not count", [30, 30, 30, 80, 80, 80], [2, 2, 2, 2, 8, 8], 60],
    ["covered at the spike's own minute", [10, 50, 10], [5, 5, 5], 0],
    ["never covered: to the end of the recording", [10, 80, 80], [1, 1, 1], 120],
    ["no demand", [null, null], [1, 1], null],
  ])("spike to capacity: %s", (_name, demand, inService, expected) => {
    expect(spikeToCapacitySeconds(timelineOf(demand, inService), "t")).toBe(expected);
  });

  it.each<[string, (number | null)[], number[], number | null]>([
    ["from the first short minute to twice the starting units", [30, 50, 50, 50], [4, 4, 6, 8], 120],
    ["never doubled", [30, 50, 50], [4, 4, 6], null],
    ["never short", [10, 10], [4, 8], null],
  ])("capacity doubled: %s", (_name, demand, inService, expected) => {
    expect(doubledSeconds(timelineOf(demand, inService), "t")).toBe(expected);
  });
});

describe("replay --report refusals", () => {
  it.each([
    ["a file that is not HTML", join(dir, "report.txt"), /--report names an HTML file/],
    ["a folder that does not exist", join(dir, "nowhere", "r.html"), /the folder .* does not exist/],
  ])("%s: misuse, exit 2, nothing replayed or written", async (_name, file, message) => {
    const { code, err, out } = await run("replay", ...RAFFLE, "--report", file);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe("");
    expect(existsSync(file)).toBe(false);
  });
});
