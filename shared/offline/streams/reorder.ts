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

/**
 * A stream the merge opens only when it is needed: `from` tells (cheaply, without opening it) the
 * earliest time it can give, or null when that is not known, in which case it is opened at once.
 */
export type DeferredStream = {
  from: () => Promise<number | null>;
  open: () => AsyncIterable<MetricRecord>;
};

export type MergeInput = AsyncIterable<MetricRecord> | DeferredStream;

export type MergeOptions = {
  /**
   * A record of a deferred stream earlier than what was already released (its stream said, wrongly,
   * that it starts later): reported here and dropped, so that the output stays in time order.
   */
  onLate?: (skipped: SkippedInput) => void;
  /** The window named in those reports. */
  windowMs?: number;
};

const isDeferred = (input: MergeInput): input is DeferredStream =>
  typeof (input as DeferredStream).open === "function" && !(Symbol.asyncIterator in input);

/**
 * Merges streams that are each in time order into one (a k-way merge: one record per open stream
 * held). Ties go to the stream given first.
 *
 * Streams given as iterables, and deferred streams whose start is not known, are opened in the
 * order given and their first record read before any record is released (so that a file that is
 * not a stream fails first). A deferred stream whose start is known is opened only once the next
 * record to release is at or after that start: until then it cannot hold anything to release. A
 * recording split into thousands of files thus has open, at any time, only the files whose span
 * reaches the current time.
 */
export async function* mergeInTimeOrder(
  inputs: readonly MergeInput[],
  options: MergeOptions = {},
): AsyncGenerator<MetricRecord> {
  type Head = { record: MetricRecord; index: number; it: AsyncIterator<MetricRecord> };
  const heap = new MinHeap<Head>(
    (a, b) =>
      a.record.timestamp < b.record.timestamp ||
      (a.record.timestamp === b.record.timestamp && a.index < b.index),
  );
  const onLate = options.onLate ?? (() => {});
  const windowMs = options.windowMs ?? DEFAULT_REORDER_WINDOW_MS;
  /** The streams opened and not yet at their end. */
  const live = new Set<AsyncIterator<MetricRecord>>();
  let released = Number.NEGATIVE_INFINITY;

  /** Puts the next record of a stream on the heap (nothing when the stream is at its end). */
  const advance = async (it: AsyncIterator<MetricRecord>, index: number): Promise<void> => {
    for (;;) {
      const next = await it.next();
      if (next.done) {
        live.delete(it);
        return;
      }
      if (next.value.timestamp < released) {
        onLate(lateReport(next.value.source, next.value.timestamp, released, windowMs));
        continue;
      }
      heap.push({ record: next.value, index, it });
      return;
    }
  };
  const start = (stream: AsyncIterable<MetricRecord>, index: number): Promise<void> => {
    const it = stream[Symbol.asyncIterator]();
    live.add(it);
    return advance(it, index);
  };

  type Waiting = { from: number; index: number; open: () => AsyncIterable<MetricRecord> };
  const waiting: (Waiting | undefined)[] = [];
  try {
    for (const [index, input] of inputs.entries()) {
      if (!isDeferred(input)) {
        await start(input, index);
        continue;
      }
      const from = await input.from();
      if (from === null) await start(input.open(), index);
      else waiting.push({ from, index, open: input.open });
    }
    waiting.sort(
      (a, b) => (a as Waiting).from - (b as Waiting).from || (a as Waiting).index - (b as Waiting).index,
    );
    let w = 0;
    for (;;) {
      // Every stream that may hold a record at or before the next one to release is opened first.
      for (let next = waiting[w]; next !== undefined; next = waiting[w]) {
        const head = heap.peek();
        if (head !== undefined && next.from > head.record.timestamp) break;
        waiting[w++] = undefined;
        await start(next.open(), next.index);
      }
      const head = heap.pop();
      if (head === undefined) break;
      released = head.record.timestamp;
      yield head.record;
      await advance(head.it, head.index);
    }
  } finally {
    // A failing or abandoned merge closes the files still open.
    await Promise.allSettled([...live].map((it) => it.return?.()));
  }
}
