/**
 * An alarm invocation killed between its AWS call and the ledger's record of it (Lambda's
 * timeout, an out-of-memory): the change is made in the account, the reservation stays in the
 * ledger. The tick never doubles it: before the reservation expires it counts it; after, it
 * reconciles from Describe* and records what it found, and what was changed by hand meanwhile is
 * adopted, not fought.
 */

import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { DeleteDBInstanceCommand } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import type { AppliedChange } from "../../shared/brain/ports/actuator.js";
import { config, tickWorld } from "./tickWorld.js";

const EXPIRED = config.settings.reservationTimeoutSeconds + 60;

/** A world whose `victim` target's first AWS call is made, and then its invocation dies. */
function killedAfterTheCall(victim: string, start: Record<string, { capacity: number }>) {
  let made: () => void = () => {};
  const callMade = new Promise<void>((resolve) => {
    made = resolve;
  });
  let killed = false;
  const world = tickWorld(start, config, {
    onApply: (target, _change, apply) => {
      if (target.id !== victim || killed) return undefined;
      killed = true;
      return apply().then(() => {
        made();
        return new Promise<AppliedChange>(() => {});
      });
    },
  });
  return { world, callMade };
}

const commands = (world: ReturnType<typeof tickWorld>, from = 0) =>
  world.mutating(from).map((c) => c.command);

describe("an invocation killed between the AWS call and the ledger's record", () => {
  it("readers: the tick counts the reservation, then reconciles it from DescribeDBInstances; the reader is never created twice", async () => {
    const { world, callMade } = killedAfterTheCall("virtway-readers", { "virtway-readers": { capacity: 1 } });
    void world.alarm("virtway-readers-cpu-high-70", 0, 72);
    await callMade;
    expect(commands(world)).toEqual(["CreateDBInstance"]);
    expect(await world.ledger.read("virtway-readers")).toMatchObject({
      capacity: 2,
      reservations: [expect.objectContaining({ from: 1, to: 2 })],
    });

    await world.tick(60);
    expect(commands(world).filter((c) => c === "CreateDBInstance")).toHaveLength(1);

    const { decisions } = await world.tick(EXPIRED);
    const readers = decisions.filter((d) => d.target === "virtway-readers");
    expect(readers[0]).toMatchObject({ status: "recorded", reason: "ReservationExpired", to: 2 });
    expect(await world.ledger.read("virtway-readers")).toMatchObject({ capacity: 2, reservations: [] });
    expect(commands(world).filter((c) => c === "CreateDBInstance")).toHaveLength(1);
  });

  it("readers, and the new reader deleted by hand meanwhile: the drift is recorded and adopted, nothing re-created", async () => {
    const { world, callMade } = killedAfterTheCall("virtway-readers", { "virtway-readers": { capacity: 1 } });
    void world.alarm("virtway-readers-cpu-high-70", 0, 72);
    await callMade;
    const [call] = world.account.mutatingCalls();
    const created = String((call?.input as Record<string, unknown> | undefined)?.DBInstanceIdentifier);
    world.setNow(30);
    await world.clients.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: created }));
    const before = world.mutating().length;

    const { decisions } = await world.tick(EXPIRED);
    const readers = decisions.filter((d) => d.target === "virtway-readers");
    expect(readers[0]).toMatchObject({ status: "recorded", reason: "CapacityDrift", from: 2, to: 1 });
    expect(await world.ledger.read("virtway-readers")).toMatchObject({ capacity: 1, reservations: [] });
    expect(commands(world, before).filter((c) => c === "CreateDBInstance")).toEqual([]);
    expect((await world.ledger.decisions("virtway-readers")).map((r) => r.reason)).toContain("CapacityDrift");
  });

  it("a group, resized by hand meanwhile: the tick adopts what DescribeAutoScalingGroups shows and sets nothing again", async () => {
    const { world, callMade } = killedAfterTheCall("virtway-frontend", {
      "virtway-frontend": { capacity: 2 },
    });
    void world.alarm("virtway-frontend-requests-high", 0, 2000);
    await callMade;
    expect(commands(world)).toEqual(["SetDesiredCapacity"]);
    world.setNow(30);
    await world.clients.autoScaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 7 }),
    );
    const before = world.mutating().length;

    await world.tick(60);
    // Before the reservation expires, the brain still counts its own change: nothing is set again.
    expect(commands(world, before)).toEqual([]);

    const { decisions } = await world.tick(EXPIRED);
    const group = decisions.filter((d) => d.target === "virtway-frontend");
    expect(group[0]).toMatchObject({ status: "recorded", reason: "CapacityDrift", from: 4, to: 7 });
    expect(await world.ledger.read("virtway-frontend")).toMatchObject({ capacity: 7, reservations: [] });
    expect(commands(world, before).filter((c) => c === "SetDesiredCapacity")).toEqual([]);
  });
});
