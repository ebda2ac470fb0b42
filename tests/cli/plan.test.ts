import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./run.js";

type Planned = { actions: Record<string, unknown>[] };

describe("plan", () => {
  it("--event prints the Virtway event's actions, per target in time order, in the JSON shape", async () => {
    const { code, out } = await run("plan", "--event", "virtway-avalanche", "--json");
    expect(code).toBe(0);
    const { actions } = JSON.parse(out) as Planned;
    expect(actions.map(({ why: _, ...a }) => a)).toEqual([
      { at: "2026-11-23T18:47:00Z", target: "virtway-readers", from: "virtway-avalanche", MinCapacity: 5 },
      { at: "2026-11-23T19:15:00Z", target: "virtway-readers", from: "virtway-avalanche", MinCapacity: 1 },
      { at: "2026-11-23T18:59:00Z", target: "virtway-acu-floor", from: "virtway-avalanche", MinCapacity: 16 },
      { at: "2026-11-23T19:15:00Z", target: "virtway-acu-floor", from: "virtway-avalanche", MinCapacity: 1 },
      { at: "2026-11-23T18:52:00Z", target: "virtway-frontend", from: "virtway-avalanche", MinCapacity: 16 },
      { at: "2026-11-23T19:15:00Z", target: "virtway-frontend", from: "virtway-avalanche", MinCapacity: 2 },
      { at: "2026-11-23T18:52:00Z", target: "virtway-api", from: "virtway-avalanche", MinCapacity: 10 },
      { at: "2026-11-23T19:15:00Z", target: "virtway-api", from: "virtway-avalanche", MinCapacity: 2 },
    ]);
    expect(actions[0]?.why).toBe(
      "virtway-avalanche starts at 2026-11-23T19:00:00Z with 8000 of audience: 5 at 1600 per unit, raised 780 s ahead",
    );
  });

  it("a window: the configured actions too, each named, with its bounds and its time zone's reading", async () => {
    const { code, out } = await run(
      "plan",
      "--from",
      "2026-11-26T00:00:00Z",
      "--to",
      "2026-11-27T00:00:00Z",
      "--json",
    );
    expect(code).toBe(0);
    const readers = (JSON.parse(out) as Planned).actions.filter((a) => a.target === "virtway-readers");
    expect(readers).toEqual([
      {
        at: "2026-11-26T17:30:00Z",
        target: "virtway-readers",
        from: "readers-before-thursday-event",
        MinCapacity: 3,
        MaxCapacity: 8,
        why: "cron(30 18 ? * THU *) in Europe/Madrid: 2026-11-26 18:30:00 local time",
      },
      {
        at: "2026-11-26T20:30:00Z",
        target: "virtway-readers",
        from: "readers-after-thursday-event",
        MinCapacity: 1,
        MaxCapacity: 8,
        why: "cron(30 21 ? * THU *) in Europe/Madrid: 2026-11-26 21:30:00 local time",
      },
    ]);
  });

  it("says when overlapping events combine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const config = JSON.parse(readFileSync("brain.config.json", "utf8")) as {
      calendar: Record<string, unknown>[];
    };
    config.calendar.push({
      ...config.calendar[0],
      name: "encore",
      start: "2026-11-23T20:10:00",
      end: "2026-11-23T20:30:00",
      peakAudience: 9600,
    });
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify(config));
    const { code, out } = await run("plan", "--config", file, "--event", "encore");
    expect(code).toBe(0);
    expect(out).toMatch(
      /virtway-readers:\n {2}2026-11-23T18:57:00Z {2}encore {2}MinCapacity 6 {2}\(encore starts .* overlaps virtway-avalanche \(5\): the larger floor wins\)/,
    );
  });

  it("prints people's lines by default", async () => {
    const { code, out } = await run("plan", "--event", "virtway-avalanche");
    expect(code).toBe(0);
    expect(out).toMatch(
      /^8 scheduled action runs from 2026-11-22T19:00:00Z to 2026-11-24T19:15:00Z for virtway-avalanche\n/,
    );
    expect(out).toMatch(/virtway-readers:\n {2}2026-11-23T18:47:00Z {2}virtway-avalanche {2}MinCapacity 5 /);
  });

  it.each([
    [
      ["--event", "no-such-event"],
      /--event no-such-event: no calendar event of that name in brain.config.json \(it has virtway-avalanche\)/,
    ],
    [["--from", "yesterday"], /--from yesterday is not an ISO-8601 time/],
    [["--from", "2026-11-27T00:00:00Z", "--to", "2026-11-26T00:00:00Z"], /--to must be after --from/],
  ])("%j is misuse: exit 2, named", async (args, message) => {
    const { code, err } = await run("plan", ...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it("has --help", async () => {
    const { code, out } = await run("plan", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/--event <name>/);
  });
});
