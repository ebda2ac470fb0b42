/**
 * The rules across an alarm's fields, and between alarms: unique names, one metric or metric-math
 * queries, thresholds and anomaly bands, periods, and composite alarms' references.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
import { AlarmRuleSyntaxError, alarmsReferenced, parseAlarmRule } from "../../alarms/alarmRule.js";
import type { Problem } from "../../errors.js";
import { errorAt, type Path, warningAt } from "../../problems.js";
import type { AlarmKind, At } from "../checkable.js";
import { type Alarm, type CompositeAlarm, isCompositeAlarm, type MetricAlarm } from "../schema.js";
import { checkQueries } from "./metricQueries.js";

/** Every alarm: its name unique, then its own rules; `alarmKinds` names every alarm of the file. */
export function checkAlarms(alarms: readonly At<Alarm>[], alarmKinds: Map<string, AlarmKind>): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  for (const { at, value: alarm } of alarms) {
    if (names.has(alarm.AlarmName)) {
      problems.push(
        errorAt(["alarms", at, "AlarmName"], `another alarm is already named "${alarm.AlarmName}"`),
      );
    }
    names.add(alarm.AlarmName);
  }
  for (const { at, value: alarm } of alarms) {
    const path = ["alarms", at];
    if (isCompositeAlarm(alarm)) problems.push(...checkCompositeAlarm(alarm, path, alarmKinds));
    else problems.push(...checkMetricAlarm(alarm, path));
  }
  problems.push(...compositeCycles(alarms));
  return problems;
}

/**
 * Composite alarms whose rules depend on each other in a loop. CloudWatch accepts them, and then
 * none of them can be deleted ("you can't delete any composite alarm that is part of the cycle",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html)
 * nor evaluated offline: refused, each at its AlarmRule with the loop it is in. A rule naming its
 * own alarm is checkCompositeAlarm's.
 */
function compositeCycles(alarms: readonly At<Alarm>[]): Problem[] {
  const children = new Map<string, { at: number; names: string[] }>();
  for (const { at, value: alarm } of alarms) {
    if (!isCompositeAlarm(alarm)) continue;
    try {
      const names = alarmsReferenced(parseAlarmRule(alarm.AlarmRule)).filter((n) => n !== alarm.AlarmName);
      children.set(alarm.AlarmName, { at, names });
    } catch (e) {
      if (!(e instanceof AlarmRuleSyntaxError)) throw e;
    }
  }
  /** The path from `from` back to `to` through composites, or null. */
  const loop = (from: string, to: string, seen: Set<string>): string[] | null => {
    for (const next of children.get(from)?.names ?? []) {
      if (next === to) return [next];
      if (seen.has(next) || !children.has(next)) continue;
      seen.add(next);
      const rest = loop(next, to, seen);
      if (rest) return [next, ...rest];
    }
    return null;
  };
  const problems: Problem[] = [];
  for (const [name, { at }] of children) {
    const path = loop(name, name, new Set([name]));
    if (path) {
      problems.push(
        errorAt(
          ["alarms", at, "AlarmRule"],
          `part of a cycle of composite alarms (${[name, ...path].join(" → ")}), which CloudWatch never lets be deleted`,
        ),
      );
    }
  }
  return problems;
}

