/**
 * Writes the scenarios of events/scenarios/ (each folder's README.md says what it models):
 *
 *   npx tsx scripts/generate-scenarios.ts [out-folder]
 *
 * Every scenario is synthetic. Deterministic: seeded noise (mulberry32) on curves written out
 * minute by minute, fixed dates, so that running it again gives the same bytes. It writes each
 * scenario's configuration (where it has its own) and streams; the READMEs are written by hand.
 *
 * - `virtway`: the avalanche of events/streams/avalanche.jsonl, the same bytes (its configuration is
 *   the root brain.config.json);
 * - `tv-vote`: a weekly TV show's vote, 250,000 votes within one minute, on an environment that
 *   exists only around the show (brought up and down by scheduled actions);
 * - `raffle`: a conference raffle, 10,000 submissions in 30 seconds, on a group with step policies
 *   out at 60% CPU and in at 30%.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../shared/offline/random.js";
import { asDelivered, avalancheRecords, type StreamRecord } from "./generate-streams.js";
import { groupCpuAlarm } from "./scenarios/alarms.js";
import { connectionsConfig, connectionsRecords } from "./scenarios/connections.js";

const OUT = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "events", "scenarios");
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const MINUTE = 60_000;

const round = (n: number, digits: number) => Number(n.toFixed(digits));
const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));

/** A Metric Streams record: an average over `count` samples, or a sum (`count` 1 per unit of time). */
function record(
  stream: string,
  namespace: string,
  metric: string,
  dimensions: Record<string, string>,
  timestamp: number,
  value: { average: number; count: number } | { sum: number; count: number },
  unit: string,
  rand: () => number,
): StreamRecord {
  const sum = "sum" in value ? value.sum : round(value.average * value.count, 2);
  const mean = sum / value.count;
  const spread = value.count > 1 ? mean * 0.05 * (0.5 + rand()) : 0;
  return {
    metric_stream_name: stream,
    account_id: ACCOUNT,
    region: REGION,
    namespace,
    metric_name: metric,
    dimensions,
    timestamp,
    value: {
      max: round(mean + spread, 2),
      min: round(Math.max(0, mean - spread), 2),
      sum,
      count: value.count,
    },
    unit,
  };
}

/** `base` with ±`spread` relative noise, rounded. */
const noisy = (rand: () => number, base: number, spread: number, digits = 0) =>
  round(base * (1 + (rand() * 2 - 1) * spread), digits);

