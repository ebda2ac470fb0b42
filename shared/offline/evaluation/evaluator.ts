/**
 * CloudWatch's alarm evaluation, replayed on a recording: the configured alarms in, the state
 * changes CloudWatch would have made out, as they are decided. Pure: no clock (times are the
 * records'), no AWS SDK, no I/O; records are pushed in time order (readStreams gives them so) and
 * only each alarm's open period and evaluation range are held, so a month of data streams through.
 *
 *   const evaluator = new AlarmEvaluator(config.alarms);
 *   for await (const change of evaluator.changes(readStreams(files))) print(change);
 *
 * or, pushing records by hand: `push(record)`, `take()` (the changes decided so far), `finish()`.
 *
 * The changes come in time order (compareChanges: by time, metric alarms before the composites
 * they feed, then in the order of the configuration). A change dated T is released once a record
 * at T or later has been pushed: by then every period ending at T or before has been evaluated
 * (those of the alarms that had no record since are closed as time passes), and the composites
 * are stepped over the instant. Nothing waits longer, with one exception: an alarm whose records
 * stop while others go on may still change over the next N + 2 periods as its evaluation range
 * empties, but those changes count only if it has a later record (an alarm is evaluated up to its
 * last record), so the changes after the first of them are held until it has one or the
 * recording ends.
 *
 * Records are matched to alarms as CloudWatch matches metrics: namespace, metric name and the
 * exact set of dimensions; where an alarm (or a MetricStat) names a Unit, only records published
 * with that unit (or of unknown unit: get-metric-data without a Unit) count. A series no alarm
 * uses is counted and ignored. Alarms that cannot be evaluated offline (anomaly detection, an
 * unsupported statistic or function, a composite in a cycle or whose rule does not parse) are
 * listed in `unsupported` and left out; a composite that names one sees it as INSUFFICIENT_DATA.
 */
import {
  type Alarm,
  type CompositeAlarm,
  isCompositeAlarm,
  type MetricAlarm,
} from "../../core/config/schema.js";
import { UnsupportedAlarmError } from "../../core/errors.js";
import type { MetricRecord } from "../streams/record.js";
import { MinHeap } from "../streams/reorder.js";
import { CompositeAlarmRun, compileComposites } from "./composite.js";
import { compileMetricAlarm, MetricAlarmRun } from "./metricAlarm.js";
import { SeriesIds } from "./seriesIds.js";
import { compareChanges, type StateChange } from "./stateChange.js";
import type { Approximation } from "./statistics.js";

export type EvaluatorOptions = {
  /** The account and region named in composite reasons' ARNs; default: the first a record names. */
  account?: string | null;
  region?: string | null;
};

/** What the command line says about an alarm besides its changes. */
export type AlarmNote = {
  alarm: string;
  /** Datapoints whose statistic was approximated, by kind (statistics.ts APPROXIMATIONS). */
  approximated: Partial<Record<Approximation, number>>;
  /** Periods that had records but not the statistic the alarm needs (e.g. p99 from get-metric-data Average). */
  unavailable: number;
};

/** What is known of a recording once it has been evaluated, besides its changes. */
export type EvaluationSummary = {
  records: number;
  /** Distinct series (namespace, metric, exact dimensions) in the recording. */
  series: number;
  /** Of those, the ones no alarm uses: counted and ignored. */
  unusedSeries: number;
  unsupported: UnsupportedAlarmError[];
  notes: AlarmNote[];
  /** Epoch ms of the first and last record (null when there was none). */
  firstMs: number | null;
  lastMs: number | null;
};

export type EvaluationResult = EvaluationSummary & {
  /** The state changes not taken before `finish` (every one, when `take` was not called), in time order. */
  stateChanges: StateChange[];
};

type Route = { run: MetricAlarmRun; query: number; unit: string | null };

/** A series the recording had, and one an alarm used. */
const SEEN = 1;
const USED = 2;

