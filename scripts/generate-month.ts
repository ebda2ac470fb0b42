/**
 * Writes a long recording for measuring replay: Metric Streams JSON lines, one record a minute for
 * each of the ten series the Virtway example reads, over `days` days (default 30), a daily cycle
 * peaking in the evening with an event (a surge at 19:00 UTC), seeded noise. Synthetic: not a real trace.
 *
 *   npx tsx scripts/generate-month.ts /tmp/month.jsonl [days]
 *   npm run brain -- replay /tmp/month.jsonl --mode both
 */
import { createWriteStream } from "node:fs";
import { mulberry32 } from "../shared/offline/random.js";

const [out, daysArg] = process.argv.slice(2);
if (!out) {
  console.error("usage: npx tsx scripts/generate-month.ts <out.jsonl> [days]");
  process.exit(2);
}
const days = Number(daysArg ?? 30);
const MINUTE = 60_000;
const START = Date.UTC(2026, 10, 1);
const ALB = "app/virtway-alb/50dc6c495c0c9188";
const FRONTEND_TG = "targetgroup/virtway-frontend/943f017f100becff";
const API_TG = "targetgroup/virtway-api/73e2d6bc24d8a067";
const READERS = { DBClusterIdentifier: "virtway-aurora", Role: "READER" };

const rand = mulberry32(20261101);

/** The load of a minute, 0.1 at night to 1 in the evening, and a surge of 4 for the event's first hour. */
function load(minuteOfDay: number): number {
  const hour = minuteOfDay / 60;
  const daily = 0.1 + 0.9 * Math.max(0, Math.sin(((hour - 13) / 24) * 2 * Math.PI)) ** 2;
  const event = hour >= 19 && hour < 20 ? 4 : hour >= 18.9 && hour < 19 ? 2 : 1;
  return daily * event * (1 + (rand() * 2 - 1) * 0.05);
}

const stream = createWriteStream(out);
const line = (
  namespace: string,
  metric: string,
  dimensions: object,
  at: number,
  unit: string,
  values: number[],
) => {
  const sum = values.reduce((a, b) => a + b, 0);
  const record = {
    metric_stream_name: "virtway-metric-stream",
    account_id: "123456789012",
    region: "eu-west-1",
    namespace,
    metric_name: metric,
    dimensions,
    timestamp: at,
    value: { max: Math.max(...values), min: Math.min(...values), sum, count: values.length },
    unit,
  };
  return `${JSON.stringify(record)}\n`;
};
const spread = (n: number, each: number) =>
  Array.from({ length: n }, () => each * (1 + (rand() * 2 - 1) * 0.1));

for (let m = 0; m < days * 24 * 60; m++) {
  const at = START + m * MINUTE;
  const l = load(m % (24 * 60));
  // Recorded at a fixed capacity: 2 readers, 6 front-end and 4 API instances.
  const chunk = [
    line("AWS/RDS", "CPUUtilization", READERS, at, "Percent", spread(2, Math.min(100, 25 * l))),
    line("AWS/RDS", "DatabaseConnections", READERS, at, "Count", spread(2, 110 * l)),
    line("AWS/RDS", "ReadLatency", READERS, at, "Seconds", spread(2, 0.0012 * Math.max(1, l))),
    line("AWS/ApplicationELB", "RequestCount", { LoadBalancer: ALB, TargetGroup: API_TG }, at, "Count", [
      2400 * l,
    ]),
    line(
      "AWS/ApplicationELB",
      "HealthyHostCount",
      { LoadBalancer: ALB, TargetGroup: API_TG },
      at,
      "Count",
      [4],
    ),
    line("AWS/ApplicationELB", "RequestCountPerTarget", { TargetGroup: FRONTEND_TG }, at, "Count", [500 * l]),
    line(
      "AWS/ApplicationELB",
      "RequestCountPerTarget",
      { LoadBalancer: ALB, TargetGroup: FRONTEND_TG },
      at,
      "Count",
      [500 * l],
    ),
    line(
      "AWS/ApplicationELB",
      "HealthyHostCount",
      { LoadBalancer: ALB, TargetGroup: FRONTEND_TG },
      at,
      "Count",
      [6],
    ),
    line(
      "AWS/EC2",
      "CPUUtilization",
      { AutoScalingGroupName: "virtway-frontend-php" },
      at,
      "Percent",
      spread(6, 30 * l),
    ),
    line(
      "AWS/EC2",
      "CPUUtilization",
      { AutoScalingGroupName: "virtway-api-tomcat" },
      at,
      "Percent",
      spread(4, 35 * l),
    ),
  ].join("");
  if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}
stream.end();
