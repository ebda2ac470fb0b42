/**
 * `load`: the storm (stormPlan.ts): concurrent alarm deliveries (twins, retries, escalations) and a
 * tick through the real handlers against one dynalite and the simulated account. `--quick`: a
 * small storm. An invocation that failed makes the figure meaningless.
 */
import { type BenchFigure, titledRows } from "./figure.js";
import { type LoadFigures, loadOf, runStorm } from "./storm.js";
import { FULL_STORM, planStorm, SMALL_STORM } from "./stormPlan.js";

export type Load = LoadFigures & {
  deliveries: number;
  targets: number;
  /** The first invocation that failed, when one did: what it threw. */
  firstFailure?: string;
};

export const loadFigure: BenchFigure<Load> = {
  key: "load",
  describe: "a storm of concurrent alarm deliveries through the real handlers against dynalite",
  async measure({ quick, progress }) {
    const plan = planStorm(quick ? SMALL_STORM : FULL_STORM);
    const targets = plan.config.targets.length;
    progress(`storm of ${plan.invocations.length} invocations over ${targets} targets…`);
    let reported = 0;
    const run = await runStorm(plan, {
      onProgress: (done, total) => {
        // A line at each quarter: a long run shows it is moving, a log stays short.
        const quarter = Math.floor((done / total) * 4);
        if (quarter > reported) {
          reported = quarter;
          progress(`${done}/${total} invocations done`);
        }
      },
    });
    try {
      const deliveries = plan.invocations.filter((i) => i.kind === "alarm").length;
      const first = run.outcomes.find((o) => !o.ok);
      return {
        ...loadOf(run),
        deliveries,
        targets,
        ...(first ? { firstFailure: `${first.id}: ${first.error}` } : {}),
      };
    } finally {
      await run.close();
    }
  },
  lines: (load) => formatLoad(load).split("\n"),
  failure: (load) =>
    load.failed > 0 ? `${load.failed} invocations failed (the first: ${load.firstFailure})` : undefined,
};

/** The load as a small table. */
export function formatLoad(load: Load): string {
  return titledRows("load", [
    ["storm", `${load.deliveries} deliveries + 1 tick over ${load.targets} targets`],
    ["invocations failed", `${load.failed} of ${load.invocations}`],
    ["decisions per second", String(load.decisionsPerSecond)],
    ["conflict retries p50 / p99", `${load.conflictRetries.p50} / ${load.conflictRetries.p99}`],
    ["latency p50 / p99 (ms)", `${load.latencyMs.p50} / ${load.latencyMs.p99}`],
  ]).join("\n");
}
