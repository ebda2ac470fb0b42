/**
 * The alarms the generated scenarios configure (scripts/generate-scenarios.ts and its scenarios/):
 * written as CloudWatch's PutMetricAlarm takes them.
 */

/** An alarm on an Auto Scaling group's average CPU, one-minute periods, missing data left missing. */
export const groupCpuAlarm = (
  group: string,
  name: string,
  description: string,
  threshold: number,
  operator: string,
  periods: number,
) => ({
  AlarmName: name,
  AlarmDescription: description,
  Namespace: "AWS/EC2",
  MetricName: "CPUUtilization",
  Dimensions: [{ Name: "AutoScalingGroupName", Value: group }],
  Statistic: "Average",
  Period: 60,
  EvaluationPeriods: periods,
  Threshold: threshold,
  ComparisonOperator: operator,
  TreatMissingData: "missing",
});
