import { describe, expect, it } from "vitest";
import type { SkippedInput } from "../../../shared/offline/streams/record.js";
import { kindOf, SHOWN_PER_KIND, SkipReports } from "../../../shared/offline/streams/skipReports.js";

describe("kindOf", () => {
  it.each([
    ["not JSON: Unexpected token 'x', \"xyz\" is not valid JSON", "not JSON"],
    [
      'timestamp "yesterday" is not ISO-8601 with a zone or epoch milliseconds',
      'timestamp "…" is not ISO-8601 with a zone or epoch milliseconds',
    ],
    ["3 fields where the header has 5", "N fields where the header has N"],
    ["longer than 1 MiB (209715231 bytes): not read", "longer than N MiB (N bytes)"],
    [
      "record at 2026-11-23T19:00:00.000Z arrived after records up to 2026-11-23T19:12:00.000Z",
      "record at T arrived after records up to T",
    ],
  ])("%s → %s", (reason, kind) => {
    expect(kindOf(reason)).toBe(kind);
  });

  it("tells different problems apart", () => {
    expect(kindOf('value "x" is not a number')).not.toBe(kindOf("no namespace or metric"));
  });
});

describe("SkipReports", () => {
  const skip = (line: number, reason: string): SkippedInput => ({ file: "f", line, reason });

  it(`shows the first ${SHOWN_PER_KIND} of each kind, in order, then counts the rest per kind`, () => {
    const shown: number[] = [];
    const reports = new SkipReports((s) => shown.push(s.line as number));
    for (let i = 1; i <= 1000; i++) reports.report(skip(i, `not JSON: Unexpected token '${i}'`));
    reports.report(skip(1001, "no namespace or metric"));
    expect(shown).toEqual([...Array.from({ length: SHOWN_PER_KIND }, (_, i) => i + 1), 1001]);
    expect(reports.summary()).toEqual([`… and ${1000 - SHOWN_PER_KIND} more like this (not JSON)`]);
  });

  it("says nothing more when nothing was held back", () => {
    const reports = new SkipReports(() => {});
    reports.report(skip(1, "no namespace or metric"));
    expect(reports.summary()).toEqual([]);
  });

  it("keeps a bounded number of kinds: reasons that differ every time are counted together", () => {
    const reports = new SkipReports(() => {}, 0);
    for (let i = 0; i < 10_000; i++) reports.report(skip(i, `dimension x${i}y is not Name=Value`));
    const summary = reports.summary();
    expect(summary.length).toBeLessThanOrEqual(101);
    expect(summary.at(-1)).toMatch(/more like this \(other problems\)$/);
  });
});