const jsonLines = (records: StreamRecord[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;

// --- tv-vote: Thursday 3 December 2026, the show 21:00–22:00 in Madrid (20:00–21:00 UTC) ---------

const TV = {
  group: "tv-vote-api",
  cluster: "tv-vote-aurora",
  alb: "app/tv-vote-alb/6f1c2a9d0b3e4d51",
  targetGroup: "targetgroup/tv-vote-api/2b7e9c4f1a0d3e86",
};
const TV_START = Date.UTC(2026, 11, 3, 19, 30);
const TV_MINUTES = 120;
/** Index of a UTC minute of the 3rd (19:30 → 0). */
const tv = (hh: number, mm: number) => (hh - 19) * 60 + mm - 30;

/**
 * API requests a minute: nothing while the environment is down (before 19:45 and after 21:30
 * UTC), the audience browsing during the show, and the vote at 20:40: 250,000 votes within the
 * minute, stragglers after.
 */
function tvRequests(i: number): number {
  if (i < tv(19, 48) || i >= tv(21, 30)) return 0;
  if (i < tv(20, 0)) return 1500 + (i - tv(19, 48)) * 400;
  if (i < tv(20, 40)) return 18_000 + (i - tv(20, 0)) * 150;
  // biome-ignore format: the vote minute by minute, 20:40–20:47
  const vote = [250_000, 62_000, 26_000, 19_000, 17_000, 16_000, 15_500, 15_000];
  if (i < tv(20, 48)) return vote[i - tv(20, 40)] as number;
  if (i < tv(21, 0)) return 15_000;
  return Math.max(0, 15_000 - (i - tv(21, 0)) * 1_500);
}

/** The instances the evening had: 12 from the scheduled scale-up, more after the vote, 0 after. */
function tvHosts(i: number): number {
  if (i < tv(19, 48) || i >= tv(21, 30)) return 0;
  if (i < tv(20, 44)) return 12;
  if (i < tv(21, 0)) return 24;
  return 12;
}

/** The readers the evening had: 2 from the scheduled scale-up (available at 19:53), 0 after. */
const tvReaders = (i: number) => (i < tv(19, 53) || i >= tv(21, 30) ? 0 : 2);

function tvVoteRecords(): StreamRecord[] {
  const rand = mulberry32(20261203);
  const out: StreamRecord[] = [];
  const albDims = { LoadBalancer: TV.alb, TargetGroup: TV.targetGroup };
  const readerDims = { DBClusterIdentifier: TV.cluster, Role: "READER" };
  for (let i = 0; i < TV_MINUTES; i++) {
    const at = TV_START + i * MINUTE;
    const stream = "tv-vote-metric-stream";
    const requests = tvRequests(i);
    const hosts = tvHosts(i);
    const readers = tvReaders(i);
    // ALB counts the requests it answers with 503 when no target is healthy: RequestCount goes on.
    if (requests > 0) {
      const sum = noisy(rand, requests, 0.01);
      out.push(
        record(stream, "AWS/ApplicationELB", "RequestCount", albDims, at, { sum, count: 6 }, "Count", rand),
      );
    }
    if (hosts > 0) {
      out.push(
        record(
          stream,
          "AWS/ApplicationELB",
          "HealthyHostCount",
          albDims,
          at,
          { average: hosts, count: 6 },
          "Count",
          rand,
        ),
      );
      // One instance serves about 5,000 requests a minute at full CPU; the vote minute saturates them.
      const cpu = Math.min(100, Math.max(8, (requests / hosts / 5_000) * 100));
      out.push(
        record(
          stream,
          "AWS/EC2",
          "CPUUtilization",
          { AutoScalingGroupName: TV.group },
          at,
          { average: Math.min(100, noisy(rand, cpu, 0.02, 2)), count: hosts },
          "Percent",
          rand,
        ),
      );
    }
    if (readers > 0) {
      // The results page reads the running tally: reader CPU follows the requests, 2 readers.
      const cpu = Math.min(100, 12 + (requests / 1_000) * 0.9);
      out.push(
        record(
          stream,
          "AWS/RDS",
          "CPUUtilization",
          readerDims,
          at,
          { average: Math.min(100, noisy(rand, cpu, 0.02, 2)), count: readers },
          "Percent",
          rand,
        ),
      );
      out.push(
        record(
          stream,
          "AWS/RDS",
          "DatabaseConnections",
          readerDims,
          at,
          { average: noisy(rand, 40 + requests / 2_000, 0.02, 1), count: readers },
          "Count",
          rand,
        ),
      );
    }
  }
  return out;
}

/** A weekly cron in Madrid's time: the show is on Thursdays. */
const thursdays = (hh: number, mm: number) => `cron(${mm} ${hh} ? * THU *)`;

const tvVoteConfig = {
  account: ACCOUNT,
  region: REGION,
  alarms: [
    {
      AlarmName: "tv-vote-api-requests-high",
      AlarmDescription: "API: requests per healthy instance over 6,000 a minute (metric math)",
      Metrics: [
        {
          Id: "requests",
          MetricStat: {
            Metric: {
              Namespace: "AWS/ApplicationELB",
              MetricName: "RequestCount",
              Dimensions: dims({ LoadBalancer: TV.alb, TargetGroup: TV.targetGroup }),
            },
            Period: 60,
            Stat: "Sum",
          },
          ReturnData: false,
        },
        {
          Id: "hosts",
          MetricStat: {
            Metric: {
              Namespace: "AWS/ApplicationELB",
              MetricName: "HealthyHostCount",
              Dimensions: dims({ LoadBalancer: TV.alb, TargetGroup: TV.targetGroup }),
            },
            Period: 60,
            Stat: "Average",
          },
          ReturnData: false,
        },
        {
          Id: "perhost",
          Expression: "requests / hosts",
          Label: "Requests per healthy API instance",
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: 6000,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "missing",
    },
    {
      AlarmName: "tv-vote-readers-cpu-high",
      AlarmDescription: "Readers: CPU over 70% adds one reader",
      Namespace: "AWS/RDS",
      MetricName: "CPUUtilization",
      Dimensions: dims({ DBClusterIdentifier: TV.cluster, Role: "READER" }),
      Statistic: "Average",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 70,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "missing",
    },
  ],
  targets: [
    {
      id: "tv-vote-api",
      kind: "asg",
      AutoScalingGroupName: TV.group,
      MinCapacity: 0,
      MaxCapacity: 0,
      policies: [
        {
          PolicyName: "api-requests-target-4000",
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 4000,
            PredefinedMetricSpecification: {
              PredefinedMetricType: "ALBRequestCountPerTarget",
              ResourceLabel: `${TV.alb}/${TV.targetGroup}`,
            },
          },
        },
        {
          PolicyName: "api-requests-step",
          PolicyType: "StepScaling",
          Alarms: ["tv-vote-api-requests-high"],
          StepScalingPolicyConfiguration: {
            AdjustmentType: "PercentChangeInCapacity",
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 100 }],
            MinAdjustmentMagnitude: 4,
          },
        },
      ],
      schedules: [
        {
          ScheduledActionName: "api-before-the-show",
          Schedule: thursdays(20, 45),
          Timezone: "Europe/Madrid",
          ScalableTargetAction: { MinCapacity: 12, MaxCapacity: 60 },
        },
        {
          ScheduledActionName: "api-after-the-show",
          Schedule: thursdays(22, 30),
          Timezone: "Europe/Madrid",
          ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
        },
      ],
    },
    {
      id: "tv-vote-readers",
      kind: "aurora-readers",
      DBClusterIdentifier: TV.cluster,
      MinCapacity: 0,
      MaxCapacity: 0,
      policies: [
        {
          PolicyName: "readers-cpu-target-40",
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 40,
            PredefinedMetricSpecification: { PredefinedMetricType: "RDSReaderAverageCPUUtilization" },
            ScaleOutCooldown: 60,
            ScaleInCooldown: 300,
          },
        },
        {
          PolicyName: "readers-cpu-step-70",
          PolicyType: "StepScaling",
          Alarms: ["tv-vote-readers-cpu-high"],
          StepScalingPolicyConfiguration: {
            AdjustmentType: "ChangeInCapacity",
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
            Cooldown: 300,
          },
        },
      ],
      schedules: [
        {
          ScheduledActionName: "readers-before-the-show",
          Schedule: thursdays(20, 45),
          Timezone: "Europe/Madrid",
          ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 6 },
        },
        {
          ScheduledActionName: "readers-after-the-show",
          Schedule: thursdays(22, 30),
          Timezone: "Europe/Madrid",
          ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
        },
      ],
    },
  ],
};

