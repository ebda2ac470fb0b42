/**
 * `invoke <function> <event-file>...`: runs a function's real handler on each payload in turn,
 * against one ledger, so that sequences and duplicates behave as they would in AWS. The dry run
 * (the default) answers the real SDK clients from a simulated account and keeps the ledger on
 * dynalite, started in-process and empty at every start.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { alarmFunction } from "../../functions/alarm.js";
import type { FunctionResult } from "../../functions/lib/result.js";
import { scheduleFunction } from "../../functions/schedule.js";
import { tickFunction } from "../../functions/tick.js";
import { loadConfig } from "../../shared/adapters/configFile.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { formatProblem, UsageError } from "../../shared/core/errors.js";
import { issuesAt, jsonPath } from "../../shared/core/problems.js";
import type { CommandContext } from "../context.js";
import { dryRun, type StartingState, StartingStateSchema } from "../dryRun.js";
import { ExitCode } from "../io.js";
import { lambdaContext } from "../lambdaContext.js";
import { liveRun } from "../liveRun.js";
import { withFunctionOutput } from "../stdout.js";
import { DEFAULT_CONFIG } from "./validate.js";

const FUNCTIONS = { alarm: alarmFunction, tick: tickFunction, schedule: scheduleFunction } as const;
export type FunctionName = keyof typeof FUNCTIONS;

type Options = {
  config: string;
  state?: string;
  now?: string;
  json?: boolean;
  live?: boolean;
  createTable?: boolean;
};

export function registerInvoke(program: Command, ctx: CommandContext): Command {
  return program
    .command("invoke")
    .description(
      "run a function's real handler on each payload in turn, as a dry run against a simulated account (or --live)",
    )
    .argument("<function>", `the function: ${Object.keys(FUNCTIONS).join(", ")}`)
    .argument(
      "<event-file...>",
      "payloads (JSON), handled in order against one ledger; - reads one from standard input",
    )
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .option(
      "--state <file>",
      'the simulated account\'s starting point: { "<target id>": { "capacity": n, "metrics": { "<PolicyName>": value } } } (metrics: what each target-tracking policy\'s metric reads, for tick)',
    )
    .option(
      "--now <iso-8601>",
      "the clock for every payload, with its zone (2026-11-23T19:05:00Z; default: each payload's own time)",
    )
    .option("--json", "print one JSON object { decisions, calls } on standard output")
    .option(
      "--live",
      "run against AWS (or AWS_ENDPOINT_URL): default credentials and region, LEDGER_TABLE, the wall clock",
    )
    .option("--create-table", "with --live: create LEDGER_TABLE where it is missing (first use, emulators)")
    .action(async (fn: string, files: string[], options: Options) => {
      if (!(fn in FUNCTIONS))
        throw new UsageError(`unknown function "${fn}": use ${Object.keys(FUNCTIONS).join(", ")}`);
      if (options.live && (options.state || options.now)) {
        throw new UsageError(
          "--state and --now shape the simulated account; --live runs on the real one and the wall clock",
        );
      }
      if (options.createTable && !options.live) throw new UsageError("--create-table goes with --live");
      const now = options.now === undefined ? undefined : parseNow(options.now);
      const { config } = loadConfig(options.config);
      const start = options.state ? loadStartingState(options.state, config) : {};
      ctx.setExit(
        await invoke(ctx, fn as FunctionName, files, {
          config,
          start,
          now,
          json: options.json === true,
          ...(options.live ? { live: { createTable: options.createTable === true } } : {}),
        }),
      );
    });
}

/** ISO-8601 with a zone: `Z` or an offset. Without one, Date reads the machine's local time. */
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function parseNow(value: string): Date {
  const at = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
    throw new UsageError(
      `--now ${value} has no time zone, and would be read as this machine's local time: add one, as in ${value}Z (UTC) or ${value}+01:00`,
    );
  }
  if (!ZONED.test(value) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--now ${value} is not an ISO-8601 time with a zone, such as 2026-11-23T19:00:00Z`);
  }
  return at;
}

function loadStartingState(file: string, config: BrainConfig): StartingState {
  const fail = (message: string): never => {
    throw new UsageError(`--state ${file}: ${message}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return fail((error as Error).message);
  }
  const parsed = StartingStateSchema.safeParse(raw);
  if (!parsed.success) {
    const first = issuesAt(parsed.error.issues, [])[0];
    return fail(`${jsonPath(first?.path ?? [])}: ${first?.issue.message}`);
  }
  for (const id of Object.keys(parsed.data)) {
    if (!config.targets.some((t) => t.id === id)) fail(`$.${id}: no target has this id`);
  }
  return parsed.data;
}

export async function invoke(
  ctx: CommandContext,
  fn: FunctionName,
  files: string[],
  options: {
    config: BrainConfig;
    start: StartingState;
    now: Date | undefined;
    json: boolean;
    live?: { createTable: boolean };
  },
): Promise<number> {
  const { io } = ctx;
  if (files.filter((f) => f === STDIN).length > 1)
    throw new UsageError("- (standard input) can be read once: give it once among the payloads");
  const world = options.live
    ? await liveRun(options.config, { createTable: options.live.createTable, io, aws: ctx.aws })
    : await dryRun(options.config, options.start, options.now);
  const handler = FUNCTIONS[fn](() => world.deps);
  const decisions: FunctionResult["decisions"] = [];
  let exit: number = ExitCode.ok;
  try {
    for (const [i, file] of files.entries()) {
      let event: unknown;
      try {
        event = JSON.parse(readFileSync(file === STDIN ? 0 : file, "utf8"));
      } catch (error) {
        io.err(`${file}: not a payload: ${describeReadError(error)}`);
        exit = ExitCode.failed;
        continue;
      }
      const result = await withFunctionOutput(
        ctx.verbose,
        () => handler(event, lambdaContext(fn, `invoke-${i + 1}`)),
        io.err,
      );
      if (result.error) {
        // Once: the message names the first problem; any others follow it.
        const { message, problems } = result.error;
        io.err(`${file}: ${message}`);
        for (const p of problems)
          if (!message.includes(`${p.path}: ${p.message}`)) io.err(`  ${formatProblem(p)}`);
        exit = ExitCode.failed;
        continue;
      }
      if (result.ignored && !options.json) io.out(`${file}: acknowledged: ${result.ignored}`);
      for (const d of result.decisions) {
        decisions.push(d);
        if (!options.json) io.out(`${file}: ${describe(d)}`);
      }
    }
  } finally {
    await world.close();
  }
  if (options.json) io.out(JSON.stringify({ decisions, calls: world.calls() }, null, 2));
  return exit;
}

/** `-` among the payloads: one read from standard input. */
const STDIN = "-";

/** Why a payload file cannot be read or parsed, without the errno's syscall noise. */
function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "a folder, not a file";
  return (error as Error).message;
}

function describe(d: FunctionResult["decisions"][number]): string {
  if (d.target === null) return `${d.alarm}: ${d.reason}: ${d.message}`;
  const acted = d.status === "applied" || d.status === "reserved";
  const change = acted
    ? `${d.from} → ${d.to}`
    : `stays at ${d.from}${d.to !== d.from ? `, asked for ${d.to}` : ""}`;
  return `${d.target}: ${d.status} ${d.reason} (${change})${d.blockedBy ? ` blocked by ${d.blockedBy}` : ""}: ${d.message}`;
}
