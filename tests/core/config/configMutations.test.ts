/**
 * Property: whatever one field of a configuration is changed to (null, another type, a huge
 * string, deep nesting, an extreme number or date), `validate` and `loadConfig` answer with a
 * configuration or with problems that each name their field, and never throw anything else. A
 * configuration they accept then takes an alarm's state change without throwing: its settings,
 * cooldowns and capacities cannot overflow a date. Both configurations are mutated: the tests'
 * Virtway (tests/fixtures/virtway.config.json) and the example at the root (brain.config.json).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../shared/adapters/configFile.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { ConfigError } from "../../../shared/core/errors.js";
import { fieldPaths, replaced, replacement } from "../../support/mutations.js";
import { simulatedWorld, stateChange } from "../../support/world.js";

const CONFIGS = ["tests/fixtures/virtway.config.json", "brain.config.json"];
const dir = mkdtempSync(join(tmpdir(), "brain-config-mutations-"));

describe("configurations mutated field by field", () => {
  const configs = CONFIGS.map((file) => ({ file, json: JSON.parse(readFileSync(file, "utf8")) as unknown }));
  const mutations = configs.flatMap(({ file, json }) =>
    fieldPaths(json).map((path) => ({ file, json, path })),
  );

  it("finds every field of both", () => {
    for (const { json } of configs) expect(validateConfig(json).ok).toBe(true);
    expect(mutations.length).toBeGreaterThan(500);
  });

  it("validate: a configuration, or problems naming their fields; never a throw", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...mutations), replacement, ({ json, path }, by) => {
        const result = validateConfig(replaced(json, path, by));
        if (result.ok) {
          accepted++;
          return;
        }
        expect(result.problems.length).toBeGreaterThan(0);
        for (const p of result.problems) {
          expect(p.path).toMatch(/^\$/);
          expect(p.message).toEqual(expect.any(String));
          expect(p.message.length).toBeGreaterThan(0);
        }
      }),
      { seed: 14, numRuns: 200 },
    );
    // Some mutations leave a valid configuration (a description changed, an optional field gone).
    expect(accepted).toBeGreaterThan(0);
  }, 30_000);

  it("loadConfig: a configuration, or a ConfigError naming the file; never another throw", () => {
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...mutations), replacement, ({ json, path }, by) => {
        const file = join(dir, `config-${++n}.json`);
        writeFileSync(file, JSON.stringify(replaced(json, path, by)) ?? "");
        try {
          loadConfig(file);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).message.startsWith(`${file}: `)).toBe(true);
        }
      }),
      { seed: 14, numRuns: 100 },
    );
  });

  it("an accepted configuration takes a state change of each of its alarms without throwing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...mutations), replacement, async ({ json, path }, by) => {
        const result = validateConfig(replaced(json, path, by));
        if (!result.ok) return;
        const world = simulatedWorld({ config: result.config });
        for (const alarm of result.config.alarms.slice(0, 3)) {
          const decisions = await world.alarm(stateChange(alarm.AlarmName, 60, 99));
          expect(Array.isArray(decisions)).toBe(true);
        }
      }),
      { seed: 14, numRuns: 150 },
    );
  }, 30_000);
});
