import { describe, expect, it } from "vitest";
import type { ScheduledAction } from "../../../shared/core/config/schema.js";
import { scheduledBoundsAt } from "../../../shared/core/schedules/boundsInForce.js";
import { lastRunAtOrBefore, runsIn } from "../../../shared/core/schedules/runs.js";
import { fromLocalMs, offsetMs } from "../../../shared/core/schedules/zonedTime.js";

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

const action = (Schedule: string, more: Partial<ScheduledAction> = {}): ScheduledAction => ({
  ScheduledActionName: "a",
  Schedule,
  ScalableTargetAction: { MinCapacity: 3 },
  ...more,
});

describe("the runs of a scheduled action in a window", () => {
  it.each([
    {
      name: "cron in UTC",
      action: action("cron(30 18 ? * THU *)"),
      from: "2026-11-18T00:00:00Z",
      to: "2026-12-04T00:00:00Z",
      runs: ["2026-11-19T18:30:00.000Z", "2026-11-26T18:30:00.000Z", "2026-12-03T18:30:00.000Z"],
    },
    {
      name: "cron in Europe/Madrid across the end of summer time (25 October 2026): 16:30 UTC, then 17:30 UTC",
      action: action("cron(30 18 ? * THU *)", { Timezone: "Europe/Madrid" }),
      from: "2026-10-15T00:00:00Z",
      to: "2026-11-02T00:00:00Z",
      runs: ["2026-10-15T16:30:00.000Z", "2026-10-22T16:30:00.000Z", "2026-10-29T17:30:00.000Z"],
    },
    {
      name: "cron in America/New_York across the start of summer time (8 March 2026): 14:00 UTC, then 13:00 UTC",
      action: action("cron(0 9 ? * SUN *)", { Timezone: "America/New_York" }),
      from: "2026-03-01T00:00:00Z",
      to: "2026-03-09T00:00:00Z",
      runs: ["2026-03-01T14:00:00.000Z", "2026-03-08T13:00:00.000Z"],
    },
    {
      name: "cron at a local time the clocks skip (02:30, Madrid, 29 March 2026) runs once, at 03:30 local",
      action: action("cron(30 2 * * ? *)", { Timezone: "Europe/Madrid" }),
      from: "2026-03-28T00:00:00Z",
      to: "2026-03-30T12:00:00Z",
      runs: ["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"],
    },
    {
      name: "cron at a local time that occurs twice (02:30, Madrid, 25 October 2026) runs once, the first",
      action: action("cron(30 2 * * ? *)", { Timezone: "Europe/Madrid" }),
      from: "2026-10-24T12:00:00Z",
      to: "2026-10-26T12:00:00Z",
      runs: ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"],
    },
    {
      name: "at() in its time zone",
      action: action("at(2026-11-23T19:47:00)", { Timezone: "Europe/Madrid" }),
      from: "2026-11-23T00:00:00Z",
      to: "2026-11-24T00:00:00Z",
      runs: ["2026-11-23T18:47:00.000Z"],
    },
    {
      name: "at() in the past: no run in a later window",
      action: action("at(2026-11-23T18:47:00)"),
      from: "2026-11-23T18:47:00Z",
      to: "2026-11-30T00:00:00Z",
      runs: [],
    },
    {
      name: "at() before its StartTime does not run",
      action: action("at(2026-11-23T18:47:00)", { StartTime: "2026-11-24T00:00:00Z" }),
      from: "2026-11-01T00:00:00Z",
      to: "2026-11-30T00:00:00Z",
      runs: [],
    },
    {
      name: "cron with StartTime and EndTime: a run at StartTime, then the recurrence, none after EndTime",
      action: action("cron(0 12 * * ? *)", {
        StartTime: "2026-11-23T09:15:00Z",
        EndTime: "2026-11-25T12:00:00Z",
      }),
      from: "2026-11-20T00:00:00Z",
      to: "2026-11-30T00:00:00Z",
      runs: [
        "2026-11-23T09:15:00.000Z",
        "2026-11-23T12:00:00.000Z",
        "2026-11-24T12:00:00.000Z",
        "2026-11-25T12:00:00.000Z",
      ],
    },
    {
      name: "rate() from its StartTime, Timezone ignored",
      action: action("rate(6 hours)", { StartTime: "2026-11-23T01:00:00Z", Timezone: "Asia/Tokyo" }),
      from: "2026-11-23T00:00:00Z",
      to: "2026-11-24T00:00:00Z",
      runs: [
        "2026-11-23T01:00:00.000Z",
        "2026-11-23T07:00:00.000Z",
        "2026-11-23T13:00:00.000Z",
        "2026-11-23T19:00:00.000Z",
      ],
    },
    {
      name: "rate() without StartTime counts from 1970-01-01T00:00Z",
      action: action("rate(1 day)"),
      from: "2026-11-23T00:00:00Z",
      to: "2026-11-25T00:00:00Z",
      runs: ["2026-11-24T00:00:00.000Z", "2026-11-25T00:00:00.000Z"],
    },
  ])("$name", ({ action: a, from, to, runs }) => {
    expect(runsIn(a, { from: ms(from), to: ms(to) }).map(iso)).toEqual(runs);
  });
});

