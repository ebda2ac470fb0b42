/**
 * What the brain does when AWS says no. Scaling services' faults are injected with
 * aws-sdk-client-mock; the ledger's by SDK middleware in front of dynalite (never a mock).
 */
import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  ResourceContentionFault,
  ScalingActivityInProgressFault,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  CreateDBInstanceCommand,
  DBClusterNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  InstanceQuotaExceededFault,
  InsufficientDBInstanceCapacityFault,
  InvalidDBClusterStateFault,
  ModifyDBClusterCommand,
  RDSClient,
  RDSServiceException,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { readerIdentifier, tagValue } from "../../shared/adapters/actuators/auroraReaders.js";
import { createLedgerTable, DynamoDBLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { type AlarmChange, handleAlarmChange } from "../../shared/brain/handleAlarm.js";
import type { Ledger } from "../../shared/brain/ports/ledger.js";
import { virtwayConfig } from "../support/config.js";
import { type Dynalite, startDynalite } from "../support/dynalite.js";
import { conditional, injectFault, throttling } from "../support/dynamoFaults.js";
import { simulatedWorld } from "../support/world.js";

const config = virtwayConfig();
const rds = mockClient(RDSClient);
const autoScaling = mockClient(AutoScalingClient);
const actuatorFor = actuatorsOn({
  rds: new RDSClient({ region: "eu-west-1" }),
  autoScaling: new AutoScalingClient({ region: "eu-west-1" }),
});
const T0 = Date.parse("2026-11-23T19:01:08.123Z");

const change = (alarmName: string, value: number, seconds = 0): AlarmChange => ({
  alarmName,
  state: "ALARM",
  stateChangedAt: new Date(T0 + seconds * 1000).toISOString(),
  value,
  actionsSuppressedBy: null,
  account: "123456789012",
  region: "eu-west-1",
});

async function send(ledger: Ledger, c: AlarmChange, ports = { ledger, actuatorFor }) {
  return handleAlarmChange({
    ports,
    config,
    change: c,
    now: new Date(Date.parse(c.stateChangedAt) + 2000),
    invocationId: `inv-${c.stateChangedAt}`,
    initialCapacity: async (t) => (t.kind === "aurora-capacity" ? 2 : t.kind === "asg" ? 2 : 1),
  });
}

const meta = { $metadata: {} };

const cluster = {
  DBClusters: [
    {
      DBClusterIdentifier: "virtway-aurora",
      Engine: "aurora-postgresql",
      DBClusterMembers: [{ DBInstanceIdentifier: "w", IsClusterWriter: true }],
    },
  ],
};

const faults = [
  {
    name: "InsufficientDBInstanceCapacityFault on CreateDBInstance",
    inject: () =>
      rds.on(CreateDBInstanceCommand).rejectsOnce(
        new InsufficientDBInstanceCapacityFault({
          message: "no db.serverless capacity in eu-west-1a",
          ...meta,
        }),
      ),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "InstanceQuotaExceededFault on CreateDBInstance",
    inject: () =>
      rds
        .on(CreateDBInstanceCommand)
        .rejectsOnce(new InstanceQuotaExceededFault({ message: "DB instance quota reached", ...meta })),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "DBClusterNotFoundFault on DescribeDBClusters",
    inject: () =>
      rds
        .on(DescribeDBClustersCommand)
        .rejectsOnce(new DBClusterNotFoundFault({ message: "DBCluster virtway-aurora not found", ...meta }))
        .resolves(cluster),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "throttling on CreateDBInstance, after the SDK's retries",
    inject: () =>
      rds.on(CreateDBInstanceCommand).rejectsOnce(
        new RDSServiceException({
          name: "Throttling",
          $fault: "client",
          message: "Rate exceeded",
          ...meta,
        }),
      ),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "InvalidDBClusterStateFault on ModifyDBCluster",
    inject: () =>
      rds
        .on(ModifyDBClusterCommand)
        .rejectsOnce(new InvalidDBClusterStateFault({ message: "cluster is modifying", ...meta })),
    alarm: "virtway-readers-cpu-high-85",
    value: 90,
    target: "virtway-acu-floor",
    from: 2,
  },
  {
    name: "ScalingActivityInProgressFault on SetDesiredCapacity",
    inject: () =>
      autoScaling
        .on(SetDesiredCapacityCommand)
        .rejectsOnce(
          new ScalingActivityInProgressFault({ message: "scaling activity in progress", ...meta }),
        ),
    alarm: "virtway-frontend-requests-high",
    value: 2000,
    target: "virtway-frontend",
    from: 2,
  },
  {
    name: "ResourceContentionFault on SetDesiredCapacity",
    inject: () =>
      autoScaling
        .on(SetDesiredCapacityCommand)
        .rejectsOnce(new ResourceContentionFault({ message: "pending update", ...meta })),
    alarm: "virtway-frontend-requests-high",
    value: 2000,
    target: "virtway-frontend",
    from: 2,
  },
  {
    name: "DBInstanceAlreadyExistsFault on CreateDBInstance: a reader of that name that is not this decision's",
    inject: () =>
      rds
        .on(CreateDBInstanceCommand)
        .rejectsOnce(new DBInstanceAlreadyExistsFault({ message: "DB instance already exists", ...meta })),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "TimeoutError on CreateDBInstance, after the SDK's retries",
    inject: () =>
      rds
        .on(CreateDBInstanceCommand)
        .rejectsOnce(
          Object.assign(new Error("Connection timed out after 3000 ms"), { name: "TimeoutError" }),
        ),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "throttling on DescribeDBClusters before CreateDBInstance",
    inject: () =>
      rds
        .on(DescribeDBClustersCommand)
        .rejectsOnce(
          new RDSServiceException({
            name: "Throttling",
            $fault: "client",
            message: "Rate exceeded",
            ...meta,
          }),
        )
        .resolves(cluster),
    alarm: "virtway-readers-cpu-high-70",
    value: 72,
    target: "virtway-readers",
    from: 1,
  },
  {
    name: "InternalFailure (500) on ModifyDBCluster, after the SDK's retries",
    inject: () =>
      rds.on(ModifyDBClusterCommand).rejectsOnce(
        new RDSServiceException({
          name: "InternalFailure",
          $fault: "server",
          message: "An internal error occurred",
          $metadata: { httpStatusCode: 500 },
        }),
      ),
    alarm: "virtway-readers-cpu-high-85",
    value: 90,
    target: "virtway-acu-floor",
    from: 2,
  },
  {
    name: "throttling on ModifyDBCluster",
    inject: () =>
      rds.on(ModifyDBClusterCommand).rejectsOnce(
        new RDSServiceException({
          name: "Throttling",
          $fault: "client",
          message: "Rate exceeded",
          ...meta,
        }),
      ),
    alarm: "virtway-readers-cpu-high-85",
    value: 90,
    target: "virtway-acu-floor",
    from: 2,
  },
  {
    name: "ValidationError on SetDesiredCapacity: a desired capacity outside the group's bounds",
    inject: () =>
      autoScaling.on(SetDesiredCapacityCommand).rejectsOnce(
        new AutoScalingServiceException({
          name: "ValidationError",
          $fault: "client",
          message: "New SetDesiredCapacity value 4 is above max value 3 for the AutoScalingGroup.",
          ...meta,
        }),
      ),
    alarm: "virtway-frontend-requests-high",
    value: 2000,
    target: "virtway-frontend",
    from: 2,
  },
  {
    name: "throttling on SetDesiredCapacity",
    inject: () =>
      autoScaling.on(SetDesiredCapacityCommand).rejectsOnce(
        new AutoScalingServiceException({
          name: "Throttling",
          $fault: "client",
          message: "Rate exceeded",
          ...meta,
        }),
      ),
    alarm: "virtway-frontend-requests-high",
    value: 2000,
    target: "virtway-frontend",
    from: 2,
  },
  {
    name: "ServiceUnavailable (503) on SetDesiredCapacity, after the SDK's retries",
    inject: () =>
      autoScaling.on(SetDesiredCapacityCommand).rejectsOnce(
        new AutoScalingServiceException({
          name: "ServiceUnavailable",
          $fault: "server",
          message: "Service is unavailable",
          $metadata: { httpStatusCode: 503 },
        }),
      ),
    alarm: "virtway-frontend-requests-high",
    value: 2000,
    target: "virtway-frontend",
    from: 2,
  },
  {
    name: "a connection reset (ECONNRESET) on SetDesiredCapacity, after the SDK's retries",
    error: "Error",
    inject: () =>
      autoScaling
        .on(SetDesiredCapacityCommand)
        .rejectsOnce(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
    alarm: "virtway-frontend-requests-high",
    value: 2000,
    target: "virtway-frontend",
    from: 2,
  },
];

describe("AWS's faults", () => {
  beforeEach(() => {
    rds.reset();
    autoScaling.reset();
    rds.on(DescribeDBClustersCommand).resolves(cluster);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  });

  it.each(faults)(
    "$name: recorded as failed, reservation released, no cooldown; the next attempt acts",
    async (fault) => {
      rds.on(CreateDBInstanceCommand).resolves({});
      rds.on(ModifyDBClusterCommand).resolves({});
      autoScaling.on(SetDesiredCapacityCommand).resolves({});
      fault.inject();
      const ledger = new MemoryLedger();

      const results = await send(ledger, change(fault.alarm, fault.value));
      const failed = results.find((r) => r.target === fault.target)!;
      const first = fault.name.split(" ")[0];
      const errorName = "error" in fault ? fault.error : first === "throttling" ? "Throttling" : first;
      expect(failed).toMatchObject({
        status: "failed",
        reason: "ActionFailed",
        from: fault.from,
        to: fault.from,
      });
      expect((failed as { error: string }).error).toMatch(new RegExp(`^${errorName}: `));
      expect(await ledger.read(fault.target)).toMatchObject({
        capacity: fault.from,
        reservations: [],
        cooldowns: [],
        inFlight: [],
      });

      // The alarm is still in ALARM: the next attempt (tick, or the alarm again) acts.
      const again = await send(ledger, change(fault.alarm, fault.value, 60));
      expect(again.find((r) => r.target === fault.target)).toMatchObject({
        status: "applied",
        reason: "ScaleOut",
        from: fault.from,
      });
      expect((await ledger.read(fault.target))?.alarms[fault.alarm]?.state).toBe("ALARM");
    },
  );
});

describe("a reader name that already exists (DBInstanceAlreadyExists)", () => {
  it("is this decision's own reader, created by an attempt whose reply was lost: counted as created, not failed", async () => {
    rds.reset();
    autoScaling.reset();
    rds.on(DescribeDBClustersCommand).resolves(cluster);
    const c = change("virtway-readers-cpu-high-70", 72);
    const id = readerIdentifier("virtway-aurora", new Date(Date.parse(c.stateChangedAt) + 2000), 2);
    const decisionId = `virtway-readers:virtway-readers-cpu-high-70@${c.stateChangedAt}:inv-${c.stateChangedAt}`;
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: id }).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: id,
          DBInstanceStatus: "creating",
          TagList: [{ Key: "surge-brain:decision", Value: tagValue(decisionId) }],
        },
      ],
    });
    rds
      .on(CreateDBInstanceCommand)
      .rejects(new DBInstanceAlreadyExistsFault({ message: "DB instance already exists", ...meta }));
    rds.on(ModifyDBClusterCommand).resolves({});
    const ledger = new MemoryLedger();
    const [readers] = await send(ledger, c);
    expect(readers).toMatchObject({ status: "applied", from: 1, to: 2, resources: [id] });
    expect(rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(1);
    expect(await ledger.read("virtway-readers")).toMatchObject({ capacity: 2, reservations: [] });
  });
});

