/**
 * Writes the bundled sample streams in events/streams/ (see events/streams/README.md):
 *
 *   npx tsx scripts/generate-streams.ts [out-folder]
 *
 * Deterministic: a seeded generator (mulberry32) for the noise, fixed dates, so that running it
 * again gives the same bytes. The shapes of the curves are written out below, minute by minute,
 * so that the alarms of brain.config.json cross their thresholds with a margin the noise cannot
 * close; the noise only keeps the lines from looking drawn with a ruler.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../shared/offline/random.js";

/** Where the streams are written: the folder given, else events/streams/ beside the scripts. */
const OUT = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "events", "streams");
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const MINUTE = 60_000;

const CLUSTER = { DBClusterIdentifier: "virtway-aurora", Role: "READER" };
const ALB = "app/virtway-alb/50dc6c495c0c9188";
const FRONTEND_TG = "targetgroup/virtway-frontend/943f017f100becff";
const API_TG = "targetgroup/virtway-api/73e2d6bc24d8a067";

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** `base` values per minute with ±`spread` relative noise, except where `exact` pins them. */
function curve(
  rand: () => number,
  base: number[],
  spread: number,
  digits: number,
  exact: Set<number> = new Set(),
) {
  return base.map((v, i) => (exact.has(i) ? v : round(v * (1 + (rand() * 2 - 1) * spread), digits)));
}

// --- the Virtway avalanche: Monday 23 November 2026, 18:45–19:29 UTC ---------------------------
// Early arrivals from T-5 (18:55); at T (19:00) 8,000 users arrive within the minute; the session
// runs to 19:15 and the audience leaves (the curves below are that evening, minute by minute). Readers: 2, one more at 19:09 and two more at 19:10 (the
// 70% and 85% alarms' readers after their 8 minutes of provisioning). Front end +3 instances at
// 19:03; API +2 at 19:03 and +3 at 19:04.

const START = Date.UTC(2026, 10, 23, 18, 45);
const MINUTES = 45;
const at = (i: number) => START + i * MINUTE;
/** Index of a wall-clock minute of the 23rd (19:00 → 15). */
const m = (hh: number, mm: number) => (hh - 18) * 60 + mm - 45;

const readers = Array.from({ length: MINUTES }, (_, i) => (i < m(19, 9) ? 2 : i < m(19, 10) ? 3 : 5));
const frontendHosts = Array.from({ length: MINUTES }, (_, i) => (i < m(19, 3) ? 6 : 9));
const apiHosts = Array.from({ length: MINUTES }, (_, i) => (i < m(19, 3) ? 4 : i < m(19, 4) ? 6 : 9));

