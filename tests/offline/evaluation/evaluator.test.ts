import { describe, expect, it } from "vitest";
import type { Alarm, MetricAlarm } from "../../../shared/core/config/schema.js";
import {
  AlarmEvaluator,
  evaluateRecords,
  evaluateStream,
} from "../../../shared/offline/evaluation/evaluator.js";
import { compareChanges, type StateChange } from "../../../shared/offline/evaluation/stateChange.js";
import type { MetricRecord } from "../../../shared/offline/streams/record.js";
import { alarm, brief, hhmm, MINUTE, record, series, T0 } from "./support.js";

const run = (alarms: Alarm[], records: MetricRecord[]) => evaluateRecords(alarms, records);

describe("a metric alarm over a recording", () => {
  // AlarmThatSendsEmail.html, "Evaluating an alarm": threshold 3, 3 of 3; ALARM once three periods
  // in a row breach (periods 3–5), OK at period 6, a lone breach at period 9 changes nothing.
  it("follows AWS's figure: 3 of 3 over ten periods", async () => {
    const values = [1, 2, 4, 4, 4, 2, 2, 2, 4, 2];
    const { stateChanges } = await run(
      [alarm({ Threshold: 3, EvaluationPeriods: 3, DatapointsToAlarm: 3 })],
      series(values, 1),
    );
    expect(brief(stateChanges)).toEqual([
      { at: "19:02", from: "INSUFFICIENT_DATA", to: "OK", value: 1 },
      { at: "19:06", from: "OK", to: "ALARM", value: 4 },
      { at: "19:07", from: "ALARM", to: "OK", value: 2 },
    ]);
  });

  it("starts INSUFFICIENT_DATA and changes at the end of the period whose datapoint decided", async () => {
    const { stateChanges } = await run([alarm()], series([60, 75, 80, 65]));
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 60 },
      { at: "19:02", from: "OK", to: "ALARM", value: 75 },
      { at: "19:04", from: "ALARM", to: "OK", value: 65 },
    ]);
    expect(stateChanges[1]).toMatchObject({
      at: "2026-11-23T19:02:00.000Z",
      datapoints: [{ at: "2026-11-23T19:01:00.000Z", value: 75, sampleCount: 1 }],
      reason:
        "Threshold Crossed: 1 out of the last 1 datapoints [75.0 (23/11/26 19:01:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
    });
  });

  it("M of N: 2 of 3 alarms on two breaches that are not consecutive", async () => {
    const { stateChanges } = await run(
      [alarm({ EvaluationPeriods: 3, DatapointsToAlarm: 2 })],
      series([60, 80, 60, 80, 60, 60]),
    );
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 60 },
      { at: "19:04", from: "OK", to: "ALARM", value: 80 },
      { at: "19:05", from: "ALARM", to: "OK", value: 60 },
    ]);
    expect(stateChanges[1]?.reason).toBe(
      "Threshold Crossed: 2 out of the last 3 datapoints [80.0 (23/11/26 19:03:00), 80.0 (23/11/26 19:01:00)] were greater than the threshold (70.0) (minimum 2 datapoints for OK -> ALARM transition).",
    );
  });

  it.each([
    { op: "GreaterThanOrEqualToThreshold", values: [69, 70], want: "ALARM" },
    { op: "GreaterThanThreshold", values: [69, 70], want: "OK" },
    { op: "LessThanThreshold", values: [71, 69.9], want: "ALARM" },
    { op: "LessThanOrEqualToThreshold", values: [71, 70], want: "ALARM" },
    { op: "LessThanThreshold", values: [71, 70], want: "OK" },
  ] as const)("$op on $values ends $want", async ({ op, values, want }) => {
    const { stateChanges } = await run([alarm({ ComparisonOperator: op })], series([...values]));
    expect(stateChanges.at(-1)?.to).toBe(want);
  });

  it("is evaluated over the periods its records cover only: nothing after the last record", async () => {
    const { stateChanges } = await run(
      [alarm({ TreatMissingData: "breaching", EvaluationPeriods: 2 })],
      series([60, 60]),
    );
    expect(brief(stateChanges)).toEqual([{ at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 60 }]);
  });

  it("reports nothing for an alarm with no record, and the others still run", async () => {
    const other = alarm({ AlarmName: "other", MetricName: "Other" });
    const { stateChanges } = await run([other, alarm()], series([80]));
    expect(stateChanges.map((c) => c.alarm)).toEqual(["load-high"]);
  });

  it("aggregates one-minute records into the alarm's Period", async () => {
    // Period 300: 19:00–19:05 averages 66 (not > 70), 19:05–19:10 averages 76.
    const { stateChanges } = await run(
      [alarm({ Period: 300 })],
      series([60, 62, 64, 70, 74, 72, 74, 76, 78, 80]),
    );
    expect(brief(stateChanges)).toEqual([
      { at: "19:05", from: "INSUFFICIENT_DATA", to: "OK", value: 66 },
      { at: "19:10", from: "OK", to: "ALARM", value: 76 },
    ]);
  });
});

