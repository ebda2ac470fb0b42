import { describe, expect, it } from "vitest";
import { type AnomalyBand, bandOfReason } from "../../../shared/core/alarms/stateChangeReason.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import {
  type AlarmSignal,
  breachOf,
  decideOnAlarm,
  targetsAnswering,
} from "../../../shared/core/deciders/alarmDecision.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";
import { virtwayConfig, virtwayJson } from "../../support/config.js";

const config = virtwayConfig();
const readers = config.targets.find((t) => t.id === "virtway-readers")!;
const acuFloor = config.targets.find((t) => t.id === "virtway-acu-floor")!;

const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000);

function alarm(alarmName: string, state: AlarmSignal["state"], s: number, value: number | null): AlarmSignal {
  return { alarmName, state, stateChangedAt: at(s).toISOString(), value, actionsSuppressedBy: null };
}

/** Feeds state changes through decideOnAlarm in order, as the ledger would, and returns each decision. */
function sequence(start: TargetState, signals: AlarmSignal[], target = readers) {
  let state = start;
  return signals.map((signal, i) => {
    const result = decideOnAlarm({
      config,
      target,
      state,
      signal,
      now: new Date(signal.stateChangedAt),
      decisionId: `d${i}`,
    });
    state = result.next;
    return { ...result.decision, state };
  });
}

const twoReaders = initialState("virtway-readers", { min: 1, max: 8 }, 2);

describe("decideOnAlarm on the Virtway readers", () => {
  it("72% on the 70% alarm adds one reader", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72)]);
    expect(d).toMatchObject({
      outcome: "scale-out",
      reason: "ScaleOut",
      policy: "readers-cpu-step-70",
      from: 2,
      to: 3,
    });
    expect(d!.state.inFlight).toHaveLength(1);
  });

  it("90% on the 85% alarm adds two readers", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-cpu-high-85", "ALARM", 0, 90)]);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "readers-cpu-step-85", from: 2, to: 4 });
  });

  it("the 70% alarm then the 85% alarm 30 s later: +1, then +1 more", () => {
    const [first, second] = sequence(twoReaders, [
      alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72),
      alarm("virtway-readers-cpu-high-85", "ALARM", 30, 90),
    ]);
    expect(first).toMatchObject({ from: 2, to: 3 });
    expect(second).toMatchObject({ outcome: "scale-out", from: 3, to: 4 });
  });

  it("the same state change delivered twice acts once", () => {
    const change = alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72);
    const [first, second] = sequence(twoReaders, [change, { ...change }]);
    expect(first).toMatchObject({ outcome: "scale-out", to: 3 });
    expect(second).toMatchObject({ outcome: "held", reason: "DuplicateStateChange", from: 3, to: 3 });
  });

  it("the 70% alarm again after a brief OK, while the reader provisions: nothing", () => {
    const decisions = sequence(twoReaders, [
      alarm("virtway-readers-cpu-high-70", "ALARM", 0, 72),
      alarm("virtway-readers-cpu-high-70", "OK", 120, null),
      alarm("virtway-readers-cpu-high-70", "ALARM", 180, 71),
      // its cooldown (300 s) is over, the reader (480 s) is not: still nothing
      alarm("virtway-readers-cpu-high-70", "OK", 300, null),
      alarm("virtway-readers-cpu-high-70", "ALARM", 360, 74),
    ]);
    expect(decisions.map((d) => ({ outcome: d.outcome, reason: d.reason }))).toEqual([
      { outcome: "scale-out", reason: "ScaleOut" },
      { outcome: "none", reason: "AlarmStateRecorded" },
      { outcome: "held", reason: "CooldownRepeat" },
      { outcome: "none", reason: "AlarmStateRecorded" },
      { outcome: "held", reason: "CapacityInFlight" },
    ]);
    expect(decisions.at(-1)!.state.capacity).toBe(3);
  });

  it("the low-CPU alarm after the cooldowns removes one reader: its ten datapoints are the stabilisation", () => {
    const settled: TargetState = { ...twoReaders, capacity: 4 };
    const [d] = sequence(settled, [alarm("virtway-readers-cpu-low", "ALARM", 0, 12)]);
    expect(d).toMatchObject({
      outcome: "scale-in",
      reason: "ScaleIn",
      policy: "readers-cpu-low-step",
      from: 4,
      to: 3,
    });
  });

  it("an OK is recorded as the alarm's state and does nothing else", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-cpu-high-70", "OK", 0, null)]);
    expect(d).toMatchObject({ outcome: "none", reason: "AlarmStateRecorded", to: 2 });
    expect(d!.state.alarms["virtway-readers-cpu-high-70"]).toEqual({
      state: "OK",
      since: at(0).toISOString(),
    });
  });

  it("a state change whose actions CloudWatch suppressed is recorded and does not act", () => {
    const signal = { ...alarm("virtway-readers-pressure", "ALARM", 0, null), actionsSuppressedBy: "Alarm" };
    const [d] = sequence(twoReaders, [signal]);
    expect(d).toMatchObject({ outcome: "none", reason: "ActionsSuppressed", to: 2 });
    expect(d!.state.alarms["virtway-readers-pressure"]).toMatchObject({ state: "ALARM", suppressed: true });
  });

  it("the composite alarm's single step applies without a value", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-pressure", "ALARM", 0, null)]);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "readers-pressure-step", to: 4 });
  });

  it("connections at 391 (80 and more over 280) take the +2 step", () => {
    const [d] = sequence(twoReaders, [alarm("virtway-readers-connections-high", "ALARM", 0, 391)]);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "readers-connections-step", to: 4 });
  });

  it("the 85% alarm doubles the ACU floor of the same cluster (PercentChangeInCapacity, at least 2)", () => {
    const floor = initialState("virtway-acu-floor", { min: 1, max: 16 }, 1);
    const [d] = sequence(floor, [alarm("virtway-readers-cpu-high-85", "ALARM", 0, 90)], acuFloor);
    expect(d).toMatchObject({ outcome: "scale-out", policy: "acu-floor-on-cpu-85", from: 1, to: 3 });
    expect(d!.state.inFlight).toEqual([]);
  });

  it("finds every target an alarm drives", () => {
    expect(targetsAnswering(config, "virtway-readers-cpu-high-85").map((t) => t.id)).toEqual([
      "virtway-readers",
      "virtway-acu-floor",
    ]);
    expect(targetsAnswering(config, "nobody-listens")).toEqual([]);
  });
});

