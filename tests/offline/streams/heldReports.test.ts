/**
 * Reports of input that is not a record are held until a file's first record, so that a file that
 * is not a stream is rejected with one message; past a thousand they are released anyway. Both
 * readers, lines and get-metric-data documents, hold them the same way.
 */
import { describe, expect, it } from "vitest";
import { NotAStreamError } from "../../../shared/core/errors.js";
import { readGetMetricData } from "../../../shared/offline/streams/getMetricData/read.js";
import { recordsFromLines } from "../../../shared/offline/streams/lines.js";
import { metricStreamsLineParser } from "../../../shared/offline/streams/metricStreams.js";
import type { SkippedInput } from "../../../shared/offline/streams/record.js";
import { msLine, T0, write } from "./support.js";

/** The reports made by the time each record came out, and in all; the error, if any. */
async function collect(records: (onSkip: (s: SkippedInput) => void) => AsyncIterable<unknown>) {
  const skipped: SkippedInput[] = [];
  const seenAtRecord: number[] = [];
  let error: unknown = null;
  try {
    for await (const _ of records((s) => skipped.push(s))) seenAtRecord.push(skipped.length);
  } catch (e) {
    error = e;
  }
  return { skipped, seenAtRecord, error };
}

const bad = (n: number) => Array.from({ length: n }, (_, i) => `not a record ${i}`);

async function* linesOf(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

describe("reports held until the first record", () => {
  const fromLines = (lines: string[]) =>
    collect((onSkip) =>
      recordsFromLines("s.jsonl", metricStreamsLineParser("s.jsonl"), onSkip, linesOf(lines)),
    );

  it("lines: released, in order, before the first record comes out", async () => {
    const { skipped, seenAtRecord, error } = await fromLines([...bad(3), msLine(0, 50), bad(1)[0] as string]);
    expect(error).toBeNull();
    expect(seenAtRecord).toEqual([3]);
    expect(skipped.map((s) => s.line)).toEqual([1, 2, 3, 5]);
  });

  it("lines: none reported when the file has no record", async () => {
    const { skipped, error } = await fromLines(bad(999));
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(skipped).toEqual([]);
  });

  it("lines: released at a thousand, and every report after that, even with no record", async () => {
    const { skipped, error } = await fromLines(bad(1200));
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(skipped).toHaveLength(1200);
    expect(skipped.map((s) => s.line)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  });

  const query = (Id: string) => ({
    Id,
    MetricStat: {
      Metric: { Namespace: "AWS/RDS", MetricName: "CPUUtilization" },
      Period: 60,
      Stat: "Average",
    },
  });
  const badQueries = (n: number) => Array.from({ length: n }, () => ({}));
  let n = 0;
  const fromDocument = (doc: unknown) => {
    const file = write(`held${n++}.json`, JSON.stringify(doc));
    return collect((onSkip) => readGetMetricData(file, onSkip));
  };
  const iso = new Date(T0).toISOString();

  it("get-metric-data: released before the first record comes out", async () => {
    const { skipped, seenAtRecord, error } = await fromDocument({
      MetricDataQueries: [...badQueries(3), query("cpu")],
      MetricDataResults: [{ Id: "cpu", Timestamps: [iso], Values: [50] }],
    });
    expect(error).toBeNull();
    expect(seenAtRecord).toEqual([3]);
    expect(skipped.map((s) => s.path)).toEqual([0, 1, 2].map((i) => `$.MetricDataQueries[${i}]`));
  });

  it("get-metric-data: none reported when the document has no datapoint", async () => {
    const { skipped, error } = await fromDocument({
      MetricDataQueries: [...badQueries(999), query("cpu")],
      MetricDataResults: [{ Id: "cpu", Timestamps: [], Values: [] }],
    });
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(skipped).toEqual([]);
  });

  it("get-metric-data: released at a thousand, and every report after that, even with no datapoint", async () => {
    const { skipped, error } = await fromDocument({
      MetricDataQueries: badQueries(1200),
      MetricDataResults: [],
    });
    expect(error).toBeInstanceOf(NotAStreamError);
    expect(skipped).toHaveLength(1200);
    expect(skipped.at(-1)?.path).toBe("$.MetricDataQueries[1199]");
  });
});
