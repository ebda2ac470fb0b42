/**
 * Every payload the evaluator emits is parsed by the `alarm` function's own parser
 * (shared/adapters/events/parseEvent.ts) to the state change it came from, and has the structure of the
 * samples in events/ that were copied from AWS.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../../shared/adapters/events/parseEvent.js";
import { evaluateRecords } from "../../../shared/offline/evaluation/evaluator.js";
import {
  eventBridgeEventFor,
  lambdaActionEventFor,
  type PayloadContext,
  snsEventFor,
} from "../../../shared/offline/evaluation/payloads.js";
import type { StateChange } from "../../../shared/offline/evaluation/stateChange.js";
import { readStreams } from "../../../shared/offline/streams/readStream.js";
import { virtwayConfig } from "../../support/config.js";
import { alarm, record, series } from "./support.js";

const config = virtwayConfig();
const ctx: PayloadContext = { account: "123456789012", region: "eu-west-1" };
const alarmNamed = (name: string) => {
  const found = [...config.alarms, ...extraAlarms].find((a) => a.AlarmName === name);
  if (!found) throw new Error(name);
  return found;
};

// Changes the avalanche does not have: missing data filled in, INSUFFICIENT_DATA, a percentile,
// a composite whose actions a suppressor held.
const extraAlarms = [
  alarm({ AlarmName: "gap-missing" }),
  alarm({
    AlarmName: "gap-breaching",
    MetricName: "Gap",
    TreatMissingData: "breaching",
    EvaluationPeriods: 3,
  }),
  alarm({
    AlarmName: "p99-high",
    MetricName: "Latency",
    Statistic: undefined,
    ExtendedStatistic: "p99",
    Threshold: 0.5,
  }),
  {
    AlarmName: "held",
    AlarmRule: "ALARM(gap-missing)",
    ActionsSuppressor: "p99-high",
    ActionsSuppressorWaitPeriod: 0,
  },
];
const extraRecords = [
  ...series([80, 80, null, null, null, null, 60]),
  record(0, 10, { metricName: "Gap" }),
  record(9, 90, { metricName: "Gap" }),
  ...series([0.2, 0.9, 0.9, 0.9, 0.9, 0.9], 0, { metricName: "Latency" }),
].sort((a, b) => a.timestamp - b.timestamp);

async function allChanges(): Promise<StateChange[]> {
  const avalanche = await evaluateRecords(config.alarms, readStreams(["events/streams/avalanche.jsonl"]));
  const extra = await evaluateRecords(extraAlarms, extraRecords);
  return [...avalanche.stateChanges, ...extra.stateChanges];
}
const changes = await allChanges();

const label = (c: StateChange) => `${c.alarm} ${c.from} -> ${c.to} at ${c.at}`;

describe("payloads built from evaluated state changes", () => {
  it("cover every kind of change", () => {
    const kinds = new Set(
      changes.map((c) => `${c.alarmType}:${c.to}:${c.value === null ? "no value" : "value"}`),
    );
    expect([...kinds].sort()).toEqual([
      "composite:ALARM:no value",
      "composite:OK:no value",
      "metric-math:ALARM:value",
      "metric-math:OK:value",
      "metric:ALARM:no value",
      "metric:ALARM:value",
      "metric:INSUFFICIENT_DATA:no value",
      "metric:OK:value",
    ]);
    expect(changes.some((c) => c.actionsSuppressedBy === "Alarm")).toBe(true);
  });

  it.each(changes.map((c) => [label(c), c] as const))(
    "SNS: %s parses back to the same change",
    (_, change) => {
      const event = snsEventFor(change, alarmNamed(change.alarm), ctx);
      if (change.actionsAt === null) {
        // Suppressed actions are not run, and an SNS notification is an action.
        expect(event).toBeNull();
        return;
      }
      const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
      expect(parsed.type).toBe("alarm-state-change");
      if (parsed.type !== "alarm-state-change") return;
      expect(parsed.changes).toHaveLength(1);
      expect(parsed.changes[0]).toMatchObject({
        delivery: "sns",
        alarmName: change.alarm,
        state: change.to,
        previousState: change.from,
        stateChangedAt: change.at,
        value: change.value,
        account: "123456789012",
        region: "eu-west-1",
        alarmType: change.alarmType,
      });
    },
  );

  it.each(changes.map((c) => [label(c), c] as const))(
    "EventBridge: %s parses back to the same change",
    (_, change) => {
      const event = eventBridgeEventFor(change, alarmNamed(change.alarm), ctx);
      const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
      expect(parsed.type).toBe("alarm-state-change");
      if (parsed.type !== "alarm-state-change") return;
      expect(parsed.changes[0]).toMatchObject({
        delivery: "eventbridge",
        alarmName: change.alarm,
        state: change.to,
        previousState: change.from,
        stateChangedAt: change.at,
        value: change.value,
        alarmType: change.alarmType,
        actionsSuppressedBy: change.actionsSuppressedBy,
      });
    },
  );

  it.each(changes.map((c) => [label(c), c] as const))(
    "Lambda alarm action: %s parses back to the same change",
    (_, change) => {
      const event = lambdaActionEventFor(change, alarmNamed(change.alarm), ctx);
      if (change.actionsAt === null) {
        // Invoking a function is an action too: none when actions were suppressed.
        expect(event).toBeNull();
        return;
      }
      const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
      expect(parsed.type).toBe("alarm-state-change");
      if (parsed.type !== "alarm-state-change") return;
      expect(parsed.changes[0]).toMatchObject({
        delivery: "lambda-action",
        alarmName: change.alarm,
        alarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${change.alarm}`,
        state: change.to,
        previousState: change.from,
        stateChangedAt: change.at,
        value: change.value,
        account: "123456789012",
        region: "eu-west-1",
        source: "aws.cloudwatch",
        alarmType: change.alarmType,
      });
    },
  );

  it("states the threshold of metric alarms, as the samples do", () => {
    const cpu70 = changes.find(
      (c) => c.alarm === "virtway-readers-cpu-high-70" && c.to === "ALARM",
    ) as StateChange;
    const fromSns = parseEvent(snsEventFor(cpu70, alarmNamed(cpu70.alarm), ctx));
    const fromEventBridge = parseEvent(eventBridgeEventFor(cpu70, alarmNamed(cpu70.alarm), ctx));
    for (const parsed of [fromSns, fromEventBridge]) {
      expect(parsed).toMatchObject({
        changes: [{ threshold: 70, value: 76.5, stateChangedAt: "2026-11-23T19:01:00.000Z" }],
      });
    }
  });
});

/** The keys of an object, recursively, as paths: the structure without the values. */
function shape(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.length ? shape(value[0], `${prefix}[]`) : [`${prefix}[]`];
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => shape(v, prefix ? `${prefix}.${k}` : k));
}
const sample = (file: string) => JSON.parse(readFileSync(`events/${file}`, "utf8"));
const find = (name: string, to: string) =>
  changes.find((c) => c.alarm === name && c.to === to) as StateChange;

