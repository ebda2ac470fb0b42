/**
 * The configuration's JSON Schema, written from the zod schema (schema.ts) so that the two never
 * disagree on a shape. It is shipped as brain.config.schema.json (scripts/generate-config-schema.ts)
 * and named by `$schema` in a configuration, for an editor to complete and check it. Draft-07, the
 * draft editors read most widely; the input side of the schema, so that defaulted settings are
 * optional. The rules across fields (bounds, step intervals, alarm references) are `validate`'s.
 */
import { z } from "zod";
import { BrainConfigSchema } from "./schema.js";

/** The file the schema is shipped as, at the project's root. */
export const CONFIG_SCHEMA_FILE = "brain.config.schema.json";

export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(BrainConfigSchema, {
    target: "draft-7",
    io: "input",
    unrepresentable: "throw",
  }) as Record<string, unknown>;
  return {
    $schema,
    title: "surge-brain configuration",
    description:
      "Alarms (CloudWatch PutMetricAlarm / PutCompositeAlarm), targets with their policies (Application Auto Scaling PutScalingPolicy) and schedules (PutScheduledAction), and settings. `npm run brain -- validate` also checks the rules across fields.",
    ...rest,
  };
}
