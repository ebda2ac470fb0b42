/**
 * The brain watched: alarms on the brain itself, to the SNS topic the operator names, and a
 * dashboard of what it decides. Its own metrics are those functions/lib/observability.ts writes in
 * the embedded metric format: namespace `SurgeBrain`, dimension `service`, and per target
 * `service` and `target`.
 */
import {
  functionId,
  getAtt,
  pascal,
  type Resource,
  type Resources,
  ref,
  sub,
  type Value,
} from "./template.js";

/** The namespace and `service` dimension of the brain's metrics (functions/lib/observability.ts). */
export const BRAIN_METRICS = { namespace: "SurgeBrain", service: "surge-brain" } as const;

export type Watched = {
  /** Each function by its name in serverless.yml, and its failure queue's logical id (null: none). */
  functions: { name: string; failureQueue: string | null }[];
  /** The function that must run every minute. */
  tick: string;
  /** Where the alarms go: the operator's topic; null, nowhere (they still show in the console). */
  operatorTopic: string | null;
  /** The prefix of the alarms' and the dashboard's names: `<service>-<stage>`. */
  prefix: string;
};

type Alarm = {
  id: string;
  name: string;
  description: string;
  metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: Value }[] };
  statistic: "Sum" | "Maximum";
  period: number;
  periods: number;
  comparison: "GreaterThanThreshold" | "LessThanThreshold";
  threshold: number;
  missing: "notBreaching" | "breaching";
};

/** The alarms and the dashboard. */
export function watchResources(watched: Watched): Resources {
  const resources: Resources = {};
  for (const alarm of brainAlarms(watched)) resources[alarm.id] = alarmResource(alarm, watched.operatorTopic);
  resources.BrainDashboard = dashboard(watched);
  return resources;
}

/** The brain's own alarms, by logical id. */
export function brainAlarms(watched: Watched): Alarm[] {
  const lambda = (name: string, metric: string) => ({
    Namespace: "AWS/Lambda",
    MetricName: metric,
    Dimensions: [{ Name: "FunctionName", Value: ref(functionId(name)) }],
  });
  const alarms: Alarm[] = watched.functions.flatMap(({ name, failureQueue }) => {
    const functionName = `${watched.prefix}-${name}`;
    return [
      {
        id: `${pascal(name)}ErrorsAlarm`,
        name: `${functionName}-errors`,
        description: `${functionName} failed an invocation (its error is in its log group)`,
        metric: lambda(name, "Errors"),
        statistic: "Sum" as const,
        period: 60,
        periods: 1,
        comparison: "GreaterThanThreshold" as const,
        threshold: 0,
        missing: "notBreaching" as const,
      },
      {
        id: `${pascal(name)}ThrottlesAlarm`,
        name: `${functionName}-throttles`,
        description: `Lambda throttled ${functionName} (the account's or the function's concurrency)`,
        metric: lambda(name, "Throttles"),
        statistic: "Sum" as const,
        period: 60,
        periods: 1,
        comparison: "GreaterThanThreshold" as const,
        threshold: 0,
        missing: "notBreaching" as const,
      },
      ...(failureQueue
        ? [
            {
              id: `${pascal(name)}FailuresAlarm`,
              name: `${functionName}-failures`,
              description: `Invocations of ${functionName} failed every attempt: they wait in its failure queue (docs/deploy.md, "Failures")`,
              metric: {
                Namespace: "AWS/SQS",
                MetricName: "ApproximateNumberOfMessagesVisible",
                Dimensions: [{ Name: "QueueName", Value: getAtt(failureQueue, "QueueName") }],
              },
              statistic: "Maximum" as const,
              period: 60,
              periods: 1,
              comparison: "GreaterThanThreshold" as const,
              threshold: 0,
              missing: "notBreaching" as const,
            },
          ]
        : []),
    ];
  });
  const tick = watched.functions.find((f) => f.name === watched.tick);
  if (tick)
    alarms.push({
      id: "TickMissedAlarm",
      name: `${watched.prefix}-${tick.name}-missed`,
      description: `${watched.prefix}-${tick.name} has not run for 3 minutes: no target tracking, no scale-in`,
      metric: lambda(tick.name, "Invocations"),
      statistic: "Sum",
      period: 60,
      periods: 3,
      comparison: "LessThanThreshold",
      threshold: 1,
      // No datapoint is no invocation.
      missing: "breaching",
    });
  alarms.push({
    id: "FailedDecisionsAlarm",
    name: `${watched.prefix}-failed-decisions`,
    description:
      "The brain decided, and the AWS call that carries the decision out failed (or a payload was refused as malformed)",
    metric: {
      Namespace: BRAIN_METRICS.namespace,
      MetricName: "Errors",
      Dimensions: [{ Name: "service", Value: BRAIN_METRICS.service }],
    },
    statistic: "Sum",
    period: 60,
    periods: 1,
    comparison: "GreaterThanThreshold",
    threshold: 0,
    missing: "notBreaching",
  });
  return alarms;
}

