import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  InstanceQuotaExceededFault,
  ModifyDBClusterCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { actuatorsOn } from "../../../shared/adapters/actuators/actuators.js";
import { readerIdentifier, tagValue } from "../../../shared/adapters/actuators/auroraReaders.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
const target = (id: string) => config.targets.find((t) => t.id === id)!;
const rds = mockClient(RDSClient);
const autoScaling = mockClient(AutoScalingClient);
const actuatorFor = actuatorsOn({
  rds: new RDSClient({ region: "eu-west-1" }),
  autoScaling: new AutoScalingClient({ region: "eu-west-1" }),
});
const AT = new Date("2026-11-23T19:00:30.000Z");

const tag = (Key: string, Value: string) => ({ Key, Value });
const brainTags = [tag("surge-brain:managed", "true")];

function clusterWith(members: { id: string; writer: boolean }[]) {
  rds.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: "virtway-aurora",
        Engine: "aurora-postgresql",
        DBClusterMembers: members.map((m) => ({ DBInstanceIdentifier: m.id, IsClusterWriter: m.writer })),
        ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 32 },
      },
    ],
  });
}

beforeEach(() => {
  rds.reset();
  autoScaling.reset();
});

describe("aurora-readers actuator", () => {
  it("a batch AWS refuses part-way: the readers it created are the change, with AWS's reason", async () => {
    clusterWith([{ id: "virtway-writer", writer: true }]);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    rds
      .on(CreateDBInstanceCommand)
      .resolvesOnce({})
      .rejectsOnce(new InstanceQuotaExceededFault({ message: "DB instance quota exceeded", $metadata: {} }));
    const applied = await actuatorFor(target("virtway-readers")).apply({
      decisionId: "d-1",
      from: 1,
      to: 3,
      at: AT,
    });
    expect(applied).toEqual({
      capacity: 2,
      resources: ["virtway-aurora-surge-20261123t190030-2"],
      note: "AWS created 1 of the 2 readers asked, then refused: InstanceQuotaExceededFault: DB instance quota exceeded",
    });
    expect(rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(2);
  });

  it("a batch AWS refuses at once fails as a whole", async () => {
    clusterWith([{ id: "virtway-writer", writer: true }]);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    rds
      .on(CreateDBInstanceCommand)
      .rejects(new InstanceQuotaExceededFault({ message: "quota", $metadata: {} }));
    await expect(
      actuatorFor(target("virtway-readers")).apply({ decisionId: "d-1", from: 1, to: 3, at: AT }),
    ).rejects.toThrow("quota");
  });

  it("no writer while a failover runs: access and parameter group from a reader the user made", async () => {
    clusterWith([{ id: "virtway-reader-1", writer: false }]);
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: "virtway-aurora-surge-20261123t180000-2",
          PubliclyAccessible: true,
          TagList: [tag("surge-brain:managed", "true")],
        },
        {
          DBInstanceIdentifier: "virtway-reader-1",
          PubliclyAccessible: false,
          DBParameterGroups: [{ DBParameterGroupName: "virtway-pg16" }],
        },
      ],
    });
    rds.on(CreateDBInstanceCommand).resolves({});
    await actuatorFor(target("virtway-readers")).apply({ decisionId: "d-1", from: 1, to: 2, at: AT });
    expect(rds.commandCalls(CreateDBInstanceCommand)[0]?.args[0].input).toMatchObject({
      PubliclyAccessible: false,
      DBParameterGroupName: "virtway-pg16",
    });
  });

  it("adds readers with CreateDBInstance: engine from the cluster, access and parameter group from the writer, db.serverless, tier 15, the brain's tags", async () => {
    clusterWith([{ id: "virtway-writer", writer: true }]);
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "virtway-writer" }).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: "virtway-writer",
          PubliclyAccessible: false,
          DBParameterGroups: [{ DBParameterGroupName: "virtway-pg16", ParameterApplyStatus: "in-sync" }],
        },
      ],
    });
    rds.on(CreateDBInstanceCommand).resolves({});
    const applied = await actuatorFor(target("virtway-readers")).apply({
      decisionId: "d-1",
      from: 1,
      to: 3,
      at: AT,
    });
    const calls = rds.commandCalls(CreateDBInstanceCommand).map((c) => c.args[0].input);
    expect(calls).toEqual(
      [2, 3].map((n) => ({
        DBInstanceIdentifier: `virtway-aurora-surge-20261123t190030-${n}`,
        DBClusterIdentifier: "virtway-aurora",
        Engine: "aurora-postgresql",
        DBInstanceClass: "db.serverless",
        PromotionTier: 15,
        // Left out, a reader in a VPC with an internet gateway would be public.
        PubliclyAccessible: false,
        DBParameterGroupName: "virtway-pg16",
        Tags: [
          tag("surge-brain:managed", "true"),
          tag("surge-brain:target", "virtway-readers"),
          tag("surge-brain:decision", "d-1"),
        ],
      })),
    );
    expect(applied).toEqual({
      capacity: 3,
      resources: ["virtway-aurora-surge-20261123t190030-2", "virtway-aurora-surge-20261123t190030-3"],
    });
  });

  it("removes the brain's newest reader only: never the writer, never a reader it did not create", async () => {
    clusterWith([
      { id: "virtway-writer", writer: true },
      { id: "virtway-reader-1", writer: false },
      { id: "brain-old", writer: false },
      { id: "brain-new", writer: false },
    ]);
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: "virtway-writer",
          DBInstanceStatus: "available",
          InstanceCreateTime: new Date("2026-01-01"),
          TagList: brainTags,
        },
        {
          DBInstanceIdentifier: "virtway-reader-1",
          DBInstanceStatus: "available",
          InstanceCreateTime: new Date("2026-11-23T19:30:00Z"),
        },
        {
          DBInstanceIdentifier: "brain-old",
          DBInstanceStatus: "available",
          InstanceCreateTime: new Date("2026-11-23T18:00:00Z"),
          TagList: brainTags,
        },
        {
          DBInstanceIdentifier: "brain-new",
          DBInstanceStatus: "available",
          InstanceCreateTime: new Date("2026-11-23T19:00:00Z"),
          TagList: brainTags,
        },
      ],
    });
    rds.on(DeleteDBInstanceCommand).resolves({});
    const applied = await actuatorFor(target("virtway-readers")).apply({
      decisionId: "d-2",
      from: 3,
      to: 2,
      at: AT,
    });
    expect(rds.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: "brain-new" },
    ]);
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: "db-cluster-id", Values: ["virtway-aurora"] }],
    });
    expect(applied).toEqual({ capacity: 2, resources: ["brain-new"] });
  });

  it("removes fewer than asked when the brain created fewer, and says so", async () => {
    clusterWith([
      { id: "virtway-writer", writer: true },
      { id: "virtway-reader-1", writer: false },
      { id: "brain-1", writer: false },
    ]);
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: "virtway-writer", DBInstanceStatus: "available" },
        { DBInstanceIdentifier: "virtway-reader-1", DBInstanceStatus: "available" },
        { DBInstanceIdentifier: "brain-1", DBInstanceStatus: "creating", TagList: brainTags },
      ],
    });
    rds.on(DeleteDBInstanceCommand).resolves({});
    const applied = await actuatorFor(target("virtway-readers")).apply({
      decisionId: "d-3",
      from: 2,
      to: 0,
      at: AT,
    });
    expect(
      rds.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input.DBInstanceIdentifier),
    ).toEqual(["brain-1"]);
    expect(applied.capacity).toBe(1);
    expect(applied.note).toMatch(/only 1 of the 2 asked/);
  });

  it("observes readers: the writer and deleting instances do not count, creating ones are not available", async () => {
    clusterWith([
      { id: "w", writer: true },
      { id: "r1", writer: false },
      { id: "r2", writer: false },
      { id: "r3", writer: false },
    ]);
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: "w", DBInstanceStatus: "available" },
        { DBInstanceIdentifier: "r1", DBInstanceStatus: "available" },
        { DBInstanceIdentifier: "r2", DBInstanceStatus: "creating", TagList: brainTags },
        { DBInstanceIdentifier: "r3", DBInstanceStatus: "deleting", TagList: brainTags },
      ],
    });
    const seen = await actuatorFor(target("virtway-readers")).observe();
    expect(seen).toMatchObject({ kind: "aurora-readers", capacity: 2, available: 1 });
  });

  it("makes identifiers AWS accepts, however long the cluster's name", () => {
    const id = readerIdentifier("A".repeat(70), AT, 12);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });
});