describe("the ledger's faults (middleware in front of dynalite)", () => {
  let dynamo: Dynalite;
  beforeAll(async () => {
    // Here the scaling calls go to the simulated account, not to aws-sdk-client-mock.
    rds.restore();
    autoScaling.restore();
    dynamo = await startDynalite({ maxAttempts: 2 });
    await createLedgerTable(dynamo.client, "faults");
  });
  afterAll(() => dynamo.stop());

  it("a ledger error after the AWS call fails the invocation; Lambda's retry is a duplicate and nothing is applied twice", async () => {
    const { account, actuatorFor } = simulatedWorld({
      start: { "virtway-readers": { capacity: 1 } },
      now: new Date(T0 + 2000),
    });
    const ports = {
      ledger: new DynamoDBLedger({ client: dynamo.client, tableName: "faults", retentionDays: 30 }),
      actuatorFor,
    };
    // The reservation's write goes through; the outcome's (the second conditional write) is throttled throughout the SDK's retries.
    let conditionalWrites = 0;
    const fault = injectFault(dynamo.client, {
      operation: "PutItem",
      when: (input) => conditional(input) && ++conditionalWrites > 1,
      error: throttling,
    });
    await expect(send(ports.ledger, change("virtway-readers-cpu-high-70", 72), ports)).rejects.toThrow(
      /provisioned throughput/,
    );
    fault.remove();
    expect(account.mutatingCalls().map((c) => c.command)).toEqual(["CreateDBInstance"]);

    const retry = await send(ports.ledger, change("virtway-readers-cpu-high-70", 72), ports);
    expect(retry[0]).toMatchObject({ status: "held", reason: "DuplicateStateChange" });
    // The reader is not created again; the floor the failed invocation never reached is raised for it.
    expect(retry[1]).toMatchObject({ target: "virtway-acu-floor", status: "applied", to: 16 });
    expect(account.mutatingCalls().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
    // The reservation stays until it expires; then it is released and tick reconciles the capacity.
    const state = await ports.ledger.read("virtway-readers");
    expect(state?.reservations).toMatchObject([{ from: 1, to: 2 }]);
    expect(state?.capacity).toBe(2);
  });

  it("a ledger error before the AWS call fails the invocation with no AWS call; the retry acts once", async () => {
    await createLedgerTable(dynamo.client, "faults-before");
    const { account, actuatorFor } = simulatedWorld({
      start: { "virtway-readers": { capacity: 1 } },
      now: new Date(T0 + 2000),
    });
    const ports = {
      ledger: new DynamoDBLedger({ client: dynamo.client, tableName: "faults-before", retentionDays: 30 }),
      actuatorFor,
    };
    const fault = injectFault(dynamo.client, { operation: "PutItem", when: conditional, error: throttling });
    await expect(send(ports.ledger, change("virtway-readers-cpu-high-70", 72), ports)).rejects.toThrow(
      /provisioned throughput/,
    );
    expect(fault.failed).toBe(2);
    fault.remove();
    expect(account.mutatingCalls()).toEqual([]);
    const retry = await send(ports.ledger, change("virtway-readers-cpu-high-70", 72), ports);
    expect(retry[0]).toMatchObject({ status: "applied", from: 1, to: 2 });
    // Once: the reader, and the ACU floor's buffer for it.
    expect(account.mutatingCalls().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
  });
});
