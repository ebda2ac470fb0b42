/**
 * Scheduled actions through the `schedule` function's path and the tick's catch-up, on a ledger
 * on dynalite (never a mock) and the simulated account: the floor applied once, whoever comes
 * first; a missed invocation caught by the tick; the faults of the ledger (middleware in front of
 * dynalite) and of AWS on both paths, each outcome asserted.
 */
import { InsufficientDBInstanceCapacityFault } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import { createLedgerTable, DynamoDBLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { handleSchedule } from "../../shared/brain/handleSchedule.js";
import { handleTick } from "../../shared/brain/handleTick.js";
import type { SimulatedAccount } from "../../shared/offline/simulation/account.js";
import { simulateCloudWatch } from "../../shared/offline/simulation/cloudWatch.js";
import { type Dynalite, startDynalite } from "../support/dynalite.js";
import { conditional, injectFault, throttling } from "../support/dynamoFaults.js";
import { simulatedWorld } from "../support/world.js";

/** Thursday 26 November 2026, 18:30 in Madrid: readers-before-thursday-event runs (MinCapacity 3). */
const RUN = Date.parse("2026-11-26T17:30:00.000Z");
const at = (s: number) => new Date(RUN + s * 1000);
const ACTION = "readers-before-thursday-event";

/** The account refuses the next CreateDBInstance, as RDS does when a zone has no capacity left. */
function refuseNextReader(account: SimulatedAccount): void {
  account.handle("RDS", "CreateDBInstance", () => {
    account.unhandle("RDS", "CreateDBInstance");
    throw new InsufficientDBInstanceCapacityFault({ message: "no db.serverless capacity", $metadata: {} });
  });
}

let dynamo: Dynalite;
let tables = 0;
beforeAll(async () => {
  dynamo = await startDynalite({ maxAttempts: 2 });
});
afterAll(() => dynamo.stop());

async function world() {
  const table = `schedule-${++tables}`;
  await createLedgerTable(dynamo.client, table);
  const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: table, retentionDays: 30 });
  const w = simulatedWorld({ ledger, now: at(0), start: { "virtway-readers": { capacity: 1 } } });
  simulateCloudWatch(w.account);
  const metrics = new CloudWatchMetricSource(w.clients.cloudWatch);
  let n = 0;
  const schedule = (s: number, action = ACTION, target = "virtway-readers") => {
    w.setNow(at(s));
    return handleSchedule({
      ports: { ledger, actuatorFor: w.actuatorFor },
      config: w.config,
      run: { target, action, scheduledTime: at(0).toISOString() },
      origin: { account: "123456789012", region: "eu-west-1" },
      now: at(s),
      invocationId: `schedule-${++n}`,
      initialCapacity: async (id) =>
        (await w.actuatorFor(w.config.targets.find((t) => t.id === id)!).observe()).capacity,
    });
  };
  const tick = (s: number) => {
    w.setNow(at(s));
    return handleTick({
      ports: { ledger, actuatorFor: w.actuatorFor, metrics, nativeScaling: null },
      config: w.config,
      now: at(s),
      invocationId: `tick-${++n}`,
    });
  };
  const readersTick = async (s: number) =>
    (await tick(s)).decisions.find((d) => d.target === "virtway-readers")!;
  const creates = () => w.account.mutatingCalls().filter((c) => c.command === "CreateDBInstance").length;
  return { ...w, ledger, schedule, tick, readersTick, creates };
}

