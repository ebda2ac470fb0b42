/**
 * Field schemas that every alarm payload shares (state values, timestamps, account and region
 * identifiers), and the mapping from zod's issues to Problems with a JSON path into the raw payload.
 */
import { z } from "zod";
import { isoTimestamp } from "../../core/alarms/timestamps.js";
import { jsonPath } from "../../core/config/validate.js";
import type { AlarmStateValue } from "../../core/engine/targetState.js";
import { PayloadError, type Problem } from "../../core/errors.js";

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