describe("aurora-capacity actuator", () => {
  it("moves the floor with ModifyDBCluster and keeps the ceiling", async () => {
    rds.on(ModifyDBClusterCommand).resolves({});
    await actuatorFor(target("virtway-acu-floor")).apply({ decisionId: "d", from: 2, to: 16, at: AT });
    expect(rds.commandCalls(ModifyDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBClusterIdentifier: "virtway-aurora",
        ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
        ApplyImmediately: true,
      },
    ]);
  });

  it("leaves a scheduled action's bounds out of the floor's call (they are the brain's, not the cluster's)", async () => {
    rds.on(ModifyDBClusterCommand).resolves({});
    await actuatorFor(target("virtway-acu-floor")).apply({
      decisionId: "d",
      from: 2,
      to: 8,
      at: AT,
      bounds: { min: 8, max: 24 },
    });
    expect(rds.commandCalls(ModifyDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBClusterIdentifier: "virtway-aurora",
        ServerlessV2ScalingConfiguration: { MinCapacity: 8, MaxCapacity: 32 },
        ApplyImmediately: true,
      },
    ]);
  });

  it("observes the floor", async () => {
    clusterWith([]);
    expect(await actuatorFor(target("virtway-acu-floor")).observe()).toEqual({
      kind: "aurora-capacity",
      capacity: 2,
      acuMaximum: 32,
    });
  });
});

