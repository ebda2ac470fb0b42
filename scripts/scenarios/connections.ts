/**
 * The `connections` scenario (events/scenarios/connections/): an API group behind RDS Proxy whose
 * scale-out would want 2 × 150 connections and more, through a proxy allowing 100 a reader
 * (README, "The connection budget"). Written by scripts/generate-scenarios.ts.
 */
import { mulberry32 } from "../../shared/offline/random.js";
import type { StreamRecord } from "../generate-streams.js";
import { groupCpuAlarm } from "./alarms.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const MINUTE = 60_000;
const GROUP = "orders-api";
const CLUSTER = "orders-db";

/** Thursday 10 December 2026, 18:00 UTC: a flash sale at 18:10. */
const START = Date.UTC(2026, 11, 10, 18, 0);
const MINUTES = 60;

/**
 * The group's CPU demand, in percent of one instance (2 instances at 40 % = 80): quiet, the sale
 * from 18:10 (300: five instances' worth at 60 %), back to quiet from 18:40.
 */
function demand(i: number): number {
  if (i < 10) return 80;
  if (i < 13) return 80 + (i - 9) * 55;
  if (i < 40) return 300;
  if (i < 45) return 300 - (i - 39) * 44;
  return 80;
}

/** The instances the recording had: 4 throughout (quiet at 20 %, the sale at 75 %). */
const HOSTS = 4;

export function connectionsRecords(): StreamRecord[] {
  const rand = mulberry32(20261210);
  const out: StreamRecord[] = [];
  for (let i = 0; i < MINUTES; i++) {
    const cpu = Math.min(100, demand(i) / HOSTS) * (1 + (rand() * 2 - 1) * 0.02);
    const average = Number(cpu.toFixed(2));
    const spread = Number((average * 0.05).toFixed(2));
    out.push({
      metric_stream_name: "orders-metric-stream",
      account_id: ACCOUNT,
      region: REGION,
      namespace: "AWS/EC2",
      metric_name: "CPUUtilization",
      dimensions: { AutoScalingGroupName: GROUP },
      timestamp: START + i * MINUTE,
      value: {
        max: Number(Math.min(100, average + spread).toFixed(2)),
        min: Number((average - spread).toFixed(2)),
        sum: Number((average * HOSTS).toFixed(2)),
        count: HOSTS,
      },
      unit: "Percent",
    });
  }
  return out;
}

const cpuAlarm = (name: string, description: string, threshold: number, operator: string, periods: number) =>
  groupCpuAlarm(GROUP, name, description, threshold, operator, periods);

export const connectionsConfig = {
  account: ACCOUNT,
  region: REGION,
  alarms: [
    cpuAlarm("orders-cpu-high-60", "Scale-out: API CPU over 60%", 60, "GreaterThanThreshold", 1),
    cpuAlarm("orders-cpu-low-30", "Scale-in: API CPU under 30% for five minutes", 30, "LessThanThreshold", 5),
  ],
  targets: [
    {
      id: "orders-readers",
      kind: "aurora-readers",
      DBClusterIdentifier: CLUSTER,
      DBInstanceClass: "db.serverless",
      MinCapacity: 1,
      MaxCapacity: 4,
      policies: [],
      schedules: [],
    },
    {
      id: "orders-api",
      kind: "asg",
      AutoScalingGroupName: GROUP,
      MinCapacity: 2,
      MaxCapacity: 8,
      policies: [
        {
          PolicyName: "cpu-step-out-60",
          PolicyType: "StepScaling",
          Alarms: ["orders-cpu-high-60"],
          StepScalingPolicyConfiguration: {
            AdjustmentType: "PercentChangeInCapacity",
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 100 }],
            MinAdjustmentMagnitude: 1,
            Cooldown: 60,
          },
        },
        {
          PolicyName: "cpu-step-in-30",
          PolicyType: "StepScaling",
          Alarms: ["orders-cpu-low-30"],
          StepScalingPolicyConfiguration: {
            AdjustmentType: "ChangeInCapacity",
            StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }],
          },
        },
      ],
      schedules: [],
    },
  ],
  connectionBudgets: [
    {
      DBClusterIdentifier: CLUSTER,
      // Serverless v2 at 0.5–1 ACU: max_connections 189 (AWS's table); 53 % of it to the proxy: 100.
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 1 },
      ReservedConnections: 10,
      DBProxy: { DBProxyName: "orders-proxy", ConnectionPoolConfiguration: { MaxConnectionsPercent: 53 } },
      groups: [{ target: "orders-api", via: "proxy", maxPoolSize: 150, minPoolSize: 50 }],
    },
  ],
};
