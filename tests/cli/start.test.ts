/**
 * `npm start`: the Virtway scenario replayed in both modes, a short table per target (brain against
 * native) and the report written; as a new user runs it, in a process of its own, so that what
 * reaches the terminal is what they see: no function log, no Node or SDK warning.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { formatStartTable } from "../../cli/commands/start.js";
import type { ReplayResult, TargetKpis } from "../../shared/offline/replay/types.js";

const dir = mkdtempSync(join(tmpdir(), "brain-start-"));

describe("brain start", () => {
  it("prints the table and the report's path, writes the report, and nothing else reaches the terminal", async () => {
    const report = join(dir, "report.html");
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["bin/brain.js", "start", "--report", report],
      { env: { ...process.env, NODE_OPTIONS: "" } },
    );
    expect(stderr).toBe("");
    const lines = stdout.split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^target \(brain \/ native\) +under-provisioned +capacity-hours +flaps +actions$/,
      ),
    );
    for (const target of ["virtway-readers", "virtway-acu-floor", "virtway-frontend", "virtway-api"])
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${target} +\\d+ min / \\d+ min +[\\d.]+ / [\\d.]+ +\\d+ / \\d+ +\\d+ / \\d+$`),
        ),
      );
    expect(stdout).toContain(`report: ${report}`);
    expect(stdout).not.toMatch(/"level"|"_aws"/);
    expect(readFileSync(report, "utf8")).toMatch(
      /"published":\{"spikeToCapacityMinutes":8.5,"scaleInMinutes":\[12,13\]\}/,
    );
  }, 60_000);

  it("refuses a report it cannot write before replaying anything", async () => {
    const { run } = await import("./run.js");
    const { code, err } = await run("start", "--report", join(dir, "missing", "report.html"));
    expect(code).toBe(2);
    expect(err).toMatch(/the folder .* does not exist/);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});

const kpis = (over: Partial<TargetKpis>): TargetKpis => ({
  underProvisionedSeconds: 0,
  capacityHours: 0,
  actions: 0,
  scaleOuts: 0,
  scaleIns: 0,
  flaps: 0,
  blocked: 0,
  maxCapacity: 0,
  timeToCapacitySeconds: null,
  scaleInLagSeconds: null,
  ...over,
});
const result = (targets: Record<string, TargetKpis>): ReplayResult => ({ targets, decisions: [] });

describe("the start table", () => {
  it("puts the brain's value before the native one, minutes whole, capacity-hours to the hundredth", () => {
    const table = formatStartTable(
      result({
        readers: kpis({ underProvisionedSeconds: 1800, capacityHours: 4.254, flaps: 0, actions: 6 }),
      }),
      result({ readers: kpis({ underProvisionedSeconds: 1860, capacityHours: 4.1, flaps: 2, actions: 7 }) }),
    );
    expect(table.split("\n")).toEqual([
      "target (brain / native)  under-provisioned  capacity-hours  flaps  actions",
      "readers                    30 min / 31 min     4.25 / 4.10  0 / 2    6 / 7",
    ]);
  });

  it("shows a target the baseline lacks as —", () => {
    const table = formatStartTable(result({ floor: kpis({ capacityHours: 10.5 }) }), result({}));
    expect(table).toMatch(/^floor +0 min \/ — +10\.50 \/ — +0 \/ — +0 \/ —$/m);
  });
});
