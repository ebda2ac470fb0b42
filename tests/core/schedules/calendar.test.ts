import { describe, expect, it } from "vitest";
import type { BrainConfig, CalendarEvent, Target } from "../../../shared/core/config/schema.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { scheduledActionsOf } from "../../../shared/core/schedules/actions.js";
import { scheduledBoundsAt } from "../../../shared/core/schedules/boundsInForce.js";
import { calendarActionsOf } from "../../../shared/core/schedules/calendar.js";
import { virtwayJson } from "../../support/config.js";

const PER_UNIT: Record<string, number> = {
  "virtway-readers": 1600,
  "virtway-acu-floor": 500,
  "virtway-frontend": 500,
  "virtway-api": 800,
};

/** The tests' Virtway configuration with the given calendar, each target serving PER_UNIT. */
function withCalendar(calendar: CalendarEvent[], edit: (json: any) => void = () => {}): BrainConfig {
  const json = virtwayJson();
  json.calendar = calendar;
  for (const t of json.targets) {
    t.audience = { perUnit: PER_UNIT[t.id] };
    t.schedules = [];
  }
  edit(json);
  const checked = validateConfig(json);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.config;
}

const avalanche: CalendarEvent = {
  name: "virtway-avalanche",
  start: "2026-11-23T20:00:00",
  end: "2026-11-23T20:15:00",
  timeZone: "Europe/Madrid",
  peakAudience: 8000,
};

const target = (config: BrainConfig, id: string): Target => config.targets.find((t) => t.id === id)!;
const plan = (config: BrainConfig, id: string) =>
  calendarActionsOf(config, target(config, id)).map((c) => [
    c.action.ScheduledActionName,
    new Date(c.at).toISOString(),
    c.action.ScalableTargetAction,
  ]);

describe("the calendar's actions", () => {
  const config = withCalendar([avalanche]);

  it.each([
    // A reader: 8 minutes' provisioning plus the 5-minute margin: 13 minutes ahead; 8000 / 1600 = 5.
    ["virtway-readers", "2026-11-23T18:47:00.000Z", 5, 1],
    // An ACU floor: a minute ahead; 8000 / 500 = 16 ACU.
    ["virtway-acu-floor", "2026-11-23T18:59:00.000Z", 16, 1],
    // An instance: 3 minutes' warm-up plus the margin; 8000 / 500 = 16.
    ["virtway-frontend", "2026-11-23T18:52:00.000Z", 16, 2],
    // 8000 / 800 = 10.
    ["virtway-api", "2026-11-23T18:52:00.000Z", 10, 2],
  ])(
    "%s: raised at %s to %s, held through the event, released at its end to %s",
    (id, raised, floor, base) => {
      expect(plan(config, id)).toEqual([
        ["calendar:virtway-avalanche:raise", raised, { MinCapacity: floor }],
        ["calendar:virtway-avalanche:release", "2026-11-23T19:15:00.000Z", { MinCapacity: base }],
      ]);
    },
  );

  it("are ordinary scheduled actions: their bounds are in force through the event and not after", () => {
    const readers = target(config, "virtway-readers");
    const actions = scheduledActionsOf(config, readers);
    expect(scheduledBoundsAt(readers, actions, Date.parse("2026-11-23T18:46:59Z")).min).toBe(1);
    expect(scheduledBoundsAt(readers, actions, Date.parse("2026-11-23T19:05:00Z")).min).toBe(5);
    expect(scheduledBoundsAt(readers, actions, Date.parse("2026-11-23T19:15:00Z")).min).toBe(1);
  });

  it("an event that crosses midnight: raised the evening before, released the next day", () => {
    const late = withCalendar([
      { ...avalanche, name: "new-year", start: "2026-12-31T23:30:00", end: "2027-01-01T00:30:00" },
    ]);
    expect(plan(late, "virtway-readers")).toEqual([
      ["calendar:new-year:raise", "2026-12-31T22:17:00.000Z", { MinCapacity: 5 }],
      ["calendar:new-year:release", "2026-12-31T23:30:00.000Z", { MinCapacity: 1 }],
    ]);
  });

  it("overlapping events combine: the larger floor wins, and one's end never drops another's floor", () => {
    const both = withCalendar([
      {
        ...avalanche,
        name: "keynote",
        start: "2026-11-23T20:00:00",
        end: "2026-11-23T21:00:00",
        peakAudience: 3200,
      },
      {
        ...avalanche,
        name: "raffle",
        start: "2026-11-23T20:30:00",
        end: "2026-11-23T20:40:00",
        peakAudience: 8000,
      },
    ]);
    expect(plan(both, "virtway-readers")).toEqual([
      ["calendar:keynote:raise", "2026-11-23T18:47:00.000Z", { MinCapacity: 2 }],
      ["calendar:raffle:raise", "2026-11-23T19:17:00.000Z", { MinCapacity: 5 }],
      // The raffle ends: the keynote still runs, its floor of 2 holds.
      ["calendar:raffle:release", "2026-11-23T19:40:00.000Z", { MinCapacity: 2 }],
      ["calendar:keynote:release", "2026-11-23T20:00:00.000Z", { MinCapacity: 1 }],
    ]);
    const raffle = calendarActionsOf(both, target(both, "virtway-readers"))[1];
    expect(raffle?.why).toMatch(/overlaps keynote \(2\): the larger floor wins/);
  });

  it("a target that exists only around events goes from 0 before to 0 after", () => {
    const tv = withCalendar([avalanche], (json) => {
      const api = json.targets.find((t: any) => t.id === "virtway-api");
      api.MinCapacity = 0;
      api.audience.onlyDuringEvents = true;
    });
    expect(plan(tv, "virtway-api")).toEqual([
      ["calendar:virtway-avalanche:raise", "2026-11-23T18:52:00.000Z", { MinCapacity: 10, MaxCapacity: 16 }],
      ["calendar:virtway-avalanche:release", "2026-11-23T19:15:00.000Z", { MinCapacity: 0, MaxCapacity: 0 }],
    ]);
  });

  it("a target's own leadSeconds wins over its kind's", () => {
    const early = withCalendar([avalanche], (json) => {
      json.targets.find((t: any) => t.id === "virtway-readers").audience.leadSeconds = 1800;
    });
    expect(plan(early, "virtway-readers")[0]?.[1]).toBe("2026-11-23T18:30:00.000Z");
  });
});

