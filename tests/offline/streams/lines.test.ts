/**
 * The line reader: lines split as node:readline splits them, across the file's 64 KiB blocks too,
 * and a line longer than the bound yielded as too long (its length only) rather than read whole:
 * the file's other lines are still read, and the long one is reported with its line number.
 */
import { createReadStream, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NotAStreamError } from "../../../shared/core/errors.js";
import { csvLineParser } from "../../../shared/offline/streams/csv.js";
import { type Line, MAX_LINE_BYTES, readLines } from "../../../shared/offline/streams/lines.js";
import { formatSkipped } from "../../../shared/offline/streams/record.js";
import { failure, msLine, read, write } from "./support.js";

async function all(lines: AsyncIterable<Line>): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

async function byReadline(file: string): Promise<string[]> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  return all(lines) as Promise<string[]>;
}

/** Blocks of 64 KiB, so that the files below cross a few. */
const BLOCK = 64 * 1024;

describe("readLines", () => {
  it("splits as node:readline does: \\n, \\r\\n, a lone \\r, no line after a final break", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "é", "😀", ",", "\n", "\r", "\r\n", " "), { maxLength: 40 }),
        fc.constantFrom(1, 2, 3, 7, BLOCK),
        async (pieces, block) => {
          const file = write(`split-${++n}.txt`, pieces.join(""));
          // Read in blocks of a few bytes too: breaks, characters and lines across blocks.
          expect(await all(readLines(file, MAX_LINE_BYTES, block))).toEqual(await byReadline(file));
        },
      ),
      { seed: 14, numRuns: 150 },
    );
  });

  it.each([
    { name: "a \\r\\n across two blocks", text: `${"a".repeat(BLOCK - 1)}\r\nb\n` },
    { name: "a lone \\r ending a block", text: `${"a".repeat(BLOCK - 1)}\rb\n` },
    { name: "a character of four bytes across two blocks", text: `${"a".repeat(BLOCK - 2)}😀b\nc` },
    { name: "a line of three blocks", text: `x\n${"a".repeat(3 * BLOCK)}\ny` },
  ])("reads $name", async ({ name, text }) => {
    const file = write(`${name.replace(/\W+/g, "-")}.txt`, text);
    expect(await all(readLines(file, MAX_LINE_BYTES, BLOCK))).toEqual(await byReadline(file));
  });

  it("decodes each line as UTF-8 alone would be, bad bytes and all, across blocks too", async () => {
    const pieces = [[0x61], [0xc3, 0xa9], [0xc3], [0xff], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0x0a]];
    /** Lines as the file's bytes split at each `\n`, every one decoded by itself. */
    const lineByLine = (bytes: Buffer) => {
      const lines = bytes.toString("latin1").split("\n");
      if (lines.at(-1) === "") lines.pop();
      return lines.map((line) => Buffer.from(line, "latin1").toString("utf8"));
    };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...pieces), { maxLength: 60 }),
        fc.constantFrom(1, 2, 5, 16, BLOCK),
        async (chosen, block) => {
          const bytes = Buffer.from(chosen.flat());
          const file = write(`utf8-${++n}.txt`, "");
          writeFileSync(file, bytes);
          expect(await all(readLines(file, MAX_LINE_BYTES, block))).toEqual(lineByLine(bytes));
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });

  it("reads a gzip file as its text, whatever the block size asked for", async () => {
    const text = `${"a".repeat(BLOCK + 5)}\nb\r\nc\n`;
    const file = write("gzipped.txt", "");
    writeFileSync(file, gzipSync(text));
    for (const block of [1, 100, BLOCK]) {
      expect(await all(readLines(file, MAX_LINE_BYTES, block))).toEqual(["a".repeat(BLOCK + 5), "b", "c"]);
    }
  });

  it("yields a line longer than the bound as too long, with its length, and goes on", async () => {
    const file = write("long.txt", `short\n${"x".repeat(150)}\r\n${"y".repeat(100)}\nlast`);
    expect(await all(readLines(file, 100))).toEqual([
      "short",
      { overlong: true, bytes: 150 },
      "y".repeat(100),
      "last",
    ]);
  });
});

describe("a line longer than 1 MiB in a stream", () => {
  const long = "9".repeat(MAX_LINE_BYTES + 1);

  it("is reported with its file and line number; the other lines are read", async () => {
    const file = write("long.jsonl", [msLine(0, 50), `{"timestamp":${long}}`, msLine(1, 60)]);
    const { records, skipped } = await read(file);
    expect(records.map((r) => r.stats.maximum)).toEqual([50, 60]);
    expect(skipped.map(formatSkipped)).toEqual([
      `${file}:2: longer than 1 MiB (${MAX_LINE_BYTES + 15} bytes): not read`,
    ]);
  });

  it("in a CSV, under the header", async () => {
    const file = write("long.csv", [
      "timestamp,namespace,metric,value",
      `2026-11-23T19:00:00Z,AWS/RDS,${long},1`,
      "2026-11-23T19:01:00Z,AWS/RDS,CPUUtilization,2",
    ]);
    const { records, skipped } = await read(file);
    expect(records.map((r) => r.stats.sum)).toEqual([2]);
    expect(skipped.map((s) => [s.line, s.reason.slice(0, 19)])).toEqual([[2, "longer than 1 MiB ("]]);
  });

  it("alone in a file: not a stream, the first problem named", async () => {
    const error = await failure(write("one-long-line.csv", `${long},${long}`));
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(error.message).toMatch(/one-long-line\.csv: not a metric stream: .*line 1: longer than 1 MiB/);
  });

  it("a CSV line just under the bound is split in a single pass", () => {
    const parse = csvLineParser("big.csv");
    parse("timestamp,namespace,metric,value", 1);
    const field = `"${'a""'.repeat(200_000)}"`;
    const result = parse(`2026-11-23T19:00:00Z,AWS/RDS,${field},1`, 2);
    expect(result.kind).toBe("record");
    if (result.kind === "record") expect(result.record.metricName).toBe('a"'.repeat(200_000));
  });
});