// biome-ignore format: one line per phase of the evening, minute by minute
const READER_CPU = [
  28, 29, 27, 30, 28, 29, 31, 28, 27, 29, // 18:45–18:54 baseline
  34, 39, 45, 51, 58, // 18:55–18:59 early arrivals
  76, 91, 94, 93, 82, 79, 77, 75, 73, // 19:00–19:08 the spike: > 70 at 19:00, > 85 at 19:01
  64, 48, 45, 44, 43, 42, // 19:09–19:14 new readers
  38, 27, 21, // 19:15–19:17 the audience leaves
  19.1, 18.3, 17.4, 16.0, 15.2, 13.9, 14.1, 13.5, 12.8, 12.0, 11.6, 11.2, // 19:18–19:29 < 20
];
// biome-ignore format: one line per phase of the evening, minute by minute
const READER_CONNECTIONS = [
  118, 122, 115, 120, 124, 119, 121, 117, 123, 120, 150, 175, 200, 230, 255, 318, 391, 372, 355, 340, 330, 322, 315, 305, // > 280 from 19:00 (historical peak 391)
  262, 160, 155, 150, 146, 142, 120, 80, 55, 46, 44, 43, 42, 42, 41, 41, 40, 40, 40, 40, 40,
];
// biome-ignore format: one line per phase of the evening, minute by minute
const READER_LATENCY_MS = [
  1.2, 1.1, 1.3, 1.2, 1.2, 1.1, 1.2, 1.3, 1.2, 1.2, 1.4, 1.6, 1.8, 2.1, 2.5, 2.8, 3.8, 3.6, 3.4, 3.3, 3.2, 2.8, 2.6, 2.4, // > 3 ms from 19:01 to 19:05
  2.1, 1.8, 1.6, 1.5, 1.4, 1.3, 1.3, 1.2, 1.2, 1.1, 1.1, 1.2, 1.1, 1.1, 1.2, 1.1, 1.1, 1.2, 1.1, 1.1, 1.1,
];
// biome-ignore format: one line per phase of the evening, minute by minute
const FRONTEND_PER_TARGET = [
  300, 290, 310, 305, 295, 300, 310, 290, 300, 305, 420, 560, 700, 850, 1000, 2350, 2600, 2450, // > 1,800 per target for 19:00–19:02
  1950, 1650, 1400, 1300, 1250, 1200, 1150, 1100, 1100, 1050, 1050, 1000, 900, 400, 280, 270, 265, 260, 260, 255, 250, 250, 250, 245, 245, 245, 240,
];
// biome-ignore format: one line per phase of the evening, minute by minute
const API_REQUESTS = [
  2200, 2150, 2250, 2200, 2180, 2230, 2210, 2190, 2220, 2200, 2800, 3400, 4200, 5000, 6000, 9200, 10400, 10000, // / 4 hosts: 2,300–2,600 per host
  9800, 9600, 9500, 9400, 9300, 9200, 9100, 9000, 9000, 8900, 8800, 8800, 6000, 3000, 2200, 2100, 2050, 2000, 2000, 2000, 1950, 1950, 1950, 1900, 1900, 1900, 1900,
];
const EC2_CPU = {
  frontend: [
    22, 23, 21, 22, 22, 23, 22, 21, 22, 23, 30, 35, 40, 45, 50, 88, 92, 85, 72, 66, 62, 60, 59, 58, 57, 57,
    56, 56, 55, 55, 48, 28, 22, 21, 20, 20, 20, 19, 19, 19, 19, 19, 19, 19, 19,
  ],
  api: [
    25, 26, 24, 25, 25, 26, 25, 24, 25, 26, 33, 38, 44, 50, 56, 90, 95, 93, 74, 61, 60, 59, 58, 58, 57, 57,
    56, 56, 55, 55, 45, 30, 25, 24, 23, 23, 23, 22, 22, 22, 22, 22, 22, 22, 22,
  ],
};

export type StreamRecord = {
  metric_stream_name: string;
  account_id: string;
  region: string;
  namespace: string;
  metric_name: string;
  dimensions: Record<string, string>;
  timestamp: number;
  value: { max: number; min: number; sum: number; count: number };
  unit: string;
};

/** A Metric Streams record for an average over `count` samples spread ±`spread` around it. */
export function averageRecord(
  namespace: string,
  metric: string,
  dimensions: Record<string, string>,
  minute: number,
  average: number,
  count: number,
  unit: string,
  digits: number,
  rand: () => number,
): StreamRecord {
  const spread = count > 1 ? Math.abs(average) * 0.06 * (0.5 + rand()) : 0;
  return {
    metric_stream_name: "virtway-metric-stream",
    account_id: ACCOUNT,
    region: REGION,
    namespace,
    metric_name: metric,
    dimensions,
    timestamp: at(minute),
    value: {
      max: round(average + spread, digits),
      min: round(Math.max(0, average - spread), digits),
      sum: round(average * count, digits),
      count,
    },
    unit,
  };
}

