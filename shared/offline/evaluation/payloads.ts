/**
 * The payloads CloudWatch sends for a state change, built from an evaluated one, in the shapes of
 * the samples in events/ (which the `alarm` function parses with shared/adapters/events/parseEvent.ts):
 * - the SNS event Lambda receives, one record whose Message is the alarm notification as a JSON
 *   string (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html; the notification's fields
 *   as in https://github.com/aws/aws-lambda-go/blob/main/events/testdata/cloudwatch-alarm-sns-payload-single-metric.json);
 * - the EventBridge "CloudWatch Alarm State Change" event, reasonData as a JSON string
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html);
 * - the payload of a Lambda alarm action, EventBridge's detail under `alarmData` with the
 *   envelope's `alarmArn`, `accountId`, `region` and `time`
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions-Lambda.html).
 *
 * SNS notifications and Lambda invocations are alarm actions: none is built for a change whose actions never ran
 * (`actionsAt` null: a composite's suppressor held them), and it is sent when they ran (after a
 * WaitPeriod, for instance). EventBridge events are not actions: one for every change, carrying
 * actionsSuppressedBy. Message ids are derived from the alarm and the time, so that the same
 * recording gives the same payloads.
 */
import { createHash } from "node:crypto";
import { REGION_DISPLAY_NAMES } from "../../adapters/events/regions.js";
import {
  type Alarm,
  type CompositeAlarm,
  type Dimension,
  isCompositeAlarm,
  type MetricAlarm,
  type MetricDataQuery,
} from "../../core/config/schema.js";
import { alarmArn, cloudWatchTimestamp } from "./reason.js";
import type { StateChange } from "./stateChange.js";

export type PayloadContext = {
  /** The account and region the payload names (the brain checks them against its configuration). */
  account: string;
  region: string;
  /** The SNS topic the alarm notifies; default `arn:aws:sns:<region>:<account>:cloudwatch-alarms`. */
  topicArn?: string;
};

