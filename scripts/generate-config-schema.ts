// Writes brain.config.schema.json, the configuration's JSON Schema, from the zod schema:
// `npx tsx scripts/generate-config-schema.ts` after a change to shared/core/config/schema.ts
// (tests/core/config/jsonSchema.test.ts fails until the shipped file is written again).
import { writeFileSync } from "node:fs";
import { CONFIG_SCHEMA_FILE, configJsonSchema } from "../shared/core/config/jsonSchema.js";

const file = new URL(`../${CONFIG_SCHEMA_FILE}`, import.meta.url);
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.error(`wrote ${CONFIG_SCHEMA_FILE}`);