export class AlarmEvaluator {
  readonly unsupported: UnsupportedAlarmError[] = [];
  private readonly runs: MetricAlarmRun[] = [];
  /** Children first: a composite is stepped after the composites it names. */
  private readonly composites: CompositeAlarmRun[] = [];
  /** The series the alarms read and the recording's others, numbered once (no key built per record). */
  private readonly ids = new SeriesIds();
  /** Per series number: the alarm queries it feeds (none: a series no alarm uses). */
  private readonly routes: Route[][] = [];
  /** Per series number: whether the recording had it (1), and an alarm used it (2). */
  private readonly series: number[] = [];
  private readonly order = new Map<string, number>();
  private readonly compare: (a: StateChange, b: StateChange) => number;
  /** Metric alarms' final changes not released yet, by time then configuration order. */
  private readonly decided: MinHeap<StateChange>;
  /** Released changes, in time order, until `take`. */
  private released: StateChange[] = [];
  /** Epoch ms: every alarm's Period is a multiple of this (their greatest common divisor). */
  private readonly tick: number;
  private advancedTo: number | null = null;
  private records = 0;
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private account: string | null;
  private region: string | null;
  private finished = false;

  constructor(
    alarms: readonly Alarm[],
    private readonly options: EvaluatorOptions = {},
  ) {
    this.account = options.account ?? null;
    this.region = options.region ?? null;
    const composites: CompositeAlarm[] = [];
    alarms.forEach((alarm, i) => {
      this.order.set(alarm.AlarmName, i);
      if (isCompositeAlarm(alarm)) {
        composites.push(alarm);
        return;
      }
      try {
        const run = new MetricAlarmRun(compileMetricAlarm(alarm as MetricAlarm));
        this.runs.push(run);
        run.spec.queries.forEach((q, query) => {
          const id = this.ids.idOf(q.namespace, q.metricName, q.dimensions);
          this.routes[id] ??= [];
          this.routes[id].push({ run, query, unit: q.unit });
        });
      } catch (error) {
        if (!(error instanceof UnsupportedAlarmError)) throw error;
        this.unsupported.push(error);
      }
    });
    const compiled = compileComposites(composites);
    this.unsupported.push(...compiled.unsupported);
    this.composites = compiled.order.map((c) => new CompositeAlarmRun(c));
    this.tick = this.runs.reduce((g, r) => gcd(g, r.spec.periodMs), 0) || 60_000;
    this.compare = compareChanges(this.order);
    this.decided = new MinHeap((a, b) => this.compare(a, b) < 0);
  }

  /** Adds one record; records must come in time order. */
  push(record: MetricRecord): void {
    if (this.finished) throw new Error("the evaluation is finished");
    if (this.lastMs !== null && record.timestamp < this.lastMs) {
      throw new RangeError(
        `records must come in time order: ${new Date(record.timestamp).toISOString()} after ${new Date(this.lastMs).toISOString()}`,
      );
    }
    this.records++;
    this.firstMs ??= record.timestamp;
    this.lastMs = record.timestamp;
    if (!this.options.account) this.account ??= record.account;
    if (!this.options.region) this.region ??= record.region;
    // Periods end on multiples of `tick`: once past one, every period that ended by now is
    // evaluated and released (between two, nothing more could be).
    const boundary = Math.floor(record.timestamp / this.tick) * this.tick;
    if (boundary !== this.advancedTo) {
      this.advancedTo = boundary;
      this.advance(record.timestamp);
    }
    const id = this.ids.idOf(record.namespace, record.metricName, record.dimensions);
    let used = false;
    for (const route of this.routes[id] ?? []) {
      // A unit the alarm names must match; a record of unknown unit is taken at its word.
      if (route.unit !== null && record.unit !== null && record.unit !== route.unit) continue;
      route.run.add(route.query, record);
      used = true;
    }
    this.series[id] = Math.max(this.series[id] ?? 0, used ? USED : SEEN);
  }

  /** The state changes released since the last call (or `finish`), in time order. */
  take(): StateChange[] {
    const taken = this.released;
    this.released = [];
    return taken;
  }

