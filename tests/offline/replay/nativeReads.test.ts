/**
 * What the native policies read each minute from replay's simulated CloudWatch: each
 * target-tracking policy's metric, and each alarm in ALARM's, over its latest Period that ended.
 */
import { describe, expect, it } from "vitest";
import type { TargetTrackingPolicy } from "../../../shared/core/config/schema.js";
import { RecentMetrics } from "../../../shared/offline/replay/recentMetrics.js";
import { NativeReads } from "../../../shared/offline/replay/replay.js";
import type { MetricRecord } from "../../../shared/offline/streams/record.js";
import { virtwayConfig } from "../../support/config.js";

const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const MINUTE = 60_000;
const READERS = { DBClusterIdentifier: "virtway-aurora", Role: "READER" };

const cpu = (at: number, average: number, metricName = "CPUUtilization"): MetricRecord => ({
  namespace: "AWS/RDS",
  metricName,
  dimensions: READERS,
  timestamp: at,
  stats: { sampleCount: 2, sum: average * 2, minimum: average, maximum: average, average },
  unit: null,
  account: null,
  region: null,
  source: { file: "hand-made" },
});

describe("NativeReads", () => {
  const config = virtwayConfig();
  const readers = config.targets.find((t) => t.id === "virtway-readers");
  const tracking = readers?.policies.find(
    (p): p is TargetTrackingPolicy => p.PolicyType === "TargetTrackingScaling",
  ) as TargetTrackingPolicy;

  it("reads each tracked metric's last ended minute, and the alarms in ALARM only, as the set changes", () => {
    const metrics = new RecentMetrics();
    metrics.publish([cpu(T0, 40), cpu(T0, 300, "ReadLatency"), cpu(T0 + MINUTE, 75)]);
    const reads = new NativeReads(config);

    // At T0 + 1 min the newest ended minute is T0's: minute T0 + 1 is not over.
    const quiet = reads.currentValues(metrics, T0 + MINUTE, new Set());
    expect(quiet.tracking.get(tracking)).toBe(40);
    expect(quiet.alarms.size).toBe(0);

    const high = reads.currentValues(metrics, T0 + 2 * MINUTE, new Set(["virtway-readers-cpu-high-70"]));
    expect(high.tracking.get(tracking)).toBe(75);
    expect([...high.alarms]).toEqual([["virtway-readers-cpu-high-70", 75]]);

    const latency = reads.currentValues(metrics, T0 + MINUTE, new Set(["virtway-readers-latency-high"]));
    expect([...latency.alarms]).toEqual([["virtway-readers-latency-high", 300]]);
    // The set back to none: the alarm is not read again.
    expect(reads.currentValues(metrics, T0 + MINUTE, new Set()).alarms.size).toBe(0);
  });

  it("a minute without a datapoint gives no value", () => {
    const reads = new NativeReads(config);
    const none = reads.currentValues(new RecentMetrics(), T0, new Set(["virtway-readers-cpu-high-70"]));
    expect(none.tracking.size).toBe(0);
    expect(none.alarms.size).toBe(0);
  });
});