describe("the payloads have the structure of AWS's, as in the samples of events/", () => {
  it.each([
    ["a metric alarm", "virtway-readers-cpu-high-70", "readers-cpu-70.json"],
    ["a metric-math alarm", "virtway-api-requests-high", "api-requests-high.json"],
    ["a composite alarm", "virtway-readers-pressure", "readers-pressure.json"],
  ])("SNS, %s", (_, name, file) => {
    const ours = snsEventFor(find(name, "ALARM"), alarmNamed(name), ctx) as {
      Records: { Sns: { Message: string } }[];
    };
    const theirs = sample(`sns/${file}`);
    expect(shape(ours)).toEqual(shape(theirs));
    const message = (e: { Records: { Sns: { Message: string } }[] }) =>
      JSON.parse(e.Records[0]?.Sns.Message ?? "");
    // The sample's Trigger of a metric alarm has a Unit and DatapointsToAlarm; ours only where the alarm says.
    const optional = /^Trigger\.(Unit|DatapointsToAlarm)$|^AlarmConfigurationUpdatedTimestamp$/;
    expect(shape(message(ours)).filter((k) => !optional.test(k))).toEqual(
      shape(message(theirs)).filter((k) => !optional.test(k)),
    );
  });

  it.each([
    ["a metric alarm", "virtway-readers-cpu-high-70", "readers-cpu-70.json"],
    ["a metric-math alarm", "virtway-api-requests-high", "api-requests-high.json"],
    ["a composite alarm", "virtway-readers-pressure", "readers-pressure.json"],
  ])("EventBridge, %s", (_, name, file) => {
    const ours = eventBridgeEventFor(find(name, "ALARM"), alarmNamed(name), ctx);
    const theirs = sample(`eventbridge/${file}`);
    const sorted = (x: unknown) => shape(x).sort();
    // previousState.reasonData: ours carries the previous change's, as real events do for composites;
    // configuration.description: the sample composite has none, ours has the alarm's.
    const optional = /^detail\.previousState\.reasonData$|^detail\.configuration\.description$/;
    expect(sorted(ours).filter((k) => !optional.test(k))).toEqual(
      sorted(theirs).filter((k) => !optional.test(k)),
    );
  });

  it("Lambda alarm action, a metric alarm", () => {
    const name = "virtway-frontend-requests-high";
    const ours = lambdaActionEventFor(find(name, "ALARM"), alarmNamed(name), ctx);
    const theirs = sample("lambda-action/frontend-requests-high.json");
    expect(shape(ours).sort()).toEqual(shape(theirs).sort());
  });

  it("gives the same change the same ids, and different changes different ones", () => {
    const a = find("virtway-readers-cpu-high-70", "ALARM");
    const b = find("virtway-readers-cpu-high-85", "ALARM");
    const id = (c: StateChange) => (eventBridgeEventFor(c, alarmNamed(c.alarm), ctx) as { id: string }).id;
    expect(id(a)).toBe(id(a));
    expect(id(a)).not.toBe(id(b));
    expect(id(a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