  /**
   * Evaluates the last open periods and releases what was held; returns the changes not taken
   * yet, in time order, and the summary.
   */
  finish(): EvaluationResult {
    if (!this.finished) {
      this.finished = true;
      for (const run of this.runs) run.finish();
      this.collect();
      this.release(Number.POSITIVE_INFINITY);
      const endMs = Math.max(
        0,
        ...this.runs.map((r) => (r.lastEvaluatedMs === null ? 0 : r.lastEvaluatedMs + r.spec.periodMs)),
      );
      for (const composite of this.composites) composite.end(endMs);
    }
    const notes = this.runs
      .filter((r) => r.approximated.size > 0 || r.unavailable > 0)
      .map((r) => ({
        alarm: r.spec.name,
        approximated: Object.fromEntries(r.approximated),
        unavailable: r.unavailable,
      }));
    return {
      stateChanges: this.take(),
      records: this.records,
      series: this.series.filter((s) => s >= SEEN).length,
      unusedSeries: this.series.filter((s) => s === SEEN).length,
      unsupported: this.unsupported,
      notes,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
    };
  }

  /**
   * Evaluates `records` and yields each state change as soon as it is released, in time order;
   * returns the summary. `onRecord` sees every record after it was pushed.
   */
  async *changes(
    records: AsyncIterable<MetricRecord> | Iterable<MetricRecord>,
    onRecord?: (count: number, record: MetricRecord) => void,
  ): AsyncGenerator<StateChange, EvaluationSummary, undefined> {
    let count = 0;
    for await (const record of records) {
      this.push(record);
      onRecord?.(++count, record);
      yield* this.take();
    }
    const { stateChanges, ...summary } = this.finish();
    yield* stateChanges;
    return summary;
  }

  /** The recording has reached `timeMs`: no record before it will come. */
  private advance(timeMs: number): void {
    let heldFrom = Number.POSITIVE_INFINITY;
    for (const run of this.runs) {
      run.advanceTo(timeMs);
      heldFrom = Math.min(heldFrom, run.tentativeFromMs);
    }
    this.collect();
    // Every change dated up to now is known, but for the tentative ones: release up to the first.
    this.release(Math.min(timeMs, heldFrom - 1));
  }

  private collect(): void {
    for (const run of this.runs) for (const change of run.takeChanges()) this.decided.push(change);
  }

  /** Releases the instants up to `untilMs`: the metric alarms' changes, then the composites'. */
  private release(untilMs: number): void {
    const where = { account: this.account, region: this.region };
    for (let head = this.decided.peek(); head && head.atMs <= untilMs; head = this.decided.peek()) {
      const atMs = head.atMs;
      const changed = new Map<string, StateChange>();
      while (this.decided.peek()?.atMs === atMs) {
        const change = this.decided.pop() as StateChange;
        changed.set(change.alarm, change);
        this.released.push(change);
      }
      const composites: StateChange[] = [];
      for (const composite of this.composites) {
        const change = composite.step(atMs, changed, where);
        if (!change) continue;
        changed.set(change.alarm, change);
        composites.push(change);
      }
      this.released.push(...composites.sort(this.compare));
    }
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The state changes of `alarms` on a recording given as records in time order, as they are released. */
export function evaluateStream(
  alarms: readonly Alarm[],
  records: AsyncIterable<MetricRecord> | Iterable<MetricRecord>,
  options: EvaluatorOptions & { onRecord?: (count: number, record: MetricRecord) => void } = {},
): AsyncGenerator<StateChange, EvaluationSummary, undefined> {
  return new AlarmEvaluator(alarms, options).changes(records, options.onRecord);
}

/** Evaluates the alarms on a recording given as records in time order; every change in one list. */
export async function evaluateRecords(
  alarms: readonly Alarm[],
  records: AsyncIterable<MetricRecord> | Iterable<MetricRecord>,
  options: EvaluatorOptions & { onRecord?: (count: number, record: MetricRecord) => void } = {},
): Promise<EvaluationResult> {
  const changes = evaluateStream(alarms, records, options);
  const stateChanges: StateChange[] = [];
  for (let next = await changes.next(); ; next = await changes.next()) {
    if (next.done) return { ...next.value, stateChanges };
    stateChanges.push(next.value);
  }
}