describe("TreatMissingData over a gap in a recording", () => {
  // 1 of 1 (evaluation range 3): breaching at 19:00–19:02, no data 19:03–19:09, 60 at 19:10.
  const records = [...series([80, 80, 80]), record(10, 60)];
  it.each([
    {
      treat: "missing",
      // The range still holds a real datapoint until 19:05; then all is missing.
      want: [
        { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 80 },
        { at: "19:06", from: "ALARM", to: "INSUFFICIENT_DATA", value: null },
        { at: "19:11", from: "INSUFFICIENT_DATA", to: "OK", value: 60 },
      ],
    },
    {
      treat: "breaching",
      want: [
        { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 80 },
        { at: "19:11", from: "ALARM", to: "OK", value: 60 },
      ],
    },
    {
      treat: "notBreaching",
      want: [
        { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 80 },
        { at: "19:06", from: "ALARM", to: "OK", value: null },
      ],
    },
    {
      treat: "ignore",
      want: [
        { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 80 },
        { at: "19:11", from: "ALARM", to: "OK", value: 60 },
      ],
    },
  ] as const)("$treat", async ({ treat, want }) => {
    const { stateChanges } = await run([alarm({ TreatMissingData: treat })], records);
    expect(brief(stateChanges)).toEqual(want);
  });

  it("says why in AWS's words when missing data decides", async () => {
    const { stateChanges } = await run([alarm({ TreatMissingData: "notBreaching" })], records);
    expect(stateChanges[1]?.reason).toBe(
      "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].",
    );
    const missing = await run([alarm()], records);
    expect(missing.stateChanges[1]?.reason).toBe("Insufficient Data: 1 datapoint was unknown.");
  });

  it("AWS/DynamoDB alarms always ignore missing data, whatever they say (PutMetricAlarm)", async () => {
    const dynamo = {
      namespace: "AWS/DynamoDB",
      metricName: "ThrottledRequests",
      dimensions: { TableName: "t" },
    };
    const recs = [...series([80, 80], 0, dynamo), record(20, 60, dynamo)];
    const a = alarm({
      Namespace: "AWS/DynamoDB",
      MetricName: "ThrottledRequests",
      Dimensions: [{ Name: "TableName", Value: "t" }],
      TreatMissingData: "notBreaching",
    });
    const { stateChanges } = await run([a], recs);
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 80 },
      { at: "19:21", from: "ALARM", to: "OK", value: 60 },
    ]);
  });

  it("crosses a day-long gap without evaluating every minute of it wrongly", async () => {
    const recs = [record(0, 80), record(24 * 60, 80)];
    const { stateChanges } = await run(
      [alarm({ TreatMissingData: "breaching", EvaluationPeriods: 3 })],
      recs,
    );
    // 1 real breach + 2 filled: ALARM at once, and it stays ALARM through the gap.
    expect(brief(stateChanges)).toEqual([{ at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 80 }]);
  });
});

