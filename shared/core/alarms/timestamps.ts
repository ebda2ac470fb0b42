/** The timestamps CloudWatch and EventBridge write, read into epoch milliseconds. Pure. */

/**
 * Every form a CloudWatch or EventBridge timestamp comes in, to epoch milliseconds:
 * - `2026-11-23T19:01:08.123+0000`: CloudWatch's own (SNS StateChangeTime, EventBridge
 *   state.timestamp), an offset without a colon that `Date.parse` does not read everywhere;
 * - `2026-11-23T19:01:08Z`, `...08.123Z`, `...+00:00`: ISO-8601 (EventBridge's `time`);
 * - `2023-08-04T12: 36: 15.490+0000`: the spaces after colons in AWS's Lambda alarm action
 *   examples (alarms-and-actions-Lambda.html), which must parse too;
 * - epoch milliseconds or seconds, as a number or a string of digits.
 * Null for what is none of these, and for a time outside the years 0001 to 9999 (what ISO-8601's
 * four-digit years and AWS's timestamps express): far inside a Date's range (±8.64e15 ms, ECMA-262),
 * so that no date built from it, or from it plus a setting's seconds, is invalid.
 */
export function timestampMillis(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? inDateRange(epochMillis(value)) : null;
  if (typeof value !== "string") return null;
  const text = value.trim().replace(/:\s+/g, ":");
  if (/^\d{9,13}(\.\d+)?$/.test(text)) return inDateRange(epochMillis(Number(text)));
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(
      text,
    );
  if (!match) return null;
  const [, year, month, day, hour, minute, second = "0", fraction = "0", zone = "Z"] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number(fraction.padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], millis);
  // Date.UTC rolls 2026-02-30 over into March: reject what does not round-trip.
  const back = new Date(utc);
  const roundTrip = [
    back.getUTCFullYear(),
    back.getUTCMonth() + 1,
    back.getUTCDate(),
    back.getUTCHours(),
    back.getUTCMinutes(),
    back.getUTCSeconds(),
  ];
  if (roundTrip.some((n, i) => n !== fields[i])) return null;
  return inDateRange(utc - offsetMinutes(zone) * 60_000);
}

/** A timestamp as ISO-8601 UTC with milliseconds (`2026-11-23T19:01:08.123Z`), or null. */
export function isoTimestamp(value: unknown): string | null {
  const millis = timestampMillis(value);
  return millis === null ? null : new Date(millis).toISOString();
}

/** The times a timestamp may hold, in epoch milliseconds: the years 0001 to 9999. */
export const TIMESTAMP_RANGE = {
  min: Date.parse("0001-01-01T00:00:00.000Z"),
  max: Date.parse("9999-12-31T23:59:59.999Z"),
};

const inDateRange = (millis: number): number | null =>
  millis >= TIMESTAMP_RANGE.min && millis <= TIMESTAMP_RANGE.max ? millis : null;

// Below 10^11 an epoch is in seconds (10^11 s is the year 5138; 10^11 ms is 1973).
const epochMillis = (n: number): number => (Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n));

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}