describe("asg actuator", () => {
  it("sets the desired capacity without honouring the group's cooldown", async () => {
    autoScaling.on(SetDesiredCapacityCommand).resolves({});
    await actuatorFor(target("virtway-frontend")).apply({ decisionId: "d", from: 2, to: 5, at: AT });
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 5, HonorCooldown: false },
    ]);
  });

  it("moves the group's MinSize and MaxSize with the capacity when a scheduled action's bounds apply", async () => {
    autoScaling.on(UpdateAutoScalingGroupCommand).resolves({});
    const applied = await actuatorFor(target("virtway-frontend")).apply({
      decisionId: "d",
      from: 0,
      to: 12,
      at: AT,
      bounds: { min: 12, max: 60 },
    });
    expect(autoScaling.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: "virtway-frontend-php", MinSize: 12, MaxSize: 60, DesiredCapacity: 12 },
    ]);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
    expect(applied).toEqual({ capacity: 12, resources: [] });
  });

  it("observes the group", async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: "virtway-frontend-php",
          DesiredCapacity: 4,
          MinSize: 2,
          MaxSize: 20,
          Instances: [{ LifecycleState: "InService" }, { LifecycleState: "Pending" }] as never,
        } as never,
      ],
    });
    expect(await actuatorFor(target("virtway-frontend")).observe()).toEqual({
      kind: "asg",
      capacity: 4,
      minSize: 2,
      maxSize: 20,
      inService: 1,
    });
  });
});

describe("the decision's tag on a reader", () => {
  it("is a value RDS accepts whatever the alarm's name: other characters become _, at most 256", () => {
    // An alarm named with characters CloudWatch allows and RDS tag values do not: ( > % # , !
    const id = "virtway-readers:cpu (p99) > 70% #1, now!@2026-11-23T19:00:00.000Z:inv-1";
    const value = tagValue(id);
    expect(value).toBe("virtway-readers:cpu _p99_ _ 70_ _1_ now_@2026-11-23T19:00:00.000Z:inv-1");
    expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    // Letters of any script stay; the length is counted in characters, not UTF-16 units.
    expect(tagValue("Ärger-αλφα")).toBe("Ärger-αλφα");
    expect(Array.from(tagValue("𝔸".repeat(300)))).toHaveLength(256);
  });
});
