/**
 * Field schemas that every alarm payload shares (state values, timestamps, account and region
 * identifiers), and a payload's parse that throws PayloadError with Problems at JSON paths into it.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { isoTimestamp, TIMESTAMP_RANGE } from "../../core/alarms/timestamps.js";
import type { AlarmStateValue } from "../../core/engine/targetState.js";
import { PayloadError, type Problem } from "../../core/errors.js";
import { type Path, problemsFromZod } from "../../core/problems.js";

// zod/mini leaves its messages to a locale, which classic zod sets on import: the same English
// messages, whichever of the two a process loaded.
z.config(en());

// --- alarm states ----------------------------------------------------------------------------

const ALARM_STATE_VALUES = ["OK", "ALARM", "INSUFFICIENT_DATA"] as const satisfies readonly AlarmStateValue[];

/** https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html (StateValue) */
export const AlarmStateValueSchema = z.enum(ALARM_STATE_VALUES);

// --- timestamps ------------------------------------------------------------------------------

/**
 * A required timestamp field, normalised to ISO-8601 UTC with milliseconds. `what` names it in
 * the problem ("state-change time"), so a payload without one says so.
 */
export function timestampField(what: string) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx) => {
      if (value === undefined || value === null || value === "") {
        ctx.issues.push({ code: "custom", message: `no ${what}: the field is missing`, input: value });
        return z.NEVER;
      }
      const iso = (typeof value === "string" ? writtenTimestamp(value) : null) ?? isoTimestamp(value);
      if (iso === null) {
        ctx.issues.push({
          code: "custom",
          input: value,
          message: outOfRange(value)
            ? `${what} ${JSON.stringify(value)} is outside the years 0001 to 9999`
            : `${what} ${shown(value)} is not a timestamp (expected ISO-8601 such as 2026-11-23T19:01:08.123+0000, or epoch milliseconds)`,
        });
        return z.NEVER;
      }
      return iso;
    }),
  );
}

/**
 * A timestamp as EventBridge writes it (`2026-11-23T19:02:00Z`, or with milliseconds) or as
 * CloudWatch does (`2026-11-23T19:01:08.123+0000`), read without isoTimestamp's search through
 * every form a timestamp comes in: the same ISO-8601 UTC, or null for any other text (which
 * isoTimestamp then reads, or refuses).
 */
export function writtenTimestamp(text: string): string | null {
  // The years 0000 to 0099 are left to isoTimestamp too, read as it reads them.
  if (!WRITTEN.test(text) || text.startsWith("00")) return null;
  const millis = Date.parse(text.endsWith("Z") ? text : `${text.slice(0, -5)}Z`);
  if (!(millis <= TIMESTAMP_RANGE.max)) return null;
  const iso = new Date(millis).toISOString();
  // A date that does not exist (2026-02-30) rolls over, and is left to isoTimestamp to refuse.
  return iso.startsWith(text.slice(0, 19)) ? iso : null;
}

const WRITTEN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|\+0000)$/;

/** A finite number that is no timestamp is epoch time outside the years 0001 to 9999. */
const outOfRange = (value: unknown): boolean => typeof value === "number" && Number.isFinite(value);

/** A value as a problem quotes it: a scalar as JSON, cut short past 80 characters; an object or array by its kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return "(an array)";
  if (typeof value === "object" && value !== null) return "(an object)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
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

/** zod's issues in a payload as Problems at their paths in it, in the payloads' plain wording. */
export const payloadProblems = (issues: readonly z.core.$ZodIssue[], prefix: Path = []): Problem[] =>
  problemsFromZod(issues, { prefix, wording: "plain" });

/** Parses `raw` with `schema`, or throws a PayloadError whose problems point into the raw payload. */
export function parseOrThrow<S extends z.ZodMiniType>(
  schema: S,
  raw: unknown,
  what: string,
  prefix: Path = [],
): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw payloadError(what, payloadProblems(result.error.issues, prefix), result.error);
}

/** A PayloadError for a payload of a known kind (`what`) with the problems found in it. */
export function payloadError(what: string, problems: Problem[], cause?: unknown): PayloadError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  const detail = first ? `${first.path}: ${first.message}${more}` : "no detail";
  return new PayloadError(`cannot parse ${what}: ${detail}`, problems, { cause });
}
