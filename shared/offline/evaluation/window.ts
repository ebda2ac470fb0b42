/**
 * One evaluation of a metric alarm: the datapoints of its evaluation range in, the new state out.
 * Pure; the rules are CloudWatch's, as documented in "Configuring how CloudWatch alarms treat
 * missing data" and "Avoiding premature transitions to alarm state"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html,
 * formerly sections of https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html):
 *
 * 1. CloudWatch retrieves more datapoints than EvaluationPeriods (N): the evaluation range. AWS
 *    does not publish its size; its worked examples retrieve 5 for N = 3, so the range here is
 *    N + 2 periods (EVALUATION_RANGE_EXTRA).
 * 2. If the range holds at least N real datapoints, the N most recent are evaluated and missing
 *    data does not matter: ALARM when at least M (DatapointsToAlarm, default N) breach, else OK.
 * 3. Otherwise the real datapoints are all evaluated and the rest of the N are "filled in" with
 *    TreatMissingData, as few as possible: `breaching` counts them as breaching, `notBreaching` as
 *    not. `missing` and `ignore` fill nothing:
 *    - no real datapoint: `missing` → INSUFFICIENT_DATA, `ignore` → the state is kept;
 *    - at least M real breaching → ALARM; any real non-breaching → OK (tables' rows `0 - - - -`,
 *      `0 - X - -`, `- - - - 0`);
 *    - only breaching, fewer than M: the premature-alarm rule: ALARM "when the oldest available
 *      breaching datapoint ... is at least as old as the value of Datapoints to Alarm" (row
 *      `- - X - -` for 3 of 3, `- - - X -` for 2 of 3); `ignore` keeps the state there (the
 *      tables say "Retain current state"). When the breach is too recent (`- - - - X`), the
 *      alarm does not go to ALARM: `missing` → INSUFFICIENT_DATA, `ignore` → kept, as the page's
 *      earlier table showed for that row.
 *    The same section's last paragraph says "at least as old as ... Evaluation Periods" for M of
 *    N alarms, which its own 2-of-3 table contradicts (`- - - X -` → ALARM); the tables win.
 * 4. Alarms on AWS/DynamoDB metrics always ignore missing data (PutMetricAlarm, TreatMissingData:
 *    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
import type { AlarmStateValue } from "../../core/alarms/alarmRule.js";
import type { TreatMissingData } from "../../core/config/schema.js";
import type { Approximation } from "./statistics.js";

/** The evaluation range is N + 2 periods (the documentation's examples: 5 for N = 3). */
export const EVALUATION_RANGE_EXTRA = 2;

export type Datapoint = {
  /** Epoch ms: the start of the period (CloudWatch labels datapoints with it). */
  start: number;
  value: number;
  sampleCount: number | null;
  approximation: Approximation | null;
};

export type WindowInput = {
  /** The evaluation range, oldest first; the last entry is the period being evaluated. Null: missing. */
  range: readonly (Datapoint | null)[];
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  breaches: (value: number) => boolean;
  current: AlarmStateValue;
};

const EVALUATION_RULES = {
  datapoints: "enough real datapoints: missing data not needed",
  filled: "missing datapoints filled in with TreatMissingData",
  mixed: "too few real datapoints, one of them not breaching",
  enoughBreaching: "too few real datapoints, but M of them breaching",
  premature: "premature-alarm rule: the oldest breach is at least M periods old",
  tooRecent: "too few real datapoints, all breaching, the oldest too recent to alarm",
  allMissing: "no real datapoint in the evaluation range",
} as const;
export type EvaluationRule = keyof typeof EVALUATION_RULES;

export type WindowOutcome = {
  /** The new state; null: keep the current one (`ignore`). */
  state: AlarmStateValue | null;
  rule: EvaluationRule;
  /** The real datapoints evaluated, newest first. */
  evaluated: Datapoint[];
  /** Of those, the ones that agree with the new state (breaching for ALARM, not for OK), newest first. */
  agreeing: Datapoint[];
  /** Missing datapoints filled in, and as what. */
  filled: number;
  filledAs: "breaching" | "notBreaching" | null;
};

/** The new state and the rule that gave it; what evaluateWindow decides, without its lists. */
export type WindowVerdict = { state: AlarmStateValue | null; rule: EvaluationRule };

/**
 * The new state of one evaluation, counted over the range without listing it: every period of
 * every alarm is evaluated, and the state seldom changes (evaluateWindow lists the datapoints
 * when it does).
 */
export function windowVerdict(input: WindowInput): WindowVerdict {
  const { range, evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: treat, breaches } = input;
  // Newest first: the real datapoints, those breaching, those breaching among the N newest, and the
  // age in periods of the oldest (0 = the period being evaluated).
  let real = 0;
  let breaching = 0;
  let breachingOfNewest = 0;
  let oldestAge = 0;
  for (let i = range.length - 1; i >= 0; i--) {
    const d = range[i];
    if (!d) continue;
    const breach = breaches(d.value);
    real++;
    if (breach) breaching++;
    if (breach && real <= n) breachingOfNewest++;
    oldestAge = range.length - 1 - i;
  }
  if (real >= n) return { state: verdict(breachingOfNewest, m), rule: "datapoints" };
  if (treat === "breaching") return { state: verdict(breaching + n - real, m), rule: "filled" };
  if (treat === "notBreaching") return { state: verdict(breaching, m), rule: "filled" };

  const keep = treat === "ignore";
  if (real === 0) return { state: keep ? null : "INSUFFICIENT_DATA", rule: "allMissing" };
  if (breaching >= m) return { state: "ALARM", rule: "enoughBreaching" };
  if (breaching < real) return { state: "OK", rule: "mixed" };
  if (oldestAge + 1 >= m) return { state: keep ? null : "ALARM", rule: "premature" };
  return { state: keep ? null : "INSUFFICIENT_DATA", rule: "tooRecent" };
}

/** ALARM when at least M datapoints breach, else OK. */
const verdict = (breaching: number, m: number): AlarmStateValue => (breaching >= m ? "ALARM" : "OK");

/** windowVerdict, with the datapoints it evaluated and those that agree with it. */
export function evaluateWindow(input: WindowInput): WindowOutcome {
  const { state, rule } = windowVerdict(input);
  const n = input.evaluationPeriods;
  // Newest first.
  const real = input.range.filter((d): d is Datapoint => d !== null).reverse();
  const evaluated = rule === "datapoints" ? real.slice(0, n) : real;
  const filledAs = rule === "filled" ? (input.treatMissingData as "breaching" | "notBreaching") : null;
  return {
    state,
    rule,
    evaluated,
    agreeing: state === null ? [] : evaluated.filter((d) => input.breaches(d.value) === (state === "ALARM")),
    filled: filledAs === null ? 0 : n - real.length,
    filledAs,
  };
}