describe("anomaly-detection alarms: the step intervals count from the band the state change carries", () => {
  // The front end answering three band alarms on its requests per target: above the upper band
  // adds, below the lower band removes; the two-sided alarm drives both policies.
  const raw = virtwayJson();
  const bandAlarm = (AlarmName: string, ComparisonOperator: string) => ({
    AlarmName,
    Metrics: [
      {
        Id: "m1",
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApplicationELB",
            MetricName: "RequestCountPerTarget",
            Dimensions: [{ Name: "TargetGroup", Value: "targetgroup/virtway-frontend/943f017f100becff" }],
          },
          Period: 60,
          Stat: "Sum",
        },
        ReturnData: true,
      },
      { Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData: false },
    ],
    // Five minutes of datapoints: the stabilisation window of a scale-in (300 s).
    EvaluationPeriods: 5,
    ThresholdMetricId: "ad1",
    ComparisonOperator,
  });
  raw.alarms.push(
    bandAlarm("frontend-requests-above-band", "GreaterThanUpperThreshold"),
    bandAlarm("frontend-requests-below-band", "LessThanLowerThreshold"),
    bandAlarm("frontend-requests-outside-band", "LessThanLowerOrGreaterThanUpperThreshold"),
  );
  const frontendRaw = raw.targets.find((t: { id: string }) => t.id === "virtway-frontend");
  frontendRaw.policies.push(
    {
      PolicyName: "frontend-band-out",
      PolicyType: "StepScaling",
      Alarms: ["frontend-requests-above-band", "frontend-requests-outside-band"],
      StepScalingPolicyConfiguration: {
        AdjustmentType: "ChangeInCapacity",
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 500, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 500, ScalingAdjustment: 3 },
        ],
        Cooldown: 60,
      },
    },
    {
      PolicyName: "frontend-band-in",
      PolicyType: "StepScaling",
      Alarms: ["frontend-requests-below-band", "frontend-requests-outside-band"],
      StepScalingPolicyConfiguration: {
        AdjustmentType: "ChangeInCapacity",
        StepAdjustments: [
          { MetricIntervalLowerBound: -200, MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
          { MetricIntervalUpperBound: -200, ScalingAdjustment: -2 },
        ],
        Cooldown: 60,
      },
    },
  );
  const validated = validateConfig(raw);
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
  const banded = validated.config;
  const frontend = banded.targets.find((t) => t.id === "virtway-frontend")!;
  const six = initialState("virtway-frontend", { min: 2, max: 20 }, 6);

  // CloudWatch's own wording (cloudwatch-and-eventbridge.html, anomaly detection alarm).
  const dp = (v: number) => `1 out of the last 1 datapoints [${v.toFixed(1)} (23/11/26 19:00:00)]`;
  const above = (v: number, upper: number) =>
    `Thresholds Crossed: ${dp(v)} was greater than the upper thresholds [${upper}] (minimum 1 datapoint for OK -> ALARM transition).`;
  const below = (v: number, lower: number) =>
    `Thresholds Crossed: ${dp(v)} was less than the lower thresholds [${lower}] (minimum 1 datapoint for OK -> ALARM transition).`;
  const outside = (v: number, lower: number, upper: number) =>
    `Thresholds Crossed: ${dp(v)} was less than the lower thresholds [${lower}] or greater than the upper thresholds [${upper}] (minimum 1 datapoint for OK -> ALARM transition).`;

  type Case = {
    name: string;
    alarm: string;
    value: number | null;
    reason?: string;
    band?: AnomalyBand;
    want: { outcome: string; reason: string; to: number; policy?: string };
    message?: RegExp;
  };
  const cases: Case[] = [
    {
      name: "above the upper band by 200: the [0, 500) step",
      alarm: "frontend-requests-above-band",
      value: 1700,
      reason: above(1700, 1500),
      want: { outcome: "scale-out", reason: "ScaleOut", to: 7, policy: "frontend-band-out" },
    },
    {
      name: "above the upper band by 600: the [500, +∞) step",
      alarm: "frontend-requests-above-band",
      value: 2100,
      reason: above(2100, 1500),
      want: { outcome: "scale-out", reason: "ScaleOut", to: 9 },
    },
    {
      name: "the band as the delivery parsed it (reasonData), no reason text",
      alarm: "frontend-requests-above-band",
      value: 1700,
      band: { lower: 450, upper: 1500 },
      want: { outcome: "scale-out", reason: "ScaleOut", to: 7 },
    },
    {
      name: "no upper band in the state change: held, not counted from 0",
      alarm: "frontend-requests-above-band",
      value: 1700,
      reason: "Thresholds Crossed: 1 out of the last 1 datapoints [1700.0 (23/11/26 19:00:00)]",
      want: { outcome: "held", reason: "NoData", to: 6, policy: "frontend-band-out" },
      message:
        /anomaly-detection alarm \(ThresholdMetricId ad1\).*band's upper threshold.*recentUpperThresholds/,
    },
    {
      name: "below the lower band by 150: the (-200, 0] step",
      alarm: "frontend-requests-below-band",
      value: 300,
      reason: below(300, 450),
      want: { outcome: "scale-in", reason: "ScaleIn", to: 5, policy: "frontend-band-in" },
    },
    {
      name: "below the lower band by 350: the (-∞, -200] step",
      alarm: "frontend-requests-below-band",
      value: 100,
      reason: below(100, 450),
      want: { outcome: "scale-in", reason: "ScaleIn", to: 4 },
    },
    {
      name: "only an upper band for a lower-band alarm: held",
      alarm: "frontend-requests-below-band",
      value: 300,
      band: { lower: null, upper: 1500 },
      want: { outcome: "held", reason: "NoData", to: 6 },
      message: /band's lower threshold.*recentLowerThresholds/,
    },
    {
      name: "outside the band, above it: the upper band, the scale-out policy",
      alarm: "frontend-requests-outside-band",
      value: 2100,
      reason: outside(2100, 450, 1500),
      want: { outcome: "scale-out", reason: "ScaleOut", to: 9, policy: "frontend-band-out" },
    },
    {
      name: "outside the band, below it: the lower band, the scale-in policy",
      alarm: "frontend-requests-outside-band",
      value: 300,
      reason: outside(300, 450, 1500),
      want: { outcome: "scale-in", reason: "ScaleIn", to: 5, policy: "frontend-band-in" },
    },
    {
      name: "within the band: neither side breached",
      alarm: "frontend-requests-outside-band",
      value: 1000,
      reason: outside(1000, 450, 1500),
      want: { outcome: "none", reason: "NoStepForValue", to: 6 },
      message: /1000 lies within the band \[450, 1500\]/,
    },
    {
      name: "above a band whose upper side is missing: held",
      alarm: "frontend-requests-outside-band",
      value: 2100,
      band: { lower: 450, upper: null },
      want: { outcome: "held", reason: "NoData", to: 6 },
      message: /band's upper threshold/,
    },
    {
      name: "no band at all and no datapoint: held",
      alarm: "frontend-requests-outside-band",
      value: null,
      want: { outcome: "held", reason: "NoData", to: 6 },
      message: /band's lower or upper threshold/,
    },
  ];

  it.each(cases)("$name", ({ alarm: name, value, reason, band, want, message }) => {
    const signal: AlarmSignal = {
      ...alarm(name, "ALARM", 0, value),
      ...(reason !== undefined ? { reason } : {}),
      ...(band !== undefined ? { band } : {}),
    };
    const { decision, next, act } = decideOnAlarm({
      config: banded,
      target: frontend,
      state: six,
      signal,
      now: at(0),
      decisionId: "d",
    });
    expect(decision).toMatchObject({ from: 6, ...want });
    expect(act).toBe(want.outcome === "scale-out" || want.outcome === "scale-in");
    if (message) expect(decision.message).toMatch(message);
    // Held or not, the change is remembered: a second delivery is a duplicate.
    expect(next.alarms[name]?.state).toBe("ALARM");
    expect(Object.keys(next.seen)).toHaveLength(1);
  });

  it("reads the band from the reason at its newest datapoint, and not from a list that does not line up", () => {
    const three =
      "Thresholds Crossed: 3 out of the last 3 datapoints [2100.0 (23/11/26 19:02:00), 1900.0 (23/11/26 19:01:00), 1700.0 (23/11/26 19:00:00)] was less than the lower thresholds [440.0, 445.0, 450.0] or greater than the upper thresholds [1520.0, 1510.0, 1500.0] (minimum 3 datapoints for OK -> ALARM transition).";
    expect(bandOfReason(three)).toEqual({ lower: 440, upper: 1520 });
    expect(bandOfReason(outside(0, 0.020599444741798756, 0.3006915352732461))).toEqual({
      lower: 0.020599444741798756,
      upper: 0.3006915352732461,
    });
    const misaligned =
      "Thresholds Crossed: 2 out of the last 2 datapoints [2100.0 (23/11/26 19:01:00), 1900.0 (23/11/26 19:00:00)] was greater than the upper thresholds [1520.0, 1510.0, 1500.0]";
    expect(bandOfReason(misaligned)).toEqual({ lower: null, upper: null });
    expect(
      bandOfReason("Threshold Crossed: 1 datapoint (10.0) was greater than the threshold (1.0)."),
    ).toEqual({
      lower: null,
      upper: null,
    });
  });

  it("the tick, which reads no band, sees an anomaly-detection alarm's breach without a value", () => {
    expect(breachOf(banded, "frontend-requests-above-band", 1700)).toMatchObject({
      kind: "metric",
      value: undefined,
    });
    expect(breachOf(banded, "virtway-frontend-requests-high", 2000)).toMatchObject({
      threshold: 1800,
      value: 2000,
    });
  });
});
