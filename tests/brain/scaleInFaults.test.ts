/**
 * AWS's faults where the simulated account answers in AWS's place (an operation answered with a
 * fault instead of its own answer): DeleteDBInstance refusing a scale-in, and throttling of the
 * calls the alarm path makes before it acts (DescribeAutoScalingGroups, Application Auto
 * Scaling's coexistence calls).
 */
import { AutoScalingServiceException } from "@aws-sdk/client-auto-scaling";
import { InvalidDBInstanceStateFault, RDSServiceException } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { simulatedWorld, stateChange } from "../support/world.js";

const meta = { $metadata: { httpStatusCode: 400 } };

describe("DeleteDBInstance refused", () => {
  it.each([
    {
      name: "InvalidDBInstanceState",
      fault: () => new InvalidDBInstanceStateFault({ message: "instance is not available", ...meta }),
    },
    {
      name: "Throttling",
      fault: () =>
        new RDSServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", ...meta }),
    },
  ])(
    "$name: the scale-in is recorded failed, the reader and the capacity stay, the next change removes it",
    async ({ name, fault }) => {
      const world = simulatedWorld({ start: { "virtway-readers": { capacity: 1 } } });
      await world.alarm(stateChange("virtway-readers-cpu-high-70", 0, 72)); // 1 → 2, the brain's reader
      world.account.handle("RDS", "DeleteDBInstance", () => {
        throw fault();
      });
      const [down] = await world.alarm(stateChange("virtway-readers-cpu-low", 3600, 12));
      expect(down).toMatchObject({ status: "failed", reason: "ActionFailed", from: 2, to: 2 });
      expect((down as { error: string }).error).toMatch(new RegExp(`^${name}`));
      expect(await world.ledger.read("virtway-readers")).toMatchObject({ capacity: 2, reservations: [] });
      // No scale-in cooldown started: the next change acts.
      world.account.unhandle("RDS", "DeleteDBInstance");
      const [again] = await world.alarm(stateChange("virtway-readers-cpu-low", 3720, 11));
      expect(again).toMatchObject({ status: "applied", reason: "ScaleIn", from: 2, to: 1 });
      // The refused call and the accepted one, of the same reader: nothing else was deleted.
      const deletes = world.mutating().filter((c) => c.command === "DeleteDBInstance");
      expect(deletes).toHaveLength(2);
      expect(new Set(deletes.map((c) => JSON.stringify(c.input))).size).toBe(1);
    },
  );
});

describe("throttling before the brain acts", () => {
  it("DescribeAutoScalingGroups throttled for a group the ledger has never seen: the invocation fails with no change; the retry acts once", async () => {
    const world = simulatedWorld({ start: { "virtway-frontend": { capacity: 2 } } });
    world.account.handle("Auto Scaling", "DescribeAutoScalingGroups", () => {
      throw new AutoScalingServiceException({
        name: "Throttling",
        $fault: "client",
        message: "Rate exceeded",
        ...meta,
      });
    });
    const change = stateChange("virtway-frontend-requests-high", 0, 2000);
    await expect(world.alarm(change, { invocationId: "inv-1" })).rejects.toThrow(/Rate exceeded/);
    expect(world.mutating()).toEqual([]);
    expect(await world.ledger.read("virtway-frontend")).toBeNull();
    world.account.unhandle("Auto Scaling", "DescribeAutoScalingGroups");
    const [group] = await world.alarm(change, { invocationId: "inv-1" });
    expect(group).toMatchObject({ status: "applied", from: 2, to: 4 });
    expect(world.mutating().map((c) => c.command)).toEqual(["SetDesiredCapacity"]);
  });

  it("Application Auto Scaling throttled while native scale-in is being switched off: the scale-out stands", async () => {
    const world = simulatedWorld({ start: { "virtway-readers": { capacity: 1 } }, native: true });
    world.native?.registerScalableTarget({
      ServiceNamespace: "rds",
      ResourceId: "cluster:virtway-aurora",
      ScalableDimension: "rds:cluster:ReadReplicaCount",
      MinCapacity: 1,
      MaxCapacity: 8,
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
    });
    world.account.handle("Application Auto Scaling", "DescribeScalableTargets", () => {
      throw new Error("Rate exceeded");
    });
    const results = await world.alarm(stateChange("virtway-readers-cpu-high-70", 0, 72));
    expect(results[0]).toMatchObject({ target: "virtway-readers", status: "applied", from: 1, to: 2 });
    expect(world.mutating().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
  });
});
