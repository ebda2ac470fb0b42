/**
 * One metric alarm (single metric or metric math) run over a recording, one period at a time:
 * records are added in time order; a period is evaluated once the recording has passed its end
 * (a later record of the alarm, `advanceTo` with the time of any later record, or the end), so
 * only the open period and the evaluation range are in memory.
 *
 * The alarm is evaluated at the end of every period from the one holding its first record to the
 * one holding its last, starting INSUFFICIENT_DATA as a new alarm does; periods before its first
 * record count as missing. Periods are aligned on multiples of Period since the epoch (UTC), as
 * GetMetricData aligns them, and a record belongs to the period holding its timestamp.
 * Semantics: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * (Period, EvaluationPeriods, DatapointsToAlarm) and window.ts (missing data).
 *
 * Periods without records after the alarm's last one are evaluated as the recording passes them,
 * but their changes are tentative: they count only if the alarm has a later record (it is not
 * evaluated past its last), and are dropped at the end otherwise. Once the evaluation range holds
 * no datapoint, further missing periods change nothing, so there are at most N + 2 periods of them.
 */
import type { AlarmStateValue } from "../../core/alarms/alarmRule.js";
import type { ComparisonOperator, MetricAlarm, TreatMissingData } from "../../core/config/schema.js";
import { UnsupportedAlarmError } from "../../core/errors.js";
import { type Dimensions, dimensionsFromList, type MetricRecord } from "../streams/record.js";
import { type CompiledMath, compileMetricMath } from "./metricMath.js";
import { metricReason, metricReasonData } from "./reason.js";
import type { ListedDatapoint, StateChange } from "./stateChange.js";
import { type Approximation, PeriodAccumulator, parseStat, type StatSpec } from "./statistics.js";
import { type Datapoint, EVALUATION_RANGE_EXTRA, evaluateWindow, windowVerdict } from "./window.js";

export type CompiledQuery = {
  id: string;
  namespace: string;
  metricName: string;
  /** The query's metric's dimensions: the exact set a record must have. */
  dimensions: Dimensions;
  /** The alarm's Unit: only datapoints published with it count. Null: any unit. */
  unit: string | null;
  stat: StatSpec;
};

export type CompiledMetricAlarm = {
  name: string;
  alarm: MetricAlarm;
  kind: "metric" | "metric-math";
  periodMs: number;
  queries: CompiledQuery[];
  math: CompiledMath | null;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  threshold: number;
  operator: ComparisonOperator;
  breaches: (value: number) => boolean;
  /** EvaluateLowSampleCountPercentile `ignore`: the p of the alarm's percentile, else null. */
  lowSampleIgnoreP: number | null;
};

/** https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (ComparisonOperator) */
export const COMPARE: Partial<Record<ComparisonOperator, (v: number, t: number) => boolean>> = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

const ANOMALY =
  "anomaly detection is not supported offline: its band comes from a model CloudWatch trains on up to two weeks of the metric's history, which a recording does not carry";

/** Compiles a PutMetricAlarm shape; throws UnsupportedAlarmError for what cannot be evaluated offline. */
export function compileMetricAlarm(alarm: MetricAlarm): CompiledMetricAlarm {
  const fail = (reason: string): never => {
    throw new UnsupportedAlarmError(alarm.AlarmName, reason);
  };
  const compare = COMPARE[alarm.ComparisonOperator];
  if (alarm.ThresholdMetricId !== undefined || !compare) fail(ANOMALY);
  if (alarm.Threshold === undefined) fail("no Threshold");
  const threshold = alarm.Threshold as number;
  const stat = (name: string): StatSpec => {
    const spec = parseStat(name);
    return "error" in spec ? fail(spec.error) : spec;
  };

  let queries: CompiledQuery[];
  let math: CompiledMath | null = null;
  let periodSeconds: number;
  if (alarm.Metrics) {
    math = compileMetricMath(alarm.AlarmName, alarm.Metrics);
    queries = alarm.Metrics.flatMap((q) =>
      q.MetricStat
        ? [
            {
              id: q.Id,
              namespace: q.MetricStat.Metric.Namespace,
              metricName: q.MetricStat.Metric.MetricName,
              dimensions: dimensionsFromList(q.MetricStat.Metric.Dimensions),
              unit: q.MetricStat.Unit ?? null,
              stat: stat(q.MetricStat.Stat),
            },
          ]
        : [],
    );
    // "Each metric must be using the same period" (alarms on math expressions).
    const periods = new Set(alarm.Metrics.flatMap((q) => (q.MetricStat ? [q.MetricStat.Period] : [])));
    if (periods.size !== 1)
      fail(`the metrics of a math expression must share one Period (${[...periods].join(", ") || "none"})`);
    periodSeconds = [...periods][0] as number;
  } else {
    if (!alarm.Namespace || !alarm.MetricName || !alarm.Period) fail("no Namespace, MetricName and Period");
    const name = alarm.ExtendedStatistic ?? alarm.Statistic;
    if (!name) fail("no Statistic or ExtendedStatistic");
    queries = [
      {
        id: "m1",
        namespace: alarm.Namespace as string,
        metricName: alarm.MetricName as string,
        dimensions: dimensionsFromList(alarm.Dimensions),
        unit: alarm.Unit ?? null,
        stat: stat(name as string),
      },
    ];
    periodSeconds = alarm.Period as number;
  }
  const n = alarm.EvaluationPeriods;
  const percentile =
    queries.length === 1 && queries[0]?.stat.kind === "percentile" ? queries[0].stat.p : null;
  // AWS/DynamoDB alarms "always ignore missing data even if you choose a different option" (PutMetricAlarm).
  const dynamo = queries.some((q) => q.namespace === "AWS/DynamoDB");
  return {
    name: alarm.AlarmName,
    alarm,
    kind: math ? "metric-math" : "metric",
    periodMs: periodSeconds * 1000,
    queries,
    math,
    evaluationPeriods: n,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? n,
    treatMissingData: dynamo ? "ignore" : (alarm.TreatMissingData ?? "missing"),
    threshold,
    operator: alarm.ComparisonOperator,
    breaches: (v) => (compare as (v: number, t: number) => boolean)(v, threshold),
    lowSampleIgnoreP: alarm.EvaluateLowSampleCountPercentile === "ignore" ? percentile : null,
  };
}

