/**
 * A recording split into many small files, as Metric Streams through Firehose writes it (a new S3
 * object every few minutes): each file is opened only when the recording reaches it, so only the
 * files that overlap the reorder window are open and in memory at once.
 */
import { describe, expect, it } from "vitest";
import { NotAStreamError } from "../../../shared/core/errors.js";
import { peekStream, type ReaderCount, readStreams } from "../../../shared/offline/streams/readStream.js";
import { formatSkipped, type MetricRecord } from "../../../shared/offline/streams/record.js";
import { type DeferredStream, mergeInTimeOrder } from "../../../shared/offline/streams/reorder.js";
import { MINUTE, minutes, msLine, read, T0, write } from "./support.js";

/** Six hours of four series, one record a minute each, shuffled within 3-minute blocks (Firehose). */
function shuffledLines(): string[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines: string[] = [];
  for (let block = 0; block < 120; block++) {
    const batch: string[] = [];
    for (let m = block * 3; m < block * 3 + 3; m++) {
      for (let s = 0; s < 4; s++) batch.push(msLine(m, s * 1000 + m, { metric_name: `M${s}` }));
    }
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [batch[i], batch[j]] = [batch[j] as string, batch[i] as string];
    }
    lines.push(...batch);
  }
  return lines;
}

/** What the evaluator sees of a record: its time, series and value (not which file it came from). */
const seen = (records: MetricRecord[]) => records.map((r) => [r.timestamp, r.metricName, r.stats.maximum]);

/** Splits lines into files of `size` lines, named in order. */
function split(name: string, lines: string[], size: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < lines.length; i += size) {
    files.push(write(`${name}-${String(i / size).padStart(4, "0")}.jsonl`, lines.slice(i, i + size)));
  }
  return files;
}

describe("a recording split into many small files", () => {
  const lines = shuffledLines();

  it("is read as the same recording as the one file, with only the files overlapping the window open at once", async () => {
    const whole = await read(write("six-hours.jsonl", lines));
    // 72 files of five minutes each (20 lines): a file is shorter than the 10-minute window.
    const files = split("six-hours", lines, 20);
    expect(files).toHaveLength(72);
    const readers: ReaderCount = { open: 0, peak: 0 };
    const parts = await read(files, { readers });
    expect(seen(parts.records)).toEqual(seen(whole.records));
    expect(parts.records).toHaveLength(1440);
    expect(parts.skipped).toEqual([]);
    // Every file opened at once holds all 72 (and each one's records, buffered in its window); a
    // file opens when the recording is within the window of its first record: about three.
    expect(readers.peak).toBeGreaterThan(0);
    expect(readers.peak).toBeLessThanOrEqual(5);
    expect(readers.open).toBe(0);
  });

  it("keeps the number of open files bounded by the window, not by the count of files (1,000 files)", async () => {
    // A record every 30 s, one file each: 1,000 files over 500 minutes.
    const files = Array.from({ length: 1000 }, (_, i) =>
      write(`tiny-${String(i).padStart(4, "0")}.jsonl`, [msLine(i / 2, i)]),
    );
    const readers: ReaderCount = { open: 0, peak: 0 };
    const { records } = await read(files, { readers });
    expect(records).toHaveLength(1000);
    expect(records.map((r) => r.stats.maximum)).toEqual(files.map((_, i) => i));
    // The files within 10 minutes of the current record: 20 of them, and the one being released.
    expect(readers.peak).toBeLessThanOrEqual(22);
  });

  it("places a later file's records that are earlier than the end of the one before, within the window", async () => {
    const a = write("overlap-a.jsonl", [msLine(0, 1), msLine(3, 1), msLine(6, 1), msLine(9, 1)]);
    // Starts at 19:05 and goes back to 19:01: before most of a, within the window of its first record.
    const b = write("overlap-b.jsonl", [msLine(5, 2), msLine(1, 2), msLine(8, 2), msLine(40, 2)]);
    // Far later, with a record 9 minutes before its first.
    const c = write("overlap-c.jsonl", [msLine(60, 3), msLine(51, 3), msLine(61, 3)]);
    const { records, skipped } = await read([c, a, b]);
    expect(minutes(records)).toEqual([0, 1, 3, 5, 6, 8, 9, 40, 51, 60, 61]);
    expect(records.map((r) => r.stats.maximum)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 3, 3, 3]);
    expect(skipped).toEqual([]);
  });

  it("gives records of the same time in the order the files were given", async () => {
    const a = write("tie-a.jsonl", [msLine(0, 1), msLine(30, 1)]);
    const b = write("tie-b.jsonl", [msLine(30, 2)]);
    const c = write("tie-c.jsonl", [msLine(30, 3), msLine(31, 3)]);
    expect((await read([c, a, b])).records.map((r) => r.stats.maximum)).toEqual([1, 3, 1, 2, 3]);
  });

  it("reports a record more than the window before its file's first one, once the recording is past it", async () => {
    const a = write("past-a.jsonl", [msLine(0, 1), msLine(20, 1), msLine(40, 1)]);
    // 19:35 then 19:10: more than 10 minutes before the file's first record, which is opened once
    // the recording is at 19:25 or later: after 19:20 was released.
    const b = write("past-b.jsonl", [msLine(35, 2), msLine(10, 2), msLine(36, 2)]);
    const { records, skipped } = await read([a, b]);
    expect(minutes(records)).toEqual([0, 20, 35, 36, 40]);
    expect(skipped.map(formatSkipped)).toEqual([
      `${b}:2: record at 2026-11-23T19:10:00.000Z arrived after records up to 2026-11-23T19:20:00.000Z: more than 10 minutes out of order, cannot be placed`,
    ]);
  });

  it("reports the bad lines of a file opened late as file:line, when the recording reaches them", async () => {
    const a = write("bad-a.jsonl", [msLine(0, 1), msLine(1, 1)]);
    const b = write("bad-b.jsonl", [msLine(60, 2), "oops", msLine(61, 2)]);
    const { records, skipped } = await read([a, b]);
    expect(minutes(records)).toEqual([0, 1, 60, 61]);
    expect(skipped.map((s) => `${s.file}:${s.line}`)).toEqual([`${b}:2`]);
  });

  it("still fails on a file that is not a stream before any record is released, after many good files", async () => {
    const good = split("before-bad", lines.slice(0, 400), 20);
    const bad = write("before-bad-notes.txt", ["these are notes", "not metrics"]);
    let released = 0;
    const error = await (async () => {
      try {
        for await (const _ of readStreams([...good, bad])) released++;
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected the read to fail");
    })();
    expect(error).toBeInstanceOf(NotAStreamError);
    expect((error as NotAStreamError).file).toBe(bad);
    expect(released).toBe(0);
  });

  it("peeks a file's format and first record's time from its head, without a reorder window", async () => {
    const jsonl = write("peek.jsonl", ["", "not json", msLine(7, 1), msLine(2, 1)]);
    expect(await peekStream(jsonl)).toEqual({ format: "metric-streams", firstTimestamp: T0 + 7 * MINUTE });
    const csv = write("peek.csv", [
      "# a comment",
      "timestamp,namespace,metric,value",
      "2026-11-23T19:03:00Z,App,M,1",
    ]);
    expect(await peekStream(csv)).toEqual({ format: "csv", firstTimestamp: T0 + 3 * MINUTE });
    expect(await peekStream("events/streams/avalanche-readers.json")).toEqual({
      format: "get-metric-data",
      firstTimestamp: null,
    });
    expect(await peekStream(write("peek-notes.txt", ["notes"]))).toEqual({
      format: "metric-streams",
      firstTimestamp: null,
    });
    // A header with a mistake: unknown here; the reader refuses the file when it opens it, at once.
    expect(await peekStream(write("peek-typo.csv", ["timestamp,namespace,metric,dimension,value"]))).toEqual({
      format: "csv",
      firstTimestamp: null,
    });
  });
});