function checkMetricAlarm(alarm: MetricAlarm, path: Path): Problem[] {
  const problems: Problem[] = [];
  const single = alarm.MetricName !== undefined || alarm.Namespace !== undefined;
  if (alarm.Metrics && single) {
    problems.push(errorAt(path, "give either Metrics or MetricName/Namespace, not both"));
  } else if (alarm.Metrics) {
    problems.push(...checkQueries(alarm.Metrics, [...path, "Metrics"], "alarm"));
    for (const field of ["Statistic", "ExtendedStatistic", "Period", "Dimensions", "Unit"] as const) {
      if (alarm[field] !== undefined)
        problems.push(errorAt([...path, field], "belongs in Metrics[].MetricStat when Metrics is given"));
    }
  } else {
    for (const field of ["MetricName", "Namespace", "Period"] as const) {
      if (alarm[field] === undefined)
        problems.push(errorAt([...path, field], "required for an alarm on a single metric"));
    }
    if ((alarm.Statistic === undefined) === (alarm.ExtendedStatistic === undefined)) {
      problems.push(errorAt([...path, "Statistic"], "give exactly one of Statistic and ExtendedStatistic"));
    }
  }
  if (alarm.ThresholdMetricId !== undefined) {
    if (alarm.Threshold !== undefined)
      problems.push(
        errorAt([...path, "Threshold"], "an anomaly-detection alarm has ThresholdMetricId, not Threshold"),
      );
    const band = alarm.Metrics?.find((q) => q.Id === alarm.ThresholdMetricId);
    if (!band?.Expression?.includes("ANOMALY_DETECTION_BAND")) {
      problems.push(
        errorAt(
          [...path, "ThresholdMetricId"],
          `no query "${alarm.ThresholdMetricId}" in Metrics with an ANOMALY_DETECTION_BAND expression`,
        ),
      );
    }
    if (!alarm.ComparisonOperator.includes("Upper") && !alarm.ComparisonOperator.includes("Lower")) {
      problems.push(
        errorAt(
          [...path, "ComparisonOperator"],
          "an anomaly-detection alarm compares with the band: use LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold or GreaterThanUpperThreshold",
        ),
      );
    }
  } else {
    if (alarm.Threshold === undefined)
      problems.push(errorAt([...path, "Threshold"], "required (or ThresholdMetricId for anomaly detection)"));
    if (alarm.ComparisonOperator.includes("Upper") || alarm.ComparisonOperator.includes("Lower")) {
      problems.push(
        errorAt(
          [...path, "ComparisonOperator"],
          `${alarm.ComparisonOperator} is only for anomaly-detection alarms`,
        ),
      );
    }
  }
  if (alarm.DatapointsToAlarm !== undefined && alarm.DatapointsToAlarm > alarm.EvaluationPeriods) {
    problems.push(
      errorAt(
        [...path, "DatapointsToAlarm"],
        `${alarm.DatapointsToAlarm} out of ${alarm.EvaluationPeriods} cannot happen: DatapointsToAlarm must not exceed EvaluationPeriods`,
      ),
    );
  }
  const periods: [Path, number, string | undefined][] = [];
  if (alarm.Period !== undefined) periods.push([[...path, "Period"], alarm.Period, alarm.Namespace]);
  alarm.Metrics?.forEach((q, i) => {
    if (q.MetricStat)
      periods.push([
        [...path, "Metrics", i, "MetricStat", "Period"],
        q.MetricStat.Period,
        q.MetricStat.Metric.Namespace,
      ]);
  });
  for (const [ppath, period, namespace] of periods) {
    problems.push(...checkPeriod(ppath, period, namespace));
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
    if (period * alarm.EvaluationPeriods > 86400 && period < 3600) {
      problems.push(
        errorAt(ppath, "Period × EvaluationPeriods must not exceed one day for periods under an hour"),
      );
    }
  }
  return problems;
}

/** CloudWatch takes 10, 20, 30 or any multiple of 60 seconds; AWS namespaces publish per minute. */
function checkPeriod(path: Path, period: number, namespace: string | undefined): Problem[] {
  if (![10, 20, 30].includes(period) && period % 60 !== 0) {
    return [errorAt(path, `${period} s: CloudWatch takes 10, 20, 30 or a multiple of 60`)];
  }
  if (period < 60 && namespace?.startsWith("AWS/")) {
    return [
      warningAt(
        path,
        `${period} s on ${namespace}: AWS publishes its metrics once a minute, so most periods will be missing`,
      ),
    ];
  }
  return [];
}

function checkCompositeAlarm(alarm: CompositeAlarm, path: Path, alarms: Map<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  try {
    const tree = parseAlarmRule(alarm.AlarmRule);
    for (const name of alarmsReferenced(tree)) {
      if (name === alarm.AlarmName)
        problems.push(errorAt([...path, "AlarmRule"], "a composite alarm cannot refer to itself"));
      else if (!alarms.has(name))
        problems.push(errorAt([...path, "AlarmRule"], `refers to "${name}", which is not in alarms`));
    }
  } catch (e) {
    if (!(e instanceof AlarmRuleSyntaxError)) throw e;
    problems.push(errorAt([...path, "AlarmRule"], `does not parse: ${e.message}`));
  }
  if (alarm.ActionsSuppressor !== undefined && !alarms.has(alarm.ActionsSuppressor)) {
    problems.push(errorAt([...path, "ActionsSuppressor"], `"${alarm.ActionsSuppressor}" is not in alarms`));
  }
  for (const field of ["ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"] as const) {
    if (alarm[field] !== undefined && alarm.ActionsSuppressor === undefined) {
      problems.push(errorAt([...path, field], "only with an ActionsSuppressor"));
    }
  }
  return problems;
}