/**
 * "For percentiles between 0.5 (inclusive) and 1.00 (exclusive), this setting is used when there
 * are fewer than 10/(1-percentile) data points during the evaluation period ... For percentiles
 * between 0 and 0.5 (exclusive), the setting is used when there are fewer than 10/percentile data
 * points." (AlarmThatSendsEmail.html, Percentile-based alarms and low data samples)
 */
function lowSampleCountLimit(p: number): number {
  const q = p / 100;
  return q >= 0.5 ? 10 / (1 - q) : 10 / q;
}

const iso = (ms: number) => new Date(ms).toISOString();

const NO_CHANGES: readonly StateChange[] = Object.freeze([]);

export class MetricAlarmRun {
  state: AlarmStateValue = "INSUFFICIENT_DATA";
  /** Changes that are final, in time order, until the evaluator collects them (`takeChanges`). */
  private changes: StateChange[] = [];
  readonly approximated = new Map<Approximation, number>();
  /** Periods that had records but not the statistic the alarm needs. */
  unavailable = 0;
  account: string | null = null;
  region: string | null = null;
  firstMs: number | null = null;
  /** Epoch ms: the start of the last period with records that was evaluated. */
  lastEvaluatedMs: number | null = null;

  /** The period receiving records, not evaluated yet. */
  private open: number | null = null;
  /** The first period not evaluated yet, when no period is open (null before the first record). */
  private next: number | null = null;
  /** Changes of missing periods after the last record: they count if a later record comes. */
  private tentative: StateChange[] = [];
  /** The evaluation range holds no datapoint: a missing period changes nothing. */
  private drained = false;
  private buckets: PeriodAccumulator[] = [];
  private readonly range: (Datapoint | null)[];
  private previous: StateChange["previous"] | null = null;

  constructor(readonly spec: CompiledMetricAlarm) {
    this.range = Array.from({ length: spec.evaluationPeriods + EVALUATION_RANGE_EXTRA }, () => null);
  }

  /** Epoch ms of the earliest tentative change (Infinity: none): the changes after it wait on it. */
  get tentativeFromMs(): number {
    return this.tentative[0]?.atMs ?? Number.POSITIVE_INFINITY;
  }

  /** The final changes made since the last call, in time order. */
  takeChanges(): readonly StateChange[] {
    // Most periods change nothing: no new list for them.
    if (this.changes.length === 0) return NO_CHANGES;
    const taken = this.changes;
    this.changes = [];
    return taken;
  }

  /** Adds a record of query `queryIndex`; records come in time order. */
  add(queryIndex: number, record: MetricRecord): void {
    const { periodMs } = this.spec;
    const start = Math.floor(record.timestamp / periodMs) * periodMs;
    if (this.open === null && this.next === null) {
      this.firstMs = start;
      this.previous = {
        state: "INSUFFICIENT_DATA",
        reason: "Unchecked: Initial alarm creation",
        at: iso(start),
        reasonData: null,
      };
      this.account = record.account;
      this.region = record.region;
      this.openPeriod(start);
    } else {
      if (this.open !== null && start > this.open) this.close();
      if (this.open === null) {
        // A later record: the missing periods before it count after all.
        this.changes.push(...this.tentative);
        this.tentative = [];
        this.evaluateMissing(start, false);
        this.openPeriod(start);
      }
    }
    this.buckets[queryIndex]?.add(record.stats);
  }

