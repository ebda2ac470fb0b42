/**
 * `start` (`npm start`): what a new user sees first. The Virtway avalanche
 * (events/scenarios/virtway/) replayed through the brain and through AWS's native policies acting
 * alone, a short table of what each did per target, and the report written beside it
 * (report.html in the current folder). No AWS account, no network; the functions' logs and
 * Node's warnings stay off the terminal.
 */
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { formatProblem, NotAStreamError, StreamFileError } from "../../shared/core/errors.js";
import type { ReplayResult, TargetKpis } from "../../shared/offline/replay/types.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { projectPath } from "../projectRoot.js";
import { writeReport } from "../report/write.js";
import { checkReportPath, replayModes } from "./replay.js";
import { DEFAULT_CONFIG } from "./validate.js";

/** The Virtway scenario's recording (its configuration is the root brain.config.json), wherever start runs. */
export const VIRTWAY_STREAM = projectPath("events", "scenarios", "virtway", "avalanche.jsonl");
const SEED = 1;

/** The table's columns: a KPI as people read it, each with the brain's value and the native one. */
const COLUMNS: readonly { label: string; value: (k: TargetKpis) => string }[] = [
  { label: "under-provisioned", value: (k) => `${Math.round(k.underProvisionedSeconds / 60)} min` },
  { label: "capacity-hours", value: (k) => k.capacityHours.toFixed(2) },
  { label: "flaps", value: (k) => String(k.flaps) },
  { label: "actions", value: (k) => String(k.actions) },
];

/**
 * One row per target: each KPI as `brain / native`, aligned in columns. A target one mode lacks
 * shows "—" there.
 */
export function formatStartTable(brain: ReplayResult, native: ReplayResult): string {
  const targets = Object.keys(brain.targets);
  const cell = (k: TargetKpis | undefined, c: (typeof COLUMNS)[number]) => (k ? c.value(k) : "—");
  const rows = targets.map((t) => [
    t,
    ...COLUMNS.map((c) => `${cell(brain.targets[t], c)} / ${cell(native.targets[t], c)}`),
  ]);
  const header = ["target (brain / native)", ...COLUMNS.map((c) => c.label)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function registerStart(program: Command, ctx: CommandContext): Command {
  return program
    .command("start")
    .description(
      "the main job (npm start): the Virtway avalanche replayed through the brain and through AWS's native policies alone, a summary and report.html",
    )
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .option("--report <file.html>", "where to write the report", "report.html")
    .action(async (options: { config: string; report: string }) => {
      const { io } = ctx;
      checkReportPath(options.report);
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) io.err(formatProblem(w, options.config));
      const stream = relative(process.cwd(), VIRTWAY_STREAM);
      io.out(
        `The Virtway avalanche (${stream}, 8,000 users within a minute) replayed with ${options.config}:\n` +
          "the brain (its functions, coordinated through the ledger) against AWS's native policies acting alone.\n\n",
      );
      let replayed: Awaited<ReturnType<typeof replayModes>>;
      try {
        replayed = await replayModes(io, [VIRTWAY_STREAM], config, {
          modes: ["coordinated", "uncoordinated"],
          seed: SEED,
          ledger: "memory",
          timeline: true,
          verbose: ctx.verbose,
        });
      } catch (error) {
        if (error instanceof NotAStreamError || error instanceof StreamFileError) {
          io.err(error.message);
          ctx.setExit(ExitCode.failed);
          return;
        }
        throw error;
      }
      const { results, timelines } = replayed;
      const { coordinated, uncoordinated } = results as Required<typeof results>;
      writeReport(options.report, {
        files: [stream],
        configFile: options.config,
        results,
        timelines,
        seed: SEED,
      });
      io.out(formatStartTable(coordinated, uncoordinated));
      io.out(
        `\nreport: ${resolve(options.report)} (open it in a browser: demand, capacity, decisions and alarms per minute)`,
      );
      io.out(`every KPI: npm run brain -- replay ${stream} --mode both; what they mean: docs/replay.md`);
    });
}
