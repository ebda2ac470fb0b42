/**
 * `replay` end to end, through the command line: the real functions in coordinated mode, the
 * native policies in uncoordinated mode, on hand-made recordings whose story is worked out here and
 * on every bundled stream.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReplayResult } from "../../shared/offline/replay/types.js";
import { VIRTWAY_CONFIG } from "../support/config.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "replay-"));
const LB = "app/web-alb/50dc6c495c0c9188";
const TG = "targetgroup/web/943f017f100becff";

/**
 * One group behind an ALB target group: target tracking at 1,000 requests per target, and a step
 * policy that removes 4 instances when a target serves under 600 a minute.
 */
function webConfig(stabilizationSeconds: number): string {
  const file = join(dir, `web-${stabilizationSeconds}.config.json`);
  const config = {
    alarms: [
      {
        AlarmName: "web-requests-low",
        Namespace: "AWS/ApplicationELB",
        MetricName: "RequestCountPerTarget",
        Dimensions: [{ Name: "TargetGroup", Value: TG }],
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 600,
        ComparisonOperator: "LessThanThreshold",
        TreatMissingData: "missing",
      },
    ],
    targets: [
      {
        id: "web",
        kind: "asg",
        AutoScalingGroupName: "web-asg",
        MinCapacity: 2,
        MaxCapacity: 20,
        policies: [
          {
            PolicyName: "web-requests-target-1000",
            PolicyType: "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration: {
              TargetValue: 1000,
              PredefinedMetricSpecification: {
                PredefinedMetricType: "ALBRequestCountPerTarget",
                ResourceLabel: `${LB}/${TG}`,
              },
            },
          },
          {
            PolicyName: "web-requests-low-step",
            PolicyType: "StepScaling",
            Alarms: ["web-requests-low"],
            StepScalingPolicyConfiguration: {
              AdjustmentType: "ChangeInCapacity",
              StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -4 }],
              Cooldown: 60,
            },
          },
        ],
        schedules: [],
      },
    ],
    settings: { scaleInStabilizationSeconds: stabilizationSeconds },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * The target group's RequestCount alone, a minute a row from 19:00: 2,000 for 10 minutes, a surge
 * to 8,000 for 10, then 4,500 to the end of the hour.
 */
function requestsOnly(): string {
  const file = join(dir, "requests.csv");
  const rows = ["timestamp,namespace,metric,dimensions,unit,value,count,sum,min,max"];
  for (let m = 0; m < 60; m++) {
    const requests = m < 10 ? 2000 : m < 20 ? 8000 : 4500;
    const at = new Date(Date.UTC(2026, 10, 23, 19, m)).toISOString().replace(".000Z", "Z");
    rows.push(
      `${at},AWS/ApplicationELB,RequestCount,LoadBalancer=${LB};TargetGroup=${TG},Count,,1,${requests},${requests},${requests}`,
    );
  }
  writeFileSync(file, `${rows.join("\n")}\n`);
  return file;
}

