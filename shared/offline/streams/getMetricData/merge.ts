/**
 * The series of a get-metric-data document merged into records in time order: one cursor per
 * result, walking its arrays in the spill file oldest first, and the datapoints of one series and
 * time combined into one record within the reorder window.
 */
import type { Dimensions, MetricRecord, OnSkip, Statistics } from "../record.js";
import { lateReport, MinHeap } from "../reorder.js";
import type { ResultEntry } from "./scan.js";

/** The statistics a GetMetricData Stat fills in; other Stats are carried as extended statistics. */
const STAT_FIELDS: Record<string, "sampleCount" | "sum" | "minimum" | "maximum" | "average"> = {
  SampleCount: "sampleCount",
  Sum: "sum",
  Minimum: "minimum",
  Maximum: "maximum",
  Average: "average",
};

/** One metric: the queries on it with the same Period (and Unit, where two name one) make one series of records. */
export type Series = {
  rank: number;
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
  unit: string | null;
  account: string | null;
};

/** One result being walked in time order. */
export type Cursor = {
  series: Series;
  entry: ResultEntry;
  stat: string;
  timestampAt: (i: number) => number;
  valueAt: (i: number) => number;
  next: number;
  step: 1 | -1;
};

type Head = { at: number; value: number; index: number; cursor: Cursor };

/** The cursor's next usable datapoint, or null at the end of its arrays. */
function advance(cursor: Cursor): Head | null {
  const count = cursor.entry.timestamps?.count ?? 0;
  while (cursor.next >= 0 && cursor.next < count) {
    const index = cursor.next;
    cursor.next += cursor.step;
    const at = cursor.timestampAt(index);
    const value = cursor.valueAt(index);
    if (!Number.isNaN(at) && !Number.isNaN(value)) return { at, value, index, cursor };
  }
  return null;
}

/**
 * A k-way merge of the cursors (one datapoint per result held), then the datapoints of one
 * series and time combined into one record, which is released once the merge has moved more than
 * the reorder window past it: a datapoint of it may still come until then. This is the reorder
 * buffer of this format (reorder.ts for the others): a datapoint older than a record already
 * released came more than the window late, and is reported and dropped.
 */
export function* mergeCursors(
  file: string,
  cursors: Cursor[],
  windowMs: number,
  onLate: OnSkip,
): Generator<MetricRecord> {
  const heads = new MinHeap<Head>(
    (a, b) => a.at < b.at || (a.at === b.at && a.cursor.entry.index < b.cursor.entry.index),
  );
  for (const cursor of cursors) {
    const head = advance(cursor);
    if (head) heads.push(head);
  }
  type Pending = { record: MetricRecord; key: string; rank: number };
  const pending = new Map<string, Pending>();
  const ready = new MinHeap<Pending>(
    (a, b) =>
      a.record.timestamp < b.record.timestamp ||
      (a.record.timestamp === b.record.timestamp && a.rank < b.rank),
  );
  let newest = Number.NEGATIVE_INFINITY;
  let released = Number.NEGATIVE_INFINITY;
  while (heads.size > 0) {
    const head = heads.pop() as Head;
    const { cursor } = head;
    const following = advance(cursor);
    if (following) heads.push(following);
    if (head.at < released) {
      onLate(
        lateReport({ file, path: `${cursor.entry.path}.Values[${head.index}]` }, head.at, newest, windowMs),
      );
      continue;
    }
    newest = Math.max(newest, head.at);
    const key = `${cursor.series.rank}:${head.at}`;
    let entry = pending.get(key);
    if (!entry) {
      const s = cursor.series;
      entry = {
        key,
        rank: s.rank,
        record: {
          namespace: s.namespace,
          metricName: s.metricName,
          dimensions: s.dimensions,
          timestamp: head.at,
          stats: {},
          unit: s.unit,
          account: s.account,
          region: null,
          source: { file, path: `${cursor.entry.path}.Values[${head.index}]` },
        },
      };
      pending.set(key, entry);
      ready.push(entry);
    }
    addStatistic(entry.record.stats, cursor.stat, head.value);
    while (ready.size > 0 && (ready.peek() as Pending).record.timestamp < newest - windowMs) {
      const done = ready.pop() as Pending;
      pending.delete(done.key);
      released = done.record.timestamp;
      yield done.record;
    }
  }
  while (ready.size > 0) yield (ready.pop() as Pending).record;
}

function addStatistic(stats: Statistics, stat: string, value: number): void {
  const field = STAT_FIELDS[stat];
  if (field) stats[field] = value;
  // Extended statistics by their lowercase name (p99), as Metric Streams and the CSV give them.
  else stats.extended = { ...stats.extended, [/^p\d/i.test(stat) ? stat.toLowerCase() : stat]: value };
}
