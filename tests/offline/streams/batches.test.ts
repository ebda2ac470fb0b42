/**
 * A recording read in batches (replay reads it so): the same records, in the same order, as read
 * one by one through the record-by-record reorder buffer; and the merge of one stream, which passes
 * its batches through, dropping and reporting a record out of order as the merge of records does.
 */
import { describe, expect, it } from "vitest";
import { recordsFromLines } from "../../../shared/offline/streams/lines.js";
import { metricStreamsLineParser } from "../../../shared/offline/streams/metricStreams.js";
import { readStreamBatches } from "../../../shared/offline/streams/readStream.js";
import type { MetricRecord, SkippedInput } from "../../../shared/offline/streams/record.js";
import {
  DEFAULT_REORDER_WINDOW_MS,
  mergeBatchesInTimeOrder,
  mergeInTimeOrder,
  reorder,
} from "../../../shared/offline/streams/reorder.js";

const AVALANCHE = "events/streams/avalanche.jsonl";

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const record = (timestamp: number, line: number): MetricRecord => ({
  namespace: "AWS/RDS",
  metricName: "CPUUtilization",
  dimensions: {},
  timestamp,
  stats: { sampleCount: 1, sum: 1, minimum: 1, maximum: 1, average: 1 },
  unit: null,
  account: null,
  region: null,
  source: { file: "b.jsonl", line },
});

describe("a recording in batches", () => {
  it("holds the records one by one reading gives, in the same order (a file delivered out of order)", async () => {
    const batches = await all(readStreamBatches([AVALANCHE]));
    const parse = metricStreamsLineParser(AVALANCHE);
    const oneByOne = await all(
      reorder(
        recordsFromLines(AVALANCHE, parse, () => {}),
        DEFAULT_REORDER_WINDOW_MS,
        () => {},
      ),
    );
    expect(oneByOne).toHaveLength(405);
    expect(batches.flat()).toEqual(oneByOne);
    // Fewer steps than records: the point of batches.
    expect(batches.length).toBeLessThan(oneByOne.length / 10);
  });

  it("one stream: a record earlier than one already released is dropped and reported as the merge does", async () => {
    const input = [
      [record(60_000, 1), record(120_000, 2)],
      [record(60_000, 3), record(180_000, 4)],
    ];
    const batchLate: SkippedInput[] = [];
    const recordLate: SkippedInput[] = [];
    const batched = await all(
      mergeBatchesInTimeOrder(
        [
          {
            from: async () => null,
            open: () =>
              (async function* () {
                yield* input;
              })(),
          },
        ],
        { onLate: (s) => batchLate.push(s) },
      ),
    );
    const merged = await all(
      mergeInTimeOrder(
        [
          (async function* () {
            yield* input.flat();
          })(),
        ],
        {
          onLate: (s) => recordLate.push(s),
        },
      ),
    );
    expect(batched.flat().map((r) => r.source.line)).toEqual([1, 2, 4]);
    expect(batched.flat()).toEqual(merged);
    expect(batchLate).toEqual(recordLate);
    expect(batchLate).toEqual([
      expect.objectContaining({ line: 3, reason: expect.stringMatching(/out of order/) }),
    ]);
  });
});
