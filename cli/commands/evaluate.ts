/**
 * `evaluate <stream-file>... [--config F] [--json]`: the alarm state changes CloudWatch would
 * have made for the configured alarms on a recording, without the brain. The files are one
 * recording (merged in time order): Metric Streams JSON lines, get-metric-data JSON or the CSV
 * (docs/streams.md). Lines that are not records are reported on standard error as
 * `file:line: reason` and skipped; a file none of whose lines is a record exits 1.
 */
import type { Command } from "commander";
import { alarmNameOf } from "../../shared/alarms/alarmRule.js";
import type { BrainConfig } from "../../shared/config/schema.js";
import { loadConfig } from "../../shared/config/validate.js";
import { formatProblem, NotAStreamError, StreamFileError } from "../../shared/errors.js";
import { AlarmEvaluator, type EvaluationResult } from "../../shared/evaluation/evaluator.js";
import { javaDouble } from "../../shared/evaluation/reason.js";
import type { StateChange } from "../../shared/evaluation/stateChange.js";
import { APPROXIMATIONS, type Approximation } from "../../shared/evaluation/statistics.js";
import { readStreams } from "../../shared/streams/readStream.js";
import { formatSkipped } from "../../shared/streams/record.js";
import { ExitCode } from "../io.js";
import type { CommandContext } from "../main.js";
import { DEFAULT_CONFIG } from "./validate.js";

/** Progress on standard error every this many records (a month of one-minute data is millions). */
export const PROGRESS_EVERY = 250_000;

type Options = { config: string; json?: boolean };

/** The `--json` shape: one object, nothing else on standard output. */
export type EvaluateJson = {
  stateChanges: { at: string; alarm: string; from: string; to: string; value: number | null }[];
  skipped: number;
};

export function registerEvaluate(program: Command, ctx: CommandContext): Command {
  return program
    .command("evaluate")
    .description(
      "the alarm state changes CloudWatch would have made for the configured alarms on a recorded metric stream",
    )
    .argument(
      "<stream-file...>",
      "Metric Streams JSON lines, get-metric-data JSON or CSV (docs/streams.md); several files are one recording",
    )
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .option("--json", 'print one JSON object { "stateChanges": [...], "skipped": n } on standard output')
    .action(async (files: string[], options: Options) => {
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) ctx.io.err(formatProblem(w, options.config));
      ctx.setExit(await evaluate(ctx, files, config, options.json === true));
    });
}

async function evaluate(
  { io }: CommandContext,
  files: string[],
  config: BrainConfig,
  json: boolean,
): Promise<number> {
  let skipped = 0;
  const evaluator = new AlarmEvaluator(config.alarms, { account: config.account, region: config.region });
  for (const u of evaluator.unsupported) io.err(`warning: ${u.message}`);
  const reported = evaluator.unsupported.length;
  let count = 0;
  let result: EvaluationResult;
  try {
    const records = readStreams(files, {
      onSkip: (s) => {
        skipped++;
        io.err(formatSkipped(s));
      },
    });
    for await (const record of records) {
      evaluator.push(record);
      if (++count % PROGRESS_EVERY === 0) {
        io.err(`… ${count} records read, up to ${new Date(record.timestamp).toISOString()}`);
      }
    }
    result = evaluator.finish();
  } catch (error) {
    if (error instanceof NotAStreamError || error instanceof StreamFileError) {
      io.err(error.message);
      return ExitCode.failed;
    }
    throw error;
  }
  // Composites that cannot be evaluated (a rule that does not parse, a cycle) are known at the end.
  for (const u of result.unsupported.slice(reported)) io.err(`warning: ${u.message}`);
  for (const note of result.notes) io.err(describeNote(note));
  io.err(
    `${result.records} records from ${files.length} file${files.length === 1 ? "" : "s"}: ${result.series} series, ${result.unusedSeries} used by no alarm (ignored)${skipped ? `, ${skipped} line${skipped === 1 ? "" : "s"} skipped` : ""}`,
  );

  if (json) {
    const out: EvaluateJson = {
      stateChanges: result.stateChanges.map((c) => ({
        at: c.at,
        alarm: c.alarm,
        from: c.from,
        to: c.to,
        value: c.value,
      })),
      skipped,
    };
    io.out(JSON.stringify(out, null, 2));
    return ExitCode.ok;
  }
  if (result.stateChanges.length === 0) io.out("no state changes");
  for (const change of result.stateChanges) io.out(describeChange(change));
  return ExitCode.ok;
}

function describeChange(c: StateChange): string {
  const trigger = (
    c.reasonData.triggeringAlarms as { arn: string; state: { value: string } }[] | undefined
  )?.[0];
  const decided = trigger
    ? `${alarmNameOf(trigger.arn)} went ${trigger.state.value}`
    : c.value !== null
      ? `${javaDouble(c.value)} at ${c.datapoints[0]?.at.slice(11, 19)}`
      : c.to === "INSUFFICIENT_DATA"
        ? "missing data"
        : `missing data treated as ${c.reason.includes("[Breaching]") ? "breaching" : "not breaching"}`;
  const held = c.actionsSuppressedBy ? ` (actions held: ${c.actionsSuppressedBy})` : "";
  return `${c.at}  ${c.alarm}  ${c.from} -> ${c.to}  ${decided}${held}`;
}

function describeNote(note: EvaluationResult["notes"][number]): string {
  const parts = Object.entries(note.approximated).map(
    ([kind, n]) => `${n} datapoint${n === 1 ? "" : "s"}: ${APPROXIMATIONS[kind as Approximation]}`,
  );
  if (note.unavailable > 0) {
    parts.push(
      `${note.unavailable} period${note.unavailable === 1 ? "" : "s"} with records but not the alarm's statistic (treated as missing)`,
    );
  }
  return `note: ${note.alarm}: ${parts.join("; ")}`;
}