async function replayJson(...args: string[]) {
  const { code, out, err } = await run("replay", ...args, "--json");
  expect(err).not.toMatch(/Error|at .*\.ts/);
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe("replay on a recording of one target group's RequestCount alone", () => {
  const stream = requestsOnly();

  it("the native policies fight; the brain, with a scale-in window as long as target tracking's, does not", async () => {
    const both = (await replayJson(stream, "--config", webConfig(900), "--mode", "both")) as Record<
      "coordinated" | "uncoordinated",
      ReplayResult
    >;
    const native = both.uncoordinated.targets.web;
    const brain = both.coordinated.targets.web;
    // Natively: target tracking 2 → 8 for the surge; when it ends, 4,500 / 8 = 562 a target is
    // under 600 and the step policy removes 4 at once (8 → 4), leaving 1,125 a target: target
    // tracking scales out again within minutes. One direction change within 10 minutes at least.
    expect(native?.flaps).toBeGreaterThanOrEqual(1);
    expect(both.uncoordinated.decisions.map((d) => d.reason)).toContain("StepScaling");
    // The brain holds the step's scale-in for its 900 s window, long enough for target tracking's
    // own 15-minute scale-in recommendation (ceil(8 × 562 / 1000) = 5) to join it; it then takes
    // the most conservative of them, 5, which holds: no reversal.
    expect(brain?.flaps).toBe(0);
    expect(
      both.coordinated.decisions.filter((d) => d.blockedBy === null && d.to < d.from).map((d) => d.to),
    ).toEqual([5]);
    // Both reach what the surge needs (8,000 / 1,000 = 8 instances) and come back down.
    expect(brain?.maxCapacity).toBeGreaterThanOrEqual(8);
    expect(native?.maxCapacity).toBeGreaterThanOrEqual(8);
    expect(brain?.scaleIns).toBeGreaterThanOrEqual(1);
  });

  it("both modes' target tracking act on the same minute: the newest datapoint CloudWatch has published", async () => {
    const both = (await replayJson(stream, "--config", webConfig(900), "--mode", "both")) as Record<
      "coordinated" | "uncoordinated",
      ReplayResult
    >;
    // The surge's minutes 19:10, 19:11 and 19:12 are the 3 datapoints above 1,000 a target; the
    // third exists once its minute has ended, so neither mode can scale out before 19:13.
    const firstOut = (r: ReplayResult) => r.decisions.find((d) => d.blockedBy === null && d.to > d.from)?.at;
    expect(firstOut(both.coordinated)).toBe("2026-11-23T19:13:00.000Z");
    expect(firstOut(both.uncoordinated)).toBe("2026-11-23T19:13:00.000Z");
  });

  it("closes the loop: capacity added serves the surge, which the recording alone never shows", async () => {
    const { targets } = (await replayJson(stream, "--config", webConfig(300))) as ReplayResult;
    const web = targets.web;
    // Short from the surge's first minute (8,000 against 2 × 1,000) until what was added serves.
    expect(web?.timeToCapacitySeconds).toBeGreaterThan(0);
    expect(web?.timeToCapacitySeconds).toBeLessThan(600);
    // Short only around the surge, not for the rest of the hour: the added capacity brought the
    // requests per target down (a recording replayed open-loop would stay short for 50 minutes).
    expect(web?.underProvisionedSeconds).toBeLessThan(15 * 60);
    expect(web?.scaleOuts).toBeGreaterThanOrEqual(1);
  });

  it("is deterministic: the same recording, configuration and seed give the same output", async () => {
    const config = webConfig(300);
    const first = await run("replay", stream, "--config", config, "--mode", "both", "--json", "--seed", "7");
    const second = await run("replay", stream, "--config", config, "--mode", "both", "--json", "--seed", "7");
    expect(first.code).toBe(0);
    expect(second.out).toBe(first.out);
  });
});

describe("replay of the bundled Virtway avalanche", () => {
  it("gives the same decisions on the in-memory ledger and on DynamoDB (dynalite)", async () => {
    const args = ["events/streams/avalanche.jsonl", "--config", VIRTWAY_CONFIG];
    const memory = await replayJson(...args, "--ledger", "memory");
    const dynamodb = await replayJson(...args, "--ledger", "dynamodb");
    expect(memory.decisions.length).toBeGreaterThan(5);
    expect(dynamodb).toEqual(memory);
  }, 60_000);

  it("provisioning times follow the seed: readers arrive on the clock it draws", async () => {
    const args = ["events/streams/avalanche.jsonl", "--config", VIRTWAY_CONFIG];
    const outputs = new Set<string>();
    for (const seed of ["1", "2", "3"])
      outputs.add(JSON.stringify(await replayJson(...args, "--seed", seed)));
    // The readers' ±10 % provisioning jitter moves at least one minute of one KPI.
    expect(outputs.size).toBeGreaterThan(1);
  });
});

describe("replay of the weekly TV vote: a group at MinSize 0 / MaxSize 0 raised by a scheduled action", () => {
  it("brings the group to the scheduled floor in both modes, AWS refusing nothing", async () => {
    const dir_ = "events/scenarios/tv-vote";
    const both = (await replayJson(
      join(dir_, "tv-vote.jsonl"),
      "--config",
      join(dir_, "brain.config.json"),
      "--mode",
      "both",
    )) as Record<"coordinated" | "uncoordinated", ReplayResult>;
    for (const mode of ["coordinated", "uncoordinated"] as const) {
      const api = both[mode].decisions.filter((d) => d.target === "tv-vote-api");
      // api-before-the-show (20:45 in Madrid) sets 12–60: the group goes 0 → 12, its MinSize and
      // MaxSize with it, so that the next SetDesiredCapacity (24 for the vote) is inside them.
      expect(api.find((d) => d.reason === "BoundsMoved")).toMatchObject({
        policy: "api-before-the-show",
        from: 0,
        to: 12,
        blockedBy: null,
      });
      expect(both[mode].decisions.filter((d) => d.blockedBy === "failed")).toEqual([]);
      expect(both[mode].targets["tv-vote-api"]?.maxCapacity).toBe(24);
    }
  }, 30_000);
});

describe("replay on every bundled stream", () => {
  const streams = readdirSync("events/streams").filter((f) => !f.endsWith(".md"));

  it.each(streams)(
    "%s replays in both modes with the example configuration, and its report",
    async (file) => {
      const report = join(dir, `${file}.html`);
      const both = await replayJson(join("events/streams", file), "--mode", "both", "--report", report);
      expect(readFileSync(report, "utf8")).toContain('<script type="application/json" id="surge-report">');
      for (const mode of ["coordinated", "uncoordinated"]) {
        expect(Object.keys(both[mode].targets).sort()).toEqual([
          "virtway-acu-floor",
          "virtway-api",
          "virtway-frontend",
          "virtway-readers",
        ]);
      }
    },
  );
});

describe("replay's refusals", () => {
  it("a file that is not a stream: exit 1, the file named", async () => {
    const file = join(dir, "not-a-stream.txt");
    writeFileSync(file, "hello\nworld\n");
    const { code, err } = await run("replay", file);
    expect(code).toBe(1);
    expect(err).toContain(file);
  });

  it("a mode it does not know: misuse, exit 2", async () => {
    const { code, err } = await run("replay", "events/streams/avalanche.jsonl", "--mode", "sideways");
    expect(code).toBe(2);
    expect(err).toMatch(/--mode/);
  });
});
