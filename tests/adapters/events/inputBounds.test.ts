/**
 * Inputs at the edges of what JavaScript holds: nesting deep enough to overflow the stack, and
 * times at or beyond a Date's range. Each is refused with the field named, never a crash; in Lambda the
 * refusal is acknowledged (an error in the result), never a retry.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_DEPTH, measurePayload, payloadFor } from "../../../functions/lib/payload.js";
import { parseEvent } from "../../../shared/adapters/events/parseEvent.js";
import { isoTimestamp, TIMESTAMP_RANGE, timestampMillis } from "../../../shared/core/alarms/timestamps.js";
import { PayloadError } from "../../../shared/core/errors.js";

const sample = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../events/${file}`, import.meta.url), "utf8"));

/** `levels` arrays each inside the next, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe("a payload's nesting is bounded before anything recursive reads it", () => {
  it("a payload 100,000 levels deep overflows JSON.stringify, so it must never reach it", () => {
    expect(() => JSON.stringify(nested(100_000))).toThrow(RangeError);
  });

  it.each([3_000, 5_000, 100_000])("%s levels: acknowledged with an error naming the depth", (levels) => {
    const event = sample("eventbridge/readers-cpu-70.json");
    event.detail.extra = nested(levels);
    const checked = payloadFor(event, 262_144, "alarm-state-change");
    expect(checked).toEqual({
      acknowledged: {
        error: {
          message: `the payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels (${MAX_PAYLOAD_DEPTH + 1} or more)`,
          problems: [],
        },
      },
    });
  });

  it(`${MAX_PAYLOAD_DEPTH} levels are read as any payload is`, () => {
    const event = sample("eventbridge/readers-cpu-70.json");
    // detail.extra is 2 levels down: the arrays inside it fill the payload to the bound.
    event.detail.extra = nested(MAX_PAYLOAD_DEPTH - 2);
    expect(payloadFor(event, 262_144, "alarm-state-change")).toHaveProperty(
      "event.type",
      "alarm-state-change",
    );
  });
});

describe("timestamps outside the years 0001 to 9999", () => {
  it.each([
    [TIMESTAMP_RANGE.max, "9999-12-31T23:59:59.999Z"],
    [TIMESTAMP_RANGE.min, "0001-01-01T00:00:00.000Z"],
    [TIMESTAMP_RANGE.max + 1, null],
    [TIMESTAMP_RANGE.min - 1, null],
    // The edges of a Date's range: a date a setting's seconds later would be invalid.
    [8.64e15, null],
    [-8.64e15, null],
    [1e308, null],
    [-1e308, null],
  ])("%s → %s", (value, iso) => {
    expect(isoTimestamp(value)).toBe(iso);
    expect(timestampMillis(value)).toBe(iso === null ? null : value);
  });

  it.each([
    [
      "eventbridge/readers-cpu-70.json",
      (e: any) => (e.detail.state.timestamp = 1e308),
      "$.detail.state.timestamp",
    ],
    ["tick.json", (e: any) => (e.time = -1e300), "$.time"],
    [
      "sns/readers-cpu-70.json",
      (e: any) => {
        const message = JSON.parse(e.Records[0].Sns.Message);
        message.StateChangeTime = 9e15;
        e.Records[0].Sns.Message = JSON.stringify(message);
      },
      "$.Records[0].Sns.Message.StateChangeTime",
    ],
  ])("%s with %s: a PayloadError naming %s", (file, edit, path) => {
    const event = sample(file);
    edit(event);
    let error: unknown;
    try {
      parseEvent(event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).problems).toContainEqual(
      expect.objectContaining({
        path,
        message: expect.stringMatching(/outside the years 0001 to 9999/),
      }),
    );
  });
});

describe("the payload's size, bounded before it is measured", () => {
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "");

  it("never under what its JSON takes, for any JSON value or object", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.anything({ withSparseArray: true, withNullPrototype: true })),
        (value) => {
          const { depth, bound } = measurePayload(value, MAX_PAYLOAD_DEPTH);
          if (depth === null && Number.isFinite(bound)) expect(bound).toBeGreaterThanOrEqual(bytes(value));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("at the edges: escapes, lone surrogates, the longest numbers, holes", () => {
    const edges: unknown[] = [
      '\u0000\u001f"\\',
      "\ud800",
      "😀".repeat(10),
      -0.0000048132895941297615,
      -Number.MAX_VALUE,
      new Array(1000),
      [undefined, () => 1, Symbol("s")],
      { a: undefined, b: () => 1 },
      undefined,
    ];
    for (const value of edges)
      expect(measurePayload(value, MAX_PAYLOAD_DEPTH).bound).toBeGreaterThanOrEqual(bytes(value));
  });

  it("has none for what JSON writes otherwise than as plain data, which is then measured", () => {
    for (const value of [{ at: new Date(0) }, { toJSON: () => "x".repeat(100) }, [1n]])
      expect(measurePayload(value, MAX_PAYLOAD_DEPTH).bound).toBe(Number.POSITIVE_INFINITY);
  });

  it("a payload over settings.maxPayloadBytes is still refused with its size", () => {
    const event = { ...sample("tick.json"), detail: { note: "é".repeat(300) } };
    const size = bytes(event);
    expect(payloadFor(event, size - 1, "scheduled")).toEqual({
      acknowledged: {
        error: {
          message: `the payload is ${size} bytes; settings.maxPayloadBytes is ${size - 1}`,
          problems: [],
        },
      },
    });
    expect(payloadFor(event, size, "scheduled")).toHaveProperty("event");
  });
});
