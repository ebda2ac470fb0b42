/** Opening files as streams: the format, the reorder window, bad lines, files that are not streams. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { NotAStreamError, StreamFileError } from "../../../shared/core/errors.js";
import { readLines } from "../../../shared/offline/streams/lines.js";
import { detectFormat, readStreams } from "../../../shared/offline/streams/readStream.js";
import { formatSkipped, type MetricRecord } from "../../../shared/offline/streams/record.js";
import { MinHeap, mergeInTimeOrder, reorder } from "../../../shared/offline/streams/reorder.js";
import { failure, minutes, msLine, read, T0, write } from "./support.js";

const minutes_ = minutes;

describe("telling the format from the file", () => {
  it.each([
    { name: "a .csv", file: "x.csv", first: '{"namespace":"AWS/RDS"}', want: "csv" },
    {
      name: "a CSV header, any extension",
      file: "x.txt",
      first: "timestamp,namespace,metric,value",
      want: "csv",
    },
    { name: "the CLI's pretty-printed output", file: "x.json", first: "{", want: "get-metric-data" },
    {
      name: "the document on one line",
      file: "x.json",
      first: '{"MetricDataQueries": []}',
      want: "get-metric-data",
    },
    { name: "a Metric Streams line", file: "x.json", first: msLine(0, 1), want: "metric-streams" },
    {
      name: "a Firehose object without extension",
      file: "virtway-1-2026-11-23-19-00-00-abc",
      first: msLine(0, 1),
      want: "metric-streams",
    },
    { name: "anything else (checked line by line)", file: "x.log", first: "hello", want: "metric-streams" },
  ])("$name → $want", ({ file, first, want }) => {
    expect(detectFormat(file, first)).toBe(want);
  });
});

describe("records out of order", () => {
  it("are placed in time order within the 10-minute window", async () => {
    const file = write("shuffled.jsonl", [
      msLine(2, 1),
      msLine(0, 1),
      msLine(5, 1),
      msLine(1, 1),
      msLine(11, 1),
      msLine(3, 1),
    ]);
    const { records, skipped } = await read(file);
    expect(minutes(records)).toEqual([0, 1, 2, 3, 5, 11]);
    expect(skipped).toEqual([]);
  });

  it("keep the file's order among records of the same time", async () => {
    const file = write("ties.jsonl", [msLine(1, 1), msLine(0, 10), msLine(0, 20), msLine(0, 30)]);
    const { records } = await read(file);
    expect(records.map((r) => r.stats.maximum)).toEqual([10, 20, 30, 1]);
  });

  it("are reported and dropped when they come later than the window", async () => {
    // 19:30 releases everything up to 19:20 (19:00 and 19:05): 19:02 cannot go before 19:05 any more.
    const file = write("late.jsonl", [
      msLine(0, 1),
      msLine(5, 1),
      msLine(30, 1),
      msLine(2, 1),
      msLine(31, 1),
    ]);
    const { records, skipped } = await read(file);
    expect(minutes(records)).toEqual([0, 5, 30, 31]);
    expect(skipped.map(formatSkipped)).toEqual([
      `${file}:4: record at 2026-11-23T19:02:00.000Z arrived after records up to 2026-11-23T19:30:00.000Z: more than 10 minutes out of order, cannot be placed`,
    ]);
  });

  it("are still placed after a long delay when nothing later was released yet", async () => {
    const file = write("slow.jsonl", [msLine(0, 1), msLine(1, 1), msLine(30, 1), msLine(2, 1)]);
    expect(minutes((await read(file)).records)).toEqual([0, 1, 2, 30]);
  });

  it("take a narrower or wider window on request", async () => {
    const lines = [msLine(0, 1), msLine(2, 1), msLine(3, 1), msLine(1, 1)];
    const narrow = await read(write("w1.jsonl", lines), { reorderWindowMs: 60_000 });
    expect(minutes(narrow.records)).toEqual([0, 2, 3]);
    expect(narrow.skipped.map((x) => x.reason)).toEqual([
      expect.stringContaining("more than 1 minute out of order"),
    ]);
    const wide = await read(write("w5.jsonl", lines), { reorderWindowMs: 5 * 60_000 });
    expect(minutes(wide.records)).toEqual([0, 1, 2, 3]);
  });

  it("across several files are merged into one recording", async () => {
    const a = write("part-a.jsonl", [msLine(0, 1), msLine(2, 1), msLine(4, 1)]);
    const b = write("part-b.csv", [
      "timestamp,namespace,metric,value",
      "2026-11-23T19:01:00Z,App,M,1",
      "2026-11-23T19:03:00Z,App,M,1",
    ]);
    const { records } = await read([a, b]);
    expect(minutes(records)).toEqual([0, 1, 2, 3, 4]);
    expect(records.map((r) => r.source.file)).toEqual([a, b, a, b, a]);
  });

  it("a min-heap and a k-way merge underneath, tested on their own", async () => {
    const heap = new MinHeap<number>((x, y) => x < y);
    for (const n of [5, 3, 9, 1, 7, 1]) heap.push(n);
    expect(Array.from({ length: 6 }, () => heap.pop())).toEqual([1, 1, 3, 5, 7, 9]);
    async function* of(...ms: number[]): AsyncGenerator<MetricRecord> {
      for (const t of ms) yield { timestamp: t } as MetricRecord;
    }
    const merged: number[] = [];
    for await (const r of mergeInTimeOrder([of(1, 4, 9), of(), of(2, 3, 10)])) merged.push(r.timestamp);
    expect(merged).toEqual([1, 2, 3, 4, 9, 10]);
    const late: string[] = [];
    const ordered: number[] = [];
    for await (const r of reorder(of(5, 1, 20, 2, 21), 10, (s) => late.push(s.reason)))
      ordered.push(r.timestamp);
    expect(ordered).toEqual([1, 5, 20, 21]);
    expect(late).toHaveLength(1);
  });
});

describe("lines that are not records", () => {
  it("are reported as file:line: reason and skipped; the rest is used (a mixed file)", async () => {
    const file = write("mixed.jsonl", [
      msLine(0, 70),
      "",
      "this is a log line",
      '{"level":"info","message":"firehose delivered"}',
      msLine(1, 80).slice(0, 40),
      msLine(2, 90),
    ]);
    const { records, skipped } = await read(file);
    expect(records.map((r) => r.stats.maximum)).toEqual([70, 90]);
    expect(skipped.map(formatSkipped)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:3: not JSON: `)),
      `${file}:4: not a metric record: no namespace, metric_name, timestamp, value`,
      expect.stringMatching(new RegExp(`^${file}:5: not JSON: `)),
    ]);
  });

  it("in a CSV, are reported with their line numbers, comments and blank lines being silent", async () => {
    const file = write("bad-rows.csv", [
      "# comment",
      "timestamp,namespace,metric,value",
      "2026-11-23T19:00:00Z,App,M,1",
      "",
      "yesterday,App,M,2",
      "2026-11-23T19:01:00Z,App,M,3",
    ]);
    const { records, skipped } = await read(file);
    expect(records.map((r) => r.stats.sum)).toEqual([1, 3]);
    expect(skipped.map(formatSkipped)).toEqual([
      `${file}:5: timestamp "yesterday" is not ISO-8601 with a zone or epoch milliseconds`,
    ]);
  });

  it("before a CSV header (an export's title), are reported as file:line and skipped", async () => {
    const file = write("grafana.csv", [
      "Exported by Grafana",
      "",
      "# a comment stays silent",
      "Votes per minute",
      "timestamp,namespace,metric,value",
      "2026-11-23T19:00:00Z,App,M,1",
      "2026-11-23T19:01:00Z,App,M,3",
    ]);
    const { records, skipped } = await read(file);
    expect(records.map((r) => ({ sum: r.stats.sum, line: r.source.line }))).toEqual([
      { sum: 1, line: 6 },
      { sum: 3, line: 7 },
    ]);
    expect(skipped.map(formatSkipped)).toEqual([
      expect.stringMatching(
        new RegExp(`^${file}:1: not a stream header: unknown column "Exported by Grafana"`),
      ),
      expect.stringMatching(new RegExp(`^${file}:4: not a stream header: unknown column "Votes per minute"`)),
    ]);
  });

  it("before a CSV header, do not hide it in a file without the .csv extension", async () => {
    const file = write("grafana-export.txt", [
      "Exported by Grafana",
      "timestamp,namespace,metric,value",
      "2026-11-23T19:00:00Z,App,M,1",
    ]);
    const { records, skipped } = await read(file);
    expect(records).toHaveLength(1);
    expect(skipped.map((s) => s.line)).toEqual([1]);
  });

  it("in a get-metric-data document, come out of order beyond the window: reported with their JSON path", async () => {
    const minutes = [0, 5, 7, 2, 8];
    const file = write(
      "gmd-late.json",
      JSON.stringify({
        MetricDataQueries: [
          {
            Id: "cpu",
            MetricStat: {
              Metric: { Namespace: "AWS/RDS", MetricName: "CPUUtilization" },
              Period: 60,
              Stat: "Average",
            },
          },
        ],
        MetricDataResults: [
          {
            Id: "cpu",
            Timestamps: minutes.map((m) => new Date(T0 + m * 60_000).toISOString()),
            Values: minutes,
          },
        ],
      }),
    );
    const { records, skipped } = await read(file, { reorderWindowMs: 60_000 });
    expect(minutes_(records)).toEqual([0, 5, 7, 8]);
    expect(skipped.map(formatSkipped)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${file}: \\$\\.MetricDataResults\\[0\\]\\.Values\\[3\\]: record at .*more than 1 minute out of order`,
        ),
      ),
    ]);
  });

  it("in a get-metric-data document, are reported with a JSON path", async () => {
    const file = write(
      "gmd.json",
      JSON.stringify(
        {
          MetricDataQueries: [
            {
              Id: "cpu",
              MetricStat: {
                Metric: { Namespace: "AWS/RDS", MetricName: "CPUUtilization" },
                Period: 60,
                Stat: "Average",
              },
            },
          ],
          MetricDataResults: [
            { Id: "cpu", Timestamps: ["2026-11-23T19:00:00Z"], Values: [1] },
            { Id: "ghost", Timestamps: ["2026-11-23T19:00:00Z"], Values: [1] },
          ],
        },
        null,
        4,
      ),
    );
    const { records, skipped } = await read(file);
    expect(records).toHaveLength(1);
    expect(skipped.map(formatSkipped)).toEqual([
      `${file}: $.MetricDataResults[1].Id: no query in MetricDataQueries has Id "ghost"`,
    ]);
  });
});

describe("a file that is not a stream", () => {
  it.each([
    { name: "an empty file", content: "", reason: "the file is empty" },
    { name: "only blank lines", content: "\n\n\n", reason: "no line is a metric record" },
    {
      name: "a log",
      content: ["starting", "done"],
      reason: "no line is a metric record (first problem: line 1: not JSON",
    },
    {
      name: "JSON of another kind",
      content: ['{"a": 1}'],
      reason: "no namespace, metric_name, timestamp, value",
    },
    {
      name: "an alarm payload",
      content: ["{", '  "Records": []', "}"],
      reason: "expected an object with MetricDataQueries",
    },
  ])("is rejected when it is $name, naming the file", async ({ content, reason }) => {
    const file = write(`not-${reason.length}.txt`, content);
    const error = await failure(file);
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(error.message).toMatch(new RegExp(`^${file}: not a metric stream: `));
    expect(error.message).toContain(reason);
  });

  it.each([
    {
      name: "no usable header",
      lines: ["time,ns,metric,value", "2026-11-23T19:00:00Z,App,M,1"],
      first: 'line 1: not a stream header: unknown column "time"',
    },
    {
      name: "preamble and nothing else",
      lines: ["Exported by Grafana", "", "Dashboard: TV vote"],
      first: 'line 1: not a stream header: unknown column "Exported by Grafana"',
    },
  ])("is rejected when a CSV has $name, its lines not reported", async ({ name, lines, first }) => {
    const file = write(`${name.replaceAll(" ", "-")}.csv`, lines);
    const skipped: string[] = [];
    const error = await (async () => {
      try {
        for await (const _ of readStreams([file], { onSkip: (s) => skipped.push(s.reason) })) void _;
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected the read to fail");
    })();
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(error.message).toContain(
      `${file}: not a metric stream: no line is a metric record (first problem: ${first}`,
    );
    expect(skipped).toEqual([]);
  });

  it("does not flood: its lines are not reported one by one", async () => {
    const skipped: string[] = [];
    const file = write(
      "junk.txt",
      Array.from({ length: 50 }, (_, i) => `junk ${i}`),
    );
    await expect(async () => {
      for await (const _ of readStreams([file], { onSkip: (s) => skipped.push(s.reason) })) void _;
    }).rejects.toThrow(NotAStreamError);
    expect(skipped).toEqual([]);
  });

  it("fails the whole recording, naming the file, even after good files", async () => {
    const good = write("good.jsonl", [msLine(0, 1)]);
    const bad = write("bad.jsonl", ["nope"]);
    const error = await failure([good, bad]);
    expect(error).toBeInstanceOf(NotAStreamError);
    expect((error as NotAStreamError).file).toBe(bad);
  });

  it.each([
    { name: "a missing file", file: "/nonexistent/stream.jsonl", reason: "no such file" },
    { name: "a folder", file: mkdtempSync(`${tmpdir()}/brain-dir-`), reason: "a folder, not a file" },
  ])("is $name: a StreamFileError naming it", async ({ file, reason }) => {
    const error = await failure(file);
    expect(error).toBeInstanceOf(StreamFileError);
    expect(error.message).toBe(`${file}: cannot read the file: ${reason}`);
  });
});

describe("the bundled streams", () => {
  it.each([
    { file: "events/streams/avalanche.jsonl", records: 405, series: 9 },
    { file: "events/streams/avalanche-readers.json", records: 135, series: 3 },
    { file: "events/streams/tv-vote.csv", records: 160, series: 3 },
  ])(
    "$file: $records records of $series series in time order, nothing skipped",
    async ({ file, records: n, series }) => {
      const { records, skipped } = await read(file);
      expect(skipped).toEqual([]);
      expect(records).toHaveLength(n);
      expect(
        new Set(records.map((r) => JSON.stringify([r.namespace, r.metricName, r.dimensions]))).size,
      ).toBe(series);
      expect(
        records.every((r, i) => i === 0 || (records[i - 1] as MetricRecord).timestamp <= r.timestamp),
      ).toBe(true);
      expect(records[0]?.timestamp).toBeGreaterThanOrEqual(T0 - 15 * 60_000);
    },
  );

  it("tv-vote.csv under an export's title line: the title reported, the 160 records read", async () => {
    const file = write(
      "tv-vote-exported.csv",
      `Exported by Grafana\n${readFileSync("events/streams/tv-vote.csv", "utf8")}`,
    );
    const { records, skipped } = await read(file);
    expect(records).toHaveLength(160);
    expect(skipped.map((s) => ({ file: s.file, line: s.line }))).toEqual([{ file, line: 1 }]);
  });

  it("avalanche.jsonl is delivered out of order, as Firehose does, and read in order", async () => {
    const times: number[] = [];
    for await (const line of readLines("events/streams/avalanche.jsonl"))
      times.push(JSON.parse(line as string).timestamp);
    expect(times.some((t, i) => i > 0 && t < (times[i - 1] as number))).toBe(true);
  });
});