  /**
   * The recording has reached `timeMs` (no record of this alarm before it will come): the open
   * period is evaluated once it has ended, the missing periods after it tentatively.
   */
  advanceTo(timeMs: number): void {
    const { periodMs } = this.spec;
    if (this.open !== null && this.open + periodMs <= timeMs) this.close();
    if (this.open === null && this.next !== null) {
      this.evaluateMissing(Math.floor(timeMs / periodMs) * periodMs, true);
    }
  }

  /** Evaluates the open period and drops the tentative changes: the recording ended. */
  finish(): void {
    if (this.open !== null) this.close();
    this.tentative = [];
  }

  private openPeriod(start: number): void {
    this.open = start;
    this.buckets = this.spec.queries.map((q) => new PeriodAccumulator(q.stat));
  }

  private close(): void {
    const start = this.open as number;
    this.evaluate(start, this.datapoint(start), false);
    this.lastEvaluatedMs = start;
    this.buckets = [];
    this.open = null;
    this.next = start + this.spec.periodMs;
  }

  /** Periods without records from `next` up to `to` (excluded): evaluated as missing. */
  private evaluateMissing(to: number, tentative: boolean): void {
    const { periodMs } = this.spec;
    for (let start = this.next as number; start < to; start += periodMs) {
      // Every further evaluation of an all-missing range gives the same state: skip to the end.
      if (this.drained) break;
      this.evaluate(start, null, tentative);
    }
    this.next = Math.max(this.next as number, to);
  }

  private datapoint(start: number): Datapoint | null {
    if (!this.spec.math) {
      // One metric: its one bucket (the common case, without the lists below).
      const bucket = this.buckets[0];
      if (bucket === undefined || bucket.records === 0) return null;
      const v = bucket.value();
      if (v === null) {
        this.unavailable++;
        return null;
      }
      this.note(v.approximation);
      return { start, value: v.value, sampleCount: v.sampleCount, approximation: v.approximation };
    }
    const values = this.buckets.map((b) => ({ records: b.records, v: b.value() }));
    if (values.every((x) => x.records === 0)) return null;
    if (values.some((x) => x.records > 0 && x.v === null)) this.unavailable++;
    const byId = new Map(this.spec.queries.map((q, i) => [q.id, values[i]?.v?.value ?? null]));
    const value = this.spec.math.evaluate(byId);
    if (value === null) return null;
    const approximation = values.find((x) => x.v?.approximation)?.v?.approximation ?? null;
    this.note(approximation);
    return { start, value, sampleCount: null, approximation };
  }

  /** Counts a datapoint whose statistic was approximated. */
  private note(approximation: Approximation | null): void {
    if (approximation) this.approximated.set(approximation, (this.approximated.get(approximation) ?? 0) + 1);
  }

  private evaluate(start: number, datapoint: Datapoint | null, tentative: boolean): void {
    const spec = this.spec;
    this.range.shift();
    this.range.push(datapoint);
    this.drained = this.range.every((d) => d === null);
    const lowP = spec.lowSampleIgnoreP;
    if (
      lowP !== null &&
      datapoint?.sampleCount != null &&
      datapoint.sampleCount < lowSampleCountLimit(lowP)
    ) {
      return; // EvaluateLowSampleCountPercentile "ignore": too few samples to change the state.
    }
    const window = {
      range: this.range,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      breaches: spec.breaches,
      current: this.state,
    };
    const to = windowVerdict(window).state ?? this.state;
    if (to === this.state) return;
    const outcome = evaluateWindow(window);
    const atMs = start + spec.periodMs;
    const listed: ListedDatapoint[] = outcome.agreeing.map((d) => ({
      at: iso(d.start),
      value: d.value,
      sampleCount: d.sampleCount,
    }));
    const statName =
      spec.kind === "metric" ? (spec.alarm.ExtendedStatistic ?? spec.alarm.Statistic) : undefined;
    const reasonInput = {
      outcome,
      from: this.state,
      to,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      operator: spec.operator,
      threshold: spec.threshold,
      statistic: statName ? { name: statName, extended: spec.alarm.ExtendedStatistic !== undefined } : null,
      periodSeconds: spec.periodMs / 1000,
      atMs,
      listed,
    };
    const change: StateChange = {
      alarm: spec.name,
      alarmType: spec.kind,
      at: iso(atMs),
      atMs,
      from: this.state,
      to,
      value: listed[0]?.value ?? null,
      datapoints: listed,
      reason: metricReason(reasonInput),
      reasonData: metricReasonData(reasonInput),
      previous: this.previous as StateChange["previous"],
      actionsSuppressedBy: null,
      actionsAt: iso(atMs),
      account: this.account,
      region: this.region,
    };
    (tentative ? this.tentative : this.changes).push(change);
    this.previous = { state: to, reason: change.reason, at: change.at, reasonData: change.reasonData };
    this.state = to;
  }
}
