/**
 * The configuration the functions run on. Bundled, this module is brain.config.json checked at
 * build time, its defaults applied (deploy/bundle.cjs): a cold start parses no configuration, and
 * one with errors never builds. Run from the sources (tests), it is checked here on first use.
 */
import configJson from "../../brain.config.json" with { type: "json" };
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { validateConfig } from "../../shared/core/config/validate.js";
import { ConfigError } from "../../shared/core/errors.js";

let checked: BrainConfig | undefined;

export function bundledConfig(): BrainConfig {
  if (checked) return checked;
  const result = validateConfig(configJson);
  if (!result.ok) throw new ConfigError("brain.config.json (bundled)", result.problems);
  checked = result.config;
  return checked;
}
