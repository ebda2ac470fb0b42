import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AlarmStateChange, ParsedEvent } from "../../../shared/adapters/events/alarmStateChange.js";
import { NO_KNOWN_SHAPE, parseEvent, parseEventText } from "../../../shared/adapters/events/parseEvent.js";
import { regionCodeFromDisplayName } from "../../../shared/adapters/events/regions.js";
import { parseStateChangeReason } from "../../../shared/core/alarms/stateChangeReason.js";
import { isoTimestamp } from "../../../shared/core/alarms/timestamps.js";
import { PayloadError, type Problem } from "../../../shared/core/errors.js";

const EVENTS = fileURLToPath(new URL("../../../events/", import.meta.url));

const sampleFiles = (dir = EVENTS): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // state/ holds --state files, streams/ recorded streams and scenarios/ replay scenarios: none is an event payload.
    if (statSync(path).isDirectory())
      return ["state", "streams", "scenarios"].includes(name) ? [] : sampleFiles(path);
    return name.endsWith(".md") ? [] : [relative(EVENTS, path)];
  });

const readSample = (file: string): string => readFileSync(join(EVENTS, file), "utf8");
const sampleJson = (file: string): any => JSON.parse(readSample(file));

function payloadError(run: () => unknown): PayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error("expected a PayloadError");
}

const error = (path: string, message: string): Problem => ({ severity: "error", path, message });

// --- the Virtway state changes, as every delivery of them must normalise -----------------------

const ACCOUNT = "123456789012";
const arn = (name: string) => `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${name}`;

type Change = Omit<AlarmStateChange, "delivery" | "stated" | "source">;

/** A change without what it says of its origin, for the tests of its other fields. */
const identityless = ({
  stated: _,
  source: __,
  ...change
}: AlarmStateChange): Change & Pick<AlarmStateChange, "delivery"> => change;

/** What each delivery of the Virtway samples states of its origin: the envelope's fields and the ARN's. */
const SAMPLE_ORIGINS: Record<AlarmStateChange["delivery"], Pick<AlarmStateChange, "stated" | "source">> = {
  sns: {
    stated: {
      account: [
        { field: "AWSAccountId", says: ACCOUNT, reads: ACCOUNT },
        { field: "AlarmArn", says: ACCOUNT, reads: ACCOUNT },
      ],
      region: [
        { field: "Region", says: "EU (Ireland)", reads: "eu-west-1" },
        { field: "AlarmArn", says: "eu-west-1", reads: "eu-west-1" },
      ],
    },
    source: null,
  },
  eventbridge: {
    stated: {
      account: [
        { field: "account", says: ACCOUNT, reads: ACCOUNT },
        { field: "resources", says: ACCOUNT, reads: ACCOUNT },
      ],
      region: [
        { field: "region", says: "eu-west-1", reads: "eu-west-1" },
        { field: "resources", says: "eu-west-1", reads: "eu-west-1" },
      ],
    },
    source: "aws.cloudwatch",
  },
  "lambda-action": {
    stated: {
      account: [
        { field: "accountId", says: ACCOUNT, reads: ACCOUNT },
        { field: "alarmArn", says: ACCOUNT, reads: ACCOUNT },
      ],
      region: [
        { field: "region", says: "eu-west-1", reads: "eu-west-1" },
        { field: "alarmArn", says: "eu-west-1", reads: "eu-west-1" },
      ],
    },
    source: "aws.cloudwatch",
  },
};

const metricChange = (
  alarmName: string,
  fields: Pick<Change, "state" | "previousState" | "stateChangedAt" | "reason" | "value" | "threshold"> &
    Partial<Change>,
): Change => ({
  alarmName,
  alarmArn: arn(alarmName),
  account: ACCOUNT,
  region: "eu-west-1",
  alarmType: "metric",
  actionsSuppressedBy: null,
  ...fields,
});

