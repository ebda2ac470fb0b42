/**
 * CloudWatch's alarm evaluation, replayed on a recording: the configured alarms in, the state
 * changes CloudWatch would have made out. Pure: no clock (times are the records'), no AWS SDK,
 * no I/O; records are pushed in time order (readStreams gives them so) and only each alarm's open
 * period and evaluation range are held, so a month of data streams through.
 *
 *   const evaluator = new AlarmEvaluator(config.alarms);
 *   for await (const r of readStreams(files)) evaluator.push(r);
 *   const { stateChanges } = evaluator.finish();
 *
 * Records are matched to alarms as CloudWatch matches metrics: namespace, metric name and the
 * exact set of dimensions; where an alarm (or a MetricStat) names a Unit, only records published
 * with that unit (or of unknown unit: get-metric-data without a Unit) count. A series no alarm
 * uses is counted and ignored. Alarms that cannot be evaluated offline (anomaly detection, an
 * unsupported statistic or function) are listed in `unsupported` and left out; a composite that
 * names one sees it as INSUFFICIENT_DATA.
 */
import { type Alarm, type CompositeAlarm, isCompositeAlarm, type MetricAlarm } from "../config/schema.js";
import { UnsupportedAlarmError } from "../errors.js";
import type { MetricRecord } from "../streams/record.js";
import { evaluateComposites } from "./composite.js";
import { compileMetricAlarm, MetricAlarmRun, recordKey } from "./metricAlarm.js";
import { compareChanges, type StateChange } from "./stateChange.js";
import type { Approximation } from "./statistics.js";

export type EvaluatorOptions = {
  /** The account and region named in composite reasons' ARNs; default: the first record's. */
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

export type EvaluationResult = {
  /** Every state change, in time order. */
  stateChanges: StateChange[];
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

type Route = { run: MetricAlarmRun; query: number; unit: string | null };

export class AlarmEvaluator {
  readonly unsupported: UnsupportedAlarmError[] = [];
  private readonly runs: MetricAlarmRun[] = [];
  private readonly composites: CompositeAlarm[] = [];
  private readonly routes = new Map<string, Route[]>();
  /** seriesKey → used by an alarm. Dozens of series, not records: small. */
  private readonly series = new Map<string, boolean>();
  private readonly order = new Map<string, number>();
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
    alarms.forEach((alarm, i) => {
      this.order.set(alarm.AlarmName, i);
      if (isCompositeAlarm(alarm)) {
        this.composites.push(alarm);
        return;
      }
      try {
        const run = new MetricAlarmRun(compileMetricAlarm(alarm as MetricAlarm));
        this.runs.push(run);
        run.spec.queries.forEach((q, query) => {
          const list = this.routes.get(q.key) ?? [];
          list.push({ run, query, unit: q.unit });
          this.routes.set(q.key, list);
        });
      } catch (error) {
        if (!(error instanceof UnsupportedAlarmError)) throw error;
        this.unsupported.push(error);
      }
    });
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
    const key = recordKey(record);
    const routes = this.routes.get(key) ?? [];
    let used = false;
    for (const route of routes) {
      // A unit the alarm names must match; a record of unknown unit is taken at its word.
      if (route.unit !== null && record.unit !== null && record.unit !== route.unit) continue;
      route.run.add(route.query, record);
      used = true;
    }
    this.series.set(key, (this.series.get(key) ?? false) || used);
  }

  /** Evaluates the last open periods and the composites; returns everything in time order. */
  finish(): EvaluationResult {
    this.finished = true;
    for (const run of this.runs) run.finish();
    const changesOf = new Map<string, StateChange[]>(this.runs.map((r) => [r.spec.name, r.changes]));
    const endMs = Math.max(
      0,
      ...this.runs.map((r) => (r.lastEvaluatedMs === null ? 0 : r.lastEvaluatedMs + r.spec.periodMs)),
    );
    const composite = evaluateComposites(this.composites, changesOf, {
      account: this.account,
      region: this.region,
      endMs,
    });
    this.unsupported.push(...composite.unsupported);
    const stateChanges = [...this.runs.flatMap((r) => r.changes), ...composite.changes].sort(
      compareChanges(this.order),
    );
    const notes = this.runs
      .filter((r) => r.approximated.size > 0 || r.unavailable > 0)
      .map((r) => ({
        alarm: r.spec.name,
        approximated: Object.fromEntries(r.approximated),
        unavailable: r.unavailable,
      }));
    return {
      stateChanges,
      records: this.records,
      series: this.series.size,
      unusedSeries: [...this.series.values()].filter((used) => !used).length,
      unsupported: this.unsupported,
      notes,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
    };
  }
}

/** Evaluates the alarms on a recording given as records in time order. */
export async function evaluateRecords(
  alarms: readonly Alarm[],
  records: AsyncIterable<MetricRecord> | Iterable<MetricRecord>,
  options: EvaluatorOptions & { onRecord?: (count: number, record: MetricRecord) => void } = {},
): Promise<EvaluationResult> {
  const evaluator = new AlarmEvaluator(alarms, options);
  let count = 0;
  for await (const record of records) {
    evaluator.push(record);
    options.onRecord?.(++count, record);
  }
  return evaluator.finish();
}
