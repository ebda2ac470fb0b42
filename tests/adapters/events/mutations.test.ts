/**
 * Property: whatever one field of a sample payload is changed to (null, another type, a huge
 * string, deep nesting, an extreme number or date), the alarm function never throws. Its result is
 * decisions, or the payload acknowledged as an error or ignored; a refused payload makes no AWS call.
 * Every sample in events/ is mutated, field by field, JSON inside strings (an SNS Message, a
 * reasonData) included, through the function's real handler in the command line's dry run.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dryRun, type FunctionWorld } from "../../../cli/dryRun.js";
import { lambdaContext } from "../../../cli/lambdaContext.js";
import { withFunctionOutput } from "../../../cli/stdout.js";
import { alarmFunction } from "../../../functions/alarm.js";
import type { FunctionResult } from "../../../functions/lib/result.js";
import { virtwayConfig } from "../../support/config.js";

const EVENTS = fileURLToPath(new URL("../../../events/", import.meta.url));

/** Every payload sample: the events/ JSON files but the streams and the --state files. */
function samples(dir = EVENTS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "streams" || name === "state" ? [] : samples(path);
    return name.endsWith(".json") ? [path] : [];
  });
}

/** A step into a payload: a key, or the JSON a string field holds. */
type Step = string | number | { json: true };

const parsesAsObject = (text: string): boolean => {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
};

/** The path of every field, container and value alike, inside JSON strings too. */
function fieldPaths(value: unknown, prefix: Step[] = []): Step[][] {
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
function replaced(value: unknown, path: Step[], by: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return by;
  if (typeof step === "object") return JSON.stringify(replaced(JSON.parse(value as string), rest, by));
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const next = replaced(copy[step], rest, by);
  if (next === undefined) delete copy[step];
  else copy[step] = next;
  return copy;
}

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

const EXTREMES: unknown[] = [
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

const replacement = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EXTREMES) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

let world: FunctionWorld;
beforeAll(async () => {
  world = await dryRun(virtwayConfig(), {}, undefined);
});
afterAll(() => world.close());

const mutating = () => world.calls().filter((c) => !c.command.startsWith("Describe")).length;

describe("the alarm function on mutated samples", () => {
  const payloads = samples().map((file) => ({ file, payload: JSON.parse(readFileSync(file, "utf8")) }));
  const mutations = payloads.flatMap(({ file, payload }) =>
    fieldPaths(payload).map((path) => ({ file, payload, path })),
  );

  it("reads every sample and finds its fields", () => {
    expect(payloads.length).toBeGreaterThanOrEqual(20);
    expect(mutations.length).toBeGreaterThan(1000);
  });

  it("never throws: decisions, or acknowledged with no AWS call", async () => {
    const handler = alarmFunction(() => world.deps);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...mutations), replacement, async ({ payload, path }, by) => {
        const event = replaced(payload, path, by);
        const before = mutating();
        const result: FunctionResult = await withFunctionOutput(false, () =>
          handler(event, lambdaContext("alarm", `mutation-${++n}`)),
        );
        expect(Array.isArray(result.decisions)).toBe(true);
        if (result.error || result.ignored !== undefined) {
          expect(result.decisions).toEqual([]);
          expect(mutating()).toBe(before);
        }
        if (result.error) expect(result.error.message).toEqual(expect.any(String));
      }),
      { seed: 14, numRuns: 400 },
    );
  }, 60_000);
});
