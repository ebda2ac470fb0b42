/**
 * `bench [--quick] [--json] [--only KEYS]`: the brain's figures, measured on this machine (each a
 * module of cli/bench/, listed in figures.ts). `--json` prints one object whose top-level keys are
 * the figures, so that each is read by its name; the text is a small table per figure. A figure
 * made meaningless (an invocation that failed) is said so and exits 1, after every figure printed.
 */
import type { Command } from "commander";
import { FIGURES } from "../bench/figures.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";

type Options = { quick?: boolean; json?: boolean; only?: string };

export function registerBench(program: Command, { io, setExit }: CommandContext): Command {
  const keys = FIGURES.map((f) => f.key);
  return program
    .command("bench")
    .description(
      `measure the brain on this machine: ${FIGURES.map((f) => `${f.key} (${f.describe})`).join("; ")}`,
    )
    .option("--quick", "each measurement once, on a small case (seconds): for a test, not for figures")
    .option("--json", "print the figures as one JSON object on standard output, one key per figure")
    .option("--only <keys>", `only these figures, comma-separated (of ${keys.join(", ")})`)
    .action(async (options: Options) => {
      const wanted = options.only?.split(",").map((k) => k.trim()) ?? keys;
      const unknown = wanted.filter((k) => !keys.includes(k));
      if (unknown.length > 0) {
        io.err(`bench: --only: no figure ${unknown.join(", ")} (the figures: ${keys.join(", ")})`);
        setExit(ExitCode.usage);
        return;
      }
      const figures: Record<string, unknown> = {};
      const failures: string[] = [];
      for (const figure of FIGURES.filter((f) => wanted.includes(f.key))) {
        const value = await figure.measure({
          quick: options.quick ?? false,
          progress: (line) => io.err(`bench: ${figure.key}: ${line}`),
        });
        figures[figure.key] = value;
        const failure = figure.failure?.(value);
        if (failure) failures.push(`${figure.key}: ${failure}`);
        if (!options.json) io.out(figure.lines(value).join("\n"));
      }
      if (options.json) io.out(JSON.stringify(figures, null, 2));
      for (const failure of failures) io.err(`bench: ${failure}`);
      if (failures.length > 0) setExit(ExitCode.failed);
    });
}
