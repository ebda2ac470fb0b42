import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { formatProblem } from "../../shared/core/errors.js";
import type { CommandContext } from "../context.js";
import { summarize } from "../summary.js";
import { invoke } from "./invoke.js";
import { DEFAULT_CONFIG } from "./validate.js";

/**
 * The Virtway evening, as the alarms report it: the CPU alarms at 70% and 85% thirty seconds apart,
 * the same change delivered twice, a brief OK and the 70% alarm again while readers provision,
 * connections and latency, the front end's and the API's request alarms, and the low-CPU alarm
 * after the event.
 */
const VIRTWAY_SEQUENCE = [
  "events/sns/readers-cpu-70.json",
  "events/eventbridge/readers-cpu-70.json",
  "events/sns/readers-cpu-85.json",
  "events/sns/readers-connections-high.json",
  "events/sns/readers-latency-high.json",
  "events/sns/readers-pressure.json",
  "events/lambda-action/frontend-requests-high.json",
  "events/sns/readers-cpu-70-ok.json",
  "events/eventbridge/readers-cpu-70-again.json",
  "events/sns/api-requests-high.json",
  "events/sns/readers-cpu-low.json",
];

export function registerStart(program: Command, ctx: CommandContext): Command {
  return program
    .command("start")
    .description(
      "the main job (npm start): the Virtway sample sequence through the alarm function, as a dry run",
    )
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .action(async (options: { config: string }) => {
      const { io } = ctx;
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) io.err(formatProblem(w, options.config));
      io.out(`${options.config}: valid\n`);
      io.out(summarize(config));
      io.out("\nThe Virtway sample sequence through the alarm function (dry run, simulated account):\n");
      ctx.setExit(
        await invoke(ctx, "alarm", VIRTWAY_SEQUENCE, { config, start: {}, now: undefined, json: false }),
      );
    });
}