describe("matching records to alarms as CloudWatch matches metrics", () => {
  it("needs the exact set of dimensions: a superset or a subset is another metric", async () => {
    const recs = [
      record(0, 90, { dimensions: { Service: "api", AZ: "eu-west-1a" } }),
      record(0, 90, { dimensions: {} }),
      record(0, 90, { dimensions: { Service: "web" } }),
    ];
    const result = await run([alarm()], recs);
    expect(result.stateChanges).toEqual([]);
    expect(result).toMatchObject({ records: 3, series: 3, unusedSeries: 3 });
  });

  it("ignores the order of dimensions", async () => {
    const a = alarm({
      Dimensions: [
        { Name: "Role", Value: "READER" },
        { Name: "DBClusterIdentifier", Value: "db" },
      ],
    });
    const { stateChanges } = await run(
      [a],
      [record(0, 90, { dimensions: { DBClusterIdentifier: "db", Role: "READER" } })],
    );
    expect(stateChanges.map((c) => c.to)).toEqual(["ALARM"]);
  });

  it("takes only records of the alarm's Unit where it names one; records of unknown unit count", async () => {
    const recs = [
      record(0, 90, { unit: "Count" }),
      record(1, 50, { unit: "Percent" }),
      record(2, 95, { unit: null }),
    ];
    const { stateChanges } = await run([alarm({ Unit: "Percent" })], recs);
    expect(brief(stateChanges)).toEqual([
      { at: "19:02", from: "INSUFFICIENT_DATA", to: "OK", value: 50 },
      { at: "19:03", from: "OK", to: "ALARM", value: 95 },
    ]);
  });

  it("takes every unit where the alarm names none", async () => {
    const { stateChanges } = await run([alarm()], [record(0, 90, { unit: "Count" })]);
    expect(stateChanges.map((c) => c.to)).toEqual(["ALARM"]);
  });

  it("counts the series no alarm uses and ignores them", async () => {
    const recs = [
      record(0, 90),
      record(0, 1, { metricName: "Other" }),
      record(1, 2, { metricName: "Other" }),
    ];
    const result = await run([alarm()], recs);
    expect(result).toMatchObject({ records: 3, series: 2, unusedSeries: 1 });
  });
});

describe("percentile alarms", () => {
  const p90 = alarm({
    AlarmName: "latency-p90",
    Statistic: undefined,
    ExtendedStatistic: "p90",
    Threshold: 500,
  });

  it("are exact from raw samples (the CSV's value column)", async () => {
    // 10 samples a minute: p90 is the 9th smallest.
    const minute = (m: number, slow: number) =>
      Array.from({ length: 10 }, (_, i) => record(m, i < 10 - slow ? 100 : 900, { metricName: "Load" })).map(
        (r, i) => ({
          ...r,
          timestamp: r.timestamp + i * 1000,
          stats: { ...r.stats, values: [r.stats.sum as number] },
        }),
      );
    const { stateChanges, notes } = await run([p90], [...minute(0, 1), ...minute(1, 2)]);
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 100 },
      { at: "19:02", from: "OK", to: "ALARM", value: 900 },
    ]);
    expect(notes).toEqual([]);
  });

  it("are approximated from min/avg/max where the stream has no distribution, and say so", async () => {
    const recs = [
      record(0, { sampleCount: 10, sum: 2000, minimum: 100, maximum: 600 }), // avg 200: p90 = 200 + 400 × 0.8 = 520
      record(1, { sampleCount: 10, sum: 1500, minimum: 100, maximum: 300 }), // avg 150: p90 = 150 + 150 × 0.8 = 270
    ];
    const { stateChanges, notes } = await run([p90], recs);
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: 520 },
      { at: "19:02", from: "ALARM", to: "OK", value: 270 },
    ]);
    expect(notes).toEqual([
      { alarm: "latency-p90", approximated: { percentileFromMinAvgMax: 2 }, unavailable: 0 },
    ]);
  });

  it("use the percentile a Metric Stream carries when it has one", async () => {
    const recs = [
      record(0, { sampleCount: 10, sum: 2000, minimum: 100, maximum: 600, extended: { p90: 450 } }),
    ];
    const { stateChanges } = await run([p90], recs);
    expect(brief(stateChanges)).toEqual([{ at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 450 }]);
  });

  it("with EvaluateLowSampleCountPercentile ignore, do not change state on too few samples", async () => {
    // p90 needs 10 / (1 - 0.9) = 100 samples.
    const lowIgnore = { ...p90, EvaluateLowSampleCountPercentile: "ignore" as const };
    const recs = [
      record(0, { sampleCount: 10, sum: 9000, minimum: 900, maximum: 900, values: Array(10).fill(900) }),
    ];
    expect((await run([lowIgnore], recs)).stateChanges).toEqual([]);
    expect((await run([p90], recs)).stateChanges.map((c) => c.to)).toEqual(["ALARM"]);
  });
});

