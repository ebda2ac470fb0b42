/**
 * A long synthetic recording for measuring replay (`bench`'s `replay` figure,
 * scripts/generate-month.ts): Metric Streams JSON lines, one record a minute for each of the ten
 * series the Virtway example reads, over `days` days, a daily cycle peaking in the evening with an
 * event (a surge at 19:00 UTC), seeded noise. Synthetic: not a real trace. The same `days` give
 * the same bytes.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mulberry32 } from "../random.js";

/** The series each minute of the recording holds. */
export const MONTH_SERIES = 10;

/** What was written: how many series, minutes and records (datapoints). */
export type MonthShape = { days: number; series: number; minutes: number; datapoints: number };

const MINUTE = 60_000;
const START = Date.UTC(2026, 10, 1);
const ALB = "app/virtway-alb/50dc6c495c0c9188";
const FRONTEND_TG = "targetgroup/virtway-frontend/943f017f100becff";
const API_TG = "targetgroup/virtway-api/73e2d6bc24d8a067";
const READERS = { DBClusterIdentifier: "virtway-aurora", Role: "READER" };

/** Writes the recording to `out` (replaced), `days` days from 1 November 2026 00:00 UTC. */
export async function writeVirtwayMonth(out: string, days = 30): Promise<MonthShape> {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`days must be a whole number ≥ 1, not ${days}`);
  const rand = mulberry32(20261101);

  /** The load of a minute, 0.1 at night to 1 in the evening, and a surge of 4 for the event's first hour. */
  const load = (minuteOfDay: number): number => {
    const hour = minuteOfDay / 60;
    const daily = 0.1 + 0.9 * Math.max(0, Math.sin(((hour - 13) / 24) * 2 * Math.PI)) ** 2;
    const event = hour >= 19 && hour < 20 ? 4 : hour >= 18.9 && hour < 19 ? 2 : 1;
    return daily * event * (1 + (rand() * 2 - 1) * 0.05);
  };
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

  const stream = createWriteStream(out);
  const failed = new Promise<never>((_, reject) => stream.once("error", reject));
  failed.catch(() => {});
  const minutes = days * 24 * 60;
  for (let m = 0; m < minutes; m++) {
    const at = START + m * MINUTE;
    const l = load(m % (24 * 60));
    const alb = (tg: string) => ({ LoadBalancer: ALB, TargetGroup: tg });
    // Recorded at a fixed capacity: 2 readers, 6 front-end and 4 API instances.
    const chunk = [
      line("AWS/RDS", "CPUUtilization", READERS, at, "Percent", spread(2, Math.min(100, 25 * l))),
      line("AWS/RDS", "DatabaseConnections", READERS, at, "Count", spread(2, 110 * l)),
      line("AWS/RDS", "ReadLatency", READERS, at, "Seconds", spread(2, 0.0012 * Math.max(1, l))),
      line("AWS/ApplicationELB", "RequestCount", alb(API_TG), at, "Count", [2400 * l]),
      line("AWS/ApplicationELB", "HealthyHostCount", alb(API_TG), at, "Count", [4]),
      line("AWS/ApplicationELB", "RequestCountPerTarget", { TargetGroup: FRONTEND_TG }, at, "Count", [
        500 * l,
      ]),
      line("AWS/ApplicationELB", "RequestCountPerTarget", alb(FRONTEND_TG), at, "Count", [500 * l]),
      line("AWS/ApplicationELB", "HealthyHostCount", alb(FRONTEND_TG), at, "Count", [6]),
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
    if (!stream.write(chunk)) await Promise.race([once(stream, "drain"), failed]);
  }
  stream.end();
  await Promise.race([once(stream, "finish"), failed]);
  return { days, series: MONTH_SERIES, minutes, datapoints: minutes * MONTH_SERIES };
}
