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
 * The reorder buffer: records go in as read, and come out in time order (stable for equal times)
 * once a record `windowMs` later has been read; one that arrives after a later record was released
 * is passed to `onLate` and dropped.
 *
 * Nearly every record comes in order: those are queued as they come (a run, already in order), and
 * only those earlier than the run's last go on a heap; the next to release is the earlier of the
 * two heads, so that a recording in order never pays for the heap.
 */
export class ReorderBuffer {
  private readonly heap = new MinHeap<Held>(earlier);
  /** Records in (time, arrival) order, from `head` on. */
  private run: Held[] = [];
  private head = 0;
  private seq = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private released = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly onLate: (skipped: SkippedInput) => void,
  ) {}

  /** Takes a record, and appends to `out` the records it lets go. */
  push(record: MetricRecord, out: MetricRecord[]): void {
    if (record.timestamp < this.released) {
      this.onLate(lateReport(record.source, record.timestamp, this.newest, this.windowMs));
      return;
    }
    const held = { record, seq: this.seq++ };
    const run = this.run;
    const last = run.length > this.head ? (run[run.length - 1] as Held) : undefined;
    if (last === undefined || record.timestamp >= last.record.timestamp) run.push(held);
    else this.heap.push(held);
    this.newest = Math.max(this.newest, record.timestamp);
    const due = this.newest - this.windowMs;
    for (let next = this.next(); next !== undefined && next.record.timestamp <= due; next = this.next()) {
      this.take(next);
      this.released = next.record.timestamp;
      out.push(next.record);
    }
  }

  /** At the end of the input: every record still held, in order. */
  flush(out: MetricRecord[]): void {
    for (let next = this.next(); next !== undefined; next = this.next()) {
      this.take(next);
      out.push(next.record);
    }
  }

  /** The record to release next: the earlier of the run's head and the heap's. */
  private next(): Held | undefined {
    const queued = this.run[this.head];
    const stray = this.heap.peek();
    if (queued === undefined) return stray;
    return stray !== undefined && earlier(stray, queued) ? stray : queued;
  }

  /** Removes `next` (the one next() gave) from where it is held. */
  private take(next: Held): void {
    if (next !== this.run[this.head]) {
      this.heap.pop();
      return;
    }
    this.head++;
    // The released part of the run is dropped now and then, not at every record.
    if (this.head === this.run.length) {
      this.run = [];
      this.head = 0;
    } else if (this.head >= RUN_COMPACTION && this.head * 2 >= this.run.length) {
      this.run = this.run.slice(this.head);
      this.head = 0;
    }
  }
}

/** Released records the run keeps before it is compacted. */
const RUN_COMPACTION = 1024;

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
  const buffer = new ReorderBuffer(windowMs, onLate);
  const out: MetricRecord[] = [];
  for await (const record of records) {
    buffer.push(record, out);
    // Released one by one, each as soon as it may be.
    for (let i = 0; i < out.length; i++) yield out[i] as MetricRecord;
    out.length = 0;
  }
  buffer.flush(out);
  yield* out;
}

/** reorder over batches of records: what each batch lets go, as one batch. */
export async function* reorderBatches(
  batches: AsyncIterable<readonly MetricRecord[]>,
  windowMs: number,
  onLate: (skipped: SkippedInput) => void,
): AsyncGenerator<MetricRecord[]> {
  const buffer = new ReorderBuffer(windowMs, onLate);
  for await (const batch of batches) {
    const out: MetricRecord[] = [];
    for (const record of batch) buffer.push(record, out);
    if (out.length > 0) yield out;
  }
  const rest: MetricRecord[] = [];
  buffer.flush(rest);
  if (rest.length > 0) yield rest;
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

/** A DeferredStream whose records come in batches, each in time order. */
export type DeferredBatches = {
  from: () => Promise<number | null>;
  open: () => AsyncIterable<readonly MetricRecord[]>;
};

/** Records a merge of several streams passes on at once. */
const MERGED_BATCH = 512;

/**
 * mergeInTimeOrder over streams of batches, giving batches. One stream (a recording in one file)
 * has nothing to merge with: its batches pass through, a record earlier than one already released
 * reported and dropped as the merge does. Several are merged record by record.
 */
export async function* mergeBatchesInTimeOrder(
  inputs: readonly DeferredBatches[],
  options: MergeOptions = {},
): AsyncGenerator<MetricRecord[]> {
  const only = inputs.length === 1 ? inputs[0] : undefined;
  if (only === undefined) {
    const merged = mergeInTimeOrder(
      inputs.map((input) => ({ from: input.from, open: () => recordsOf(input.open()) })),
      options,
    );
    let batch: MetricRecord[] = [];
    for await (const record of merged) {
      batch.push(record);
      if (batch.length >= MERGED_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const onLate = options.onLate ?? (() => {});
  const windowMs = options.windowMs ?? DEFAULT_REORDER_WINDOW_MS;
  // Asked first, as the merge asks it: it may tell the stream's format, which opening it needs.
  await only.from();
  let released = Number.NEGATIVE_INFINITY;
  for await (const batch of only.open()) {
    const out: MetricRecord[] = [];
    for (const record of batch) {
      if (record.timestamp < released) {
        onLate(lateReport(record.source, record.timestamp, released, windowMs));
        continue;
      }
      released = record.timestamp;
      out.push(record);
    }
    if (out.length > 0) yield out;
  }
}

async function* recordsOf(batches: AsyncIterable<readonly MetricRecord[]>): AsyncGenerator<MetricRecord> {
  for await (const batch of batches) yield* batch;
}
