/**
 * `invoke --live` against moto_server: an Aurora PostgreSQL cluster with a writer and a reader of
 * its own, two EC2 groups and the native scaling a user keeps (a scalable target on the cluster's
 * replicas, a target-tracking policy on one group), sample payloads stamped with the current time.
 * What Describe* shows afterwards is what the decisions said; the same payloads sent again change
 * nothing; `tick` then sees the readers available and releases them from the ledger, and a second
 * tick right after changes nothing. The command line talks to moto through a recording proxy, so
 * that `--json`'s calls can be held to what went out, and every request, the ledger's own DynamoDB
 * traffic included, is checked against AWS's own service models (botocore).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
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
import { decisionSummary } from "../support/decisions.js";
import { type Moto, startMoto } from "./support/moto.js";
import { type Recorder, startRecorder, type WireRequest } from "./support/recorder.js";
import { stampNow } from "./support/stamp.js";

type Invoked = {
  decisions: { target: string | null; status?: string; reason: string; from?: number; to?: number }[];
  calls: { service: string; command: string; input: Record<string, unknown> }[];
};

type LedgerView = {
  state: {
    version: number;
    capacity: number;
    inFlight: { delta: number; resources?: string[] }[];
    reservations: unknown[];
    nativeScaleIn?: { scalableTarget: string | null; policies: string[] };
  } | null;
};

let moto: Moto;
let recorder: Recorder;
const region = "eu-west-1";
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
let rds: RDSClient;
let autoScaling: AutoScalingClient;
let applicationAutoScaling: ApplicationAutoScalingClient;
/** What the command line sent: the calls `--json` reported, and the ledger's requests on the wire. */
const allCalls: Invoked["calls"] = [];
const ledgerRequests: WireRequest[] = [];

/** The cluster's replicas as Application Auto Scaling names them: a native scalable target the user keeps. */
const replicaTarget = {
  ServiceNamespace: "rds",
  ResourceId: "cluster:virtway-aurora",
  ScalableDimension: "rds:cluster:ReadReplicaCount",
} as const;

beforeAll(async () => {
  moto = await startMoto();
  // The command line goes through the recorder; the suite's own clients talk to moto directly.
  recorder = await startRecorder(moto.endpoint);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: recorder.endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    LEDGER_TABLE: "surge-brain-ledger",
  });
  const config = { region, endpoint: moto.endpoint, credentials };
  rds = new RDSClient(config);
  autoScaling = new AutoScalingClient(config);
  applicationAutoScaling = new ApplicationAutoScalingClient(config);
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
  // Native scaling the user keeps attached, for tick's coexistence: Application Auto Scaling on
  // the cluster's replicas, a target-tracking policy on the front end's group.
  await applicationAutoScaling.send(
    new RegisterScalableTargetCommand({ ...replicaTarget, MinCapacity: 1, MaxCapacity: 8 }),
  );
  await autoScaling.send(
    new PutScalingPolicyCommand({
      AutoScalingGroupName: "virtway-frontend-php",
      PolicyName: "frontend-native-cpu-70",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: "ASGAverageCPUUtilization" },
        TargetValue: 70,
      },
    }),
  );
});

afterAll(async () => {
  rds?.destroy();
  autoScaling?.destroy();
  applicationAutoScaling?.destroy();
  await recorder?.stop();
  await moto?.stop();
});

const tally = (items: { service: string; command: string }[]) =>
  items.map((c) => `${c.service} ${c.command}`).sort();

/** One `invoke --live --json`, with the ledger's own requests as the recorder saw them. */
async function invokeLive(
  fn: "alarm" | "tick",
  ...files: string[]
): Promise<Invoked & { ledger: WireRequest[] }> {
  const sent = recorder.requests.length;
  const { code, out, err } = await run("invoke", fn, ...files, "--live", "--create-table", "--json");
  expect(code, err).toBe(0);
  const result = JSON.parse(out) as Invoked;
  const wire = recorder.requests.slice(sent);
  const ledger = wire.filter((r) => r.service === "DynamoDB");
  // `--json` reports every call to a scaled service that went out, and only those.
  expect(tally(result.calls)).toEqual(tally(wire.filter((r) => r.service !== "DynamoDB")));
  allCalls.push(...result.calls);
  ledgerRequests.push(...ledger);
  return { ...result, ledger };
}

async function ledgerOf(target: string): Promise<LedgerView> {
  const sent = recorder.requests.length;
  const { code, out, err } = await run("ledger", target, "--json");
  expect(code, err).toBe(0);
  ledgerRequests.push(...recorder.requests.slice(sent).filter((r) => r.service === "DynamoDB"));
  return JSON.parse(out) as LedgerView;
}

