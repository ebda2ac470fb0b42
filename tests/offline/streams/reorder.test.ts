/**
 * The reorder buffer, against its definition: every record is released in time order (stable
 * for equal times) once one `windowMs` later was read, and one that comes after a later record
 * was released is reported late and dropped, whatever the order records come in.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MetricRecord } from "../../../shared/offline/streams/record.js";
import { ReorderBuffer } from "../../../shared/offline/streams/reorder.js";

const record = (timestamp: number, line: number): MetricRecord => ({
  namespace: "AWS/RDS",
  metricName: "CPUUtilization",
  dimensions: {},
  timestamp,
  stats: {},
  unit: null,
  account: null,
  region: null,
  source: { file: "f.jsonl", line },
});

/** The definition, held as one list sorted again at every record. */
function byDefinition(times: readonly number[], windowMs: number) {
  let held: MetricRecord[] = [];
  const out: number[] = [];
  const late: number[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  let released = Number.NEGATIVE_INFINITY;
  times.forEach((t, i) => {
    if (t < released) {
      late.push(i + 1);
      return;
    }
    held.push(record(t, i + 1));
    newest = Math.max(newest, t);
    held = held.toSorted((a, b) => a.timestamp - b.timestamp);
    while (held.length > 0 && (held[0] as MetricRecord).timestamp <= newest - windowMs) {
      const next = held.shift() as MetricRecord;
      released = next.timestamp;
      out.push(next.source.line as number);
    }
  });
  for (const r of held) out.push(r.source.line as number);
  return { out, late };
}

describe("ReorderBuffer", () => {
  it("releases as its definition says, in order or not, with ties and records too late", () => {
    // Mostly in order (as recordings are), with records back and forth and runs of equal times.
    const times = fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -20, max: 2 })), {
      maxLength: 3000,
    });
    fc.assert(
      fc.property(times, fc.integer({ min: 0, max: 8 }), (steps, windowMs) => {
        let t = 100;
        const timesOf = steps.map((step) => (t += step));
        const late: number[] = [];
        const buffer = new ReorderBuffer(windowMs, (s) => late.push(s.line as number));
        const out: MetricRecord[] = [];
        for (const [i, time] of timesOf.entries()) buffer.push(record(time, i + 1), out);
        buffer.flush(out);
        expect({ out: out.map((r) => r.source.line), late }).toEqual(byDefinition(timesOf, windowMs));
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});
