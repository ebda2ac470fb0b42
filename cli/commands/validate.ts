import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { formatProblem } from "../../shared/core/errors.js";
import type { CommandContext } from "../context.js";

export const DEFAULT_CONFIG = "brain.config.json";

export function registerValidate(program: Command, { io }: CommandContext): Command {
  return program
    .command("validate")
    .description("check a configuration and list every problem with its JSON path")
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .action((options: { config: string }) => {
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) io.err(formatProblem(w, options.config));
      io.out(
        `${options.config}: valid: ${config.targets.length} targets, ${config.alarms.length} alarms${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""}`,
      );
    });
}
