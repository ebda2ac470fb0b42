/**
 * `invoke --live` against moto_server: an Aurora PostgreSQL cluster with a writer and a reader of
 * its own and two EC2 groups, sample payloads stamped with the current time; what Describe* shows
 * afterwards is what the decisions said, and every request fits AWS's own service models.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
} from "@aws-sdk/client-auto-scaling";
import { DescribeTimeToLiveCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../cli/run.js";
import { type Moto, startMoto } from "./support/moto.js";
import { stampNow } from "./support/stamp.js";

type Invoked = {
  decisions: { target: string | null; status?: string; reason: string; from?: number; to?: number }[];
  calls: { service: string; command: string; input: Record<string, unknown> }[];
};

let moto: Moto;
const region = "eu-west-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
let rds: RDSClient;
let autoScaling: AutoScalingClient;
const allCalls: Invoked["calls"] = [];

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    LEDGER_TABLE: "surge-brain-ledger",
  });
  const config = { region, endpoint: moto.endpoint, credentials };
  rds = new RDSClient(config);
  autoScaling = new AutoScalingClient(config);
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: "virtway-aurora",
      Engine: "aurora-postgresql",
      MasterUsername: "virtway",
      MasterUserPassword: "not-a-real-password",
      ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 32 },
    }),
  );
  for (const id of ["virtway-writer", "virtway-reader-1"]) {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        DBClusterIdentifier: "virtway-aurora",
        Engine: "aurora-postgresql",
        DBInstanceClass: "db.serverless",
      }),
    );
  }
  await autoScaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: "virtway",
      ImageId: "ami-12c6146b",
      InstanceType: "t3.micro",
    }),
  );
  for (const name of ["virtway-frontend-php", "virtway-api-tomcat"]) {
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchConfigurationName: "virtway",
        MinSize: 2,
        MaxSize: 20,
        DesiredCapacity: 2,
        AvailabilityZones: [`${region}a`],
      }),
    );
  }
});

afterAll(async () => {
  rds?.destroy();
  autoScaling?.destroy();
  await moto?.stop();
});

async function invokeLive(...files: string[]): Promise<Invoked> {
  const { code, out, err } = await run("invoke", "alarm", ...files, "--live", "--create-table", "--json");
  expect(code, err).toBe(0);
  const result = JSON.parse(out) as Invoked;
  allCalls.push(...result.calls);
  return result;
}

const mutating = (calls: Invoked["calls"]) => calls.filter((c) => !/^(Describe|Get|List)/.test(c.command));

async function readers() {
  const out = await rds.send(
    new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: ["virtway-aurora"] }] }),
  );
  return (out.DBInstances ?? []).map((i) => ({
    id: i.DBInstanceIdentifier,
    tier: i.PromotionTier,
    brain: (i.TagList ?? []).some((t) => t.Key === "surge-brain:managed" && t.Value === "true"),
    status: i.DBInstanceStatus,
  }));
}

async function desired(group: string) {
  const out = await autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
  );
  return out.AutoScalingGroups?.[0]?.DesiredCapacity;
}

describe("invoke --live against moto_server", () => {
  const files = stampNow([
    "events/sns/readers-cpu-70.json",
    "events/eventbridge/readers-cpu-85.json",
    "events/lambda-action/frontend-requests-high.json",
    "events/sns/api-requests-high.json",
  ]);

  it("creates the ledger table with TTL, and acts as the decisions say", async () => {
    const { decisions, calls } = await invokeLive(...files);
    expect(decisions.map((d) => [d.target, d.status, d.reason, d.from, d.to])).toEqual([
      ["virtway-readers", "applied", "ScaleOut", 1, 2],
      ["virtway-readers", "applied", "ScaleOut", 2, 3],
      ["virtway-acu-floor", "applied", "ScaleOut", 1, 3],
      ["virtway-frontend", "applied", "ScaleOut", 2, 4],
      ["virtway-api", "applied", "ScaleOut", 2, 5],
    ]);
    expect(mutating(calls).map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "CreateDBInstance",
      "ModifyDBCluster",
      "SetDesiredCapacity",
      "SetDesiredCapacity",
    ]);

    const ttl = await new DynamoDBClient({ region, endpoint: moto.endpoint, credentials }).send(
      new DescribeTimeToLiveCommand({ TableName: "surge-brain-ledger" }),
    );
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: "ENABLED",
      AttributeName: "expiresAt",
    });
  });

  it("Describe* shows what the decisions said: the brain's readers carry its tag and tier, the others are untouched", async () => {
    const all = await readers();
    const brain = all.filter((r) => r.brain);
    expect(brain).toHaveLength(2);
    for (const r of brain) expect(r.tier).toBe(15);
    expect(all.filter((r) => !r.brain).map((r) => [r.id, r.tier])).toEqual([
      ["virtway-writer", 1],
      ["virtway-reader-1", 1],
    ]);
    const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: "virtway-aurora" })))
      .DBClusters?.[0];
    expect(cluster?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 3, MaxCapacity: 32 });
    expect(cluster?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe(
      "virtway-writer",
    );
    expect(await desired("virtway-frontend-php")).toBe(4);
    expect(await desired("virtway-api-tomcat")).toBe(5);
  });

  it("the same payloads sent again change nothing", async () => {
    const before = await readers();
    const { decisions, calls } = await invokeLive(...files);
    expect(decisions.map((d) => d.reason)).toEqual(Array(5).fill("DuplicateStateChange"));
    expect(mutating(calls)).toEqual([]);
    expect(await readers()).toEqual(before);
    expect(await desired("virtway-frontend-php")).toBe(4);
  });

  it("every request fits AWS's service models (botocore)", () => {
    expect(allCalls.length).toBeGreaterThan(5);
    const file = join(mkdtempSync(join(tmpdir(), "brain-calls-")), "calls.json");
    writeFileSync(file, JSON.stringify(allCalls));
    const check = spawnSync("python3", ["scripts/check-requests.py", file], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toMatch(/requests fit AWS's service models/);
    expect(check.status, check.stdout).toBe(0);
  });
});
