/**
 * Mutating an input field by field, for the property tests: every field's path (inside JSON text
 * held in a string too), a copy with one field replaced, and the replacements tried (null, other
 * types, huge strings, deep nesting, extreme numbers and dates).
 */
import fc from "fast-check";

/** A step into a payload: a key, or the JSON a string field holds. */
export type Step = string | number | { json: true };

const parsesAsObject = (text: string): boolean => {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
};

/** The path of every field, container and value alike, inside JSON strings too. */
export function fieldPaths(value: unknown, prefix: Step[] = []): Step[][] {
  if (typeof value === "string" && parsesAsObject(value)) {
    return [prefix, ...fieldPaths(JSON.parse(value), [...prefix, { json: true }]).slice(1)];
  }
  if (typeof value !== "object" || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) =>
    fieldPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
  );
  return [prefix, ...children];
}

/** A copy of `value` with the field at `path` replaced (removed for undefined). */
export function replaced(value: unknown, path: Step[], by: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return by;
  if (typeof step === "object") return JSON.stringify(replaced(JSON.parse(value as string), rest, by));
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const next = replaced(copy[step], rest, by);
  if (next === undefined) delete copy[step];
  else copy[step] = next;
  return copy;
}

export function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

export const EXTREMES: unknown[] = [
  null,
  undefined,
  true,
  0,
  -1,
  0.5,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e20,
  1e308,
  -1e308,
  5e-324,
  8.64e15,
  -8.64e15,
  "",
  " ",
  "x".repeat(300_000),
  "\u0000\u001b[31m",
  "1e308",
  "8640000000000000",
  "9999-12-31T23:59:59.999Z",
  "0000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "2026-02-30T00:00:00Z",
  "ALARM",
  "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x",
  [],
  [null],
  {},
  { Name: 1 },
  "[".repeat(5000),
  nested(100),
  // Deep inside JSON text (an SNS Message), which no outer depth bound sees; the test itself must
  // still stringify it.
  nested(1500),
];

export const replacement = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EXTREMES) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
