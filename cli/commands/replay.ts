/**
 * `replay <stream-file>... [--config F] [--mode coordinated|uncoordinated|both] [--seed N]
 * [--ledger memory|dynamodb] [--report F.html] [--json]`: a recording through the brain's real
 * functions, in a closed loop on a virtual clock, and through AWS's native policies acting alone
 * (docs/replay.md). The functions run as in Lambda (middy, parsing, the brain, the ledger); their
 * logs and metrics are silent unless --verbose, and Node's and the SDK's warnings are. `--json` prints the KPIs and
 * decisions as one object; otherwise a summary table per target. `--report` also writes the
 * self-contained HTML report (cli/report/).
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import { alarmFunction } from "../../functions/alarm.js";
import { logger } from "../../functions/lib/observability.js";
import type { FunctionDeps } from "../../functions/lib/runtime.js";
import { tickFunction } from "../../functions/tick.js";
import { createAwsClients } from "../../shared/adapters/aws/clients.js";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { startLocalLedger } from "../../shared/adapters/ledger/local.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import type { Ledger } from "../../shared/brain/ports/ledger.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { formatProblem, NotAStreamError, StreamFileError, UsageError } from "../../shared/core/errors.js";
import { type Invoke, type ReplayFunctions, replay } from "../../shared/offline/replay/replay.js";
import { type Timeline, TimelineRecorder } from "../../shared/offline/replay/timeline.js";
import {
  MINUTE_MS,
  type ReplayMode,
  type ReplayResult,
  type ReplayWorld,
} from "../../shared/offline/replay/types.js";
import type { SimulatedConnections } from "../../shared/offline/simulation/connections.js";
import { readStreamBatches } from "../../shared/offline/streams/readStream.js";
import { formatSkipped } from "../../shared/offline/streams/record.js";
import { SkipReports } from "../../shared/offline/streams/skipReports.js";
import type { CommandContext } from "../context.js";
import { type CliIo, ExitCode } from "../io.js";
import { lambdaContext } from "../lambdaContext.js";
import { formatReplayTable, progressBar } from "../replayOutput.js";
import { writeReport } from "../report/write.js";
import { withFunctionOutput, withWarningsSilenced } from "../stdout.js";
import { DEFAULT_CONFIG } from "./validate.js";

const MODES = ["coordinated", "uncoordinated", "both"] as const;
const LEDGERS = ["memory", "dynamodb"] as const;

type Options = {
  config: string;
  mode: (typeof MODES)[number];
  seed: string;
  ledger: (typeof LEDGERS)[number];
  report?: string;
  json?: boolean;
};

export function registerReplay(program: Command, ctx: CommandContext): Command {
  return program
    .command("replay")
    .description(
      "replay recorded metric streams through the brain's functions in a closed loop, against AWS's native policies acting alone",
    )
    .argument(
      "<stream-file...>",
      "Metric Streams JSON lines, get-metric-data JSON or CSV (docs/streams.md); several files are one recording",
    )
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .addOption(
      new Option("--mode <mode>", "the brain (coordinated), the native baseline (uncoordinated), or both")
        .choices(MODES)
        .default("coordinated"),
    )
    .option("--seed <n>", "seeds the simulated provisioning times: the same seed, the same replay", "1")
    .addOption(
      new Option("--ledger <ledger>", "the ledger the functions use: in memory, or DynamoDB on dynalite")
        .choices(LEDGERS)
        .default("memory"),
    )
    .option("--report <file.html>", "also write the report: one self-contained HTML page, charts and KPIs")
    .option(
      "--json",
      'print one JSON object on standard output: { "targets": {...}, "decisions": [...] } per mode',
    )
    .action(async (files: string[], options: Options) => {
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(seed))
        throw new UsageError(`--seed must be a whole number, not ${options.seed}`);
      if (options.report !== undefined) checkReportPath(options.report);
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) ctx.io.err(formatProblem(w, options.config));
      ctx.setExit(await runReplay(ctx.io, files, config, options, seed, ctx.verbose));
    });
}

/** `--report`: an HTML file, in a folder that exists; checked before anything runs. */
export function checkReportPath(file: string): void {
  if (!/\.html?$/i.test(file)) throw new UsageError(`--report names an HTML file (F.html), not ${file}`);
  if (!existsSync(dirname(resolve(file))))
    throw new UsageError(`--report ${file}: the folder ${dirname(file)} does not exist`);
}

async function runReplay(
  io: CliIo,
  files: string[],
  config: BrainConfig,
  options: Options,
  seed: number,
  verbose: boolean,
): Promise<number> {
  const modes: ReplayMode[] = options.mode === "both" ? ["coordinated", "uncoordinated"] : [options.mode];
  let replayed: Replayed;
  try {
    replayed = await replayModes(io, files, config, {
      modes,
      seed,
      ledger: options.ledger,
      timeline: options.report !== undefined,
      verbose,
    });
  } catch (error) {
    if (error instanceof NotAStreamError || error instanceof StreamFileError) {
      io.err(error.message);
      return ExitCode.failed;
    }
    throw error;
  }
  const { results, timelines } = replayed;
  if (options.report !== undefined)
    writeReport(options.report, { files, configFile: options.config, results, timelines, seed });
  if (options.json) {
    const only = modes.length === 1 ? results[modes[0] as ReplayMode] : results;
    io.out(JSON.stringify(only, null, 2));
  } else {
    io.out(formatReplayTable(results));
  }
  if (options.report !== undefined) io.err(`report: ${options.report}`);
  return ExitCode.ok;
}

