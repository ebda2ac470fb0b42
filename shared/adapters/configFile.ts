/** A configuration file, read and checked at the edge: the core checks what it is given, files are read here. */
import { readFileSync } from "node:fs";
import type { BrainConfig } from "../core/config/schema.js";
import { validateConfig } from "../core/config/validate.js";
import { ConfigError, type Problem } from "../core/errors.js";

/** Reads, parses and checks a configuration file; throws ConfigError listing every problem. */
export function loadConfig(file: string): { config: BrainConfig; warnings: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new ConfigError(file, [
      { severity: "error", path: "$", message: `cannot read the file: ${reason}` },
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [
      { severity: "error", path: "$", message: `not JSON: ${(error as Error).message}` },
    ]);
  }
  const result = validateConfig(raw);
  if (!result.ok) throw new ConfigError(file, result.problems);
  return { config: result.config, warnings: result.problems };
}
