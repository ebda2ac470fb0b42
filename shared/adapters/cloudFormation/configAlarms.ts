/**
 * The configuration's alarms as the stack's own: each `PutMetricAlarm` / `PutCompositeAlarm` input
 * becomes its `AWS::CloudWatch::Alarm` / `AWS::CloudWatch::CompositeAlarm`, whose properties carry
 * the API's names (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html),
 * so that a threshold lives in brain.config.json alone. Each alarm's ALARM and OK actions gain the
 * `alarm` function, beside the actions the configuration gives it (docs/deploy.md says why the
 * function rather than the topic).
 */
import { alarmsReferenced, parseAlarmRule } from "../../core/alarms/alarmRule.js";
import type { Alarm, BrainConfig } from "../../core/config/schema.js";
import { isCompositeAlarm } from "../../core/config/schema.js";
import { ConfigError } from "../../core/errors.js";
import { pascal, type Resource, type Resources, type Value } from "./template.js";

/**
 * Who owns the configuration's alarms:
 * - `stack`: the stack creates and updates them (the default);
 * - `release`: the stack still holds them, but leaves them in place when they leave it
 *   (DeletionPolicy Retain), the step before `external`;
 * - `external`: they exist outside the stack (Terraform, the console) and the stack leaves them be.
 */
export const ALARM_OWNERS = ["stack", "release", "external"] as const;
export type AlarmOwner = (typeof ALARM_OWNERS)[number];

/** The logical id of a configured alarm: `ConfigAlarm` and its name's letters and digits. */
export const configAlarmId = (alarmName: string) => `ConfigAlarm${pascal(alarmName)}`;

/** The alarms' resources; none when they are external. `brain` is the action that reaches the brain. */
export function configAlarmResources(config: BrainConfig, owner: AlarmOwner, brain: Value): Resources {
  if (owner === "external") return {};
  const ids = new Map<string, string>();
  config.alarms.forEach((alarm, i) => {
    const id = configAlarmId(alarm.AlarmName);
    const clash = ids.get(id);
    if (clash !== undefined)
      throw new ConfigError("brain.config.json", [
        {
          severity: "error",
          path: `$.alarms[${i}].AlarmName`,
          message: `"${alarm.AlarmName}" and "${clash}" make the same logical id ${id} (letters and digits only): rename one`,
        },
      ]);
    ids.set(id, alarm.AlarmName);
  });
  const resources: Resources = {};
  for (const alarm of config.alarms) {
    const resource = isCompositeAlarm(alarm) ? compositeAlarm(alarm, brain) : metricAlarm(alarm, brain);
    // Alarms a composite names are created before it: CloudWatch refuses a rule naming no alarm.
    const inStack = isCompositeAlarm(alarm)
      ? [
          ...alarmsReferenced(parseAlarmRule(alarm.AlarmRule)),
          ...(alarm.ActionsSuppressor ? [alarm.ActionsSuppressor] : []),
        ]
          .filter((name) => ids.has(configAlarmId(name)) && name !== alarm.AlarmName)
          .map(configAlarmId)
      : [];
    resources[configAlarmId(alarm.AlarmName)] = {
      ...resource,
      ...(inStack.length > 0 ? { DependsOn: [...new Set(inStack)] } : {}),
      // Explicit, as a resource import needs (docs/deploy.md, "Alarms: from Terraform to the stack").
      DeletionPolicy: owner === "release" ? "Retain" : "Delete",
    };
  }
  return resources;
}

/** The fields every alarm shares, its actions joined by the brain's. */
function common(alarm: Alarm, brain: Value): Record<string, Value> {
  return defined({
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription,
    ActionsEnabled: alarm.ActionsEnabled,
    AlarmActions: [...(alarm.AlarmActions ?? []), brain],
    OKActions: [...(alarm.OKActions ?? []), brain],
    InsufficientDataActions: alarm.InsufficientDataActions,
    Tags: alarm.Tags,
  });
}

function metricAlarm(alarm: Exclude<Alarm, { AlarmRule: string }>, brain: Value): Resource {
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      ...common(alarm, brain),
      ...defined({
        Namespace: alarm.Namespace,
        MetricName: alarm.MetricName,
        Dimensions: alarm.Dimensions,
        Statistic: alarm.Statistic,
        ExtendedStatistic: alarm.ExtendedStatistic,
        Period: alarm.Period,
        Unit: alarm.Unit,
        EvaluationPeriods: alarm.EvaluationPeriods,
        DatapointsToAlarm: alarm.DatapointsToAlarm,
        Threshold: alarm.Threshold,
        ThresholdMetricId: alarm.ThresholdMetricId,
        ComparisonOperator: alarm.ComparisonOperator,
        TreatMissingData: alarm.TreatMissingData,
        EvaluateLowSampleCountPercentile: alarm.EvaluateLowSampleCountPercentile,
        Metrics: alarm.Metrics,
      }),
    },
  };
}

function compositeAlarm(alarm: Extract<Alarm, { AlarmRule: string }>, brain: Value): Resource {
  return {
    Type: "AWS::CloudWatch::CompositeAlarm",
    Properties: {
      ...common(alarm, brain),
      ...defined({
        AlarmRule: alarm.AlarmRule,
        ActionsSuppressor: alarm.ActionsSuppressor,
        ActionsSuppressorWaitPeriod: alarm.ActionsSuppressorWaitPeriod,
        ActionsSuppressorExtensionPeriod: alarm.ActionsSuppressorExtensionPeriod,
      }),
    },
  };
}

/** The fields that are set: CloudFormation takes an absent property, not a null one. */
function defined(fields: Record<string, Value>): Record<string, Value> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