describe("validate checks the calendar", () => {
  const problems = (calendar: unknown[], edit: (json: any) => void = () => {}) => {
    const json = virtwayJson();
    json.calendar = calendar;
    for (const t of json.targets) t.audience = { perUnit: PER_UNIT[t.id] };
    edit(json);
    return validateConfig(json).problems.map((p) => [p.severity, p.path, p.message]);
  };

  it.each([
    [
      "an event that ends before it starts",
      [{ ...avalanche, end: "2026-11-23T19:00:00" }],
      [
        "error",
        "$.calendar[0].end",
        "the event ends (2026-11-23T19:00:00) before it starts (2026-11-23T20:00:00)",
      ],
    ],
    [
      "an unknown time zone",
      [{ ...avalanche, timeZone: "Europe/Atlantis" }],
      ["error", "$.calendar[0].timeZone", '"Europe/Atlantis" is not an IANA time zone such as Europe/Madrid'],
    ],
    [
      "a date that does not exist",
      [{ ...avalanche, start: "2026-02-30T20:00:00" }],
      ["error", "$.calendar[0].start", "2026-02-30T20:00:00 is not a real date and time"],
    ],
  ])("%s", (_, calendar, expected) => {
    expect(problems(calendar)).toContainEqual(expected);
  });

  it("a target with no capacity per audience", () => {
    const found = problems([avalanche], (json) => delete json.targets[1].audience);
    expect(found).toEqual([
      ["error", "$.targets[1]", expect.stringMatching(/^virtway-acu-floor has no capacity per audience/)],
    ]);
  });

  it("a lead time longer than the gap since the previous event: a warning, the floors combine", () => {
    const found = problems([
      avalanche,
      { ...avalanche, name: "second", start: "2026-11-23T20:25:00", end: "2026-11-23T20:40:00" },
    ]);
    // 10 minutes between them: a reader's 13 minutes are longer; an instance's 8 and the ACU floor's 1 are not.
    expect(found.map(([severity, path]) => [severity, path])).toEqual([["warning", "$.calendar[1].start"]]);
    expect(found[0]?.[2]).toMatch(
      /virtway-readers's lead time \(780 s\) is longer than the 600 s since virtway-avalanche ends/,
    );
  });

  it("the example configuration carries the Virtway event and validates", async () => {
    const { loadConfig } = await import("../../../shared/adapters/configFile.js");
    const { config } = loadConfig("brain.config.json");
    expect(config.calendar?.map((e) => e.name)).toEqual(["virtway-avalanche"]);
  });
});
