import type { Command } from "commander";
import { loadConfig } from "../../shared/config/validate.js";
import { formatProblem } from "../../shared/errors.js";
import type { CommandContext } from "../main.js";
import { summarize } from "../summary.js";
import { DEFAULT_CONFIG } from "./validate.js";

export function registerStart(program: Command, { io }: CommandContext): Command {
  return program
    .command("start")
    .description("the main job (npm start): validate the configuration and show what the brain will manage")
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .action((options: { config: string }) => {
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) io.err(formatProblem(w, options.config));
      io.out(`${options.config}: valid\n`);
      io.out(summarize(config));
    });
}