export function avalancheRecords(): StreamRecord[][] {
  const rand = mulberry32(20261123);
  const cpu = curve(rand, READER_CPU, 0.01, 1, new Set(Array.from({ length: 12 }, (_, i) => m(19, 18) + i)));
  const connections = curve(rand, READER_CONNECTIONS, 0.01, 1);
  const latency = curve(rand, READER_LATENCY_MS, 0.02, 2).map((ms) => round(ms / 1000, 6));
  const perTarget = curve(rand, FRONTEND_PER_TARGET, 0.01, 0);
  const apiRequests = curve(rand, API_REQUESTS, 0.01, 0);
  return Array.from({ length: MINUTES }, (_, i) => {
    const r = readers[i] as number;
    const fe = frontendHosts[i] as number;
    const api = apiHosts[i] as number;
    const requests = apiRequests[i] as number;
    const elb = (metric: string, dims: Record<string, string>, sum: number, count: number) => ({
      ...averageRecord("AWS/ApplicationELB", metric, dims, i, sum / count, count, "Count", 0, rand),
      value:
        count === 1
          ? { max: sum, min: sum, sum, count }
          : { max: round((sum / count) * 1.3, 0), min: round((sum / count) * 0.7, 0), sum, count },
    });
    return [
      averageRecord("AWS/RDS", "CPUUtilization", CLUSTER, i, cpu[i] as number, r, "Percent", 2, rand),
      averageRecord(
        "AWS/RDS",
        "DatabaseConnections",
        CLUSTER,
        i,
        connections[i] as number,
        r,
        "Count",
        1,
        rand,
      ),
      averageRecord("AWS/RDS", "ReadLatency", CLUSTER, i, latency[i] as number, r, "Seconds", 6, rand),
      // ALB publishes RequestCountPerTarget per target group and per load balancer + target group:
      // the alarm names the first; the second is a series no alarm uses.
      // ALB computes it as RequestCount / healthy targets, one value a minute.
      elb("RequestCountPerTarget", { TargetGroup: FRONTEND_TG }, perTarget[i] as number, 1),
      elb(
        "RequestCountPerTarget",
        { LoadBalancer: ALB, TargetGroup: FRONTEND_TG },
        perTarget[i] as number,
        1,
      ),
      elb("RequestCount", { LoadBalancer: ALB, TargetGroup: API_TG }, requests, api),
      {
        ...averageRecord(
          "AWS/ApplicationELB",
          "HealthyHostCount",
          { LoadBalancer: ALB, TargetGroup: API_TG },
          i,
          api,
          6,
          "Count",
          0,
          rand,
        ),
        value: { max: api, min: i === m(19, 3) || i === m(19, 4) ? api - 2 : api, sum: api * 6, count: 6 },
      },
      averageRecord(
        "AWS/EC2",
        "CPUUtilization",
        { AutoScalingGroupName: "virtway-frontend-php" },
        i,
        curve(rand, [EC2_CPU.frontend[i] as number], 0.02, 2)[0] as number,
        fe,
        "Percent",
        2,
        rand,
      ),
      averageRecord(
        "AWS/EC2",
        "CPUUtilization",
        { AutoScalingGroupName: "virtway-api-tomcat" },
        i,
        curve(rand, [EC2_CPU.api[i] as number], 0.02, 2)[0] as number,
        api,
        "Percent",
        2,
        rand,
      ),
    ];
  });
}

/**
 * Firehose delivers a minute's records in no particular order and now and then a record a few
 * minutes late: shuffle each minute, and hold back one record in ten by one to three minutes.
 */
export function asDelivered(minutes: StreamRecord[][], rand: () => number): StreamRecord[] {
  const late = new Map<number, StreamRecord[]>();
  const out: StreamRecord[] = [];
  minutes.forEach((records, i) => {
    const batch = [...records, ...(late.get(i) ?? [])];
    for (let j = batch.length - 1; j > 0; j--) {
      const k = Math.floor(rand() * (j + 1));
      [batch[j], batch[k]] = [batch[k] as StreamRecord, batch[j] as StreamRecord];
    }
    for (const record of batch) {
      if (record.timestamp === at(i) && rand() < 0.1 && i < minutes.length - 3) {
        const when = i + 1 + Math.floor(rand() * 3);
        late.set(when, [...(late.get(when) ?? []), record]);
      } else {
        out.push(record);
      }
    }
  });
  return out;
}

// --- the same evening's reader metrics as `aws cloudwatch get-metric-data` prints them ---------

