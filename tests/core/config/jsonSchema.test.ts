import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA_FILE, configJsonSchema } from "../../../shared/core/config/jsonSchema.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { virtwayJson } from "../../support/config.js";

const root = (file: string) => new URL(`../../../${file}`, import.meta.url);
const shipped = JSON.parse(readFileSync(root(CONFIG_SCHEMA_FILE), "utf8")) as Record<string, unknown>;
const example = JSON.parse(readFileSync(root("brain.config.json"), "utf8")) as Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const check = ajv.compile(shipped);

const errorsOf = (config: unknown) => {
  check(config);
  return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
};

describe(`the configuration's JSON Schema (${CONFIG_SCHEMA_FILE})`, () => {
  it("is what the zod schema writes now (npx tsx scripts/generate-config-schema.ts to write it again)", () => {
    expect(shipped).toEqual(configJsonSchema());
  });

  it("is named by brain.config.json's $schema, which the configuration's own check accepts", () => {
    expect(example.$schema).toBe(`./${CONFIG_SCHEMA_FILE}`);
    expect(validateConfig(example).ok).toBe(true);
  });

  it("validates brain.config.json and the tests' configuration", () => {
    expect(errorsOf(example)).toEqual([]);
    expect(errorsOf(virtwayJson())).toEqual([]);
  });

  const broken: { name: string; edit: (c: any) => void; error: RegExp }[] = [
    {
      name: "a typo in a field",
      edit: (c) => (c.alarms[0].Treshold = 70),
      error: /must NOT have additional properties/,
    },
    { name: "no targets", edit: (c) => delete c.targets, error: /must have required property 'targets'/ },
    { name: "a kind AWS does not scale", edit: (c) => (c.targets[0].kind = "ecs"), error: /^\/targets\/0/ },
    {
      name: "a capacity as text",
      edit: (c) => (c.targets[2].MinCapacity = "2"),
      error: /MinCapacity must be number/,
    },
    {
      name: "an account that is not 12 digits",
      edit: (c) => (c.account = "EXAMPLE"),
      error: /^\/account must match pattern/,
    },
    {
      name: "a setting out of its range",
      edit: (c) => (c.settings = { maxEventAgeSeconds: 86_401 }),
      error: /^\/settings\/maxEventAgeSeconds must be <= 86400/,
    },
    {
      name: "a schedule's StartTime without a zone",
      edit: (c) =>
        c.targets[0].schedules.push({
          ScheduledActionName: "s",
          Schedule: "at(2026-11-23T19:00:00)",
          StartTime: "2026-11-23T19:00:00",
          ScalableTargetAction: { MinCapacity: 2 },
        }),
      error: /StartTime must match format "date-time"|StartTime must match pattern/,
    },
  ];

  for (const { name, edit, error } of broken) {
    it(`rejects ${name}, as validate does`, () => {
      const copy = structuredClone(example) as any;
      edit(copy);
      const errors = errorsOf(copy);
      expect(
        errors.some((e) => error.test(e)),
        errors.join("\n"),
      ).toBe(true);
      expect(validateConfig(copy).ok).toBe(false);
    });
  }
});
