import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VIRTWAY_CONFIG } from "../support/config.js";
import { decisionSummary } from "../support/decisions.js";
import { run } from "./run.js";

type Invoked = {
  decisions: {
    target: string | null;
    reason: string;
    status?: string;
    from?: number;
    to?: number;
    policy?: string | null;
  }[];
  calls: { service: string; command: string; input: Record<string, unknown> }[];
};

async function invokeTick(...args: string[]): Promise<Invoked & { code: number; err: string }> {
  // The tests' own configuration: the example's calendar would raise every floor at 19:02.
  const { code, out, err } = await run("invoke", "tick", ...args, "--config", VIRTWAY_CONFIG, "--json");
  return { ...(JSON.parse(out) as Invoked), code, err };
}

const MUTATING = /^(Create|Delete|Modify|Set|Put|Register)/;
const mutating = (calls: Invoked["calls"]) => calls.filter((c) => MUTATING.test(c.command));

describe("invoke tick", () => {
  it("events/tick.json with the spike's state: readers, the ACU floor's buffer and the front end, exactly", async () => {
    const { code, decisions, calls } = await invokeTick(
      "events/tick.json",
      "--state",
      "events/state/virtway-spike.json",
    );
    expect(code).toBe(0);
    expect(decisions.map(decisionSummary)).toEqual([
      // ceil(2 × 60/30) = 4.
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 4 },
      // CPU asks ceil(4 × 85/70) = 5, requests ceil(4 × 1500/1000) = 6: the larger wins.
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 4, to: 6 },
      // Within its targets: said, not written to the ledger.
      { target: "virtway-api", status: "quiet", reason: "WithinTarget", from: 2, to: 2 },
      // Two readers in flight: the floor holds the load meanwhile.
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 2, to: 16 },
    ]);
    expect(decisions.map((d) => d.policy)).toEqual([
      "readers-cpu-target-30",
      "frontend-requests-target-1000",
      "api-cpu-target-70",
      "vertical-buffer",
    ]);
    const tags = [
      { Key: "surge-brain:managed", Value: "true" },
      { Key: "surge-brain:target", Value: "virtway-readers" },
      { Key: "surge-brain:decision", Value: "virtway-readers:tick@2026-11-23T19:02:00.000Z:invoke-1" },
    ];
    const reader = (n: number) => ({
      service: "RDS",
      command: "CreateDBInstance",
      input: {
        DBInstanceIdentifier: `virtway-aurora-surge-20261123t190200-${n}`,
        DBClusterIdentifier: "virtway-aurora",
        Engine: "aurora-postgresql",
        DBInstanceClass: "db.serverless",
        PromotionTier: 15,
        PubliclyAccessible: false,
        DBParameterGroupName: "default.aurora-postgresql16",
        Tags: tags,
      },
    });
    expect(mutating(calls)).toEqual([
      reader(3),
      reader(4),
      {
        service: "Auto Scaling",
        command: "SetDesiredCapacity",
        input: { AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 6, HonorCooldown: false },
      },
      {
        service: "RDS",
        command: "ModifyDBCluster",
        input: {
          DBClusterIdentifier: "virtway-aurora",
          ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
          ApplyImmediately: true,
        },
      },
    ]);
    // One GetMetricData for the whole tick; coexistence looked once per target that scaled out.
    expect(calls.filter((c) => !MUTATING.test(c.command)).map((c) => c.command)).toEqual([
      "GetMetricData",
      "DescribeDBClusters",
      "DescribeDBInstances",
      // Creating readers: the cluster, then its writer, whose access and parameter group they copy.
      "DescribeDBClusters",
      "DescribeDBInstances",
      "DescribeScalableTargets",
      "DescribeAutoScalingGroups",
      "DescribePolicies",
      "DescribeAutoScalingGroups",
      "DescribeDBClusters",
    ]);
    expect(calls[0]?.input).toMatchObject({
      StartTime: "2026-11-23T18:46:00.000Z",
      EndTime: "2026-11-23T19:02:00.000Z",
      ScanBy: "TimestampAscending",
    });
  });

  it("the quiet state: everything within target, no mutating call", async () => {
    const { code, decisions, calls } = await invokeTick(
      "events/tick.json",
      "--state",
      "events/state/virtway-quiet.json",
    );
    expect(code).toBe(0);
    expect(decisions.map((d) => ({ target: d.target, reason: d.reason }))).toEqual([
      { target: "virtway-readers", reason: "WithinTarget" },
      { target: "virtway-frontend", reason: "WithinTarget" },
      { target: "virtway-api", reason: "WithinTarget" },
      { target: "virtway-acu-floor", reason: "NoChange" },
    ]);
    expect(mutating(calls)).toEqual([]);
  });

  it("without --state metrics: no data, no action", async () => {
    const { decisions, calls } = await invokeTick("events/tick.json");
    expect(decisions.map((d) => d.reason)).toEqual(["NoData", "NoData", "NoData", "NoChange"]);
    expect(mutating(calls)).toEqual([]);
  });

  it("an alarm's payload is acknowledged with a reason; a malformed one is refused; another account's rule is ignored", async () => {
    const alarm = await run("invoke", "tick", "events/sns/readers-cpu-70.json");
    expect(alarm.code).toBe(0);
    expect(alarm.out).toMatch(/acknowledged: an alarm state change is for the alarm function/);

    const malformed = await run("invoke", "tick", "events/malformed/unknown-shape.json", "--json");
    expect(malformed.code).toBe(1);
    expect(malformed.err).toMatch(/no known event shape/);

    const dir = mkdtempSync("/tmp/brain-tick-");
    const foreign = JSON.parse(readFileSync("events/tick.json", "utf8"));
    foreign.resources = ["arn:aws:events:eu-west-1:999999999999:rule/elsewhere"];
    writeFileSync(join(dir, "foreign.json"), JSON.stringify(foreign));
    const other = await run("invoke", "tick", join(dir, "foreign.json"), "--json");
    expect(JSON.parse(other.out)).toEqual({ decisions: [], calls: [] });
    const told = await run("invoke", "tick", join(dir, "foreign.json"));
    expect(told.out).toMatch(
      /ForeignAccountOrRegion: .*account 999999999999 \(resources\[0\]\) is not the brain's 123456789012/,
    );
  });

  it("--state metrics must name target-tracking policies of their target (exit 2)", async () => {
    const file = join(mkdtempSync("/tmp/brain-state-"), "state.json");
    writeFileSync(file, JSON.stringify({ "virtway-readers": { metrics: { "readers-cpu-step-70": 80 } } }));
    const { code, err } = await run("invoke", "tick", "events/tick.json", "--state", file);
    expect(code).toBe(2);
    expect(err).toMatch(
      /\$\.virtway-readers\.metrics\.readers-cpu-step-70: virtway-readers has no target-tracking policy/,
    );
  });
});
