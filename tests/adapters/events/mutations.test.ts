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
import { fieldPaths, replaced, replacement } from "../../support/mutations.js";

const EVENTS = fileURLToPath(new URL("../../../events/", import.meta.url));

/** Every payload sample: the events/ JSON files but the streams and the --state files. */
function samples(dir = EVENTS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "streams" || name === "state" ? [] : samples(path);
    return name.endsWith(".json") ? [path] : [];
  });
}

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