function getMetricDataDocument(minutes: StreamRecord[][]): unknown {
  const pick = (metric: string) =>
    minutes.map(
      (records) => records.find((r) => r.namespace === "AWS/RDS" && r.metric_name === metric) as StreamRecord,
    );
  const query = (id: string, metric: string, stat: string, unit: string) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: "AWS/RDS",
        MetricName: metric,
        Dimensions: Object.entries(CLUSTER).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: 60,
      Stat: stat,
      Unit: unit,
    },
    ReturnData: true,
  });
  // The CLI prints newest first (ScanBy TimestampDescending) with +00:00 offsets.
  const times = (records: StreamRecord[]) =>
    [...records].reverse().map((r) => new Date(r.timestamp).toISOString().replace(".000Z", "+00:00"));
  const result = (id: string, label: string, values: number[], records: StreamRecord[]) => ({
    Id: id,
    Label: label,
    Timestamps: times(records),
    Values: [...values].reverse(),
    StatusCode: "Complete",
  });
  const cpu = pick("CPUUtilization");
  const connections = pick("DatabaseConnections");
  const latency = pick("ReadLatency");
  const avg = (r: StreamRecord) => round(r.value.sum / r.value.count, 6);
  return {
    MetricDataQueries: [
      query("cpu", "CPUUtilization", "Average", "Percent"),
      query("cpusamples", "CPUUtilization", "SampleCount", "Percent"),
      query("connections", "DatabaseConnections", "Average", "Count"),
      query("latency", "ReadLatency", "Average", "Seconds"),
    ],
    MetricDataResults: [
      result("cpu", "CPUUtilization", cpu.map(avg), cpu),
      result(
        "cpusamples",
        "CPUUtilization",
        cpu.map((r) => r.value.count),
        cpu,
      ),
      result("connections", "DatabaseConnections", connections.map(avg), connections),
      result("latency", "ReadLatency", latency.map(avg), latency),
    ],
    Messages: [],
  };
}

// --- a hand-made CSV: the weekly TV vote on the API, Thursday 26 November 2026 ----------------

function tvVoteCsv(): string {
  const rand = mulberry32(20261126);
  const start = Date.UTC(2026, 10, 26, 20, 0);
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  const apiDims = `LoadBalancer=${ALB};TargetGroup=${API_TG}`;
  const lines = [
    "# The weekly TV show: 250,000 viewers vote within one minute at 20:10 UTC (hand-made).",
    "# API requests are per-minute statistic sets; healthy hosts are raw samples every 10 seconds,",
    "# front-end requests per target are per-minute sums.",
    "timestamp,namespace,metric,dimensions,unit,value,count,sum,min,max",
  ];
  const requests = [
    2000, 2100, 2050, 2000, 2150, 2100, 2200, 2300, 2600, 3500, 26000, 14000, 6500, 3200, 2500, 2300, 2200,
    2100, 2100, 2050,
  ];
  const hosts = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 9, 9, 9, 9, 9, 9, 9, 9];
  const frontend = [
    280, 290, 285, 300, 295, 300, 310, 320, 380, 520, 2900, 1900, 900, 500, 350, 320, 300, 300, 290, 285,
  ];
  requests.forEach((total, i) => {
    const t = iso(start + i * MINUTE);
    const sum = Math.round(total * (1 + (rand() * 2 - 1) * 0.01));
    lines.push(
      `${t},AWS/ApplicationELB,RequestCount,${apiDims},Count,,6,${sum},${Math.round(sum / 9)},${Math.round(sum / 4)}`,
    );
    for (let s = 0; s < 6; s++) {
      const sampleAt = iso(start + i * MINUTE + s * 10_000);
      // Hosts come in one by one during the minute they are added.
      const h = i > 0 && hosts[i] !== hosts[i - 1] && s < 3 ? (hosts[i - 1] as number) : (hosts[i] as number);
      lines.push(`${sampleAt},AWS/ApplicationELB,HealthyHostCount,${apiDims},Count,${h},,,,`);
    }
    const fe = Math.round((frontend[i] as number) * (1 + (rand() * 2 - 1) * 0.01));
    lines.push(
      `${t},AWS/ApplicationELB,RequestCountPerTarget,TargetGroup=${FRONTEND_TG},Count,,1,${fe},${fe},${fe}`,
    );
  });
  return `${lines.join("\n")}\n`;
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const minutes = avalancheRecords();
  const delivered = asDelivered(minutes, mulberry32(7));
  writeFileSync(join(OUT, "avalanche.jsonl"), `${delivered.map((r) => JSON.stringify(r)).join("\n")}\n`);
  writeFileSync(
    join(OUT, "avalanche-readers.json"),
    `${JSON.stringify(getMetricDataDocument(minutes), null, 4)}\n`,
  );
  writeFileSync(join(OUT, "tv-vote.csv"), tvVoteCsv());
  process.stderr.write(
    `wrote ${delivered.length} records to ${join(OUT, "avalanche.jsonl")}, avalanche-readers.json and tv-vote.csv\n`,
  );
}

// Run, not imported (scripts/generate-scenarios.ts reuses the avalanche).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