describe("the merge underneath, with deferred streams", () => {
  async function* of(...ms: number[]): AsyncGenerator<MetricRecord> {
    for (const t of ms) yield { timestamp: t, source: { file: "x" } } as MetricRecord;
  }

  it("opens a deferred stream only when the next record to release reaches its start", async () => {
    const log: string[] = [];
    const deferred = (name: string, from: number | null, ...ms: number[]): DeferredStream => ({
      from: async () => from,
      open: () => {
        log.push(`open ${name}`);
        return of(...ms);
      },
    });
    for await (const r of mergeInTimeOrder([
      deferred("late", 50, 55, 60),
      of(1, 40),
      deferred("unknown", null, 2, 3),
      deferred("early", 10, 12, 45),
    ])) {
      log.push(String(r.timestamp));
    }
    expect(log).toEqual([
      "open unknown",
      "1",
      "2",
      "3",
      "open early",
      "12",
      "40",
      "45",
      "open late",
      "55",
      "60",
    ]);
  });

  it("reports and drops a deferred stream's record earlier than what was released, and closes what is open when it fails", async () => {
    const late: string[] = [];
    const merged: number[] = [];
    const wrong: DeferredStream = { from: async () => 20, open: () => of(25, 5, 30) };
    for await (const r of mergeInTimeOrder([of(1, 22, 24), wrong], { onLate: (s) => late.push(s.reason) }))
      merged.push(r.timestamp);
    expect(merged).toEqual([1, 22, 24, 25, 30]);
    expect(late).toHaveLength(1);

    let closed = false;
    async function* open(): AsyncGenerator<MetricRecord> {
      try {
        yield* of(1, 2, 3, 100);
      } finally {
        closed = true;
      }
    }
    async function* failing(): AsyncGenerator<MetricRecord> {
      yield* of(2);
      throw new Error("read failed");
    }
    const failed: DeferredStream = { from: async () => 2, open: failing };
    await expect(async () => {
      for await (const _ of mergeInTimeOrder([open(), failed])) void _;
    }).rejects.toThrow("read failed");
    expect(closed).toBe(true);
  });
});