const mutating = (calls: Invoked["calls"]) => calls.filter((c) => !/^(Describe|Get|List)/.test(c.command));
const ledgerWrites = (requests: WireRequest[]) =>
  requests.filter((r) => !/^(Describe|Get|Query|Scan|BatchGet|List)/.test(r.command));

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
    const { decisions, calls } = await invokeLive("alarm", ...files);
    // Each scale-out switches native scale-in off where the user keeps a native policy (the
    // readers' scalable target, the front end's policy; the API has none); the readers' first
    // scale-out raises the ACU floor to 16 while they provision, and the floor's own +100% step
    // on the 85% alarm is then held at that MaxCapacity.
    expect(decisions.map(decisionSummary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
      { target: "virtway-readers", status: "recorded", reason: "NativeScaleInSuspended", from: 2, to: 2 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 3 },
      { target: "virtway-acu-floor", status: "held", reason: "AtMaxCapacity", from: 16, to: 32 },
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 2, to: 4 },
      { target: "virtway-frontend", status: "recorded", reason: "NativeScaleInSuspended", from: 4, to: 4 },
      { target: "virtway-api", status: "applied", reason: "ScaleOut", from: 2, to: 5 },
    ]);
    expect(
      mutating(calls).map((c) => ({
        command: c.command,
        input: c.command === "CreateDBInstance" ? null : c.input,
      })),
    ).toEqual([
      { command: "CreateDBInstance", input: null },
      {
        command: "RegisterScalableTarget",
        input: {
          ...replicaTarget,
          SuspendedState: {
            DynamicScalingInSuspended: true,
            DynamicScalingOutSuspended: false,
            ScheduledScalingSuspended: false,
          },
        },
      },
      {
        command: "ModifyDBCluster",
        input: {
          DBClusterIdentifier: "virtway-aurora",
          ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
          ApplyImmediately: true,
        },
      },
      { command: "CreateDBInstance", input: null },
      {
        command: "SetDesiredCapacity",
        input: { AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 4, HonorCooldown: false },
      },
      {
        command: "PutScalingPolicy",
        input: expect.objectContaining({
          AutoScalingGroupName: "virtway-frontend-php",
          PolicyName: "frontend-native-cpu-70",
          TargetTrackingConfiguration: expect.objectContaining({ DisableScaleIn: true, TargetValue: 70 }),
        }),
      },
      {
        command: "SetDesiredCapacity",
        input: { AutoScalingGroupName: "virtway-api-tomcat", DesiredCapacity: 5, HonorCooldown: false },
      },
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
    expect(all.filter((r) => !r.brain).map((r) => ({ id: r.id, tier: r.tier }))).toEqual([
      { id: "virtway-writer", tier: 1 },
      { id: "virtway-reader-1", tier: 1 },
    ]);
    const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: "virtway-aurora" })))
      .DBClusters?.[0];
    expect(cluster?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 16, MaxCapacity: 32 });
    expect(cluster?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe(
      "virtway-writer",
    );
    expect(await desired("virtway-frontend-php")).toBe(4);
    expect(await desired("virtway-api-tomcat")).toBe(5);
  });

  it("the same payloads sent again change nothing", async () => {
    const before = await readers();
    const { decisions, calls } = await invokeLive("alarm", ...files);
    // Each state change is acknowledged once as a duplicate, whatever targets it acted on.
    expect(decisions.map((d) => d.reason)).toEqual(Array(files.length).fill("DuplicateStateChange"));
    expect(mutating(calls)).toEqual([]);
    expect(await readers()).toEqual(before);
    expect(await desired("virtway-frontend-php")).toBe(4);
  });

  it("the brain's readers are available at once (moto creates instances available), the ledger holds them in flight", async () => {
    const brain = (await readers()).filter((r) => r.brain);
    expect(brain.map((r) => r.status)).toEqual(["available", "available"]);
    const { state } = await ledgerOf("virtway-readers");
    expect(state?.capacity).toBe(3);
    expect(state?.inFlight.flatMap((c) => c.resources ?? []).sort()).toEqual(brain.map((r) => r.id).sort());
  });

  const targets = ["virtway-readers", "virtway-acu-floor", "virtway-frontend", "virtway-api"];
  const versions = async () => {
    const seen: Record<string, number | undefined> = {};
    for (const t of targets) seen[t] = (await ledgerOf(t)).state?.version;
    return seen;
  };

  it("tick sees the readers available: nothing left in flight, the floor's buffer stabilising, native scale-in still off during the cooldowns", async () => {
    const before = await readers();
    const { decisions, calls, ledger } = await invokeLive("tick", ...stampNow(["events/tick.json"]));
    // No metrics in moto: every layer reads no data, so nothing scales. The readers are available:
    // the floor's buffer may come down, after the stabilisation window.
    expect(decisions.map((d) => ({ target: d.target, reason: d.reason, from: d.from, to: d.to }))).toEqual([
      { target: "virtway-readers", reason: "NoData", from: 3, to: 3 },
      { target: "virtway-frontend", reason: "NoData", from: 4, to: 4 },
      { target: "virtway-api", reason: "NoData", from: 5, to: 5 },
      { target: "virtway-acu-floor", reason: "ScaleInStabilizing", from: 16, to: 1 },
    ]);
    expect(decisions.filter((d) => d.status === "applied")).toEqual([]);
    expect(calls.filter((c) => c.command === "GetMetricData")).toHaveLength(1);
    // The scale-outs' cooldowns still run: what the alarms switched off stays off.
    expect(mutating(calls)).toEqual([]);
    expect(
      allCalls.filter((c) => c.command === "RegisterScalableTarget" || c.command === "PutScalingPolicy"),
    ).toHaveLength(2);
    expect(ledgerWrites(ledger).length).toBeGreaterThan(0);

    const readersState = (await ledgerOf("virtway-readers")).state;
    expect(readersState).toMatchObject({
      capacity: 3,
      inFlight: [],
      reservations: [],
      nativeScaleIn: { scalableTarget: "cluster:virtway-aurora", policies: [] },
    });
    expect((await ledgerOf("virtway-frontend")).state?.nativeScaleIn).toMatchObject({
      scalableTarget: null,
      policies: ["frontend-native-cpu-70"],
    });
    expect((await ledgerOf("virtway-acu-floor")).state?.inFlight).toEqual([]);

    // What AWS shows: the readers as they were, scale-in switched off on what the user keeps.
    expect(await readers()).toEqual(before);
    const scalable = await applicationAutoScaling.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: replicaTarget.ServiceNamespace,
        ResourceIds: [replicaTarget.ResourceId],
      }),
    );
    expect(scalable.ScalableTargets?.[0]?.SuspendedState?.DynamicScalingInSuspended).toBe(true);
    const policies = await autoScaling.send(
      new DescribePoliciesCommand({ AutoScalingGroupName: "virtway-frontend-php" }),
    );
    expect(policies.ScalingPolicies?.[0]?.TargetTrackingConfiguration?.DisableScaleIn).toBe(true);
  });

  it("a second tick right after changes nothing: no mutating call, no ledger write", async () => {
    const before = { readers: await readers(), versions: await versions() };
    const { decisions, calls, ledger } = await invokeLive("tick", ...stampNow(["events/tick.json"]));
    // The floor's buffer held as a minute ago: quiet, not recorded again.
    expect(decisions.map((d) => ({ target: d.target, reason: d.reason }))).toEqual([
      { target: "virtway-readers", reason: "NoData" },
      { target: "virtway-frontend", reason: "NoData" },
      { target: "virtway-api", reason: "NoData" },
      { target: "virtway-acu-floor", reason: "ScaleInStabilizing" },
    ]);
    expect(mutating(calls)).toEqual([]);
    expect(ledgerWrites(ledger)).toEqual([]);
    expect(await versions()).toEqual(before.versions);
    expect(await readers()).toEqual(before.readers);
    expect(await desired("virtway-frontend-php")).toBe(4);
    expect(await desired("virtway-api-tomcat")).toBe(5);
  });

  const fitModels = (calls: { service: string; command: string; input: unknown }[]) => {
    const file = join(mkdtempSync(join(tmpdir(), "brain-calls-")), "calls.json");
    writeFileSync(file, JSON.stringify(calls));
    const check = spawnSync("python3", ["scripts/check-requests.py", file], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toMatch(
      new RegExp(`^${calls.length} of ${calls.length} requests fit AWS's service models`, "m"),
    );
    expect(check.status, check.stdout).toBe(0);
  };

  it("every request to a scaled service fits AWS's service models (botocore): alarm's and tick's", () => {
    const commands = new Set(allCalls.map((c) => c.command));
    for (const c of [
      "CreateDBInstance",
      "ModifyDBCluster",
      "SetDesiredCapacity",
      "GetMetricData",
      "DescribeDBClusters",
      "DescribeDBInstances",
      "DescribeAutoScalingGroups",
      "DescribeScalableTargets",
      "RegisterScalableTarget",
      "DescribePolicies",
      "PutScalingPolicy",
    ])
      expect(commands).toContain(c);
    fitModels(allCalls);
  });

  it("every request of the ledger's own, as sent on the wire, fits DynamoDB's service model (botocore)", () => {
    const commands = new Set(ledgerRequests.map((r) => r.command));
    for (const c of ["CreateTable", "UpdateTimeToLive", "GetItem", "PutItem", "Query"])
      expect(commands).toContain(c);
    expect(ledgerRequests.every((r) => r.input !== null)).toBe(true);
    fitModels(ledgerRequests);
  });
});