/** A UUID-shaped id derived from its parts: the same change always gets the same id. */
function stableId(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const regionName = (region: string): string =>
  (REGION_DISPLAY_NAMES as Record<string, string>)[region] ?? region;

const snsDimensions = (dims: readonly Dimension[] | undefined) =>
  (dims ?? []).map((d) => ({ value: d.Value, name: d.Name }));

/** SNS's Trigger: the alarm's configuration as notifications state it. */
function trigger(alarm: MetricAlarm): Record<string, unknown> {
  const common = {
    EvaluationPeriods: alarm.EvaluationPeriods,
    ...(alarm.DatapointsToAlarm === undefined ? {} : { DatapointsToAlarm: alarm.DatapointsToAlarm }),
    ComparisonOperator: alarm.ComparisonOperator,
    Threshold: alarm.Threshold ?? null,
    TreatMissingData: alarm.TreatMissingData ?? "missing",
    EvaluateLowSampleCountPercentile: alarm.EvaluateLowSampleCountPercentile ?? "",
  };
  if (alarm.Metrics) {
    const period = alarm.Metrics.find((q) => q.MetricStat)?.MetricStat?.Period;
    return {
      ...(period === undefined ? {} : { Period: period }),
      ...common,
      Metrics: alarm.Metrics.map((q: MetricDataQuery) => ({
        ...(q.Expression === undefined ? {} : { Expression: q.Expression }),
        Id: q.Id,
        ...(q.Label === undefined ? {} : { Label: q.Label }),
        ...(q.MetricStat
          ? {
              MetricStat: {
                Metric: {
                  Dimensions: snsDimensions(q.MetricStat.Metric.Dimensions),
                  MetricName: q.MetricStat.Metric.MetricName,
                  Namespace: q.MetricStat.Metric.Namespace,
                },
                Period: q.MetricStat.Period,
                Stat: q.MetricStat.Stat,
                ...(q.MetricStat.Unit === undefined ? {} : { Unit: q.MetricStat.Unit }),
              },
            }
          : {}),
        ReturnData: q.ReturnData !== false,
      })),
    };
  }
  const extended = alarm.ExtendedStatistic !== undefined;
  return {
    MetricName: alarm.MetricName,
    Namespace: alarm.Namespace,
    StatisticType: extended ? "ExtendedStatistic" : "Statistic",
    ...(extended
      ? { ExtendedStatistic: alarm.ExtendedStatistic }
      : { Statistic: alarm.Statistic?.toUpperCase() }),
    Unit: alarm.Unit ?? null,
    Dimensions: snsDimensions(alarm.Dimensions),
    Period: alarm.Period,
    ...common,
  };
}

/** The alarm notification (the SNS Message, before JSON.stringify). */
function snsMessage(change: StateChange, alarm: Alarm, ctx: PayloadContext): Record<string, unknown> {
  const message: Record<string, unknown> = {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: ctx.account,
    NewStateValue: change.to,
    NewStateReason: change.reason,
    StateChangeTime: cloudWatchTimestamp(change.atMs),
    Region: regionName(ctx.region),
    AlarmArn: alarmArn(alarm.AlarmName, ctx.account, ctx.region),
    OldStateValue: change.from,
    OKActions: alarm.OKActions ?? [],
    AlarmActions: alarm.AlarmActions ?? [],
    InsufficientDataActions: alarm.InsufficientDataActions ?? [],
  };
  if (isCompositeAlarm(alarm)) {
    message.AlarmRule = alarm.AlarmRule;
    const triggering = (change.reasonData.triggeringAlarms ?? []) as {
      arn: string;
      state: { value: string; timestamp: string };
    }[];
    message.TriggeringChildren = triggering.map((t) => ({
      Arn: t.arn,
      State: { Value: t.state.value, Timestamp: t.state.timestamp },
    }));
  } else {
    message.Trigger = trigger(alarm);
  }
  return message;
}

/** The SNS event with one record; null when the change's actions never ran (no notification). */
export function snsEventFor(
  change: StateChange,
  alarm: Alarm,
  ctx: PayloadContext,
): Record<string, unknown> | null {
  if (change.actionsAt === null) return null;
  const topicArn = ctx.topicArn ?? `arn:aws:sns:${ctx.region}:${ctx.account}:cloudwatch-alarms`;
  const sentMs = Date.parse(change.actionsAt);
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:${stableId(topicArn, "subscription")}`,
        Sns: {
          Type: "Notification",
          MessageId: stableId(alarm.AlarmName, change.at, "sns"),
          TopicArn: topicArn,
          Subject: `${change.to}: "${alarm.AlarmName}" in ${regionName(ctx.region)}`.slice(0, 100),
          Message: JSON.stringify(snsMessage(change, alarm, ctx)),
          Timestamp: new Date(sentMs).toISOString(),
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: `https://sns.${ctx.region}.amazonaws.com/SimpleNotificationService-EXAMPLE.pem`,
          UnsubscribeUrl: `https://sns.${ctx.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** EventBridge's configuration: camelCase, dimensions as an object. */
function configuration(alarm: Alarm): Record<string, unknown> {
  if (isCompositeAlarm(alarm)) {
    const c: CompositeAlarm = alarm;
    return {
      ...(c.AlarmDescription === undefined ? {} : { description: c.AlarmDescription }),
      alarmRule: c.AlarmRule,
      ...(c.ActionsSuppressor === undefined
        ? {}
        : {
            actionsSuppressor: c.ActionsSuppressor,
            actionsSuppressorWaitPeriod: c.ActionsSuppressorWaitPeriod ?? 60,
            actionsSuppressorExtensionPeriod: c.ActionsSuppressorExtensionPeriod ?? 60,
          }),
    };
  }
  const metric = (m: { Namespace: string; MetricName: string; Dimensions?: Dimension[] | undefined }) => ({
    namespace: m.Namespace,
    name: m.MetricName,
    dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value])),
  });
  const metrics = alarm.Metrics
    ? alarm.Metrics.map((q) =>
        q.MetricStat
          ? {
              id: q.Id,
              metricStat: {
                metric: metric(q.MetricStat.Metric),
                period: q.MetricStat.Period,
                stat: q.MetricStat.Stat,
              },
              returnData: q.ReturnData !== false,
            }
          : {
              id: q.Id,
              expression: q.Expression,
              ...(q.Label ? { label: q.Label } : {}),
              returnData: q.ReturnData !== false,
            },
      )
    : [
        {
          id: stableId(alarm.AlarmName, "metric"),
          metricStat: {
            metric: metric({
              Namespace: alarm.Namespace ?? "",
              MetricName: alarm.MetricName ?? "",
              Dimensions: alarm.Dimensions,
            }),
            period: alarm.Period,
            stat: alarm.ExtendedStatistic ?? alarm.Statistic,
            ...(alarm.Unit === undefined ? {} : { unit: alarm.Unit }),
          },
          returnData: true,
        },
      ];
  return {
    ...(alarm.AlarmDescription === undefined ? {} : { description: alarm.AlarmDescription }),
    metrics,
  };
}

/** The alarm's state, its previous state and its configuration, as EventBridge and Lambda actions carry them. */
function alarmData(change: StateChange, alarm: Alarm): Record<string, unknown> {
  const previous = change.previous;
  return {
    alarmName: alarm.AlarmName,
    state: {
      value: change.to,
      reason: change.reason,
      reasonData: JSON.stringify(change.reasonData),
      timestamp: cloudWatchTimestamp(change.atMs),
      ...(change.actionsSuppressedBy
        ? {
            actionsSuppressedBy: change.actionsSuppressedBy,
            actionsSuppressedReason: `Actions suppressed by ${change.actionsSuppressedBy}`,
          }
        : {}),
    },
    previousState: {
      value: previous.state,
      reason: previous.reason,
      ...(previous.reasonData ? { reasonData: JSON.stringify(previous.reasonData) } : {}),
      timestamp: cloudWatchTimestamp(Date.parse(previous.at)),
    },
    configuration: configuration(alarm),
  };
}

/** The EventBridge "CloudWatch Alarm State Change" event. */
export function eventBridgeEventFor(
  change: StateChange,
  alarm: Alarm,
  ctx: PayloadContext,
): Record<string, unknown> {
  const arn = alarmArn(alarm.AlarmName, ctx.account, ctx.region);
  return {
    version: "0",
    id: stableId(alarm.AlarmName, change.at, "eventbridge"),
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: ctx.account,
    // The event's own time, to the second; the state change's is detail.state.timestamp.
    time: new Date(change.atMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: ctx.region,
    resources: [arn],
    detail: alarmData(change, alarm),
  };
}

/** The payload a Lambda alarm action receives; null when the change's actions never ran. */
export function lambdaActionEventFor(
  change: StateChange,
  alarm: Alarm,
  ctx: PayloadContext,
): Record<string, unknown> | null {
  if (change.actionsAt === null) return null;
  return {
    source: "aws.cloudwatch",
    alarmArn: alarmArn(alarm.AlarmName, ctx.account, ctx.region),
    accountId: ctx.account,
    time: cloudWatchTimestamp(Date.parse(change.actionsAt)),
    region: ctx.region,
    alarmData: alarmData(change, alarm),
  };
}
