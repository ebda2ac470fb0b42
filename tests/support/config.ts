/**
 * The tests' own Virtway configuration, tests/fixtures/virtway.config.json: it began as a copy of
 * the deployed example, so that editing brain.config.json breaks only the tests about the example
 * itself (that it validates, that the command line uses it without --config).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../shared/adapters/configFile.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";

/** The file, for the command line's --config. */
export const VIRTWAY_CONFIG = fileURLToPath(new URL("../fixtures/virtway.config.json", import.meta.url));

/** The configuration, read and checked as the command line reads a --config file. */
export const virtwayConfig = (): BrainConfig => loadConfig(VIRTWAY_CONFIG).config;

/** The file's JSON, unchecked: a fresh copy at each call, for tests that vary it. */
export const virtwayJson = (): any => JSON.parse(readFileSync(VIRTWAY_CONFIG, "utf8"));
