/**
 * `replay <stream-file>... [--config F] [--mode coordinated|uncoordinated|both] [--seed N]
 * [--ledger memory|dynamodb] [--json]`: a recording through the brain's real functions, in a closed
 * loop on a virtual clock, and through AWS's native policies acting alone (docs/replay.md). The
 * functions run as in Lambda (middy, parsing, the brain, the ledger); their logs and metrics are
 * silent unless --verbose. `--json` prints the KPIs and decisions as one object; otherwise a
 * summary table per target.
 */
import { type Command, Option } from "commander";
import { alarmFunction } from "../../functions/alarm.js";
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
import {
  MINUTE_MS,
  type ReplayMode,
  type ReplayResult,
  type ReplayWorld,
} from "../../shared/offline/replay/types.js";
import { readStreams } from "../../shared/offline/streams/readStream.js";
import { formatSkipped } from "../../shared/offline/streams/record.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { lambdaContext } from "../lambdaContext.js";
import { formatReplayTable, progressBar } from "../replayOutput.js";
import { withFunctionOutput } from "../stdout.js";
import { DEFAULT_CONFIG } from "./validate.js";

const MODES = ["coordinated", "uncoordinated", "both"] as const;
const LEDGERS = ["memory", "dynamodb"] as const;

type Options = {
  config: string;
  mode: (typeof MODES)[number];
  seed: string;
  ledger: (typeof LEDGERS)[number];
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
    .option(
      "--json",
      'print one JSON object on standard output: { "targets": {...}, "decisions": [...] } per mode',
    )
    .action(async (files: string[], options: Options) => {
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(seed))
        throw new UsageError(`--seed must be a whole number, not ${options.seed}`);
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) ctx.io.err(formatProblem(w, options.config));
      ctx.setExit(await runReplay(ctx, files, config, options, seed));
    });
}

async function runReplay(
  { io, verbose }: CommandContext,
  files: string[],
  config: BrainConfig,
  options: Options,
  seed: number,
): Promise<number> {
  const modes: ReplayMode[] = options.mode === "both" ? ["coordinated", "uncoordinated"] : [options.mode];
  const results: Partial<Record<ReplayMode, ReplayResult>> = {};
  try {
    // The bar needs the recording's span: read once more first, only where a bar can be drawn.
    const span = io.errTerminal ? await spanOf(files) : null;
    for (const mode of modes) {
      const ledger = await ledgerFor(options.ledger, config);
      const progress = progressBar(io, span ? span.minutes : 0);
      try {
        results[mode] = await withFunctionOutput(
          verbose,
          () =>
            replay(
              config,
              readStreams(files, {
                onSkip: mode === modes[0] ? (s) => progress.io.err(formatSkipped(s)) : () => {},
              }),
              {
                mode,
                seed,
                functionsOn: (world) => functionsOn(config, world, ledger.ledger),
                onMinute: (at) => {
                  if (span) progress.update(Math.round((at - span.first) / MINUTE_MS) + 1);
                },
              },
            ),
          progress.io.err,
        );
      } finally {
        progress.end();
        await ledger.stop();
      }
    }
  } catch (error) {
    if (error instanceof NotAStreamError || error instanceof StreamFileError) {
      io.err(error.message);
      return ExitCode.failed;
    }
    throw error;
  }
  if (options.json) {
    const only = modes.length === 1 ? results[modes[0] as ReplayMode] : results;
    io.out(JSON.stringify(only, null, 2));
  } else {
    io.out(formatReplayTable(results));
  }
  return ExitCode.ok;
}

/** The first minute of a recording and how many minutes it spans. */
async function spanOf(files: string[]): Promise<{ first: number; minutes: number } | null> {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for await (const r of readStreams(files, { onSkip: () => {} })) {
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
function functionsOn(config: BrainConfig, world: ReplayWorld, ledger: Ledger): ReplayFunctions {
  const deps: FunctionDeps = {
    config,
    ports: { ledger, actuatorFor: world.actuatorFor },
    // Never called: the adapters below answer in their place.
    clients: createAwsClients({
      region: config.region ?? "us-east-1",
      credentials: { accessKeyId: "REPLAY", secretAccessKey: "REPLAY" },
    }),
    adapters: { metrics: world.metrics, nativeScaling: null },
    clock: (eventTime) => new Date(eventTime),
  };
  const on = (fn: "alarm" | "tick"): Invoke => {
    const handler = (fn === "alarm" ? alarmFunction : tickFunction)(() => deps);
    return (event, requestId) => handler(event, lambdaContext(fn, requestId));
  };
  return { alarm: on("alarm"), tick: on("tick") };
}
