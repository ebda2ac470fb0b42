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
import { scenarioOf } from "../../cli/report/published.js";
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
    const report = block(readFileSync(file, "utf8"), "surge-report");
    const kpis = JSON.parse(out).targets["virtway-readers"];
    expect(report.published).toEqual({ spikeToCapacityMinutes: 8.5, scaleInMinutes: [12, 13] });
    expect(report.measured.coordinated).toEqual({
      spikeToCapacityMinutes: kpis.timeToCapacitySeconds / 60,
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
