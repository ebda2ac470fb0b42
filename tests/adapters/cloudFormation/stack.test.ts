/**
 * The stack's generated resources: the configuration's alarms in CloudFormation's shapes (the
 * API's own fields), the parameters checked, the brain's own alarms, the ledger table, the topic.
 */
import { describe, expect, it } from "vitest";
import { configAlarmId, configAlarmResources } from "../../../shared/adapters/cloudFormation/configAlarms.js";
import { deployParameters, stackResources } from "../../../shared/adapters/cloudFormation/stack.js";
import { brainAlarms } from "../../../shared/adapters/cloudFormation/watch.js";
import type { BrainConfig } from "../../../shared/core/config/schema.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { ConfigError } from "../../../shared/core/errors.js";
import { virtwayConfig, virtwayJson } from "../../support/config.js";

const BRAIN = { "Fn::GetAtt": ["AlarmLambdaFunction", "Arn"] };
const names = { service: "surge-brain", stage: "prod" };

/** The fixture with these alarms in place of its own (and policies naming none of the removed). */
function withAlarms(alarms: unknown[]): BrainConfig {
  const json = virtwayJson();
  json.alarms = alarms;
  for (const target of json.targets)
    target.policies = target.policies.filter((p: { Alarms?: string[] }) => !p.Alarms);
  const checked = validateConfig(json);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.config;
}

const cpu = {
  AlarmName: "cpu-high",
  Namespace: "AWS/RDS",
  MetricName: "CPUUtilization",
  Dimensions: [{ Name: "DBClusterIdentifier", Value: "virtway-aurora" }],
  Statistic: "Average",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 70,
  ComparisonOperator: "GreaterThanThreshold",
  AlarmActions: ["arn:aws:sns:eu-west-1:123456789012:pager"],
};
const anomaly = {
  AlarmName: "requests-anomaly",
  Metrics: [
    {
      Id: "m1",
      MetricStat: {
        Metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "RequestCount",
          Dimensions: [{ Name: "LoadBalancer", Value: "app/x/1" }],
        },
        Period: 60,
        Stat: "Sum",
      },
      ReturnData: true,
    },
    { Id: "band", Expression: "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData: false },
  ],
  ThresholdMetricId: "band",
  EvaluationPeriods: 2,
  DatapointsToAlarm: 2,
  ComparisonOperator: "GreaterThanUpperThreshold",
  TreatMissingData: "notBreaching",
};
const maintenance = {
  AlarmName: "maintenance",
  AlarmRule: "ALARM(cpu-high)",
};
const composite = {
  AlarmName: "pressure",
  AlarmDescription: "both",
  AlarmRule: 'ALARM("cpu-high") AND ALARM("requests-anomaly")',
  ActionsSuppressor: "maintenance",
  ActionsSuppressorWaitPeriod: 120,
  ActionsSuppressorExtensionPeriod: 60,
};

describe("the configuration's alarms", () => {
  const config = withAlarms([cpu, anomaly, maintenance, composite]);
  const resources = configAlarmResources(config, "stack", BRAIN);

  it("are each a resource of AWS's type with the API's fields, the brain added to ALARM and OK actions", () => {
    const { AlarmActions, ...fields } = cpu;
    expect(resources[configAlarmId("cpu-high")]).toEqual({
      Type: "AWS::CloudWatch::Alarm",
      Properties: { ...fields, AlarmActions: [...AlarmActions, BRAIN], OKActions: [BRAIN] },
      DeletionPolicy: "Delete",
    });
  });

  it("carry metric math and anomaly detection as they are", () => {
    const { Properties } = resources.ConfigAlarmRequestsAnomaly ?? { Properties: {} };
    expect(Properties).toMatchObject({
      Metrics: anomaly.Metrics,
      ThresholdMetricId: "band",
      ComparisonOperator: "GreaterThanUpperThreshold",
    });
    expect(Properties).not.toHaveProperty("Threshold");
  });

  it("make a composite alarm with its actions suppressor, after the alarms it names", () => {
    expect(resources.ConfigAlarmPressure).toEqual({
      Type: "AWS::CloudWatch::CompositeAlarm",
      Properties: {
        AlarmName: "pressure",
        AlarmDescription: "both",
        AlarmRule: composite.AlarmRule,
        ActionsSuppressor: "maintenance",
        ActionsSuppressorWaitPeriod: 120,
        ActionsSuppressorExtensionPeriod: 60,
        AlarmActions: [BRAIN],
        OKActions: [BRAIN],
      },
      DependsOn: ["ConfigAlarmCpuHigh", "ConfigAlarmRequestsAnomaly", "ConfigAlarmMaintenance"],
      DeletionPolicy: "Delete",
    });
  });

  it.each([
    ["stack", 4, "Delete"],
    ["release", 4, "Retain"],
    ["external", 0, null],
  ] as const)("owned by %s: %i resources, DeletionPolicy %s", (owner, count, policy) => {
    const made = Object.values(configAlarmResources(config, owner, BRAIN));
    expect(made).toHaveLength(count);
    for (const r of made) expect(r.DeletionPolicy).toBe(policy);
  });

  it("refuses two names that make one logical id, naming both", () => {
    const clash = withAlarms([cpu, { ...cpu, AlarmName: "cpu.high" }]);
    expect(() => configAlarmResources(clash, "stack", BRAIN)).toThrow(ConfigError);
    expect(() => configAlarmResources(clash, "stack", BRAIN)).toThrow(
      /\$\.alarms\[1\]\.AlarmName.*"cpu\.high" and "cpu-high"/,
    );
  });
});