/** Each mode's result, and its timeline when one was asked for. */
export type Replayed = {
  results: Partial<Record<ReplayMode, ReplayResult>>;
  timelines: Partial<Record<ReplayMode, Timeline>>;
};

/**
 * The recording replayed in each mode, quietly: the functions' logs and metrics (unless verbose, then
 * on standard error), and Node's and the SDK's warnings, do not reach the terminal; a progress bar on standard error when it is one.
 * Throws NotAStreamError or StreamFileError when a file is not a stream.
 */
export async function replayModes(
  io: CliIo,
  files: string[],
  config: BrainConfig,
  options: {
    modes: ReplayMode[];
    seed: number;
    ledger: Options["ledger"];
    timeline: boolean;
    verbose?: boolean;
  },
): Promise<Replayed> {
  const { modes, seed } = options;
  const results: Partial<Record<ReplayMode, ReplayResult>> = {};
  const timelines: Partial<Record<ReplayMode, Timeline>> = {};
  const level = logger.getLevelName();
  logger.setLogLevel("SILENT");
  // Skipped lines are shown once, on the first mode's reading: the first ten of each kind.
  let show: (line: string) => void = () => {};
  const reports = new SkipReports((s) => show(formatSkipped(s)));
  try {
    // The bar needs the recording's span: read once more first, only where a bar can be drawn.
    const span = io.errTerminal ? await spanOf(files) : null;
    for (const mode of modes) {
      const ledger = await ledgerFor(options.ledger, config);
      const progress = progressBar(io, span ? span.minutes : 0);
      show = progress.io.err;
      const recorder = options.timeline ? new TimelineRecorder(config) : undefined;
      let connections: SimulatedConnections | null = null;
      try {
        results[mode] = await withWarningsSilenced(() =>
          withFunctionOutput(
            options.verbose ?? false,
            () =>
              replay(
                config,
                readStreamBatches(files, {
                  onSkip: mode === modes[0] ? (s) => reports.report(s) : () => {},
                }),
                {
                  mode,
                  seed,
                  functionsOn: (world) => functionsOn(config, world, ledger.ledger),
                  onMinute: (at) => {
                    if (span) progress.update(Math.round((at - span.first) / MINUTE_MS) + 1);
                  },
                  observer: recorder,
                  onConnections: (c) => {
                    connections = c;
                  },
                },
              ),
            progress.io.err,
          ),
        );
        if (recorder) timelines[mode] = withConnections(recorder.timeline(), config, connections);
      } finally {
        progress.end();
        await ledger.stop();
      }
    }
  } finally {
    logger.setLogLevel(level);
    for (const line of reports.summary()) io.err(line);
  }
  return { results, timelines };
}

/** The first minute of a recording and how many minutes it spans. */
async function spanOf(files: string[]): Promise<{ first: number; minutes: number } | null> {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for await (const batch of readStreamBatches(files, { onSkip: () => {} }))
    for (const r of batch) {
      first = Math.min(first, r.timestamp);
      last = Math.max(last, r.timestamp);
    }
  if (!Number.isFinite(first)) return null;
  return { first, minutes: Math.floor(last / MINUTE_MS) - Math.floor(first / MINUTE_MS) + 1 };
}

async function ledgerFor(
  kind: Options["ledger"],
  config: BrainConfig,
): Promise<{ ledger: Ledger; stop(): Promise<void> }> {
  const days = config.settings.decisionRetentionDays;
  if (kind === "memory") return { ledger: new MemoryLedger({ retentionDays: days }), stop: async () => {} };
  return startLocalLedger(days);
}

/** The real functions on the replay's world: its actuators and metrics at the ports, the clock the payload's. */
/** A timeline with each budgeted cluster's connections, minute by minute, for the report. */
function withConnections(
  timeline: Timeline,
  config: BrainConfig,
  connections: SimulatedConnections | null,
): Timeline {
  if (!connections) return timeline;
  const series = Object.fromEntries(
    (config.connectionBudgets ?? []).map((b) => {
      const samples = connections.samplesOf(b.DBClusterIdentifier);
      return [
        b.DBClusterIdentifier,
        {
          open: samples.map((s) => s.open),
          budget: samples.map((s) => s.budget),
          refused: samples.map((s) => s.refused),
        },
      ];
    }),
  );
  return { ...timeline, connections: series };
}

export function functionsOn(config: BrainConfig, world: ReplayWorld, ledger: Ledger): ReplayFunctions {
  const deps: FunctionDeps = {
    config,
    ports: { ledger, actuatorFor: world.actuatorFor },
    // Never called: the adapters below answer in their place.
    clients: createAwsClients({
      region: config.region ?? "us-east-1",
      credentials: { accessKeyId: "REPLAY", secretAccessKey: "REPLAY" },
    }),
    adapters: { metrics: world.metrics, nativeScaling: null, parameters: world.parameters },
    clock: (eventTime) => new Date(eventTime),
  };
  const on = (fn: "alarm" | "tick"): Invoke => {
    const handler = (fn === "alarm" ? alarmFunction : tickFunction)(() => deps);
    return (event, requestId) => handler(event, lambdaContext(fn, requestId));
  };
  return { alarm: on("alarm"), tick: on("tick") };
}
