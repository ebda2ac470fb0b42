import { describe, expect, it } from "vitest";
import { isoAt, isoOf, msOf } from "../../../shared/core/engine/instants.js";

const base = Date.parse("2026-11-01T00:00:00.000Z");

describe("instants: the built-ins' answers, remembered", () => {
  it("formats as Date#toISOString, again and again, past what it remembers", () => {
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 2_000; i += 7) {
        const ms = base + i * 60_000 + (i % 3) * 1;
        expect(isoAt(ms)).toBe(new Date(ms).toISOString());
      }
    expect(isoOf(new Date(base))).toBe("2026-11-01T00:00:00.000Z");
    // A fractional ms is cut as a Date cuts it; -0 is the epoch.
    expect(isoAt(base + 0.7)).toBe(new Date(base + 0.7).toISOString());
    expect(isoAt(-0)).toBe("1970-01-01T00:00:00.000Z");
  });

  it("a date that moved is formatted at its new time", () => {
    const d = new Date(base);
    expect(isoOf(d)).toBe("2026-11-01T00:00:00.000Z");
    d.setTime(base + 60_000);
    expect(isoOf(d)).toBe("2026-11-01T00:01:00.000Z");
  });

  it("an invalid time throws as toISOString throws, every time", () => {
    expect(() => isoAt(Number.NaN)).toThrow(RangeError);
    expect(() => isoAt(Number.NaN)).toThrow(RangeError);
    expect(() => isoOf(new Date("not a time"))).toThrow(RangeError);
  });

  it("parses as Date.parse, texts that are no time included", () => {
    for (const text of [
      "2026-11-01T20:50:00.000Z",
      "2026-11-01T20:50:00Z",
      "2026-11-01T21:50:00+01:00",
      "2026-11-01",
      "not a time",
      "",
    ]) {
      expect(Object.is(msOf(text), Date.parse(text))).toBe(true);
      expect(Object.is(msOf(text), Date.parse(text))).toBe(true);
    }
    for (let i = 0; i < 2_000; i += 3) {
      const text = new Date(base + i * 1_000).toISOString();
      expect(msOf(text)).toBe(base + i * 1_000);
    }
  });
});