describe("the deployment's parameters", () => {
  it("default to alarms in the stack, no operator topic, an AWS owned key", () => {
    expect(deployParameters({})).toEqual({ alarms: "stack", operatorTopicArn: "", ledgerKmsKeyArn: "" });
  });

  it.each([
    [{ alarms: "sometimes" }, "param:alarms"],
    [{ operatorTopicArn: "ops-topic" }, "param:operatorTopicArn"],
    [{ ledgerKmsKeyArn: "arn:aws:sns:eu-west-1:123456789012:x" }, "param:ledgerKmsKeyArn"],
    [{ alarm: "stack" }, "param:alarm"],
  ])("name what is wrong: %j", (raw, path) => {
    expect(() => deployParameters(raw)).toThrow(ConfigError);
    expect(() => deployParameters(raw)).toThrow(new RegExp(`error at ${path}\\b`));
  });
});

describe("the stack", () => {
  const parameters = deployParameters({
    operatorTopicArn: "arn:aws:sns:eu-west-1:123456789012:ops",
    ledgerKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc",
  });
  const { Resources, Outputs } = stackResources(
    virtwayConfig(),
    names,
    parameters,
    Date.parse("2026-11-20T00:00:00Z"),
  );

  it("names everything after the service and the stage", () => {
    expect(Resources.LedgerTable?.Properties.TableName).toBe("surge-brain-prod-ledger");
    expect(Resources.AlarmFailureQueue?.Properties.QueueName).toBe("surge-brain-prod-alarm-failures");
    expect(Resources.ScheduleFailureQueue?.Properties.QueueName).toBe("surge-brain-prod-schedule-failures");
    expect(Resources.ScheduleRole?.Type).toBe("AWS::IAM::Role");
    expect(Resources.AlarmTopic?.Properties.TopicName).toBe("surge-brain-prod-alarms");
    expect(Resources.BrainDashboard?.Properties.DashboardName).toBe("surge-brain-prod-brain");
  });

  it("hardens the ledger table, under the customer key named", () => {
    expect(Resources.LedgerTable).toMatchObject({
      DeletionPolicy: "Retain",
      Properties: {
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: parameters.ledgerKmsKeyArn },
      },
    });
  });

  it("sends every alarm of the brain's own to the operator's topic", () => {
    const own = Object.values(Resources).filter(
      (r) =>
        r.Type === "AWS::CloudWatch::Alarm" && String(r.Properties.AlarmName).startsWith("surge-brain-prod-"),
    );
    // Errors, throttles and the failure queue of each of the three functions; the missed tick; failed decisions.
    expect(own).toHaveLength(11);
    expect(own.map((a) => a.Properties.AlarmName)).toEqual(
      expect.arrayContaining([
        "surge-brain-prod-schedule-errors",
        "surge-brain-prod-schedule-throttles",
        "surge-brain-prod-schedule-failures",
      ]),
    );
    for (const alarm of own) {
      expect(alarm.Properties.AlarmActions).toEqual([parameters.operatorTopicArn]);
      expect(alarm.Properties.OKActions).toEqual([parameters.operatorTopicArn]);
    }
  });

  it("outputs the queues and the dashboard", () => {
    expect(Object.keys(Outputs)).toEqual(
      expect.arrayContaining([
        "AlarmFailureQueueUrl",
        "TickFailureQueueUrl",
        "ScheduleFailureQueueUrl",
        "ScheduleFunctionArn",
        "DashboardName",
        "AlarmTopicArn",
      ]),
    );
  });
});

describe("the brain watched", () => {
  const alarms = brainAlarms({
    prefix: "surge-brain-prod",
    tick: "tick",
    operatorTopic: null,
    functions: [
      { name: "alarm", failureQueue: "AlarmFailureQueue" },
      { name: "tick", failureQueue: "TickFailureQueue" },
    ],
  });
  const byName = new Map(alarms.map((a) => [a.name, a]));

  it.each([
    ["surge-brain-prod-alarm-errors", "Errors", "GreaterThanThreshold", 0, 60, "notBreaching"],
    ["surge-brain-prod-tick-throttles", "Throttles", "GreaterThanThreshold", 0, 60, "notBreaching"],
    [
      "surge-brain-prod-tick-failures",
      "ApproximateNumberOfMessagesVisible",
      "GreaterThanThreshold",
      0,
      60,
      "notBreaching",
    ],
    ["surge-brain-prod-tick-missed", "Invocations", "LessThanThreshold", 1, 180, "breaching"],
    ["surge-brain-prod-failed-decisions", "Errors", "GreaterThanThreshold", 0, 60, "notBreaching"],
  ])("%s: %s %s %d over %i s, missing data %s", (name, metric, comparison, threshold, seconds, missing) => {
    const alarm = byName.get(name);
    expect(alarm?.metric.MetricName).toBe(metric);
    expect(alarm?.comparison).toBe(comparison);
    expect(alarm?.threshold).toBe(threshold);
    expect((alarm?.period ?? 0) * (alarm?.periods ?? 0)).toBe(seconds);
    expect(alarm?.missing).toBe(missing);
  });

  it("counts failed decisions on the metric the functions write", () => {
    expect(byName.get("surge-brain-prod-failed-decisions")?.metric).toEqual({
      Namespace: "SurgeBrain",
      MetricName: "Errors",
      Dimensions: [{ Name: "service", Value: "surge-brain" }],
    });
  });
});