describe("metric-math alarms", () => {
  const dims = { LoadBalancer: "app/alb/1", TargetGroup: "targetgroup/api/2" };
  const perHost: MetricAlarm = {
    AlarmName: "api-requests-high",
    Metrics: [
      {
        Id: "requests",
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApplicationELB",
            MetricName: "RequestCount",
            Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 60,
          Stat: "Sum",
        },
        ReturnData: false,
      },
      {
        Id: "hosts",
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApplicationELB",
            MetricName: "HealthyHostCount",
            Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 60,
          Stat: "Average",
        },
        ReturnData: false,
      },
      { Id: "perhost", Expression: "requests / hosts", ReturnData: true },
    ],
    EvaluationPeriods: 1,
    Threshold: 1800,
    ComparisonOperator: "GreaterThanThreshold",
  };
  const elb = (metricName: string) => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: dims,
    unit: "Count",
  });

  it("evaluates the expression per period from each metric's statistic", async () => {
    const recs = [
      ...series([2200, 9200, 10400, 9800], 0, elb("RequestCount")),
      ...series([4, 4, 4, 6], 0, elb("HealthyHostCount")),
    ].sort((a, b) => a.timestamp - b.timestamp);
    const { stateChanges } = await run([perHost], recs);
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "OK", value: 550 },
      { at: "19:02", from: "OK", to: "ALARM", value: 2300 },
      { at: "19:04", from: "ALARM", to: "OK", value: 1633.33333333333 },
    ]);
    expect(stateChanges[0]?.alarmType).toBe("metric-math");
  });

  it("treats a period whose divisor is missing as a missing datapoint (division by zero drops it)", async () => {
    const recs = series([9200, 9400], 0, elb("RequestCount"));
    const { stateChanges } = await run([{ ...perHost, TreatMissingData: "breaching" }], recs);
    // No datapoint at all (not Infinity): the missing one is filled in as breaching.
    expect(brief(stateChanges)).toEqual([
      { at: "19:01", from: "INSUFFICIENT_DATA", to: "ALARM", value: null },
    ]);
    expect(stateChanges[0]?.reason).toContain("1 missing datapoint was treated as [Breaching]");
  });
});

describe("alarms the evaluator cannot reproduce offline", () => {
  it.each([
    {
      name: "anomaly detection",
      alarm: alarm({
        Threshold: undefined,
        ThresholdMetricId: "band",
        ComparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
      }),
      message: "anomaly detection is not supported offline",
    },
    {
      name: "a trimmed mean",
      alarm: alarm({ Statistic: undefined, ExtendedStatistic: "tm90" }),
      message: "the statistic tm90 is not supported offline",
    },
  ])("$name is reported by name and left out", ({ alarm: a, message }) => {
    const evaluator = new AlarmEvaluator([a, alarm({ AlarmName: "ok-one" })]);
    expect(evaluator.unsupported.map((u) => u.message)).toEqual([
      expect.stringContaining(`load-high: not evaluated: ${message}`),
    ]);
    evaluator.push(record(0, 90));
    expect(evaluator.finish().stateChanges.map((c) => c.alarm)).toEqual(["ok-one"]);
  });

  it("refuses records out of time order (readStreams orders them)", () => {
    const evaluator = new AlarmEvaluator([alarm()]);
    evaluator.push(record(1, 90));
    expect(() => evaluator.push(record(0, 90))).toThrow(RangeError);
  });

  it("keeps the time line in order across alarms, composites after the alarms they follow", async () => {
    const a = alarm({ AlarmName: "a" });
    const b = alarm({ AlarmName: "b", MetricName: "Other" });
    const both = { AlarmName: "both", AlarmRule: "ALARM(a) AND ALARM(b)" };
    const recs = [
      record(0, 90),
      record(0, 90, { metricName: "Other" }),
      record(1, 50, { metricName: "Other" }),
    ];
    const { stateChanges } = await run([both, b, a], recs);
    expect(stateChanges.map((c) => ({ at: c.at.slice(11, 16), alarm: c.alarm, to: c.to }))).toEqual([
      { at: "19:01", alarm: "b", to: "ALARM" },
      { at: "19:01", alarm: "a", to: "ALARM" },
      { at: "19:01", alarm: "both", to: "ALARM" },
      { at: "19:02", alarm: "b", to: "OK" },
      { at: "19:02", alarm: "both", to: "OK" },
    ]);
    expect(T0 + MINUTE).toBe(Date.parse("2026-11-23T19:01:00Z"));
  });
});

