/**
 * Records of a recording arrive roughly in time order: Firehose batches, agents retry, files are
 * concatenated. The reorder buffer holds records for a window of event time and releases them
 * in order; a record older than what was already released (it came more than the window late)
 * cannot be placed and is reported. Memory is bounded by the window, never by the file.
 */
import type { MetricRecord, RecordSource, SkippedInput } from "./record.js";

/** Ten minutes of event time: Firehose buffers at most 900 s, most recordings are far tighter. */
export const DEFAULT_REORDER_WINDOW_MS = 10 * 60_000;

/** A binary min-heap ordered by `before`. */
export class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as T, items[parent] as T)) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.before(items[l] as T, items[m] as T)) m = l;
        if (r < items.length && this.before(items[r] as T, items[m] as T)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as T, items[i] as T];
        i = m;
      }
    }
    return top;
  }
}

/** What is said of a record that came more than the window late. */
export function lateReport(
  source: RecordSource,
  timestamp: number,
  newest: number,
  windowMs: number,
): SkippedInput {
  return {
    ...source,
    reason: `record at ${new Date(timestamp).toISOString()} arrived after records up to ${new Date(newest).toISOString()}: more than ${windowMs / 60_000} minute${windowMs === 60_000 ? "" : "s"} out of order, cannot be placed`,
  };
}

type Held = { record: MetricRecord; seq: number };
const earlier = (a: Held, b: Held) =>
  a.record.timestamp < b.record.timestamp || (a.record.timestamp === b.record.timestamp && a.seq < b.seq);

/**
 * Releases `records` in time order (stable for equal times). A record is released once a record
 * `windowMs` later has been read; one that arrives after a later record was released is passed to
 * `onLate` and dropped.
 */
export async function* reorder(
  records: AsyncIterable<MetricRecord>,
  windowMs: number,
  onLate: (skipped: SkippedInput) => void,
): AsyncGenerator<MetricRecord> {
  const heap = new MinHeap<Held>(earlier);
  let seq = 0;
  let newest = Number.NEGATIVE_INFINITY;
  let released = Number.NEGATIVE_INFINITY;
  for await (const record of records) {
    if (record.timestamp < released) {
      onLate(lateReport(record.source, record.timestamp, newest, windowMs));
      continue;
    }
    heap.push({ record, seq: seq++ });
    newest = Math.max(newest, record.timestamp);
    while (heap.size > 0 && (heap.peek() as Held).record.timestamp <= newest - windowMs) {
      const next = (heap.pop() as Held).record;
      released = next.timestamp;
      yield next;
    }
  }
  while (heap.size > 0) yield (heap.pop() as Held).record;
}

/** Merges streams that are each in time order into one (a k-way merge: one record per stream held). */
export async function* mergeInTimeOrder(
  streams: AsyncIterable<MetricRecord>[],
): AsyncGenerator<MetricRecord> {
  type Head = { record: MetricRecord; index: number; it: AsyncIterator<MetricRecord> };
  const heap = new MinHeap<Head>(
    (a, b) =>
      a.record.timestamp < b.record.timestamp ||
      (a.record.timestamp === b.record.timestamp && a.index < b.index),
  );
  const opened: AsyncIterator<MetricRecord>[] = [];
  try {
    // Opened in order, so that a file that is not a stream fails before any record is released.
    for (const [index, stream] of streams.entries()) {
      const it = stream[Symbol.asyncIterator]();
      opened.push(it);
      const first = await it.next();
      if (!first.done) heap.push({ record: first.value, index, it });
    }
    while (heap.size > 0) {
      const head = heap.pop() as Head;
      yield head.record;
      const next = await head.it.next();
      if (!next.done) heap.push({ record: next.value, index: head.index, it: head.it });
    }
  } finally {
    // A failing or abandoned merge closes the files still open.
    await Promise.allSettled(opened.map((it) => it.return?.()));
  }
}