describe("the latest run at or before a time", () => {
  it.each([
    {
      name: "cron in a time zone, on the dot",
      action: action("cron(30 18 ? * THU *)", { Timezone: "Europe/Madrid" }),
      now: "2026-11-26T17:30:00Z",
      last: "2026-11-26T17:30:00.000Z",
    },
    {
      name: "cron in a time zone, a second before",
      action: action("cron(30 18 ? * THU *)", { Timezone: "Europe/Madrid" }),
      now: "2026-11-26T17:29:59Z",
      last: "2026-11-19T17:30:00.000Z",
    },
    {
      name: "cron before summer time ended, seen after",
      action: action("cron(30 18 ? * THU *)", { Timezone: "Europe/Madrid" }),
      now: "2026-10-27T00:00:00Z",
      last: "2026-10-22T16:30:00.000Z",
    },
    {
      name: "at() in the past",
      action: action("at(2025-01-01T00:00:00)"),
      now: "2026-11-26T00:00:00Z",
      last: "2025-01-01T00:00:00.000Z",
    },
    {
      name: "at() still ahead",
      action: action("at(2027-01-01T00:00:00)"),
      now: "2026-11-26T00:00:00Z",
      last: null,
    },
    {
      name: "cron with EndTime: its last run before the end",
      action: action("cron(0 12 * * ? *)", { EndTime: "2026-11-25T13:00:00Z" }),
      now: "2026-12-10T00:00:00Z",
      last: "2026-11-25T12:00:00.000Z",
    },
    {
      name: "cron before its StartTime: none",
      action: action("cron(0 12 * * ? *)", { StartTime: "2026-12-01T00:00:00Z" }),
      now: "2026-11-26T00:00:00Z",
      last: null,
    },
    {
      name: "cron between its StartTime and the first recurrence: the StartTime",
      action: action("cron(0 12 * * ? *)", { StartTime: "2026-12-01T06:00:00Z" }),
      now: "2026-12-01T08:00:00Z",
      last: "2026-12-01T06:00:00.000Z",
    },
    {
      name: "cron every minute: the minute itself",
      action: action("cron(* * * * ? *)", { Timezone: "Europe/Madrid" }),
      now: "2026-11-26T11:00:30Z",
      last: "2026-11-26T11:00:00.000Z",
    },
    {
      name: "rate(): the latest multiple",
      action: action("rate(15 minutes)", { StartTime: "2026-11-26T10:05:00Z" }),
      now: "2026-11-26T11:00:00Z",
      last: "2026-11-26T10:50:00.000Z",
    },
  ])("$name", ({ action: a, now, last }) => {
    const got = lastRunAtOrBefore(a, ms(now));
    expect(got === null ? null : iso(got)).toEqual(last);
  });
});

describe("asked once a minute, as the tick and replay ask", () => {
  it("gives the same answers as asked afresh, runs and all, across a daylight-saving change", () => {
    const every = [
      action("cron(30 2 * * ? *)", { Timezone: "Europe/Madrid" }),
      action("cron(0/20 * * * ? *)", { Timezone: "America/New_York" }),
      action("rate(45 minutes)", { StartTime: "2026-10-24T00:10:00Z" }),
    ];
    const from = ms("2026-10-24T22:00:00Z");
    for (const a of every) {
      const runs = runsIn(a, { from: from - 1, to: from + 6 * 3_600_000 });
      for (let t = from; t < from + 6 * 3_600_000; t += 60_000) {
        const expected = [...runs].reverse().find((r) => r <= t) ?? null;
        if (expected !== null) expect(lastRunAtOrBefore(a, t)).toBe(expected);
      }
    }
  });
});

describe("the bounds in force", () => {
  const target = { MinCapacity: 1, MaxCapacity: 8 };
  const before = action("cron(30 18 ? * THU *)", {
    ScheduledActionName: "before",
    Timezone: "Europe/Madrid",
    ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 6 },
  });
  const after = action("cron(30 21 ? * THU *)", {
    ScheduledActionName: "after",
    Timezone: "Europe/Madrid",
    ScalableTargetAction: { MinCapacity: 1 },
  });

  it("are the latest run's, bound by bound, and hold until another changes them", () => {
    const during = scheduledBoundsAt(target, [before, after], ms("2026-11-26T19:00:00Z"));
    expect([during.min, during.max, during.minFrom?.action.ScheduledActionName]).toEqual([3, 6, "before"]);
    // "after" sets only MinCapacity: MaxCapacity stays as "before" set it.
    const later = scheduledBoundsAt(target, [before, after], ms("2026-11-27T09:00:00Z"));
    expect([
      later.min,
      later.max,
      later.minFrom?.action.ScheduledActionName,
      later.maxFrom?.action.ScheduledActionName,
    ]).toEqual([1, 6, "after", "before"]);
  });

  it("are the target's own before any action ran", () => {
    const b = scheduledBoundsAt(target, [action("at(2027-01-01T00:00:00)")], ms("2026-11-26T00:00:00Z"));
    expect([b.min, b.max, b.minFrom, b.maxFrom]).toEqual([1, 8, null, null]);
  });
});

describe("time zones", () => {
  it("reads Madrid's offset in winter and in summer", () => {
    expect(offsetMs("Europe/Madrid", ms("2026-01-15T12:00:00Z"))).toBe(3_600_000);
    expect(offsetMs("Europe/Madrid", ms("2026-07-15T12:00:00Z"))).toBe(7_200_000);
  });
  it("finds the instant of a local time", () => {
    expect(iso(fromLocalMs("Europe/Madrid", ms("2026-11-23T20:00:00Z")))).toBe("2026-11-23T19:00:00.000Z");
  });
});