const CHANGES = {
  "readers-cpu-70": metricChange("virtway-readers-cpu-high-70", {
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:01:08.123Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [72.0 (23/11/26 19:00:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
    value: 72,
    threshold: 70,
  }),
  "readers-cpu-85": metricChange("virtway-readers-cpu-high-85", {
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:01:38.456Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [90.0 (23/11/26 19:01:00)] was greater than the threshold (85.0) (minimum 1 datapoint for OK -> ALARM transition).",
    value: 90,
    threshold: 85,
  }),
  "readers-cpu-70-ok": metricChange("virtway-readers-cpu-high-70", {
    state: "OK",
    previousState: "ALARM",
    stateChangedAt: "2026-11-23T19:03:08.789Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [65.2 (23/11/26 19:02:00)] was not greater than the threshold (70.0) (minimum 1 datapoint for ALARM -> OK transition).",
    value: 65.2,
    threshold: 70,
  }),
  "readers-cpu-70-again": metricChange("virtway-readers-cpu-high-70", {
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:04:08.321Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [74.1 (23/11/26 19:03:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
    value: 74.1,
    threshold: 70,
  }),
  "readers-connections-high": metricChange("virtway-readers-connections-high", {
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:02:10.250Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [320.0 (23/11/26 19:01:00)] was greater than the threshold (280.0) (minimum 1 datapoint for OK -> ALARM transition).",
    value: 320,
    threshold: 280,
  }),
  "readers-latency-high": metricChange("virtway-readers-latency-high", {
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:02:12.500Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [0.0038 (23/11/26 19:01:00)] was greater than the threshold (0.003) (minimum 1 datapoint for OK -> ALARM transition).",
    value: 0.0038,
    threshold: 0.003,
  }),
  "readers-cpu-low": metricChange("virtway-readers-cpu-low", {
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:28:14.905Z",
    reason:
      "Threshold Crossed: 10 out of the last 10 datapoints [12.0 (23/11/26 19:27:00), 12.8 (23/11/26 19:26:00), 13.5 (23/11/26 19:25:00), 14.1 (23/11/26 19:24:00), 13.9 (23/11/26 19:23:00), 15.2 (23/11/26 19:22:00), 16.0 (23/11/26 19:21:00), 17.4 (23/11/26 19:20:00), 18.3 (23/11/26 19:19:00), 19.1 (23/11/26 19:18:00)] were less than the threshold (20.0) (minimum 10 datapoints for OK -> ALARM transition).",
    value: 12,
    threshold: 20,
  }),
  "api-requests-high": metricChange("virtway-api-requests-high", {
    alarmType: "metric-math",
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:05:30.640Z",
    reason:
      "Threshold Crossed: 1 out of the last 1 datapoints [2300.0 (23/11/26 19:04:00)] was greater than the threshold (1800.0) (minimum 1 datapoint for OK -> ALARM transition).",
    value: 2300,
    threshold: 1800,
  }),
  "readers-pressure": metricChange("virtway-readers-pressure", {
    alarmType: "composite",
    state: "ALARM",
    previousState: "OK",
    stateChangedAt: "2026-11-23T19:02:12.731Z",
    reason: `${arn("virtway-readers-latency-high")} transitioned to ALARM at Monday 23 November, 2026 19:02:12 UTC`,
    value: null,
    threshold: null,
  }),
} satisfies Record<string, Change>;

const delivered = (delivery: AlarmStateChange["delivery"], change: Change): ParsedEvent => ({
  type: "alarm-state-change",
  changes: [{ ...change, delivery, ...SAMPLE_ORIGINS[delivery] }],
});

type Expected = { parsed: ParsedEvent } | { problems: Problem[] };

/** Every file in events/ and what it must parse to; a sample without a row here fails the suite. */
const SAMPLES: Record<string, Expected> = {
  ...Object.fromEntries(
    Object.entries(CHANGES).flatMap(([name, change]) => [
      [`sns/${name}.json`, { parsed: delivered("sns", change) }],
      [`eventbridge/${name}.json`, { parsed: delivered("eventbridge", change) }],
    ]),
  ),
  "eventbridge/readers-pressure-suppressed.json": {
    parsed: delivered(
      "eventbridge",
      metricChange("virtway-readers-pressure", {
        alarmType: "composite",
        state: "ALARM",
        previousState: "OK",
        stateChangedAt: "2026-11-23T19:20:05.412Z",
        reason: `${arn("virtway-readers-connections-high")} transitioned to ALARM at Monday 23 November, 2026 19:20:05 UTC`,
        value: null,
        threshold: null,
        actionsSuppressedBy: "WaitPeriod",
      }),
    ),
  },
  "lambda-action/frontend-requests-high.json": {
    parsed: delivered(
      "lambda-action",
      metricChange("virtway-frontend-requests-high", {
        state: "ALARM",
        previousState: "OK",
        stateChangedAt: "2026-11-23T19:02:45.300Z",
        reason:
          "Threshold Crossed: 1 out of the last 1 datapoints [2000.0 (23/11/26 19:01:00)] was greater than the threshold (1800.0) (minimum 1 datapoint for OK -> ALARM transition).",
        value: 2000,
        threshold: 1800,
      }),
    ),
  },
  "eventbridge/configuration-change.json": {
    parsed: {
      type: "ignored",
      reason:
        "CloudWatch Alarm Configuration Change (update of virtway-readers-cpu-high-70): the brain acts on state changes only",
    },
  },
  "schedule/readers-before-thursday-event.json": {
    parsed: {
      type: "scheduled-action",
      target: "virtway-readers",
      action: "readers-before-thursday-event",
      scheduledTime: "2026-11-26T17:30:00.000Z",
      scheduleArn: `arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/surge-brain/virtway-readers.readers-before-thursday-event`,
      executionId: "d32c5kddcf5bb8c3",
      // The schedule's ARN names the account and region, for the origin check.
      stated: {
        account: [{ field: "scheduleArn", says: ACCOUNT, reads: ACCOUNT }],
        region: [{ field: "scheduleArn", says: "eu-west-1", reads: "eu-west-1" }],
      },
    },
  },
  "schedule/frontend-before-thursday-event.json": {
    parsed: {
      type: "scheduled-action",
      target: "virtway-frontend",
      action: "frontend-before-thursday-event",
      scheduledTime: "2026-11-26T17:30:00.000Z",
      scheduleArn: `arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/surge-brain/virtway-frontend.frontend-before-thursday-event`,
      executionId: "8f1e0c2b7a9d4e61",
      // The schedule's ARN names the account and region, for the origin check.
      stated: {
        account: [{ field: "scheduleArn", says: ACCOUNT, reads: ACCOUNT }],
        region: [{ field: "scheduleArn", says: "eu-west-1", reads: "eu-west-1" }],
      },
    },
  },
  "tick.json": {
    parsed: {
      type: "scheduled",
      time: "2026-11-23T19:02:00.000Z",
      ruleArns: [
        `arn:aws:events:eu-west-1:${ACCOUNT}:rule/surge-brain-dev-TickEventsRuleSchedule1-1K7Q2ZP9XH3VB`,
      ],
      // The envelope's account and region, and the rule ARN's: each read, for the origin check.
      stated: {
        account: [
          { field: "account", says: ACCOUNT, reads: ACCOUNT },
          { field: "resources[0]", says: ACCOUNT, reads: ACCOUNT },
        ],
        region: [
          { field: "region", says: "eu-west-1", reads: "eu-west-1" },
          { field: "resources[0]", says: "eu-west-1", reads: "eu-west-1" },
        ],
      },
    },
  },
  "malformed/not-json.txt": {
    // V8 words JSON errors its own way; the path and the "not JSON" are what matter.
    problems: [error("$", expect.stringMatching(/^not JSON: Unterminated string in JSON/))],
  },
  "malformed/sns-message-not-alarm.json": {
    problems: [
      error(
        "$.Records[0].Sns.Message",
        `not an alarm's JSON: Unexpected token 'H', "Hello from SNS!" is not valid JSON`,
      ),
    ],
  },
  "malformed/unknown-shape.json": { problems: [error("$", NO_KNOWN_SHAPE)] },
  "malformed/wrong-value-type.json": {
    problems: [error("$.detail.state.reasonData", "wrong value type: expected a string, got an object")],
  },
  "malformed/no-state-change-time.json": {
    problems: [
      error("$.Records[0].Sns.Message.StateChangeTime", "no state-change time: the field is missing"),
    ],
  },
};

describe("the samples in events/", () => {
  it("each has an expected result below", () => {
    expect(sampleFiles().sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(Object.entries(SAMPLES))("%s", (file, expected) => {
    if ("parsed" in expected) {
      expect(parseEventText(readSample(file))).toEqual(expected.parsed);
      return;
    }
    const thrown = payloadError(() => parseEventText(readSample(file)));
    expect(thrown.problems).toEqual(expected.problems);
    expect(thrown.message).toContain(thrown.problems[0]!.message);
  });

  it.each(readdirSync(join(EVENTS, "sns")))(
    "sns/%s and eventbridge/%s are one state change: same alarm, same time, same values",
    (name) => {
      const sns = parseEvent(sampleJson(`sns/${name}`));
      const eventBridge = parseEvent(sampleJson(`eventbridge/${name}`));
      if (sns.type !== "alarm-state-change" || eventBridge.type !== "alarm-state-change") {
        throw new Error("expected alarm state changes");
      }
      const [a] = sns.changes;
      const [b] = eventBridge.changes;
      expect(a && b).toBeTruthy();
      expect({ alarmName: a?.alarmName, stateChangedAt: a?.stateChangedAt }).toEqual({
        alarmName: b?.alarmName,
        stateChangedAt: b?.stateChangedAt,
      });
      expect({ ...a, delivery: null, stated: null, source: null }).toEqual({
        ...b,
        delivery: null,
        stated: null,
        source: null,
      });
    },
  );

  it("name the alarms of brain.config.json, in its account and region", () => {
    const config = JSON.parse(readFileSync(new URL("../../../brain.config.json", import.meta.url), "utf8"));
    const names = new Set(config.alarms.map((a: { AlarmName: string }) => a.AlarmName));
    for (const [file, expected] of Object.entries(SAMPLES)) {
      if (!("parsed" in expected) || expected.parsed.type !== "alarm-state-change") continue;
      for (const change of expected.parsed.changes) {
        expect(names, file).toContain(change.alarmName);
        expect(change, file).toMatchObject({ account: config.account, region: config.region });
      }
    }
  });
});

// --- SNS messages as they vary with age -------------------------------------------------------

/** A message of today's form for virtway-readers-cpu-high-70, to vary field by field. */
function snsMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AlarmName: "virtway-readers-cpu-high-70",
    AlarmDescription: "Layer 2: reader CPU over 70% adds one reader",
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: "2026-11-20T09:12:44.511+0000",
    NewStateValue: "ALARM",
    NewStateReason:
      "Threshold Crossed: 1 out of the last 1 datapoints [72.5 (23/11/26 19:01:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
    StateChangeTime: "2026-11-23T19:01:08.123+0000",
    Region: "EU (Ireland)",
    AlarmArn: arn("virtway-readers-cpu-high-70"),
    OldStateValue: "OK",
    OKActions: [],
    AlarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:virtway-alarms`],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "CPUUtilization",
      Namespace: "AWS/RDS",
      StatisticType: "Statistic",
      Statistic: "AVERAGE",
      Unit: "Percent",
      Dimensions: [{ value: "virtway-aurora", name: "DBClusterIdentifier" }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 70.0,
      TreatMissingData: "missing",
      EvaluateLowSampleCountPercentile: "",
    },
    ...overrides,
  };
}

const snsRecord = (message: unknown, sns: Record<string, unknown> = {}) => ({
  EventSource: "aws:sns",
  EventVersion: "1.0",
  EventSubscriptionArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:virtway-alarms:2f6b1c1e-7a51-4f4e-9d0c-5a9e3c7b8d21`,
  Sns: {
    Type: "Notification",
    MessageId: "0c8a4f7e-3b9d-5e21-a6f4-7d2c9b1e8a53",
    TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:virtway-alarms`,
    Subject: "ALARM",
    Message: typeof message === "string" ? message : JSON.stringify(message),
    Timestamp: "2026-11-23T19:01:08.190Z",
    SignatureVersion: "1",
    Signature: "c2lnbmF0dXJl",
    SigningCertUrl: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem",
    UnsubscribeUrl: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
    MessageAttributes: {},
    ...sns,
  },
});

const snsEvent = (...messages: unknown[]) => ({ Records: messages.map((m) => snsRecord(m)) });

function onlyChange(parsed: ParsedEvent): AlarmStateChange {
  if (parsed.type !== "alarm-state-change" || parsed.changes.length !== 1 || !parsed.changes[0]) {
    throw new Error(`expected one state change, got ${JSON.stringify(parsed)}`);
  }
  return parsed.changes[0];
}

const BASE_SNS_CHANGE: Change & Pick<AlarmStateChange, "delivery"> = {
  delivery: "sns",
  alarmName: "virtway-readers-cpu-high-70",
  alarmArn: arn("virtway-readers-cpu-high-70"),
  account: ACCOUNT,
  region: "eu-west-1",
  alarmType: "metric",
  state: "ALARM",
  previousState: "OK",
  stateChangedAt: "2026-11-23T19:01:08.123Z",
  reason: snsMessage().NewStateReason as string,
  value: 72.5,
  threshold: 70,
  actionsSuppressedBy: null,
};

describe("SNS alarm notifications", () => {
  const cases: [string, Record<string, unknown>, Partial<AlarmStateChange>][] = [
    ["today's form", {}, {}],
    [
      "AlarmArn absent (messages before 2019): known by AlarmName, account and region still read",
      { AlarmArn: undefined },
      { alarmArn: null },
    ],
    [
      "AlarmArn absent and no account: the account is null",
      { AlarmArn: undefined, AWSAccountId: undefined },
      { alarmArn: null, account: null },
    ],
    [
      "AlarmDescription and Unit null",
      { AlarmDescription: null, Trigger: { ...(snsMessage().Trigger as object), Unit: null } },
      {},
    ],
    [
      "free-text Trigger fields (Statistic, TreatMissingData, EvaluateLowSampleCountPercentile, a Threshold as text)",
      {
        Trigger: {
          MetricName: "CPUUtilization",
          Statistic: "AVERAGE",
          Unit: null,
          TreatMissingData: "- TreatMissingData:                    missing",
          EvaluateLowSampleCountPercentile: "",
          Threshold: "70.0",
        },
      },
      {},
    ],
    [
      "a Threshold that is no number: the reason's threshold",
      { Trigger: { Threshold: "seventy" } },
      { threshold: 70 },
    ],
    ["no Trigger at all: the reason's threshold", { Trigger: undefined }, { threshold: 70 }],
    [
      "a reason with no datapoint (missing data treated as breaching)",
      {
        NewStateReason:
          "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].",
      },
      {
        reason:
          "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].",
        value: null,
      },
    ],
    ["a state set by hand (SetAlarmState)", { NewStateReason: "test" }, { reason: "test", value: null }],
    [
      "INSUFFICIENT_DATA",
      {
        NewStateValue: "INSUFFICIENT_DATA",
        OldStateValue: "ALARM",
        NewStateReason: "Insufficient Data: 1 datapoint was unknown.",
      },
      {
        state: "INSUFFICIENT_DATA",
        previousState: "ALARM",
        reason: "Insufficient Data: 1 datapoint was unknown.",
        value: null,
      },
    ],
    ["no OldStateValue", { OldStateValue: undefined }, { previousState: null }],
    [
      "M out of N datapoints, listed newest first",
      {
        NewStateReason:
          "Threshold Crossed: 2 out of the last 3 datapoints [74.5 (23/11/26 19:01:00), 71.0 (23/11/26 18:59:00)] were greater than the threshold (70.0) (minimum 2 datapoints for OK -> ALARM transition).",
      },
      {
        reason:
          "Threshold Crossed: 2 out of the last 3 datapoints [74.5 (23/11/26 19:01:00), 71.0 (23/11/26 18:59:00)] were greater than the threshold (70.0) (minimum 2 datapoints for OK -> ALARM transition).",
        value: 74.5,
      },
    ],
    [
      "Region as a pre-2018 display name",
      { AlarmArn: undefined, Region: "EU - Ireland" },
      { alarmArn: null, region: "eu-west-1" },
    ],
    ["Region unknown: the ARN's region", { Region: "Somewhere (New)" }, { region: "eu-west-1" }],
    [
      "Region unknown and no ARN: null",
      { Region: "Somewhere (New)", AlarmArn: undefined },
      { region: null, alarmArn: null },
    ],
  ];

  it.each(cases)("%s", (_name, overrides, expected) => {
    const message = snsMessage(overrides);
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete message[key];
    expect(identityless(onlyChange(parseEvent(snsEvent(message))))).toEqual({
      ...BASE_SNS_CHANGE,
      ...expected,
    });
  });

  it("passes AWS's own example shape with its placeholders (EXAMPLE, REGION, ACCOUNT_NUMBER)", () => {
    // The shape of https://github.com/aws/aws-lambda-go/blob/main/events/testdata/cloudwatch-alarm-sns-payload-single-metric.json:
    // no UnsubscribeUrl (only "UnsubscribeURL": "EXAMPLE"), placeholders in every identifier.
    const message = {
      AlarmName: "EXAMPLE",
      AlarmDescription: "EXAMPLE",
      AWSAccountId: "EXAMPLE",
      NewStateValue: "ALARM",
      NewStateReason:
        "Threshold Crossed: 1 out of the last 1 datapoints [1234.0 (06/03/15 17:43:27)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
      StateChangeTime: "2015-06-03T17:43:27.123+0000",
      Region: "EXAMPLE",
      AlarmArn: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
      OldStateValue: "INSUFFICIENT_DATA",
      Trigger: {
        MetricName: "NetworkOut",
        Namespace: "AWS/EC2",
        StatisticType: "Statistic",
        Statistic: "AVERAGE",
        Unit: "Bytes",
        Dimensions: [{ value: "TestInstance", name: "InstanceId" }],
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 0.0,
        TreatMissingData: "- TreatMissingData:                    missing",
        EvaluateLowSampleCountPercentile: "",
      },
    };
    const record = snsRecord(message, {
      TopicArn: "arn:aws:sns:EXAMPLE",
      UnsubscribeUrl: undefined,
      SigningCertUrl: undefined,
      UnsubscribeURL: "EXAMPLE",
      SigningCertURL: "EXAMPLE",
      Signature: "EXAMPLE",
    });
    record.EventSubscriptionArn = "arn:aws:sns:EXAMPLE";
    expect(onlyChange(parseEvent({ Records: [record] }))).toEqual({
      delivery: "sns",
      alarmName: "EXAMPLE",
      alarmArn: "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE",
      account: null,
      region: null,
      alarmType: "metric",
      state: "ALARM",
      previousState: "INSUFFICIENT_DATA",
      stateChangedAt: "2015-06-03T17:43:27.123Z",
      reason: message.NewStateReason,
      value: 1234,
      threshold: 0,
      actionsSuppressedBy: null,
      // Every field naming the account or region is a placeholder: none reads.
      stated: {
        account: [
          { field: "AWSAccountId", says: "EXAMPLE", reads: null },
          { field: "AlarmArn", says: "ACCOUNT_NUMBER", reads: null },
        ],
        region: [
          { field: "Region", says: "EXAMPLE", reads: null },
          { field: "AlarmArn", says: "REGION", reads: null },
        ],
      },
      source: null,
    });
  });

  it("reads a 2012 message: no AlarmArn, null description and unit, one datapoint in parentheses", () => {
    // The form of https://gist.github.com/dacc/2166108.
    const message = {
      AlarmName: "queue-depth",
      AlarmDescription: null,
      AWSAccountId: ACCOUNT,
      NewStateValue: "OK",
      OldStateValue: "INSUFFICIENT_DATA",
      NewStateReason:
        "Threshold Crossed: 1 datapoint (1.0) was not greater than or equal to the threshold (2.0).",
      StateChangeTime: "2012-03-23T00:01:43.726+0000",
      Region: "US - N. Virginia",
      Trigger: {
        MetricName: "ApproximateNumberOfMessagesVisible",
        Namespace: "AWS/SQS",
        Statistic: "AVERAGE",
        Unit: null,
        Dimensions: [{ name: "QueueName", value: "jobs" }],
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        Threshold: 2.0,
      },
    };
    expect(identityless(onlyChange(parseEvent(snsEvent(message))))).toEqual({
      delivery: "sns",
      alarmName: "queue-depth",
      alarmArn: null,
      account: ACCOUNT,
      region: "us-east-1",
      alarmType: "metric",
      state: "OK",
      previousState: "INSUFFICIENT_DATA",
      stateChangedAt: "2012-03-23T00:01:43.726Z",
      reason: message.NewStateReason,
      value: 1,
      threshold: 2,
      actionsSuppressedBy: null,
    });
  });

  it("reads a metric-math message (Trigger.Metrics with an Expression)", () => {
    const message = snsMessage({
      Trigger: {
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 1800.0,
        TreatMissingData: "- TreatMissingData:                    missing",
        EvaluateLowSampleCountPercentile: "",
        Metrics: [
          { Expression: "m1 / m2", Id: "e1", Label: "per host", ReturnData: true },
          { Id: "m1", MetricStat: { Metric: { MetricName: "RequestCount" }, Period: 60, Stat: "Sum" } },
        ],
      },
    });
    expect(onlyChange(parseEvent(snsEvent(message)))).toMatchObject({
      alarmType: "metric-math",
      threshold: 1800,
    });
  });

  it("reads an anomaly-detection message: a value, no static threshold", () => {
    const reason =
      "Thresholds Crossed: 1 out of the last 1 datapoints [0.0 (03/10/19 15:58:00)] was less than the lower thresholds [0.020599444741798756] or greater than the upper thresholds [0.3006915352732461] (minimum 1 datapoint for OK -> ALARM transition).";
    const message = snsMessage({
      NewStateReason: reason,
      Trigger: {
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
        ThresholdMetricId: "ad1",
        Metrics: [
          { Id: "m1", MetricStat: { Metric: { MetricName: "CPUUtilization" }, Period: 60, Stat: "Average" } },
          { Expression: "ANOMALY_DETECTION_BAND(m1, 2)", Id: "ad1", ReturnData: true },
        ],
      },
    });
    expect(identityless(onlyChange(parseEvent(snsEvent(message))))).toEqual({
      ...BASE_SNS_CHANGE,
      alarmType: "anomaly-detection",
      reason,
      value: 0,
      threshold: null,
    });
  });

  it("reads a composite message (AlarmRule, TriggeringChildren): no value, no threshold", () => {
    const message = snsMessage({
      AlarmName: "virtway-readers-pressure",
      AlarmArn: arn("virtway-readers-pressure"),
      NewStateReason: `${arn("virtway-readers-latency-high")} transitioned to ALARM at Monday 23 November, 2026 19:02:12 UTC`,
      AlarmRule: 'ALARM("virtway-readers-connections-high") AND ALARM("virtway-readers-latency-high")',
      TriggeringChildren: [
        {
          Arn: arn("virtway-readers-latency-high"),
          State: { Value: "ALARM", Timestamp: "2026-11-23T19:02:12.500+0000" },
        },
      ],
      Trigger: undefined,
    });
    delete message.Trigger;
    expect(onlyChange(parseEvent(snsEvent(message)))).toMatchObject({
      alarmName: "virtway-readers-pressure",
      alarmType: "composite",
      value: null,
      threshold: null,
    });
  });

  it("returns one change per record, in order", () => {
    const parsed = parseEvent(
      snsEvent(
        snsMessage(),
        snsMessage({
          AlarmName: "virtway-readers-cpu-high-85",
          AlarmArn: arn("virtway-readers-cpu-high-85"),
        }),
      ),
    );
    expect(parsed.type === "alarm-state-change" && parsed.changes.map((c) => c.alarmName)).toEqual([
      "virtway-readers-cpu-high-70",
      "virtway-readers-cpu-high-85",
    ]);
  });

  it.each<[string, unknown, Problem[]]>([
    [
      "a Message that is JSON but not an alarm's",
      snsEvent({ message: "hello world", username: "lessa" }),
      [
        error(
          "$.Records[0].Sns.Message",
          "not an alarm's JSON: expected an object with AlarmName and NewStateValue",
        ),
      ],
    ],
    [
      "a Message that is not text",
      { Records: [{ ...snsRecord(snsMessage()), Sns: { ...snsRecord(snsMessage()).Sns, Message: 42 } }] },
      [error("$.Records[0].Sns.Message", "wrong value type: expected a string, got a number (42)")],
    ],
    [
      "a state that CloudWatch has not",
      snsEvent(snsMessage({ NewStateValue: "FIRING" })),
      [
        error(
          "$.Records[0].Sns.Message.NewStateValue",
          'expected "OK", "ALARM", "INSUFFICIENT_DATA", got a string ("FIRING")',
        ),
      ],
    ],
    [
      "a Threshold of the wrong type",
      snsEvent(snsMessage({ Trigger: { Threshold: { value: 70 } } })),
      [
        error(
          "$.Records[0].Sns.Message.Trigger.Threshold",
          "wrong value type: expected a number, got an object",
        ),
      ],
    ],
    [
      "an AlarmName of the wrong type",
      snsEvent(snsMessage({ AlarmName: 70 })),
      [error("$.Records[0].Sns.Message.AlarmName", "wrong value type: expected a string, got a number (70)")],
    ],
    [
      "a StateChangeTime that is no time",
      snsEvent(snsMessage({ StateChangeTime: "yesterday" })),
      [
        error(
          "$.Records[0].Sns.Message.StateChangeTime",
          'state-change time "yesterday" is not a timestamp (expected ISO-8601 such as 2026-11-23T19:01:08.123+0000, or epoch milliseconds)',
        ),
      ],
    ],
    [
      "a good record and a bad one: the bad one is named",
      snsEvent(snsMessage(), snsMessage({ StateChangeTime: null })),
      [error("$.Records[1].Sns.Message.StateChangeTime", "no state-change time: the field is missing")],
    ],
    ["no records", { Records: [] }, [error("$", NO_KNOWN_SHAPE)]],
    [
      "a record that is not SNS's",
      { Records: [{ ...snsRecord(snsMessage()), EventSource: "aws:sqs" }] },
      [error("$.Records[0].EventSource", 'expected "aws:sns", got a string ("aws:sqs")')],
    ],
  ])("refuses %s, naming the path", (_name, raw, problems) => {
    expect(payloadError(() => parseEvent(raw)).problems).toEqual(problems);
  });
});

// --- EventBridge and Lambda alarm actions -----------------------------------------------------

function eventBridgeStateChange(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: "0",
    id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: ACCOUNT,
    time: "2026-11-23T19:01:08Z",
    region: "eu-west-1",
    resources: [arn(String(detail.alarmName))],
    detail,
  };
}

const cpuState = (overrides: Record<string, unknown> = {}) => ({
  value: "ALARM",
  reason:
    "Threshold Crossed: 1 out of the last 1 datapoints [72.5 (23/11/26 19:01:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
  reasonData:
    '{"version":"1.0","queryDate":"2026-11-23T19:01:08.120+0000","startDate":"2026-11-23T19:01:00.000+0000","statistic":"Average","period":60,"recentDatapoints":[72.5],"threshold":70.0}',
  timestamp: "2026-11-23T19:01:08.123+0000",
  ...overrides,
});

const singleMetric = {
  metrics: [
    {
      id: "m1",
      metricStat: {
        metric: { namespace: "AWS/RDS", name: "CPUUtilization", dimensions: {} },
        period: 60,
        stat: "Average",
      },
      returnData: true,
    },
  ],
};

describe("EventBridge alarm events", () => {
  it("takes the datapoint and threshold from reasonData, the newest datapoint last in recentDatapoints", () => {
    const event = eventBridgeStateChange({
      alarmName: "virtway-readers-cpu-high-70",
      state: cpuState({
        reason: "not read when reasonData has the datapoints",
        reasonData:
          '{"version":"1.0","startDate":"2026-11-23T18:58:00.000+0000","period":60,"recentDatapoints":[71.0,73.0,72.5],"threshold":70.0}',
      }),
      previousState: { value: "OK", reason: "…", timestamp: "2026-11-23T18:40:08.052+0000" },
      configuration: singleMetric,
    });
    expect(onlyChange(parseEvent(event))).toMatchObject({ value: 72.5, threshold: 70, alarmType: "metric" });
  });

  it("prefers evaluatedDatapoints, which name their times", () => {
    const event = eventBridgeStateChange({
      alarmName: "virtway-readers-cpu-high-70",
      state: cpuState({
        reasonData:
          '{"recentDatapoints":[1.0],"threshold":70.0,"evaluatedDatapoints":[{"timestamp":"2026-11-23T19:00:00.000+0000","value":71.0},{"timestamp":"2026-11-23T19:01:00.000+0000","value":72.5}]}',
      }),
    });
    expect(onlyChange(parseEvent(event))).toMatchObject({ value: 72.5, threshold: 70 });
  });

  it("falls back on the reason text when reasonData is absent or broken", () => {
    for (const reasonData of [
      undefined,
      '{"version": "1.0", "queryDate: "2023-08-04T12: 31: 29.591+0000"}',
    ]) {
      const event = eventBridgeStateChange({
        alarmName: "virtway-readers-cpu-high-70",
        state: cpuState({ reasonData }),
      });
      expect(onlyChange(parseEvent(event))).toMatchObject({ value: 72.5, threshold: 70 });
    }
  });

  it("reads AWS's anomaly-detection example shape: value from reasonData, no threshold", () => {
    const event = eventBridgeStateChange({
      alarmName: "EC2 CPU Utilization Anomaly",
      state: {
        value: "ALARM",
        reason:
          "Thresholds Crossed: 1 out of the last 1 datapoints [0.0 (03/10/19 15:58:00)] was less than the lower thresholds [0.020599444741798756] or greater than the upper thresholds [0.3006915352732461] (minimum 1 datapoint for OK -> ALARM transition).",
        reasonData:
          '{"version":"1.0","queryDate":"2019-10-03T16:00:04.650+0000","startDate":"2019-10-03T15:58:00.000+0000","period":60,"recentDatapoints":[0.0],"recentLowerThresholds":[0.020599444741798756],"recentUpperThresholds":[0.3006915352732461]}',
        timestamp: "2019-10-03T16:00:04.653+0000",
      },
      previousState: { value: "OK", reason: "…", timestamp: "2019-10-03T15:59:04.672+0000" },
      configuration: {
        description: "Goes into alarm if CPU Utilization is out of band",
        metrics: [
          {
            id: "m1",
            metricStat: {
              metric: { namespace: "AWS/EC2", name: "CPUUtilization" },
              period: 60,
              stat: "Average",
            },
          },
          {
            id: "ad1",
            expression: "ANOMALY_DETECTION_BAND(m1, 0.8)",
            label: "CPUUtilization (expected)",
            returnData: true,
          },
        ],
      },
    });
    expect(onlyChange(parseEvent(event))).toMatchObject({
      alarmType: "anomaly-detection",
      value: 0,
      threshold: null,
      stateChangedAt: "2019-10-03T16:00:04.653Z",
    });
  });

  it("tells the kind of alarm from reasonData when there is no configuration", () => {
    const composite = eventBridgeStateChange({
      alarmName: "virtway-readers-pressure",
      state: {
        value: "ALARM",
        reason: "…",
        reasonData: '{"triggeringAlarms":[]}',
        timestamp: "2026-11-23T19:02:12.731+0000",
      },
    });
    expect(onlyChange(parseEvent(composite))).toMatchObject({
      alarmType: "composite",
      value: null,
      threshold: null,
    });
  });

  it("flags a state change whose actions CloudWatch suppressed", () => {
    const event = eventBridgeStateChange({
      alarmName: "virtway-readers-pressure",
      state: {
        actionsSuppressedBy: "ExtensionPeriod",
        actionsSuppressedReason: "Actions suppressed by ExtensionPeriod",
        value: "ALARM",
        reason: "…",
        timestamp: "2026-11-23T19:20:05.412+0000",
      },
      configuration: { alarmRule: 'ALARM("a") AND ALARM("b")', actionsSuppressor: "maintenance" },
    });
    expect(onlyChange(parseEvent(event))).toMatchObject({
      actionsSuppressedBy: "ExtensionPeriod",
      alarmType: "composite",
    });
  });

  it("reads placeholders in account and region as null", () => {
    const event = {
      ...eventBridgeStateChange({ alarmName: "EXAMPLE", state: cpuState() }),
      account: "EXAMPLE",
      region: "REGION",
      resources: ["arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"],
    };
    expect(onlyChange(parseEvent(event))).toMatchObject({ account: null, region: null });
  });

  it.each<[string, unknown, Problem[]]>([
    [
      "no state-change time",
      eventBridgeStateChange({
        alarmName: "virtway-readers-cpu-high-70",
        state: cpuState({ timestamp: undefined }),
      }),
      [error("$.detail.state.timestamp", "no state-change time: the field is missing")],
    ],
    [
      "no state",
      eventBridgeStateChange({ alarmName: "virtway-readers-cpu-high-70" }),
      [error("$.detail.state", "missing (expected an object)")],
    ],
    [
      "an alarm name of the wrong type",
      { ...eventBridgeStateChange({ alarmName: 42, state: cpuState() }), resources: [] },
      [error("$.detail.alarmName", "wrong value type: expected a string, got a number (42)")],
    ],
    [
      "a previous state of the wrong type",
      eventBridgeStateChange({ alarmName: "x", state: cpuState(), previousState: "OK" }),
      [error("$.detail.previousState", 'wrong value type: expected an object, got a string ("OK")')],
    ],
  ])("refuses %s, naming the path", (_name, raw, problems) => {
    expect(payloadError(() => parseEvent(raw)).problems).toEqual(problems);
  });

  it("acknowledges other CloudWatch events and refuses other services'", () => {
    const contributor = {
      ...eventBridgeStateChange({ alarmName: "x" }),
      "detail-type": "CloudWatch Alarm Contributor State Change",
    };
    expect(parseEvent(contributor)).toEqual({
      type: "ignored",
      reason: "CloudWatch Alarm Contributor State Change: not an event the brain acts on",
    });
    const ec2 = {
      ...contributor,
      source: "aws.ec2",
      "detail-type": "EC2 Instance State-change Notification",
    };
    expect(payloadError(() => parseEvent(ec2)).message).toBe(NO_KNOWN_SHAPE);
  });
});

describe("what an alarm event states of its origin", () => {
  const eventBridge = (fields: Record<string, unknown>) =>
    onlyChange(parseEvent({ ...sampleJson("eventbridge/readers-cpu-70.json"), ...fields }));

  it("an EventBridge state change of another source is parsed, its source kept for the brain to refuse", () => {
    // Not a payload error: the payload is well formed, its sender is the question (origin.ts).
    expect(eventBridge({ source: "virtway.app" }).source).toBe("virtway.app");
  });

  it("keeps each field as written and as read: placeholders, malformed ids and the ARN's own parts", () => {
    const change = eventBridge({
      account: "12345678901",
      region: "US-EAST-1",
      resources: ["arn:aws:cloudwatch:us-east-1:999999999999:alarm:virtway-readers-cpu-high-70"],
    });
    expect(change.stated).toEqual({
      account: [
        { field: "account", says: "12345678901", reads: null },
        { field: "resources", says: "999999999999", reads: "999999999999" },
      ],
      region: [
        { field: "region", says: "US-EAST-1", reads: null },
        { field: "resources", says: "us-east-1", reads: "us-east-1" },
      ],
    });
    // What the logs show is still read as before: the first readable value.
    expect({ account: change.account, region: change.region }).toEqual({
      account: "999999999999",
      region: "us-east-1",
    });
  });

  it("an SNS message with neither account nor ARN states no account", () => {
    const message = JSON.parse(sampleJson("sns/readers-cpu-70.json").Records[0].Sns.Message);
    delete message.AWSAccountId;
    delete message.AlarmArn;
    const change = onlyChange(parseEvent(snsEvent(message)));
    expect(change.stated).toEqual({
      account: [],
      region: [{ field: "Region", says: "EU (Ireland)", reads: "eu-west-1" }],
    });
  });
});

describe("CloudWatch Lambda alarm actions", () => {
  const action = (alarmData: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    source: "aws.cloudwatch",
    alarmArn: arn(String(alarmData.alarmName)),
    accountId: ACCOUNT,
    time: "2026-11-23T19:02:45.300+0000",
    region: "eu-west-1",
    alarmData,
    ...extra,
  });

  it("reads AWS's metric example form: spaces after colons, a broken reasonData in previousState", () => {
    // As printed in https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions-Lambda.html
    const raw = action(
      {
        alarmName: "lambda-demo-metric-alarm",
        state: { value: "ALARM", reason: "test", timestamp: "2023-08-04T12: 36: 15.490+0000" },
        previousState: {
          value: "INSUFFICIENT_DATA",
          reason: "Insufficient Data: 5 datapoints were unknown.",
          reasonData: '{"version": "1.0", "queryDate: "2023-08-04T12: 31: 29.591+0000"}',
          timestamp: "2023-08-04T12: 31: 29.595+0000",
        },
        configuration: {
          description: "Metric Alarm to test Lambda actions",
          metrics: [
            {
              id: "1234e046-06f0-a3da-9534-EXAMPLEe4c",
              metricStat: { metric: {}, period: 60 },
              returnData: true,
            },
          ],
        },
      },
      {
        alarmArn: "arn:aws:cloudwatch:us-east-1: 444455556666:alarm:lambda-demo-metric-alarm",
        accountId: "444455556666",
        region: "us-east-1",
      },
    );
    expect(onlyChange(parseEvent(raw))).toEqual({
      delivery: "lambda-action",
      alarmName: "lambda-demo-metric-alarm",
      alarmArn: "arn:aws:cloudwatch:us-east-1: 444455556666:alarm:lambda-demo-metric-alarm",
      account: "444455556666",
      region: "us-east-1",
      alarmType: "metric",
      state: "ALARM",
      previousState: "INSUFFICIENT_DATA",
      stateChangedAt: "2023-08-04T12:36:15.490Z",
      reason: "test",
      value: null,
      threshold: null,
      actionsSuppressedBy: null,
      // The ARN's parts are read trimmed, as AWS printed them.
      stated: {
        account: [
          { field: "accountId", says: "444455556666", reads: "444455556666" },
          { field: "alarmArn", says: "444455556666", reads: "444455556666" },
        ],
        region: [
          { field: "region", says: "us-east-1", reads: "us-east-1" },
          { field: "alarmArn", says: "us-east-1", reads: "us-east-1" },
        ],
      },
      source: "aws.cloudwatch",
    });
  });

  it("reads a composite action, and the variant that also carries detail-type, flagging suppression", () => {
    const alarmData = {
      alarmName: "ServiceAggregatedAlarm",
      state: {
        actionsSuppressedBy: "WaitPeriod",
        actionsSuppressedReason: "Actions suppressed by WaitPeriod",
        value: "ALARM",
        reason:
          "arn:aws:cloudwatch:us-east-1:123456789012:alarm:FirstChild transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC",
        reasonData:
          '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh","state":{"value":"ALARM","timestamp":"2022-07-22T15:57:45.394+0000"}}]}',
        timestamp: "2022-07-22T15:57:45.394+0000",
      },
      previousState: { value: "OK", reason: "…", timestamp: "2022-07-22T15:56:14.552+0000" },
      configuration: {
        alarmRule: "ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)",
        actionsSuppressor: "ServiceMaintenanceAlarm",
      },
    };
    const expected = {
      delivery: "lambda-action",
      alarmType: "composite",
      actionsSuppressedBy: "WaitPeriod",
      value: null,
    };
    expect(onlyChange(parseEvent(action(alarmData)))).toMatchObject(expected);
    const hybrid = {
      ...action(alarmData),
      "detail-type": "CloudWatch Alarm State Change",
      version: "0",
      resources: [],
    };
    expect(onlyChange(parseEvent(hybrid))).toMatchObject(expected);
  });

  it("refuses an action without a state-change time, naming the path", () => {
    const raw = action({
      alarmName: "virtway-frontend-requests-high",
      state: { value: "ALARM", reason: "test" },
    });
    expect(payloadError(() => parseEvent(raw)).problems).toEqual([
      error("$.alarmData.state.timestamp", "no state-change time: the field is missing"),
    ]);
  });
});

describe("Scheduled Events", () => {
  it("refuses a Scheduled Event from another source, naming the path", () => {
    const raw = { ...sampleJson("tick.json"), source: "aws.scheduler" };
    expect(payloadError(() => parseEvent(raw)).problems).toEqual([
      error("$.source", 'expected "aws.events", got a string ("aws.scheduler")'),
    ]);
  });
});

describe("payloads of no known shape", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["an array", []],
    ["a string", "Hello from SNS!"],
    ["an empty object", {}],
    ["an SQS event", { Records: [{ messageId: "1", eventSource: "aws:sqs", body: "{}" }] }],
  ])("%s", (_name, raw) => {
    const thrown = payloadError(() => parseEvent(raw));
    expect(thrown.message).toBe(NO_KNOWN_SHAPE);
    expect(thrown.problems).toEqual([error("$", NO_KNOWN_SHAPE)]);
  });
});

// --- the pieces -------------------------------------------------------------------------------

describe("timestamps in every form they come in", () => {
  const AT = "2026-11-23T19:01:08.123Z";
  it.each<[string, unknown, string | null]>([
    ["CloudWatch's +0000", "2026-11-23T19:01:08.123+0000", AT],
    ["ISO with Z", "2026-11-23T19:01:08.123Z", AT],
    ["ISO without milliseconds (EventBridge's time)", "2026-11-23T19:01:08Z", "2026-11-23T19:01:08.000Z"],
    ["an offset with a colon", "2026-11-23T19:01:08.123+00:00", AT],
    ["another offset", "2026-11-23T20:31:08.123+0130", AT],
    ["microseconds", "2026-11-23T19:01:08.123456Z", AT],
    ["spaces after colons (AWS's Lambda action examples)", "2026-11-23T19: 01: 08.123+0000", AT],
    ["epoch milliseconds", 1795460468123, AT],
    ["epoch seconds", 1795460468, "2026-11-23T19:01:08.000Z"],
    ["epoch milliseconds as text", "1795460468123", AT],
    ["no zone", "2026-11-23T19:01:08.123", null],
    ["a day that does not exist", "2026-02-30T19:01:08.123+0000", null],
    ["words", "yesterday", null],
    ["a boolean", true, null],
  ])("%s", (_name, input, expected) => {
    expect(isoTimestamp(input)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ["SNS StateChangeTime as epoch milliseconds", 1795460468123],
    ["SNS StateChangeTime with Z", "2026-11-23T19:01:08.123Z"],
  ])("%s", (_name, StateChangeTime) => {
    expect(onlyChange(parseEvent(snsEvent(snsMessage({ StateChangeTime })))).stateChangedAt).toBe(AT);
  });

  it("EventBridge state.timestamp in ISO with Z", () => {
    const event = eventBridgeStateChange({ alarmName: "a", state: cpuState({ timestamp: AT }) });
    expect(onlyChange(parseEvent(event)).stateChangedAt).toBe(AT);
  });
});

describe("SNS region display names", () => {
  it.each<[string, string | null]>([
    ["EU (Ireland)", "eu-west-1"],
    ["Europe (Ireland)", "eu-west-1"],
    ["EU - Ireland", "eu-west-1"],
    ["US East (N. Virginia)", "us-east-1"],
    ["US - N. Virginia", "us-east-1"],
    ["US West - Oregon", "us-west-2"],
    ["Asia Pacific (Seoul)", "ap-northeast-2"],
    ["South America (São Paulo)", "sa-east-1"],
    ["AWS GovCloud (US)", "us-gov-west-1"],
    ["EXAMPLE", null],
    ["REGION", null],
    ["Atlantis (Central)", null],
  ])("%s → %s", (name, code) => {
    expect(regionCodeFromDisplayName(name)).toBe(code);
  });
});

describe("the datapoint in a NewStateReason", () => {
  it.each<[string, string, { value: number | null; threshold: number | null }]>([
    [
      "one datapoint over the threshold",
      "Threshold Crossed: 1 out of the last 1 datapoints [72.5 (23/11/26 19:01:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
      { value: 72.5, threshold: 70 },
    ],
    [
      "the newest by its time, whatever the order",
      "Threshold Crossed: 2 out of the last 2 datapoints [71.0 (23/11/26 18:59:00), 74.5 (23/11/26 19:01:00)] were greater than the threshold (70.0).",
      { value: 74.5, threshold: 70 },
    ],
    [
      "Java's exponent notation",
      "Threshold Crossed: 1 out of the last 1 datapoints [3.8E-4 (23/11/26 19:01:00)] was greater than the threshold (3.0E-4) (minimum 1 datapoint for OK -> ALARM transition).",
      { value: 0.00038, threshold: 0.0003 },
    ],
    [
      "the pre-2018 list, in time order",
      "Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). The most recent datapoints: [38.958, 40.292].",
      { value: 40.292, threshold: 70 },
    ],
    [
      "missing data treated as breaching",
      "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].",
      { value: null, threshold: null },
    ],
    ["the initial state", "Unchecked: Initial alarm creation", { value: null, threshold: null }],
  ])("%s", (_name, reason, expected) => {
    expect(parseStateChangeReason(reason)).toEqual(expected);
  });
});
