/**
 * The Scheduled Event as the tick reads it: an event as EventBridge writes it is read without the
 * schema, and must read exactly as the schema reads it; anything else is the schema's to read or
 * refuse. Held over payloads built from every variant of every field, and over timestamps in and
 * around EventBridge's own form.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writtenTimestamp } from "../../../shared/adapters/events/fields.js";
import { statedOrigin } from "../../../shared/adapters/events/identity.js";
import { parseScheduledEvent, ScheduledEventSchema } from "../../../shared/adapters/events/scheduledEvent.js";
import { isoTimestamp } from "../../../shared/core/alarms/timestamps.js";

/** What the schema alone makes of a payload (null: refused). */
function bySchema(raw: unknown) {
  const parsed = ScheduledEventSchema.safeParse(raw);
  if (!parsed.success) return null;
  const event = parsed.data;
  const stated = statedOrigin({
    account: ["account", event.account],
    region: ["region", event.region],
    arn: ["resources[0]", event.resources[0]],
  });
  return { time: event.time, ruleArns: event.resources, stated };
}

function byParser(raw: unknown) {
  try {
    return parseScheduledEvent(raw);
  } catch {
    return null;
  }
}

const TIMES = [
  "2026-11-23T19:02:00Z",
  "2026-11-23T19:02:00.123Z",
  "2026-11-23T19:02:00.000Z",
  "2028-02-29T00:00:00Z",
  "2026-02-29T00:00:00Z",
  "2026-02-30T12:00:00Z",
  "2026-11-23T24:00:00Z",
  "2026-11-23T23:59:60Z",
  "2026-13-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z",
  "0099-12-31T23:59:59Z",
  "0100-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "2026-11-23T19:02:00+00:00",
  "2026-11-23T19:02:00.123+0000",
  "2026-11-23T19:02:00+0000",
  "2026-02-30T19:02:00.123+0000",
  "2026-11-23T19:02:00.123-0000",
  "2026-11-23T19:02Z",
  "2026-11-23 19:02:00Z",
  "2026-11-23T19:02:00z",
  " 2026-11-23T19:02:00Z",
  "2026-11-23T19:02:00.12Z",
  "1764000000000",
  "",
];

const ABSENT = Symbol("absent");

/** A field: mostly one of the values EventBridge writes, sometimes one it does not. */
const field = (written: unknown[], other: unknown[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...written), weight: 6 },
    { arbitrary: fc.constantFrom(...other), weight: 1 },
  );

const payload = fc
  .record({
    version: field(["0"], ["", 0, null, undefined, ABSENT]),
    id: field(["53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", ""], [7, ABSENT]),
    "detail-type": field(["Scheduled Event"], ["Scheduled event", ABSENT]),
    source: field(["aws.events"], ["aws.scheduler", ABSENT]),
    account: field(["123456789012", "EXAMPLE", " 123456789012 "], [123456789012, ABSENT]),
    time: field(TIMES, [1764000000000, null, ABSENT]),
    region: field(["eu-west-1", "REGION", ""], [ABSENT]),
    resources: field(
      [
        ["arn:aws:events:eu-west-1:123456789012:rule/tick"],
        [],
        ["not an arn", "arn:aws:events:us-east-1:210987654321:rule/other"],
      ],
      [
        [7],
        // biome-ignore lint/suspicious/noSparseArray: a hole, which the schema reads as undefined
        [, "arn:aws:events:eu-west-1:123456789012:rule/tick"],
        "arn:aws:events:eu-west-1:123456789012:rule/tick",
        ABSENT,
      ],
    ),
    detail: field([{}, { any: "thing" }, null], [undefined, ABSENT]),
    "replay-name": field([ABSENT, "replay-1", undefined], [3]),
    extra: field([ABSENT], ["kept out"]),
  })
  .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ABSENT)));

describe("a Scheduled Event as EventBridge writes it", () => {
  it("reads as the schema reads it, and is refused where the schema refuses it", () => {
    let accepted = 0;
    fc.assert(
      fc.property(payload, (raw) => {
        const read = bySchema(raw);
        expect(byParser(raw)).toEqual(read);
        if (read !== null) accepted++;
      }),
      { numRuns: 2000 },
    );
    // Both ways were taken, many times.
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(1900);
  });

  it("a timestamp as EventBridge or CloudWatch writes it reads as isoTimestamp reads it; another form is left to it", () => {
    for (const time of TIMES) {
      const written = writtenTimestamp(time);
      if (written !== null) expect(written).toBe(isoTimestamp(time));
      else
        expect(
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|\+0000)$/.test(time) &&
            isoTimestamp(time) !== null,
        ).toBe(false);
    }
    expect(writtenTimestamp("2026-11-23T19:02:00Z")).toBe("2026-11-23T19:02:00.000Z");
    expect(writtenTimestamp("2026-11-23T19:02:00+00:00")).toBeNull();
    expect(writtenTimestamp("2026-11-23T19:01:08.123+0000")).toBe("2026-11-23T19:01:08.123Z");
  });

  it("a refused one names its problems as the schema does", () => {
    expect(() => parseScheduledEvent({ source: "aws.events", "detail-type": "Scheduled Event" })).toThrow(
      /cannot parse the Scheduled Event: \$\.version: /,
    );
  });
});
