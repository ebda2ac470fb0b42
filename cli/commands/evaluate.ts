/**
 * `evaluate <stream-file>... [--config F] [--json]`: the alarm state changes CloudWatch would
 * have made for the configured alarms on a recording, without the brain. The files are one
 * recording (merged in time order): Metric Streams JSON lines, get-metric-data JSON or the CSV
 * (docs/streams.md). Lines that are not records are reported on standard error as
 * `file:line: reason` (the first ten of each kind, then how many more) and skipped; a file none of
 * whose lines is a record exits 1.
 *
 * The changes are printed as the evaluator releases them, in time order, never collected: a
 * month of changes does not sit in memory. With `--json` the one object is written the same way
 * (its `stateChanges` array opened at the first change, `skipped` written at the end), as
 * JSON.stringify(…, null, 2) would print it whole. A file that fails part way, after changes were
 * printed, still closes the object, with an `error` naming the file and the problem.
 */
import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { alarmNameOf } from "../../shared/core/alarms/alarmRule.js";
import { type BrainConfig, isCompositeAlarm } from "../../shared/core/config/schema.js";
import { formatProblem, NotAStreamError, StreamFileError } from "../../shared/core/errors.js";
import { AlarmEvaluator, type EvaluationSummary } from "../../shared/offline/evaluation/evaluator.js";
import type { StateChange } from "../../shared/offline/evaluation/stateChange.js";
import { APPROXIMATIONS, type Approximation } from "../../shared/offline/evaluation/statistics.js";
import { readStreams } from "../../shared/offline/streams/readStream.js";
import { formatSkipped } from "../../shared/offline/streams/record.js";
import { SkipReports } from "../../shared/offline/streams/skipReports.js";
import type { CommandContext } from "../context.js";
import { type CliIo, ExitCode } from "../io.js";
import { type Column, formatTable, NONE, rounded } from "../table.js";
import { DEFAULT_CONFIG } from "./validate.js";

/** Progress on standard error every this many records (a month of one-minute data is millions). */
const PROGRESS_EVERY = 250_000;

type Options = { config: string; json?: boolean };

/** The `--json` shape: one object, nothing else on standard output. */
export type EvaluateJson = {
  stateChanges: { at: string; alarm: string; from: string; to: string; value: number | null }[];
  skipped: number;
  /** Only when a file failed after changes were printed: the file and the problem (exit status 1). */
  error?: string;
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
  const output = json ? jsonOutput(io) : textOutput(io, config);
  let summary: EvaluationSummary;
  // The first few skipped lines of each kind are shown, the rest counted (a file of random bytes
  // is tens of thousands of them).
  const reports = new SkipReports((s) => io.err(formatSkipped(s)));
  try {
    const records = readStreams(files, {
      onSkip: (s) => {
        skipped++;
        reports.report(s);
      },
    });
    const changes = evaluator.changes(records, (count, record) => {
      if (count % PROGRESS_EVERY === 0) {
        io.err(`… ${count} records read, up to ${new Date(record.timestamp).toISOString()}`);
      }
    });
    let next = await changes.next();
    for (; !next.done; next = await changes.next()) output.change(next.value);
    summary = next.value;
  } catch (error) {
    // Not a stream, or not readable. Usually found before any change is printed (every file is
    // looked at first), leaving standard output empty; a file failing part way (an I/O error, a
    // file gone by the time the recording reaches it) comes after some: the JSON object is closed
    // all the same, with the error in it, so that standard output is still one object.
    if (error instanceof NotAStreamError || error instanceof StreamFileError) {
      for (const line of reports.summary()) io.err(line);
      io.err(error.message);
      output.fail(skipped, error.message);
      return ExitCode.failed;
    }
    throw error;
  }
  for (const line of reports.summary()) io.err(line);
  for (const note of summary.notes) io.err(describeNote(note));
  io.err(
    `${summary.records} records from ${files.length} file${files.length === 1 ? "" : "s"}: ${summary.series} series, ${summary.unusedSeries} used by no alarm (ignored)${skipped ? `, ${skipped} line${skipped === 1 ? "" : "s"} skipped` : ""}`,
  );
  output.end(skipped);
  return ExitCode.ok;
}

type Output = {
  change: (change: StateChange) => void;
  end: (skipped: number) => void;
  /** The reading failed: what was printed is closed (nothing is printed if nothing was). */
  fail: (skipped: number, error: string) => void;
};

/** A table of the changes, a row per change as it comes (the columns' widths fixed up front). */
function textOutput(io: CliIo, config: BrainConfig): Output {
  let printed = false;
  const widths = changeColumnWidths(config);
  return {
    change: (change) => {
      if (!printed) io.out(formatTable(CHANGE_COLUMNS, [], { widths }));
      printed = true;
      io.out(formatTable(CHANGE_COLUMNS, [changeRow(config, change)], { header: false, widths }));
    },
    end: () => {
      if (!printed) io.out("no state changes");
    },
    fail: () => {},
  };
}

