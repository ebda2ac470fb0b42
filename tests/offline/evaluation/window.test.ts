/**
 * The evaluation of one range against AWS's worked examples, transcribed from "Configuring how
 * CloudWatch alarms treat missing data" (alarms-and-missing-data.html; formerly a section of
 * AlarmThatSendsEmail.html, awsdocs/amazon-cloudwatch-user-guide). Data points are written as on
 * the page, oldest first, the most recent on the right: 0 not breaching, X breaching, - missing.
 */
import { describe, expect, it } from "vitest";
import type { AlarmStateValue } from "../../../shared/core/alarms/alarmRule.js";
import type { TreatMissingData } from "../../../shared/core/config/schema.js";
import { type Datapoint, evaluateWindow } from "../../../shared/offline/evaluation/window.js";

const RETAIN = "retain";
type Expected = AlarmStateValue | typeof RETAIN;

/** "0 - X - X" → a range of datapoints: X = 10 (breaching a threshold of 5), 0 = 1. */
function range(points: string): (Datapoint | null)[] {
  return points
    .trim()
    .split(/\s+/)
    .map((p, i) =>
      p === "-"
        ? null
        : { start: i * 60_000, value: p === "X" ? 10 : 1, sampleCount: 1, approximation: null },
    );
}

function state(
  points: string,
  n: number,
  m: number,
  treat: TreatMissingData,
  current: AlarmStateValue = "OK",
) {
  const outcome = evaluateWindow({
    range: range(points),
    evaluationPeriods: n,
    datapointsToAlarm: m,
    treatMissingData: treat,
    breaches: (v) => v > 5,
    current,
  });
  return outcome.state ?? RETAIN;
}

const TREATMENTS = ["missing", "ignore", "breaching", "notBreaching"] as const;
type Row = [points: string, missing: Expected, ignore: Expected, breaching: Expected, notBreaching: Expected];

// First table: Datapoints to Alarm and Evaluation Periods both 3, evaluation range 5.
const THREE_OF_THREE: Row[] = [
  ["0 - X - X", "OK", "OK", "OK", "OK"],
  ["0 - - - -", "OK", "OK", "OK", "OK"],
  ["- - - - -", "INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"],
  ["0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"],
  ["- - X - -", "ALARM", RETAIN, "ALARM", "OK"],
];

// Second table: 2 out of 3 (Datapoints to Alarm 2, Evaluation Periods 3), evaluation range 5.
const TWO_OF_THREE: Row[] = [
  ["0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"],
  ["0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"],
  ["0 - X - -", "OK", "OK", "ALARM", "OK"],
  ["- - - - 0", "OK", "OK", "ALARM", "OK"],
  ["- - - X -", "ALARM", RETAIN, "ALARM", "OK"],
];

// The same page's earlier table (commit 05fd32f of the user guide), rows the current one dropped:
// a breach too recent to alarm, and one old enough (the premature-alarm rule).
const EARLIER_THREE_OF_THREE: Row[] = [
  ["- - - - X", "INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"],
  ["X - - - -", "ALARM", RETAIN, "ALARM", "OK"],
];

describe("evaluateWindow: AWS's tables of missing-data outcomes", () => {
  const cases = [
    ...THREE_OF_THREE.map((row) => ["3 of 3", 3, 3, row] as const),
    ...TWO_OF_THREE.map((row) => ["2 of 3", 3, 2, row] as const),
    ...EARLIER_THREE_OF_THREE.map((row) => ["3 of 3 (earlier table)", 3, 3, row] as const),
  ].flatMap(([table, n, m, [points, ...expected]]) =>
    TREATMENTS.map((treat, i) => ({
      name: `${table}: ${points} treated as ${treat}`,
      n,
      m,
      points,
      treat,
      want: expected[i],
    })),
  );

  it.each(cases)("$name → $want", ({ n, m, points, treat, want }) => {
    expect(state(points, n, m, treat)).toBe(want);
  });

  it("retains whatever the state was under ignore", () => {
    for (const current of ["OK", "ALARM", "INSUFFICIENT_DATA"] as const) {
      expect(state("- - - - -", 3, 3, "ignore", current)).toBe(RETAIN);
    }
  });
});

describe("evaluateWindow: M out of N", () => {
  // AlarmThatSendsEmail.html, "Evaluating an alarm": 3 of 3 goes to ALARM when the three most recent
  // datapoints breach; one non-breaching datapoint among them brings it back to OK.
  it.each([
    { name: "three recent breaches, 3 of 3", points: "0 0 X X X", n: 3, m: 3, want: "ALARM" },
    { name: "a dip among the last three, 3 of 3", points: "0 X X X 0", n: 3, m: 3, want: "OK" },
    { name: "one breach only, 3 of 3", points: "0 0 0 0 X", n: 3, m: 3, want: "OK" },
    { name: "breaches need not be consecutive, 2 of 3", points: "0 0 X 0 X", n: 3, m: 2, want: "ALARM" },
    { name: "only the N most recent count, 2 of 3", points: "X X 0 0 X", n: 3, m: 2, want: "OK" },
    { name: "4 of 5 with four breaches", points: "0 0 X X 0 X X", n: 5, m: 4, want: "ALARM" },
    { name: "4 of 5 with three breaches", points: "0 0 X 0 0 X X", n: 5, m: 4, want: "OK" },
    { name: "1 of 1 on the newest datapoint", points: "X X 0", n: 1, m: 1, want: "OK" },
  ])("$name: $points → $want", ({ points, n, m, want }) => {
    expect(state(points, n, m, "missing")).toBe(want);
  });

  it("lists the datapoints that agree with the new state, newest first", () => {
    const outcome = evaluateWindow({
      range: range("0 0 X 0 X"),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "missing",
      breaches: (v) => v > 5,
      current: "OK",
    });
    expect(outcome.state).toBe("ALARM");
    expect(outcome.evaluated.map((d) => d.start)).toEqual([240_000, 180_000, 120_000]);
    expect(outcome.agreeing.map((d) => d.start)).toEqual([240_000, 120_000]);
  });

  it("says how many missing datapoints were filled in, and as what", () => {
    const outcome = evaluateWindow({
      range: range("- - - - X"),
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "breaching",
      breaches: (v) => v > 5,
      current: "OK",
    });
    expect(outcome).toMatchObject({ state: "ALARM", rule: "filled", filled: 2, filledAs: "breaching" });
  });
});