describe("the schedule function", () => {
  it("sets the floor and puts capacity inside it at once; the tick then finds it in force and acts not", async () => {
    const w = await world();
    const { decision } = await w.schedule(2);
    expect(decision).toMatchObject({
      status: "applied",
      reason: "BoundsMoved",
      policy: ACTION,
      from: 1,
      to: 3,
    });
    expect(w.creates()).toBe(2);
    expect((await w.ledger.read("virtway-readers"))?.bounds).toEqual({
      min: 3,
      max: 8,
      source: ACTION,
      since: at(0).toISOString(),
    });
    const next = await w.readersTick(60);
    expect(next.reason).not.toMatch(/^(ScheduledBounds|BoundsMoved)$/);
    expect(w.creates()).toBe(2);
  });

  it("on a group, moves its MinSize and MaxSize with the capacity in one UpdateAutoScalingGroup", async () => {
    const w = await world();
    const group = w.config.targets.find((t) => t.id === "virtway-frontend")!;
    const { decision } = await w.schedule(2, "frontend-before-thursday-event", "virtway-frontend");
    expect(decision).toMatchObject({ status: "applied", reason: "BoundsMoved", from: 2, to: 6 });
    expect(w.account.mutatingCalls()).toEqual([
      {
        service: "Auto Scaling",
        command: "UpdateAutoScalingGroup",
        input: { AutoScalingGroupName: "virtway-frontend-php", MinSize: 6, MaxSize: 20, DesiredCapacity: 6 },
      },
    ]);
    expect(await w.actuatorFor(group).observe()).toMatchObject({ capacity: 6, minSize: 6, maxSize: 20 });
  });

  it("on a group whose capacity is inside the run's bounds, still moves its MinSize and MaxSize", async () => {
    const w = await world();
    const group = w.config.targets.find((t) => t.id === "virtway-frontend")!;
    await w.schedule(2, "frontend-before-thursday-event", "virtway-frontend"); // 2–20 → 6–20, 2 → 6
    // 21:30 in Madrid (3 h later): frontend-after-thursday-event sets MinCapacity 2; 6 is inside 2–20.
    const { decision } = await w.schedule(3 * 3600 + 2, "frontend-after-thursday-event", "virtway-frontend");
    expect(decision).toMatchObject({ status: "applied", reason: "ScheduledBounds", from: 6, to: 6 });
    expect(w.account.mutatingCalls().at(-1)).toEqual({
      service: "Auto Scaling",
      command: "UpdateAutoScalingGroup",
      input: { AutoScalingGroupName: "virtway-frontend-php", MinSize: 2, MaxSize: 20, DesiredCapacity: 6 },
    });
    expect(await w.actuatorFor(group).observe()).toMatchObject({ capacity: 6, minSize: 2, maxSize: 20 });
  });

  it("delivered twice (a retry) acts once", async () => {
    const w = await world();
    await w.schedule(2);
    const again = await w.schedule(5);
    expect(again).toMatchObject({
      quiet: true,
      decision: { reason: "ScheduledBoundsInForce", from: 3, to: 3 },
    });
    expect(w.creates()).toBe(2);
  });

  it("names a target or an action the configuration does not have: acknowledged, nothing written or called", async () => {
    const w = await world();
    expect((await w.schedule(2, "no-such-action")).decision).toMatchObject({
      target: null,
      reason: "UnknownScheduledAction",
    });
    expect((await w.schedule(2, ACTION, "no-such-target")).decision).toMatchObject({
      reason: "UnknownScheduledAction",
    });
    expect(await w.ledger.targets()).toEqual([]);
    expect(w.account.mutatingCalls()).toEqual([]);
  });
});

describe("the tick's catch-up", () => {
  it("a missed invocation: the next tick applies the run, once", async () => {
    const w = await world();
    const first = await w.readersTick(60);
    expect(first).toMatchObject({ status: "applied", reason: "BoundsMoved", policy: ACTION, from: 1, to: 3 });
    expect(w.creates()).toBe(2);
    // The invocation arrives late: the bounds are in force, it acts not.
    expect((await w.schedule(90)).decision).toMatchObject({ reason: "ScheduledBoundsInForce" });
    expect(w.creates()).toBe(2);
  });

  it("the groups' missed runs: the tick moves their MinSize and MaxSize too", async () => {
    const w = await world();
    const frontend = (await w.tick(60)).decisions.find((d) => d.target === "virtway-frontend")!;
    expect(frontend).toMatchObject({ status: "applied", reason: "BoundsMoved", from: 2, to: 6 });
    // frontend-before-thursday-event (MinCapacity 6 of 2–20) and api-before-thursday-event (4 of 2–16).
    expect(w.account.mutatingCalls().filter((c) => c.service === "Auto Scaling")).toEqual([
      {
        service: "Auto Scaling",
        command: "UpdateAutoScalingGroup",
        input: { AutoScalingGroupName: "virtway-frontend-php", MinSize: 6, MaxSize: 20, DesiredCapacity: 6 },
      },
      {
        service: "Auto Scaling",
        command: "UpdateAutoScalingGroup",
        input: { AutoScalingGroupName: "virtway-api-tomcat", MinSize: 4, MaxSize: 16, DesiredCapacity: 4 },
      },
    ]);
  });

  it("schedule and tick racing on one ledger act once", async () => {
    const w = await world();
    const [scheduled, ticked] = await Promise.all([w.schedule(1), w.tick(1)]);
    const readers = ticked.decisions.find((d) => d.target === "virtway-readers")!;
    const applied = [scheduled.decision, readers].filter((d) => "status" in d && d.status === "applied");
    expect(applied).toHaveLength(1);
    expect(w.creates()).toBe(2);
    expect((await w.ledger.read("virtway-readers"))?.capacity).toBe(3);
  });
});

