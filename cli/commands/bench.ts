/**
 * `bench [--quick] [--json]`: the brain's figures, measured on this machine. `load` is the storm
 * (cli/bench/stormPlan.ts): 1,000 concurrent deliveries over 20 targets through the real
 * handlers against one dynalite and the simulated account (`--quick`: a small one). `--json`
 * prints one object whose top-level keys are the figures (`load`, and those that join it later),
 * so that each is read by its name; the text is a small table. An invocation that failed makes
 * the figures meaningless: the command says so and exits 1.
 */
import type { Command } from "commander";
import { type LoadFigures, loadOf, runStorm } from "../bench/storm.js";
import { FULL_STORM, planStorm, SMALL_STORM } from "../bench/stormPlan.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";

type Options = { quick?: boolean; json?: boolean };

/** What bench prints with --json: one key per figure. */
export type BenchFigures = {
  load: LoadFigures & { deliveries: number; targets: number };
};

export function registerBench(program: Command, { io, setExit }: CommandContext): Command {
  return program
    .command("bench")
    .description(
      "measure the brain under load: a storm of concurrent alarm deliveries (twins, retries, escalations, a tick) through the real handlers against dynalite and a simulated account",
    )
    .option("--quick", "a small storm (seconds) instead of the full one (1,000 deliveries over 20 targets)")
    .option("--json", "print the figures as one JSON object on standard output")
    .action(async (options: Options) => {
      const size = options.quick ? SMALL_STORM : FULL_STORM;
      const plan = planStorm(size);
      const targets = plan.config.targets.length;
      io.err(`bench: storm of ${plan.invocations.length} invocations over ${targets} targets…`);
      let reported = 0;
      const run = await runStorm(plan, {
        onProgress: (done, total) => {
          // A line at each quarter: a long run shows it is moving, a log stays short.
          const quarter = Math.floor((done / total) * 4);
          if (quarter > reported) {
            reported = quarter;
            io.err(`bench: ${done}/${total} invocations done`);
          }
        },
      });
      try {
        const deliveries = plan.invocations.filter((i) => i.kind === "alarm").length;
        const figures: BenchFigures = { load: { ...loadOf(run), deliveries, targets } };
        io.out(options.json ? JSON.stringify(figures, null, 2) : formatLoad(figures.load));
        if (figures.load.failed > 0) {
          const first = run.outcomes.find((o) => !o.ok);
          io.err(
            `bench: ${figures.load.failed} invocations failed (the first: ${first?.id}: ${first?.error})`,
          );
          setExit(ExitCode.failed);
        }
      } finally {
        await run.close();
      }
    });
}

/** The load as a small table. */
export function formatLoad(load: BenchFigures["load"]): string {
  const rows: [string, string][] = [
    ["storm", `${load.deliveries} deliveries + 1 tick over ${load.targets} targets`],
    ["invocations failed", `${load.failed} of ${load.invocations}`],
    ["decisions per second", String(load.decisionsPerSecond)],
    ["conflict retries p50 / p99", `${load.conflictRetries.p50} / ${load.conflictRetries.p99}`],
    ["latency p50 / p99 (ms)", `${load.latencyMs.p50} / ${load.latencyMs.p99}`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return ["load", ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join("\n");
}
