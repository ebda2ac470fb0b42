/**
 * A state change stated by hand: an alarm of the configuration going to a state at a time, with
 * the datapoint that took it there, written as CloudWatch writes the changes it evaluates (reason
 * text, reasonData, the previous state), so that payloads.ts turns it into the SNS, EventBridge and
 * Lambda-action payloads AWS would send. It is what `event alarm` prints, stamped now, so that
 * `invoke` and `--live` can be tried on any day; AWS's own way to force a state,
 * `aws cloudwatch set-alarm-state`, sends the same payloads with the reason it is given.
 */
import {
  type AlarmStateValue,
  alarmNameOf,
  alarmsReferenced,
  parseAlarmRule,
} from "../../core/alarms/alarmRule.js";
import { type Alarm, isCompositeAlarm, type MetricAlarm } from "../../core/config/schema.js";
import { COMPARE } from "./metricAlarm.js";
import {
  compositeReason,
  compositeReasonData,
  type MetricReasonInput,
  metricReason,
  metricReasonData,
} from "./reason.js";
import type { ListedDatapoint, StateChange } from "./stateChange.js";
import { tidy } from "./statistics.js";

export type StatedChange = {
  to: AlarmStateValue;
  /** The newest datapoint; null: one on the right side of the threshold, by default. */
  value: number | null;
  atMs: number;
  /** The account and region the alarm lives in (its ARN, a composite's reason). */
  account: string;
  region: string;
};

/** What cannot be stated: a value on the wrong side of the threshold, a band only CloudWatch knows. */
export class StatedChangeError extends Error {
  override name = "StatedChangeError";
}

/** The state an alarm was in before: the opposite one, or OK before missing data. */
const previousOf = (to: AlarmStateValue): AlarmStateValue => (to === "OK" ? "ALARM" : "OK");

/** How long before the change the previous one happened: an hour, as a plausible history. */
const PREVIOUS_MS = 3_600_000;

export function statedChange(alarm: Alarm, stated: StatedChange): StateChange {
  const from = previousOf(stated.to);
  const before = { ...stated, to: from, value: null, atMs: stated.atMs - PREVIOUS_MS };
  const [now, previous] = isCompositeAlarm(alarm)
    ? [compositeChange(alarm.AlarmRule, stated), compositeChange(alarm.AlarmRule, before)]
    : [metricChange(alarm, stated, from), metricChange(alarm, before, stated.to)];
  const at = new Date(stated.atMs).toISOString();
  return {
    alarm: alarm.AlarmName,
    alarmType: isCompositeAlarm(alarm) ? "composite" : alarm.Metrics ? "metric-math" : "metric",
    at,
    atMs: stated.atMs,
    from,
    to: stated.to,
    value: now.datapoints[0]?.value ?? null,
    datapoints: now.datapoints,
    reason: now.reason,
    reasonData: now.reasonData,
    previous: {
      state: from,
      reason: previous.reason,
      at: new Date(before.atMs).toISOString(),
      reasonData: previous.reasonData,
    },
    actionsSuppressedBy: null,
    actionsAt: at,
    account: stated.account,
    region: stated.region,
  };
}

type Written = { reason: string; reasonData: Record<string, unknown>; datapoints: ListedDatapoint[] };

/** A composite changes when a child does: the first alarm its rule names, in the new state. */
function compositeChange(rule: string, stated: StatedChange): Written {
  if (stated.value !== null) throw new StatedChangeError("a composite alarm has no datapoint: drop --value");
  const child = alarmNameOf(alarmsReferenced(parseAlarmRule(rule))[0] ?? "");
  const first = { alarm: child, state: stated.to, atMs: stated.atMs };
  return {
    reason: compositeReason(first, stated.account, stated.region),
    reasonData: compositeReasonData([first], stated.account, stated.region),
    datapoints: [],
  };
}

/** The period of a metric alarm, or of the metrics of its math expression. */
const periodOf = (alarm: MetricAlarm): number =>
  alarm.Period ?? alarm.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? 60;

function metricChange(alarm: MetricAlarm, stated: StatedChange, from: AlarmStateValue): Written {
  const compare = COMPARE[alarm.ComparisonOperator];
  const threshold = alarm.Threshold;
  if (alarm.ThresholdMetricId !== undefined || compare === undefined || threshold === undefined) {
    throw new StatedChangeError(
      `${alarm.AlarmName} is an anomaly detection alarm: its band comes from CloudWatch's model, which no payload written here can state`,
    );
  }
  const n = alarm.EvaluationPeriods;
  const m = alarm.DatapointsToAlarm ?? n;
  const periodSeconds = periodOf(alarm);
  const periodMs = periodSeconds * 1000;
  let listed: ListedDatapoint[] = [];
  if (stated.to === "INSUFFICIENT_DATA") {
    if (stated.value !== null)
      throw new StatedChangeError("INSUFFICIENT_DATA has no datapoint: drop --value");
  } else {
    const breaching = stated.to === "ALARM";
    const value = stated.value ?? sideOf(threshold, compare, breaching);
    if (compare(value, threshold) !== breaching) {
      throw new StatedChangeError(
        `--value ${value} ${breaching ? "does not breach" : "breaches"} ${alarm.AlarmName}'s threshold (${alarm.ComparisonOperator} ${threshold}): ${stated.to} needs one that ${breaching ? "does" : "does not"}`,
      );
    }
    // The datapoints that agree with the new state, newest first: as many as the transition needs,
    // in the last whole periods before the change.
    const count = breaching ? m : n - m + 1;
    const newest = Math.floor(stated.atMs / periodMs) * periodMs - periodMs;
    listed = Array.from({ length: count }, (_, i) => ({
      at: new Date(newest - i * periodMs).toISOString(),
      value,
      sampleCount: null,
    }));
  }
  const statistic = alarm.ExtendedStatistic ?? alarm.Statistic;
  const input: MetricReasonInput = {
    outcome: {
      state: stated.to,
      rule: "datapoints",
      evaluated: [],
      agreeing: [],
      filled: 0,
      filledAs: null,
    },
    from,
    to: stated.to,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    operator: alarm.ComparisonOperator,
    threshold,
    statistic: statistic ? { name: statistic, extended: alarm.ExtendedStatistic !== undefined } : null,
    periodSeconds,
    atMs: stated.atMs,
    listed,
  };
  return { reason: metricReason(input), reasonData: metricReasonData(input), datapoints: listed };
}

/**
 * A value on the asked side of the threshold: 10% beyond it (1 from a threshold of 0), so that the
 * first step of a step policy answers; `--value` picks another step.
 */
function sideOf(threshold: number, compare: (v: number, t: number) => boolean, breaching: boolean): number {
  const delta = threshold === 0 ? 1 : Math.abs(threshold) * 0.1;
  const above = tidy(threshold + delta);
  const below = tidy(threshold - delta);
  return compare(above, threshold) === breaching ? above : below;
}
