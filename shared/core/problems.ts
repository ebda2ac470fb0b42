/**
 * zod's issues as Problems, for the configuration and for every payload alike: each problem at a
 * JSON path into what was parsed (`$.targets[0].MinCapacity`), a union that matched no branch
 * reported by the branch the input meant, an unknown field by its name.
 */
import type { z } from "zod";
import type { Problem } from "./errors.js";

/** Where something is in a parsed JSON value: keys and array indexes from the top. */
export type Path = readonly (string | number)[];

/** `["targets", 0, "MinCapacity"]` → `$.targets[0].MinCapacity`. */
export function jsonPath(path: Path): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${acc}.${key}` : `${acc}[${JSON.stringify(key)}]`;
  }, "$");
}

export const errorAt = (path: Path, message: string): Problem => ({
  severity: "error",
  path: jsonPath(path),
  message,
});

export const warningAt = (path: Path, message: string): Problem => ({
  severity: "warning",
  path: jsonPath(path),
  message,
});

/**
 * How a mistyped or out-of-set value is worded:
 * - `zod`: zod's own message (`Invalid input: expected number, received string`), what the
 *   configuration check has always printed;
 * - `plain`: what was expected and what came (`wrong value type: expected a number, got a string
 *   ("70")`, `missing (expected an object)`, `must not be empty`), for payloads, whose values come
 *   from AWS rather than from a file the reader wrote. It describes the value, so parse with
 *   `reportInput: true`.
 */
export type Wording = "zod" | "plain";

/** zod's issues as error Problems whose paths start at `prefix`. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  { prefix = [], wording = "zod" }: { prefix?: Path; wording?: Wording } = {},
): Problem[] {
  return issuesAt(issues, prefix).flatMap(({ path, issue }) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) =>
        errorAt([...path, key], "unknown field (AWS's shapes are case-sensitive)"),
      );
    }
    if (issue.code === "invalid_union") {
      // A discriminated union whose discriminator matched nothing; zod's path ends at that field.
      return [errorAt(path, discriminatorMessage(issue))];
    }
    return [errorAt(path, wording === "plain" ? plainMessage(issue) : issue.message)];
  });
}

/**
 * zod's issues with their full paths; of a union that matched no branch, the closest branch's.
 * The closest branch is the one the input's fields fit: fields a branch does not know, and fields
 * it needs and does not find, weigh more than a value of the wrong type (a metric alarm with three
 * mistyped values is no composite alarm missing its AlarmRule). Between equals, the first branch.
 */
export function issuesAt(
  issues: readonly z.core.$ZodIssue[],
  prefix: Path,
): { path: (string | number)[]; issue: z.core.$ZodIssue }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => misfit(a) - misfit(b))[0] ?? [];
      return issuesAt(best, path);
    }
    return [{ path, issue }];
  });
}

/** How badly a union branch fits: unknown and missing fields count double, other problems once. */
function misfit(issues: readonly z.core.$ZodIssue[]): number {
  return issues.reduce((sum, issue) => {
    if (issue.code === "unrecognized_keys") return sum + 2 * issue.keys.length;
    return sum + (isMissing(issue) ? 2 : 1);
  }, 0);
}

/** A required field that is not there: zod's input where it was reported, else its message says so. */
function isMissing(issue: z.core.$ZodIssue): boolean {
  if (issue.code !== "invalid_type") return false;
  return "input" in issue ? issue.input === undefined : /received undefined/.test(issue.message);
}

/** `kind must be "aurora-readers", "aurora-capacity" or "asg"`: the values the discriminator takes. */
function discriminatorMessage(issue: z.core.$ZodIssueInvalidUnion): string {
  const field = issue.discriminator;
  const options = ("options" in issue ? (issue.options ?? []) : []).map((option) => JSON.stringify(option));
  if (field === undefined || options.length === 0) return "does not match any accepted shape";
  const last = options.pop() as string;
  return `${field} must be ${options.length > 0 ? `${options.join(", ")} or ${last}` : last}`;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  const hasInput = "input" in issue && issue.input !== undefined;
  switch (issue.code) {
    case "invalid_type":
      return isMissing(issue)
        ? `missing (expected ${article(issue.expected)})`
        : `wrong value type: expected ${article(issue.expected)}, got ${describe(issue.input)}`;
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
