/**
 * Property: whatever one line, field or cell of a recorded stream is changed to (null, another
 * type, a huge string, deep nesting, an extreme number or date, bytes that are not text, a stray
 * quote), reading and evaluating it gives state changes, or a clean error naming the file (not a
 * stream, cannot be read); never another throw, never a date out of range, and no report with a
 * raw control character. Each format is mutated: Metric Streams JSON lines, the CSV and the
 * get-metric-data document (the bundled samples of events/streams/).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../shared/adapters/configFile.js";
import { NotAStreamError, StreamFileError } from "../../../shared/core/errors.js";
import { AlarmEvaluator } from "../../../shared/offline/evaluation/evaluator.js";
import { readStreams } from "../../../shared/offline/streams/readStream.js";
import { formatSkipped } from "../../../shared/offline/streams/record.js";
import { EXTREMES, fieldPaths, nested, replaced, replacement } from "../../support/mutations.js";

const dir = mkdtempSync(join(tmpdir(), "brain-stream-mutations-"));
const { config } = loadConfig("brain.config.json");

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Whole lines put in place of one: what is not a record at all. */
const LINES = [
  "",
  "{",
  "}",
  "null",
  "[]",
  '"text"',
  "[".repeat(5000),
  "{".repeat(5000),
  JSON.stringify(nested(3000)),
  "x".repeat(300_000),
  "\u001b[31m\u001b]0;title\u0007\u009b2J\u202e",
  "\ufeff\ufffd\ud800",
  "timestamp,namespace,metric,value",
  "timestamp,namespace,metric,dimension,value",
  '{"timestamp":1e308,"namespace":"AWS/RDS","metric_name":"CPUUtilization","value":{"count":1,"sum":1,"min":1,"max":1}}',
  '{"timestamp":8.64e15,"namespace":"AWS/RDS","metric_name":"CPUUtilization","value":{"count":1e308,"sum":1e308,"min":-1e308,"max":1e308}}',
];

/** Cells put in place of one CSV cell. */
const CELLS = [
  ...EXTREMES.filter((e) => typeof e === "string" || typeof e === "number").map(String),
  '"',
  '"a,b"',
  'a"b',
  '""',
  "NaN",
  "-Infinity",
  "99999999999999999999999",
  "-8.64e15",
  "0001-01-01T00:00:00Z",
  "2026-11-26T20:10:00+0530",
  "Name=",
  "=Value",
  "a=1;a=2",
  ";;",
  "p99",
  "timestamp",
];

let n = 0;
/** Reads and evaluates one file as `evaluate` does; what came out, or the error it was refused with. */
async function evaluate(name: string, text: string) {
  const file = join(dir, `${++n}-${name}`);
  writeFileSync(file, text);
  const reports: string[] = [];
  const evaluator = new AlarmEvaluator(config.alarms, { account: config.account, region: config.region });
  try {
    const changes = evaluator.changes(readStreams([file], { onSkip: (s) => reports.push(formatSkipped(s)) }));
    for (let next = await changes.next(); !next.done; next = await changes.next()) {
      expect(Number.isNaN(Date.parse(next.value.at))).toBe(false);
    }
  } catch (error) {
    if (!(error instanceof NotAStreamError || error instanceof StreamFileError)) throw error;
    expect(error.message.startsWith(`${file}: `)).toBe(true);
  }
  for (const report of reports) expect(report).not.toMatch(RAW_CONTROL);
}

const RUNS = { seed: 14, numRuns: 60 };

describe("recorded streams mutated line by line", () => {
  it("Metric Streams JSON lines: a field of a line, or the whole line", async () => {
    const lines = readFileSync("events/streams/avalanche.jsonl", "utf8").trimEnd().split("\n").slice(0, 80);
    const fields = lines.flatMap((line, i) => fieldPaths(JSON.parse(line)).map((path) => ({ i, path })));
    const mutation = fc.oneof(
      fc.tuple(fc.constantFrom(...fields), replacement).map(([{ i, path }, by]) => ({
        i,
        line: JSON.stringify(replaced(JSON.parse(lines[i] as string), path, by)) ?? "",
      })),
      fc.tuple(fc.nat(lines.length - 1), fc.constantFrom(...LINES)).map(([i, line]) => ({ i, line })),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async ({ i, line }) => {
        await evaluate("avalanche.jsonl", lines.map((l, j) => (j === i ? line : l)).join("\n"));
      }),
      RUNS,
    );
  }, 60_000);

  it("the CSV: a cell of a line (the header's too), or the whole line", async () => {
    const lines = readFileSync("events/streams/tv-vote.csv", "utf8").trimEnd().split("\n").slice(0, 60);
    const cells = lines.flatMap((line, i) => line.split(",").map((_, c) => ({ i, c })));
    const mutation = fc.oneof(
      fc.tuple(fc.constantFrom(...cells), fc.constantFrom(...CELLS)).map(([{ i, c }, by]) => ({
        i,
        line: (lines[i] as string)
          .split(",")
          .map((cell, k) => (k === c ? by : cell))
          .join(","),
      })),
      fc.tuple(fc.nat(lines.length - 1), fc.constantFrom(...LINES)).map(([i, line]) => ({ i, line })),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async ({ i, line }) => {
        await evaluate("tv-vote.csv", lines.map((l, j) => (j === i ? line : l)).join("\n"));
      }),
      RUNS,
    );
  }, 60_000);

  it("the get-metric-data document: any field", async () => {
    const doc = JSON.parse(readFileSync("events/streams/avalanche-readers.json", "utf8"));
    const paths = fieldPaths(doc);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), replacement, async (path, by) => {
        await evaluate("avalanche-readers.json", JSON.stringify(replaced(doc, path, by), null, 2) ?? "");
      }),
      RUNS,
    );
  }, 60_000);
});