function alarmResource(alarm: Alarm, operatorTopic: string | null): Resource {
  const actions = operatorTopic ? [operatorTopic] : [];
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: alarm.name,
      AlarmDescription: alarm.description,
      ...alarm.metric,
      Statistic: alarm.statistic,
      Period: alarm.period,
      EvaluationPeriods: alarm.periods,
      DatapointsToAlarm: alarm.periods,
      Threshold: alarm.threshold,
      ComparisonOperator: alarm.comparison,
      TreatMissingData: alarm.missing,
      AlarmActions: actions,
      OKActions: actions,
    },
  };
}

/**
 * The dashboard: the brain's decisions, held back, actions and errors, in total and per target;
 * each function's invocations, errors, throttles and duration; the failure queues.
 */
function dashboard(watched: Watched): Resource {
  const { namespace, service } = BRAIN_METRICS;
  const widget = (title: string, metrics: Value[]) => ({
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region: `\${AWS::Region}`, view: "timeSeries", stat: "Sum", period: 60, metrics },
  });
  const perTarget = (metric: string) => ({
    expression: `SEARCH('{${namespace},service,target} service="${service}" MetricName="${metric}"', 'Sum', 60)`,
    id: metric.toLowerCase(),
    label: "",
  });
  const widgets = [
    widget(
      "Decisions",
      ["Decisions", "HeldBack", "Actions", "Errors", "Refused"].map((m) => [
        namespace,
        m,
        "service",
        service,
      ]),
    ),
    widget("Decisions per target", [[perTarget("Decisions")]]),
    widget("Actions per target", [[perTarget("Actions")]]),
    widget("Held back per target", [[perTarget("HeldBack")]]),
    widget("Errors per target", [[perTarget("Errors")]]),
    // Fn::Sub puts each function's and queue's name in the body.
    ...watched.functions.map(({ name }) => {
      const fn = `\${${functionId(name)}}`;
      return widget(`${watched.prefix}-${name}`, [
        ...["Invocations", "Errors", "Throttles"].map((m) => ["AWS/Lambda", m, "FunctionName", fn]),
        ["AWS/Lambda", "Duration", "FunctionName", fn, { stat: "Maximum", yAxis: "right" }],
      ]);
    }),
    widget(
      "Failure queues",
      watched.functions.flatMap(({ failureQueue }) =>
        failureQueue
          ? [
              [
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                `\${${failureQueue}.QueueName}`,
                { stat: "Maximum" },
              ],
            ]
          : [],
      ),
    ),
  ].map((w, i) => ({ ...w, x: (i % 2) * 12, y: Math.floor(i / 2) * 6 }));
  return {
    Type: "AWS::CloudWatch::Dashboard",
    Properties: {
      DashboardName: `${watched.prefix}-brain`,
      DashboardBody: sub(JSON.stringify({ widgets })),
    },
  };
}