// --- raffle: Wednesday 18 November 2026, the draw at 11:00 UTC --------------------------------

const RAFFLE = {
  group: "raffle-web",
  alb: "app/raffle-alb/3c5d7e9f1a2b4c6d",
  targetGroup: "targetgroup/raffle-web/8e1f3a5c7b9d2e4f",
};
const RAFFLE_START = Date.UTC(2026, 10, 18, 10, 40);
const RAFFLE_MINUTES = 60;
/** Index of a UTC minute of the 18th (10:40 → 0). */
const raffleAt = (hh: number, mm: number) => (hh - 10) * 60 + mm - 40;

/**
 * The group's CPU demand, in percent of one instance (4 instances at 25% = 100): the audience on
 * the page before the draw, 10,000 submissions in the first 30 s of 11:00, the results after.
 */
function raffleDemand(i: number): number {
  if (i < raffleAt(10, 55)) return 100;
  if (i < raffleAt(11, 0)) return 100 + (i - raffleAt(10, 55)) * 20;
  // biome-ignore format: 11:00–11:05, the draw and the results page
  const draw = [440, 330, 230, 180, 150, 130];
  if (i < raffleAt(11, 6)) return draw[i - raffleAt(11, 0)] as number;
  return Math.max(60, 120 - (i - raffleAt(11, 6)) * 4);
}