describe("rule 5 on the alarm path", () => {
  it("a target never seen starts with the floor in force: a step scale-in stays at it", async () => {
    const w = simulatedWorld({ now: at(1800), start: { "virtway-readers": { capacity: 3 } } });
    const [decision] = await w.alarm({
      account: "123456789012",
      region: "eu-west-1",
      alarmName: "virtway-readers-cpu-low",
      state: "ALARM",
      stateChangedAt: at(1800).toISOString(),
      value: 8,
      actionsSuppressedBy: null,
    });
    expect(decision).toMatchObject({ target: "virtway-readers", reason: "AtMinCapacity", from: 3, to: 2 });
    expect(await w.ledger.read("virtway-readers")).toMatchObject({
      capacity: 3,
      bounds: { min: 3, source: ACTION, since: at(0).toISOString() },
    });
    expect(w.mutating()).toEqual([]);
  });
});

describe("faults on the schedule path", () => {
  it("a ledger error before the AWS call fails the invocation with no AWS call; the retry acts once", async () => {
    const w = await world();
    const fault = injectFault(dynamo.client, { operation: "PutItem", when: conditional, error: throttling });
    await expect(w.schedule(2)).rejects.toThrow(/provisioned throughput/);
    fault.remove();
    expect(w.account.mutatingCalls()).toEqual([]);
    expect((await w.schedule(3)).decision).toMatchObject({ status: "applied", from: 1, to: 3 });
    expect(w.creates()).toBe(2);
  });

  it("a ledger error after the AWS call fails the invocation; the retry finds the bounds in force and nothing is applied twice", async () => {
    const w = await world();
    let conditionalWrites = 0;
    const fault = injectFault(dynamo.client, {
      operation: "PutItem",
      when: (input) => conditional(input) && ++conditionalWrites > 1,
      error: throttling,
    });
    await expect(w.schedule(2)).rejects.toThrow(/provisioned throughput/);
    fault.remove();
    expect(w.creates()).toBe(2);
    expect((await w.schedule(3)).decision).toMatchObject({ reason: "ScheduledBoundsInForce" });
    expect(w.creates()).toBe(2);
  });

  it("AWS refuses the readers: recorded failed, the floor stays in force, and the next tick puts capacity inside it", async () => {
    const w = await world();
    refuseNextReader(w.account);
    const { decision } = await w.schedule(2);
    expect(decision).toMatchObject({ status: "failed", reason: "ActionFailed", from: 1, to: 1 });
    expect(await w.ledger.read("virtway-readers")).toMatchObject({ capacity: 1, bounds: { min: 3 } });
    const next = await w.readersTick(60);
    expect(next).toMatchObject({ status: "applied", reason: "BoundsMoved", from: 1, to: 3 });
  });

  it("a ledger error on the tick's catch-up fails that tick; the next one applies the run", async () => {
    const w = await world();
    const fault = injectFault(dynamo.client, { operation: "PutItem", when: conditional, error: throttling });
    await expect(w.tick(60)).rejects.toThrow(/provisioned throughput/);
    fault.remove();
    expect(w.account.mutatingCalls()).toEqual([]);
    expect(await w.readersTick(120)).toMatchObject({
      status: "applied",
      reason: "BoundsMoved",
      from: 1,
      to: 3,
    });
    expect(w.creates()).toBe(2);
  });

  it("AWS refuses the catch-up's readers: recorded failed; the next tick tries again", async () => {
    const w = await world();
    refuseNextReader(w.account);
    expect(await w.readersTick(60)).toMatchObject({ status: "failed", reason: "ActionFailed" });
    expect(await w.readersTick(120)).toMatchObject({
      status: "applied",
      reason: "BoundsMoved",
      from: 1,
      to: 3,
    });
  });
});