describe("changes released as they are decided, not collected", () => {
  const other = { metricName: "Other" };
  const label = (c: StateChange) => `${c.at.slice(11, 16)} ${c.alarm} ${c.to}`;
  /** Pushes the records one by one; after each, what `take` released, labelled by the record's minute. */
  /** Per record that released changes: its minute (pushed) and the changes (released). */
  function pushAll(evaluator: AlarmEvaluator, records: MetricRecord[]) {
    const releases: { pushed: string; released: string[] }[] = [];
    for (const r of records) {
      evaluator.push(r);
      const taken = evaluator.take().map(label);
      if (taken.length > 0) releases.push({ pushed: hhmm((r.timestamp - T0) / MINUTE), released: taken });
    }
    return releases;
  }

  it("the async iterator yields each change as soon as a record at its time is read, before the input ends", async () => {
    let read = 0;
    let ended = false;
    async function* input() {
      for (const r of series([60, 80, 60, 80, 60])) {
        read++;
        yield r;
      }
      ended = true;
    }
    const seen: { at: string; read: number; ended: boolean }[] = [];
    const changes = evaluateStream([alarm()], input());
    for await (const c of changes) seen.push({ at: c.at.slice(11, 16), read, ended });
    // 19:01 is the end of the first period: released with the record of 19:01, the second one read.
    expect(seen).toEqual([
      { at: "19:01", read: 2, ended: false },
      { at: "19:02", read: 3, ended: false },
      { at: "19:03", read: 4, ended: false },
      { at: "19:04", read: 5, ended: false },
      { at: "19:05", read: 5, ended: true },
    ]);
  });

  it("the iterator returns the summary once the changes are out", async () => {
    const changes = evaluateStream([alarm()], series([60, 80]));
    const yielded: string[] = [];
    let next = await changes.next();
    for (; !next.done; next = await changes.next()) yielded.push(label(next.value));
    expect(yielded).toEqual(["19:01 load-high OK", "19:02 load-high ALARM"]);
    expect(next.value).toMatchObject({ records: 2, series: 1, unusedSeries: 0, firstMs: T0 });
    expect(next.value).not.toHaveProperty("stateChanges");
  });

  it("releases an instant once the recording passes it, also for alarms whose series has no later record", () => {
    // Five-minute periods on Other: 19:00–19:05 is closed by a record of Load at 19:05.
    const slow = alarm({ AlarmName: "other-slow", MetricName: "Other", Period: 300 });
    const evaluator = new AlarmEvaluator([alarm(), slow]);
    const records = [...series([60, 60, 60, 60, 60, 80, 80]), ...series([90, 90, 90, 90, 90], 0, other)].sort(
      (a, b) => a.timestamp - b.timestamp,
    );
    expect(pushAll(evaluator, records)).toEqual([
      { pushed: "19:01", released: ["19:01 load-high OK"] },
      { pushed: "19:05", released: ["19:05 other-slow ALARM"] },
      { pushed: "19:06", released: ["19:06 load-high ALARM"] },
    ]);
    expect(evaluator.finish().stateChanges).toEqual([]);
  });

  it("a composite is released at the instant of its children, after them, in the order of the configuration", () => {
    const both = { AlarmName: "both", AlarmRule: "ALARM(load-high) AND ALARM(other-high)" };
    const evaluator = new AlarmEvaluator([
      both,
      alarm({ AlarmName: "other-high", MetricName: "Other" }),
      alarm(),
    ]);
    const records = [...series([80, 80, 60]), ...series([90, 50, 50], 0, other)].sort(
      (a, b) => a.timestamp - b.timestamp,
    );
    expect(pushAll(evaluator, records)).toEqual([
      { pushed: "19:01", released: ["19:01 other-high ALARM", "19:01 load-high ALARM", "19:01 both ALARM"] },
      { pushed: "19:02", released: ["19:02 other-high OK", "19:02 both OK"] },
    ]);
    expect(evaluator.finish().stateChanges.map(label)).toEqual(["19:03 load-high OK"]);
  });

  // Other breaches at 19:00–19:02, then has no record: its evaluation range (N + 2 = 3 periods)
  // empties and it would go INSUFFICIENT_DATA at 19:06, but only if it has a later record.
  const gappy = [...series([80, 80, 80], 0, other)];
  const load = series([60, 80, 60, 80, 60, 80, 60, 80, 60, 80, 60, 80, 60]);
  const alarms = () => [alarm(), alarm({ AlarmName: "other-high", MetricName: "Other" })];

  it("holds what follows a silent alarm's pending change until its series resumes, then keeps the order", () => {
    const evaluator = new AlarmEvaluator(alarms());
    const records = [...load, ...gappy, record(10, 60, other)].sort((a, b) => a.timestamp - b.timestamp);
    const releases = pushAll(evaluator, records);
    expect(releases.slice(0, 5).map(({ pushed }) => pushed)).toEqual([
      "19:01",
      "19:02",
      "19:03",
      "19:04",
      "19:05",
    ]);
    // Nothing from 19:06 on until Other's record of 19:10 has come (released with the next instant).
    expect(releases[5]).toEqual({
      pushed: "19:11",
      released: [
        "19:06 load-high ALARM",
        "19:06 other-high INSUFFICIENT_DATA",
        "19:07 load-high OK",
        "19:08 load-high ALARM",
        "19:09 load-high OK",
        "19:10 load-high ALARM",
        "19:11 load-high OK",
        "19:11 other-high OK",
      ],
    });
    expect(releases[6]).toEqual({ pushed: "19:12", released: ["19:12 load-high ALARM"] });
    expect(evaluator.finish().stateChanges.map(label)).toEqual(["19:13 load-high OK"]);
  });

  it("drops a silent alarm's pending change when its series never resumes, and releases the rest in order at the end", () => {
    const evaluator = new AlarmEvaluator(alarms());
    const records = [...load, ...gappy].sort((a, b) => a.timestamp - b.timestamp);
    const released = pushAll(evaluator, records).flatMap(({ released }) => released);
    const rest = evaluator.finish().stateChanges.map(label);
    expect(released.at(-1)).toBe("19:05 load-high OK");
    expect(rest[0]).toBe("19:06 load-high ALARM");
    expect([...released, ...rest].filter((c) => c.includes("other-high"))).toEqual([
      "19:01 other-high ALARM",
    ]);
    expect(rest).toHaveLength(8);
  });

  it("gives the same changes, in the same order, as evaluating the whole recording and sorting", async () => {
    const both = { AlarmName: "both", AlarmRule: "ALARM(load-high) OR ALARM(other-high)" };
    const slow = alarm({ AlarmName: "slow", Period: 300, EvaluationPeriods: 2, DatapointsToAlarm: 1 });
    const records = [...load, ...gappy, record(10, 60, other)].sort((a, b) => a.timestamp - b.timestamp);
    const streamed: StateChange[] = [];
    for await (const c of evaluateStream([both, slow, ...alarms()], records)) streamed.push(c);
    const order = new Map([both, slow, ...alarms()].map((a, i) => [a.AlarmName, i]));
    expect(streamed.map(label)).toEqual([...streamed].sort(compareChanges(order)).map(label));
    expect(streamed.filter((c) => c.alarm === "slow").map(label)).toEqual([
      "19:05 slow OK",
      "19:10 slow ALARM",
    ]);
  });
});