/**
 * The `--json` object written as it grows, the text JSON.stringify(out, null, 2) gives: each
 * change is held until the next (or the end) says whether a comma follows it.
 */
function jsonOutput(io: CliIo): Output {
  let held: string | null = null;
  return {
    change: (c) => {
      const entry: EvaluateJson["stateChanges"][number] = {
        at: c.at,
        alarm: c.alarm,
        from: c.from,
        to: c.to,
        value: c.value,
      };
      const text = JSON.stringify(entry, null, 2).replace(/^/gm, "    ");
      io.out(held === null ? '{\n  "stateChanges": [' : `${held},`);
      held = text;
    },
    end: (skipped) => {
      const close = `"skipped": ${JSON.stringify(skipped)}\n}`;
      io.out(held === null ? `{\n  "stateChanges": [],\n  ${close}` : `${held}\n  ],\n  ${close}`);
    },
    fail: (skipped, error) => {
      if (held === null) return;
      io.out(
        `${held}\n  ],\n  "skipped": ${JSON.stringify(skipped)},\n  "error": ${JSON.stringify(error)}\n}`,
      );
      held = null;
    },
  };
}

const CHANGE_COLUMNS: Column[] = [
  { header: "TIME" },
  { header: "ALARM" },
  { header: "FROM" },
  { header: "TO" },
  { header: "VALUE", align: "right" },
  { header: "DECIDED BY" },
];

const STATE_WIDTH = "INSUFFICIENT_DATA".length;
const VALUE_WIDTH = 12;

/** Every column as wide as its widest possible value, but the last, as wide as it needs. */
function changeColumnWidths(config: BrainConfig): (number | null)[] {
  const alarm = Math.max("ALARM".length, ...config.alarms.map((a) => a.AlarmName.length));
  return ["2026-11-23T19:01:00.000Z".length, alarm, STATE_WIDTH, STATE_WIDTH, VALUE_WIDTH, null];
}

/** The units CloudWatch publishes the metrics of the alarms people write in (AWS/RDS, AWS/EC2, AWS/ApplicationELB). */
const METRIC_UNITS: Record<string, string> = {
  CPUUtilization: "Percent",
  FreeableMemory: "Bytes",
  ReadLatency: "Seconds",
  WriteLatency: "Seconds",
  TargetResponseTime: "Seconds",
  ReplicaLag: "Seconds",
  AuroraReplicaLag: "Milliseconds",
  DatabaseConnections: "Count",
  RequestCount: "Count",
  RequestCountPerTarget: "Count",
  NetworkIn: "Bytes",
  NetworkOut: "Bytes",
};

/** A datapoint with its unit: the alarm's Unit, or that of its metric where CloudWatch's is known. */
function withUnit(config: BrainConfig, alarmName: string, value: number): string {
  const alarm = config.alarms.find((a) => a.AlarmName === alarmName);
  const unit =
    alarm && !isCompositeAlarm(alarm)
      ? (alarm.Unit ?? (alarm.MetricName ? METRIC_UNITS[alarm.MetricName] : undefined))
      : undefined;
  switch (unit) {
    case "Percent":
      return `${rounded(value)} %`;
    case "Seconds":
      return Math.abs(value) < 1 ? `${rounded(value * 1000)} ms` : `${rounded(value)} s`;
    case "Milliseconds":
      return `${rounded(value)} ms`;
    case "Bytes":
      return `${rounded(value / 1024 ** 2)} MiB`;
    default:
      return rounded(value);
  }
}

function changeRow(config: BrainConfig, c: StateChange): string[] {
  const trigger = (
    c.reasonData.triggeringAlarms as { arn: string; state: { value: string } }[] | undefined
  )?.[0];
  const decided = trigger
    ? `${alarmNameOf(trigger.arn)} went ${trigger.state.value}`
    : c.value !== null
      ? `the datapoint at ${c.datapoints[0]?.at.slice(11, 19)}`
      : c.to === "INSUFFICIENT_DATA"
        ? "missing data"
        : `missing data treated as ${c.reason.includes("[Breaching]") ? "breaching" : "not breaching"}`;
  const held = c.actionsSuppressedBy ? ` (actions held: ${c.actionsSuppressedBy})` : "";
  const value = c.value === null ? NONE : withUnit(config, c.alarm, c.value);
  return [c.at, c.alarm, c.from, c.to, value, `${decided}${held}`];
}

function describeNote(note: EvaluationSummary["notes"][number]): string {
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