/** Requests a minute: about 1.5 per percent of CPU, the submissions on top during the draw. */
const raffleRequests = (i: number) => Math.round(raffleDemand(i) * 15) + (i === raffleAt(11, 0) ? 10_000 : 0);

/** The instances the recording had: 4, doubled to 8 during the draw's minute (the published case). */
const raffleHosts = (i: number) => (i < raffleAt(11, 1) ? 4 : i < raffleAt(11, 20) ? 8 : 4);

function raffleRecords(): StreamRecord[] {
  const rand = mulberry32(20261118);
  const out: StreamRecord[] = [];
  for (let i = 0; i < RAFFLE_MINUTES; i++) {
    const at = RAFFLE_START + i * MINUTE;
    const stream = "raffle-metric-stream";
    const hosts = raffleHosts(i);
    const cpu = Math.min(100, raffleDemand(i) / hosts);
    out.push(
      record(
        stream,
        "AWS/EC2",
        "CPUUtilization",
        { AutoScalingGroupName: RAFFLE.group },
        at,
        { average: Math.min(100, noisy(rand, cpu, 0.02, 2)), count: hosts },
        "Percent",
        rand,
      ),
    );
    out.push(
      record(
        stream,
        "AWS/ApplicationELB",
        "RequestCount",
        { LoadBalancer: RAFFLE.alb, TargetGroup: RAFFLE.targetGroup },
        at,
        { sum: noisy(rand, raffleRequests(i), 0.01), count: 6 },
        "Count",
        rand,
      ),
    );
  }
  return out;
}

const raffleCpuAlarm = (
  name: string,
  description: string,
  threshold: number,
  operator: string,
  periods: number,
) => groupCpuAlarm(RAFFLE.group, name, description, threshold, operator, periods);

const raffleConfig = {
  account: ACCOUNT,
  region: REGION,
  alarms: [
    raffleCpuAlarm("raffle-cpu-high-60", "Scale-out: group CPU over 60%", 60, "GreaterThanThreshold", 1),
    raffleCpuAlarm(
      "raffle-cpu-low-30",
      "Scale-in: group CPU under 30% for five minutes",
      30,
      "LessThanThreshold",
      5,
    ),
  ],
  targets: [
    {
      id: "raffle-web",
      kind: "asg",
      AutoScalingGroupName: RAFFLE.group,
      MinCapacity: 4,
      MaxCapacity: 16,
      policies: [
        {
          PolicyName: "cpu-step-out-60",
          PolicyType: "StepScaling",
          Alarms: ["raffle-cpu-high-60"],
          StepScalingPolicyConfiguration: {
            AdjustmentType: "PercentChangeInCapacity",
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 100 }],
            MinAdjustmentMagnitude: 1,
          },
        },
        {
          PolicyName: "cpu-step-in-30",
          PolicyType: "StepScaling",
          Alarms: ["raffle-cpu-low-30"],
          StepScalingPolicyConfiguration: {
            AdjustmentType: "ChangeInCapacity",
            StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }],
          },
        },
      ],
      schedules: [],
    },
  ],
};

function write(folder: string, files: Record<string, string>): void {
  mkdirSync(join(OUT, folder), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(OUT, folder, name), text);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function main(): void {
  write("virtway", { "avalanche.jsonl": jsonLines(asDelivered(avalancheRecords(), mulberry32(7))) });
  write("tv-vote", { "brain.config.json": json(tvVoteConfig), "tv-vote.jsonl": jsonLines(tvVoteRecords()) });
  write("raffle", { "brain.config.json": json(raffleConfig), "raffle.jsonl": jsonLines(raffleRecords()) });
  write("connections", {
    "brain.config.json": json(connectionsConfig),
    "connections.jsonl": jsonLines(connectionsRecords()),
  });
  process.stderr.write(`wrote the virtway, tv-vote, raffle and connections scenarios to ${OUT}\n`);
}

main();
