/**
 * Field schemas that every alarm payload shares (state values, timestamps, account and region
 * identifiers), and the mapping from zod's issues to Problems with a JSON path into the raw payload.
 */
import { z } from "zod";
import { jsonPath } from "../config/validate.js";
import type { AlarmStateValue } from "../engine/targetState.js";
import { PayloadError, type Problem } from "../errors.js";

// --- alarm states ----------------------------------------------------------------------------

export const ALARM_STATE_VALUES = [
  "OK",
  "ALARM",
  "INSUFFICIENT_DATA",
] as const satisfies readonly AlarmStateValue[];

/** https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html (StateValue) */
export const AlarmStateValueSchema = z.enum(ALARM_STATE_VALUES);

// --- timestamps ------------------------------------------------------------------------------

/**
 * Every form a CloudWatch or EventBridge timestamp comes in, to epoch milliseconds:
 * - `2026-11-23T19:01:08.123+0000`: CloudWatch's own (SNS StateChangeTime, EventBridge
 *   state.timestamp), an offset without a colon that `Date.parse` does not read everywhere;
 * - `2026-11-23T19:01:08Z`, `...08.123Z`, `...+00:00`: ISO-8601 (EventBridge's `time`);
 * - `2023-08-04T12: 36: 15.490+0000`: the spaces after colons in AWS's Lambda alarm action
 *   examples (alarms-and-actions-Lambda.html), which must parse too;
 * - epoch milliseconds or seconds, as a number or a string of digits.
 */
export function timestampMillis(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? epochMillis(value) : null;
  if (typeof value !== "string") return null;
  const text = value.trim().replace(/:\s+/g, ":");
  if (/^\d{9,13}(\.\d+)?$/.test(text)) return epochMillis(Number(text));
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
  return utc - offsetMinutes(zone) * 60_000;
}

/** A timestamp as ISO-8601 UTC with milliseconds (`2026-11-23T19:01:08.123Z`), or null. */
export function isoTimestamp(value: unknown): string | null {
  const millis = timestampMillis(value);
  return millis === null ? null : new Date(millis).toISOString();
}

// Below 10^11 an epoch is in seconds (10^11 s is the year 5138; 10^11 ms is 1973).
const epochMillis = (n: number): number => (Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n));

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}

/**
 * A required timestamp field, normalised to ISO-8601 UTC with milliseconds. `what` names it in
 * the problem ("state-change time"), so a payload without one says so.
 */
export function timestampField(what: string) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined || value === null || value === "") {
      ctx.addIssue({ code: "custom", message: `no ${what}: the field is missing` });
      return z.NEVER;
    }
    const iso = isoTimestamp(value);
    if (iso === null) {
      ctx.addIssue({
        code: "custom",
        message: `${what} ${JSON.stringify(value)} is not a timestamp (expected ISO-8601 such as 2026-11-23T19:01:08.123+0000, or epoch milliseconds)`,
      });
      return z.NEVER;
    }
    return iso;
  });
}

// --- account and region ----------------------------------------------------------------------

/** A 12-digit account id, or null for placeholders such as `EXAMPLE` and `ACCOUNT_NUMBER`. */
export function accountOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && /^\d{12}$/.test(trimmed) ? trimmed : null;
}

/** A region code such as `eu-west-1` or `us-gov-west-1`, or null for placeholders (`REGION`). */
export function regionCodeOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(trimmed) ? trimmed : null;
}

/**
 * The region and account of an ARN (`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:name`),
 * each null where it is a placeholder. AWS's Lambda action examples put a space after colons.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function arnParts(arn: string | null | undefined): { region: string | null; account: string | null } {
  const parts = (arn ?? "").split(":").map((part) => part.trim());
  if (parts[0] !== "arn") return { region: null, account: null };
  return { region: regionCodeOrNull(parts[3]), account: accountOrNull(parts[4]) };
}

// --- problems --------------------------------------------------------------------------------

export type Path = readonly (string | number)[];

export const problemAt = (path: Path, message: string): Problem => ({
  severity: "error",
  path: jsonPath(path),
  message,
});

/** zod's issues as Problems whose paths point into the raw payload (`prefix` + the issue's path). */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], prefix: Path = []): Problem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // The branch that got furthest says the most: the one with the fewest problems.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return problemsFromZod(best, path);
    }
    return [problemAt(path, issueMessage(issue))];
  });
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const hasInput = "input" in issue && issue.input !== undefined;
  switch (issue.code) {
    case "invalid_type":
      return hasInput
        ? `wrong value type: expected ${article(issue.expected)}, got ${describe(issue.input)}`
        : `missing (expected ${article(issue.expected)})`;
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${hasInput ? `, got ${describe(issue.input)}` : ""}`;
    case "too_small":
      return issue.origin === "array" ? "must not be empty" : issue.message;
    default:
      return issue.message;
  }
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}

/** Parses `raw` with `schema`, or throws a PayloadError whose problems point into the raw payload. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  what: string,
  prefix: Path = [],
): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw payloadError(what, problemsFromZod(result.error.issues, prefix), result.error);
}

/** A PayloadError for a payload of a known kind (`what`) with the problems found in it. */
export function payloadError(what: string, problems: Problem[], cause?: unknown): PayloadError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  const detail = first ? `${first.path}: ${first.message}${more}` : "no detail";
  return new PayloadError(`cannot parse ${what}: ${detail}`, problems, { cause });
}
