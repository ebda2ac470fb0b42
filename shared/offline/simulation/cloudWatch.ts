/**
 * CloudWatch in the simulated account: GetMetricData answered from series set by the dry run
 * (`--state` metrics) or by a test. A series is a metric and a statistic (any period), or a query id
 * for metric math the simulation does not evaluate; its value may depend on the datapoint's time.
 * Every datapoint in [StartTime, EndTime) of a series reads its value, oldest first; any other
 * series has no data. One page: the simulation never sends a NextToken.
 */

import { type CloudWatchMetric, policyQueryId, targetTrackingMetric } from "../../brain/metricQueries.js";
import type { BrainConfig } from "../../core/config/schema.js";
import type { SimulatedAccount } from "./account.js";

/** A datapoint's value, or what it is at a time (null: no datapoint then). */
export type SeriesValue = number | ((at: Date) => number | null);

type QueryInput = {
  Id: string;
  MetricStat?: { Metric: CloudWatchMetric; Period: number; Stat: string };
  Period?: number;
  ReturnData?: boolean;
  Label?: string;
};

const key = (metric: CloudWatchMetric, stat: string): string =>
  [
    metric.Namespace,
    metric.MetricName,
    ...[...(metric.Dimensions ?? [])]
      .sort((a, b) => (a.Name < b.Name ? -1 : 1))
      .map((d) => `${d.Name}=${d.Value}`),
    stat,
  ].join("|");

export class SimulatedCloudWatch {
  private readonly metrics = new Map<string, SeriesValue>();
  private readonly queries = new Map<string, SeriesValue>();

  constructor(account: SimulatedAccount) {
    account.handle("CloudWatch", "GetMetricData", (input) => this.getMetricData(input));
  }

  /** Every datapoint of `metric` with statistic `stat` reads `value`. */
  set(metric: CloudWatchMetric, stat: string, value: SeriesValue): this {
    this.metrics.set(key(metric, stat), value);
    return this;
  }

  /** The series a query id returns, whatever it asks (metric math). */
  setQuery(id: string, value: SeriesValue): this {
    this.queries.set(id, value);
    return this;
  }

  /**
   * `--state` metrics: per target id, per target-tracking PolicyName, the value its metric reads
   * over the window. The metric is resolved as the tick resolves it, so any other reader of the same
   * CloudWatch metric (an alarm on reader CPU, say) reads the same value.
   */
  setPolicies(config: BrainConfig, values: Record<string, Record<string, number> | undefined>): this {
    config.targets.forEach((target, ti) => {
      target.policies.forEach((policy, pi) => {
        const value = values[target.id]?.[policy.PolicyName];
        if (value === undefined || policy.PolicyType !== "TargetTrackingScaling") return;
        const resolved = targetTrackingMetric(target, policy, policyQueryId(ti, pi));
        const returned = resolved?.queries.find((q) => q.Id === resolved.id);
        if (!resolved || !returned) return;
        if (returned.MetricStat) this.set(returned.MetricStat.Metric, returned.MetricStat.Stat, value);
        else this.setQuery(resolved.id, value);
      });
    });
    return this;
  }

  private getMetricData(input: Record<string, unknown>): Record<string, unknown> {
    const start = new Date(input.StartTime as Date | string).getTime();
    const end = new Date(input.EndTime as Date | string).getTime();
    const queries = (input.MetricDataQueries as QueryInput[] | undefined) ?? [];
    const results = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const value = q.MetricStat
          ? this.metrics.get(key(q.MetricStat.Metric, q.MetricStat.Stat))
          : undefined;
        const series = value ?? this.queries.get(q.Id);
        const period = (q.MetricStat?.Period ?? q.Period ?? 60) * 1000;
        const Timestamps: Date[] = [];
        const Values: number[] = [];
        if (series !== undefined) {
          for (let t = start; t + period <= end; t += period) {
            const v = typeof series === "number" ? series : series(new Date(t));
            if (v === null) continue;
            Timestamps.push(new Date(t));
            Values.push(v);
          }
        }
        return { Id: q.Id, Label: q.Label ?? q.Id, Timestamps, Values, StatusCode: "Complete" };
      });
    return { MetricDataResults: results, Messages: [] };
  }
}

/** Makes `account` answer GetMetricData; `policies` as `--state` gives them. */
export function simulateCloudWatch(
  account: SimulatedAccount,
  config?: BrainConfig,
  policies: Record<string, Record<string, number> | undefined> = {},
): SimulatedCloudWatch {
  const cloudWatch = new SimulatedCloudWatch(account);
  if (config) cloudWatch.setPolicies(config, policies);
  return cloudWatch;
}
