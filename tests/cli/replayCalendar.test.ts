/**
 * The calendar on replay's virtual clock, in both modes: the avalanche of events/streams/ with the
 * example's Virtway event, and without it (the same configuration, no calendar and no audience).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReplayResult } from "../../shared/offline/replay/types.js";
import { run } from "./run.js";

const STREAM = "events/streams/avalanche.jsonl";

function withoutCalendar(): string {
  const config = JSON.parse(readFileSync("brain.config.json", "utf8"));
  delete config.calendar;
  for (const target of config.targets) delete target.audience;
  const file = join(mkdtempSync(join(tmpdir(), "replay-calendar-")), "no-calendar.json");
  writeFileSync(file, JSON.stringify(config));
  return file;
}

async function both(...args: string[]): Promise<Record<"coordinated" | "uncoordinated", ReplayResult>> {
  const { code, out } = await run("replay", STREAM, "--mode", "both", "--json", ...args);
  expect(code).toBe(0);
  return JSON.parse(out);
}

const underProvisioned = (result: ReplayResult) =>
  Object.values(result.targets).reduce((sum, k) => sum + k.underProvisionedSeconds, 0);

describe("replaying the avalanche with the calendar", () => {
  it("raises the floors ahead of the event in both modes, and shows less under-provisioned time than without it", async () => {
    const withIt = await both();
    const without = await both("--config", withoutCalendar());
    for (const mode of ["coordinated", "uncoordinated"] as const) {
      expect(underProvisioned(withIt[mode])).toBeLessThan(underProvisioned(without[mode]));
      // The readers' floor is raised at 18:47, 13 minutes before the event, to 5.
      expect(withIt[mode].decisions).toContainEqual(
        expect.objectContaining({
          at: "2026-11-23T18:47:00.000Z",
          target: "virtway-readers",
          policy: "calendar:virtway-avalanche:raise",
          to: 5,
        }),
      );
      expect(without[mode].decisions.some((d) => d.policy?.startsWith("calendar:"))).toBe(false);
    }
  }, 120_000);
});
