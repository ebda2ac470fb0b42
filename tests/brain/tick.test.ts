import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import { DeleteDBInstanceCommand, InsufficientDBInstanceCapacityFault } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";
import { type AlarmResult, handleAlarmChange } from "../../shared/brain/handleAlarm.js";
import { handleTick } from "../../shared/brain/handleTick.js";
import { NO_METRICS } from "../../shared/brain/ports/metrics.js";
import type { BeforeChanging } from "../../shared/brain/ports/nativeScaling.js";
import type { NativeChange } from "../../shared/core/deciders/coexistence.js";
import { initialState } from "../../shared/core/engine/targetState.js";
import { decisionSummary } from "../support/decisions.js";
import { at, config, readerMetric, tickWorld } from "./tickWorld.js";

const groupCpu = (group: string) => ({
  Namespace: "AWS/EC2",
  MetricName: "CPUUtilization",
  Dimensions: [{ Name: "AutoScalingGroupName", Value: group }],
});

type Decisions = Awaited<ReturnType<ReturnType<typeof tickWorld>["tick"]>>["decisions"];
const of = (decisions: Decisions, target: string) => decisions.filter((d) => d.target === target);
const brief = (decisions: Decisions) => decisions.map(decisionSummary);
/** The same of an alarm's results, an acknowledgement as it is. */
const briefAlarm = (results: AlarmResult[]) => results.map((r) => ("status" in r ? decisionSummary(r) : r));

describe("tick: one batched GetMetricData", () => {
  it("every target-tracking metric and every alarm the ledger holds in ALARM, in one call, exactly", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    await world.alarm("virtway-readers-connections-high", 0, 320);
    await world.tick(60);
    const calls = world.account.calls.filter((c) => c.command === "GetMetricData");
    expect(calls).toHaveLength(1);
    const input = calls[0]!.input as { MetricDataQueries: { Id: string }[] };
    expect({ ...input, MetricDataQueries: input.MetricDataQueries.map((q) => q.Id) }).toEqual({
      MetricDataQueries: ["t0p0", "t2p0", "t2p1", "t3p0", "t3p1", "a2"],
      // 19:01 back 16 minutes: the 15-minute scale-in window and one minute of publishing lag.
      StartTime: new Date("2026-11-23T18:45:00.000Z"),
      EndTime: new Date("2026-11-23T19:01:00.000Z"),
      ScanBy: "TimestampAscending",
    });
    expect(input.MetricDataQueries[0]).toEqual({
      Id: "t0p0",
      MetricStat: { Metric: readerMetric("CPUUtilization"), Period: 60, Stat: "Average" },
      Label: "readers-cpu-target-30",
      ReturnData: true,
    });
    expect(input.MetricDataQueries[5]).toEqual({
      Id: "a2",
      MetricStat: { Metric: readerMetric("DatabaseConnections"), Period: 60, Stat: "Average" },
      Label: "virtway-readers-connections-high",
      ReturnData: true,
    });
  });
});

describe("tick: target tracking through the ledger and the actuators", () => {
  it("out on a spike: readers, the ACU floor's buffer and a group, each once", async () => {
    const world = tickWorld({
      "virtway-readers": { capacity: 2 },
      "virtway-acu-floor": { capacity: 2 },
      "virtway-frontend": { capacity: 4 },
    });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);
    const { decisions } = await world.tick(0);
    expect(brief(decisions)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 4 },
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 4, to: 5 },
      { target: "virtway-api", status: "recorded", reason: "NoData", from: 2, to: 2 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 2, to: 16 },
    ]);
    expect(world.mutating().map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "CreateDBInstance",
      "SetDesiredCapacity",
      "ModifyDBCluster",
    ]);
    expect(world.mutating().at(-1)?.input).toEqual({
      DBClusterIdentifier: "virtway-aurora",
      ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
      ApplyImmediately: true,
    });
  });

  it("counts from the instances in service: what is still launching is not compounded; once its datapoints measured it, it counts", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 4 } });
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);
    const steps: ReturnType<typeof brief> = [];
    for (const s of [0, 60, 120])
      steps.push(...brief(of((await world.tick(s)).decisions, "virtway-frontend")));
    // 19:03: the fifth instance is InService (the simulated warm-up is 180 s), the metric climbed.
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 120);
    steps.push(...brief(of((await world.tick(180)).decisions, "virtway-frontend")));
    expect(steps).toEqual([
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 4, to: 5 },
      // ceil(4 × 85/70) = 5 while the fifth launches: what it asks for is already ordered.
      { target: "virtway-frontend", status: "held", reason: "CooldownRepeat", from: 5, to: 5 },
      { target: "virtway-frontend", status: "held", reason: "CooldownRepeat", from: 5, to: 5 },
      // The fifth came into service at 19:03, after the datapoints read then (19:00–19:02, one
      // minute of publication lag), which were measured on 4: ceil(4 × 120/70) = 7, during the
      // scale-out cooldown too: the ask exceeds what was added.
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 5, to: 7 },
    ]);
    expect(world.mutating().map((c) => (c.input as { DesiredCapacity: number }).DesiredCapacity)).toEqual([
      5, 7,
    ]);
  });

  it("in once the metric stayed low for the scale-in window, one step per scale-in cooldown", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 6 } });
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 30);
    const requests = {
      Namespace: "AWS/ApplicationELB",
      MetricName: "RequestCountPerTarget",
      Dimensions: [{ Name: "TargetGroup", Value: "targetgroup/virtway-frontend/943f017f100becff" }],
    };
    world.cloudWatch.set(requests, "Sum", 400);
    const first = await world.tick(0);
    // ceil(6 × 30/70) = 3 and ceil(6 × 400/1000) = 3.
    expect(brief(of(first.decisions, "virtway-frontend"))).toEqual([
      { target: "virtway-frontend", status: "applied", reason: "ScaleIn", from: 6, to: 3 },
    ]);
    const second = await world.tick(60);
    expect(brief(of(second.decisions, "virtway-frontend"))).toEqual([
      { target: "virtway-frontend", status: "held", reason: "ScaleInCooldown", from: 3, to: 2 },
    ]);
    expect(world.mutating()).toEqual([
      {
        service: "Auto Scaling",
        command: "SetDesiredCapacity",
        input: { AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 3, HonorCooldown: false },
      },
    ]);
  });

  it("no data: no action, no write, no mutating call", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    const { decisions, quiet } = await world.tick(0);
    expect(decisions.map((d) => d.reason)).toEqual(["NoData", "NoData", "NoData", "NoChange"]);
    // Returned, so that each target says what it saw, but not recorded.
    expect(quiet).toEqual(decisions.map((d) => d.id));
    expect(world.ledger.writes).toBe(0);
    expect(world.mutating()).toEqual([]);
  });
});

describe("tick: a tick that finds nothing changed and decides nothing", () => {
  it("makes no write and no mutating call", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-frontend": { capacity: 4 } });
    // A spike, then calm: readers in flight, a buffer, cooldowns and their coexistence.
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    await world.tick(0);
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 28);
    await world.tick(60);
    const writes = world.ledger.writes;
    const calls = world.mutating().length;
    for (const s of [120, 180, 240]) {
      const { decisions } = await world.tick(s);
      expect(decisions.every((d) => d.outcome === "none")).toBe(true);
    }
    expect(world.ledger.writes).toBe(writes);
    expect(world.mutating()).toHaveLength(calls);
  });

  it("a held-back decision is recorded once, not once a minute", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    await world.tick(0); // 2 → 4, two readers creating
    const held = [];
    for (const s of [60, 120, 180]) held.push(...of((await world.tick(s)).decisions, "virtway-readers"));
    // ceil(2 × 60/30) = 4: what is ordered covers it.
    expect(held.map((d) => d.reason)).toEqual(["CapacityInFlight", "CapacityInFlight", "CapacityInFlight"]);
    const log = await world.ledger.decisions("virtway-readers");
    expect(log.map((r) => r.reason)).toEqual(["ScaleOut", "CapacityInFlight"]);
  });
});

describe("tick: an alarm that stays in ALARM", () => {
  it("escalates as its value climbs, counted from the capacity before the cooldown, asking only for what is missing", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    let connections = 330;
    world.cloudWatch.set(readerMetric("DatabaseConnections"), "Average", () => connections);
    const [first] = await world.alarm("virtway-readers-connections-high", 0, 320);
    expect(first).toMatchObject({ status: "applied", from: 2, to: 3 });

    const steps: [number, number][] = [
      [60, 330],
      [120, 335],
      [180, 390],
      [240, 400],
    ];
    const seen = [];
    for (const [s, value] of steps) {
      connections = value;
      seen.push(...of((await world.tick(s)).decisions, "virtway-readers"));
    }
    expect(brief(seen)).toEqual([
      { target: "virtway-readers", status: "held", reason: "CooldownRepeat", from: 3, to: 3 },
      { target: "virtway-readers", status: "held", reason: "CooldownRepeat", from: 3, to: 3 },
      // 390 is 110 over 280: the +2 step, from 2: one more reader.
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 3, to: 4 },
      { target: "virtway-readers", status: "held", reason: "CooldownRepeat", from: 4, to: 4 },
    ]);
    expect(seen[2]?.message).toMatch(
      /^virtway-readers-connections-high still in ALARM: DatabaseConnections 390 > 280/,
    );
    expect(world.mutating().filter((c) => c.command === "CreateDBInstance")).toHaveLength(2);
    const log = await world.ledger.decisions("virtway-readers");
    expect(log.map((r) => r.reason)).toEqual(["ScaleOut", "CooldownRepeat", "ScaleOut", "CooldownRepeat"]);
  });
});

describe("tick: capacity in flight and the vertical buffer", () => {
  it("a reader becoming available releases the in-flight count; after the stabilisation window the ACU floor comes down", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-acu-floor": { capacity: 2 } });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    const floor: Decisions = [];
    floor.push(...of((await world.tick(0)).decisions, "virtway-acu-floor"));
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 28);
    for (let s = 60; s <= 420; s += 60)
      floor.push(...of((await world.tick(s)).decisions, "virtway-acu-floor"));
    expect((await world.ledger.read("virtway-readers"))?.inFlight.map((c) => c.delta)).toEqual([2]);

    // 19:08: the readers are available (8 minutes); the floor may come down, after 300 s of agreement.
    for (let s = 480; s <= 780; s += 60)
      floor.push(...of((await world.tick(s)).decisions, "virtway-acu-floor"));
    expect(await world.ledger.read("virtway-readers")).toMatchObject({ capacity: 4, inFlight: [] });
    expect(
      floor.map((d) => ({
        at: d.at.slice(11, 16),
        outcome: d.outcome,
        reason: d.reason,
        from: d.from,
        to: d.to,
      })),
    ).toEqual([
      { at: "19:00", outcome: "scale-out", reason: "ScaleOut", from: 2, to: 16 },
      ...[1, 2, 3, 4, 5, 6, 7].map((m) => ({
        at: `19:0${m}`,
        outcome: "none",
        reason: "NoChange",
        from: 16,
        to: 16,
      })),
      { at: "19:08", outcome: "held", reason: "ScaleInStabilizing", from: 16, to: 2 },
      { at: "19:09", outcome: "held", reason: "ScaleInStabilizing", from: 16, to: 2 },
      { at: "19:10", outcome: "held", reason: "ScaleInStabilizing", from: 16, to: 2 },
      { at: "19:11", outcome: "held", reason: "ScaleInStabilizing", from: 16, to: 2 },
      { at: "19:12", outcome: "held", reason: "ScaleInStabilizing", from: 16, to: 2 },
      { at: "19:13", outcome: "scale-in", reason: "ScaleIn", from: 16, to: 2 },
    ]);
    const modified = world.mutating().filter((c) => c.command === "ModifyDBCluster");
    expect(
      modified.map(
        (c) => (c.input as { ServerlessV2ScalingConfiguration: unknown }).ServerlessV2ScalingConfiguration,
      ),
    ).toEqual([
      { MinCapacity: 16, MaxCapacity: 32 },
      { MinCapacity: 2, MaxCapacity: 32 },
    ]);
    const log = await world.ledger.decisions("virtway-acu-floor");
    expect(log.map((r) => r.reason)).toEqual(["ScaleOut", "ScaleInStabilizing", "ScaleIn"]);
  });
});

describe("the buffer on a paused floor", () => {
  it("records what it would have done and acts not (rule 8)", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-acu-floor": { capacity: 2 } });
    await world.ledger.write(
      { ...initialState("virtway-acu-floor", { min: 1, max: 16 }, 2), paused: true, version: 1 },
      0,
      [],
    );
    const results = await world.alarm("virtway-readers-cpu-high-70", 0, 72);
    expect(briefAlarm(results)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 3 },
      { target: "virtway-acu-floor", status: "held", reason: "Paused", from: 2, to: 16 },
    ]);
    expect((await world.ledger.decisions("virtway-acu-floor")).map((r) => r.reason)).toEqual(["Paused"]);
    expect(world.mutating().map((c) => c.command)).toEqual(["CreateDBInstance"]);
  });
});

describe("tick: capacity that never arrives", () => {
  it("instances a group never gets InService stop counting as on their way after three times the warm-up", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 4 } });
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);
    await world.tick(0); // 4 → 5
    // The fifth never launches (no capacity in the zone): AWS keeps showing 4 InService of 5.
    world.account.handle("Auto Scaling", "DescribeAutoScalingGroups", () => ({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: "virtway-frontend-php",
          DesiredCapacity: 5,
          MinSize: 0,
          MaxSize: 20,
          Instances: [0, 1, 2, 3, 4].map((k) => ({
            InstanceId: `i-${k}`,
            LifecycleState: k < 4 ? "InService" : "Pending",
            HealthStatus: "Healthy",
          })),
        },
      ],
    }));
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 66);
    const seen: Decisions = [];
    for (let s = 60; s <= 600; s += 60) seen.push(...of((await world.tick(s)).decisions, "virtway-frontend"));
    const overdue = seen.filter((d) => d.reason === "InFlightOverdue");
    // Expected InService at 19:03; overdue after 19:09.
    expect(
      overdue.map((d) => ({ at: d.at.slice(11, 16), status: d.status, from: d.from, to: d.to })),
    ).toEqual([{ at: "19:10", status: "recorded", from: 5, to: 5 }]);
    expect(overdue[0]?.message).toContain(
      "1 instance(s) asked for at 2026-11-23T19:00:00.000Z still not in service",
    );
    expect((await world.ledger.read("virtway-frontend"))?.inFlight).toEqual([]);
  });
});

describe("tick: the buffer when the floor's own step raised it", () => {
  it("a floor raised by its own step while readers are in flight comes back down once they are available", async () => {
    // A scheduled floor of 8 ACU: the 85% alarm's +100% step asks for 16, as much as the buffer.
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-acu-floor": { capacity: 8 } });
    const raised = await world.alarm("virtway-readers-cpu-high-85", 0, 90);
    expect(
      raised.map((r) => ("status" in r ? { target: r.target, status: r.status, from: r.from, to: r.to } : r)),
    ).toEqual([
      { target: "virtway-readers", status: "applied", from: 2, to: 4 },
      { target: "virtway-acu-floor", status: "applied", from: 8, to: 16 },
    ]);
    await world.alarm("virtway-readers-cpu-high-85", 60, null, "OK");
    const floor: Decisions = [];
    for (let s = 60; s <= 900; s += 60)
      floor.push(...of((await world.tick(s)).decisions, "virtway-acu-floor"));
    // The readers are available at 19:08; after the 300 s stabilisation window the floor is back at 8.
    expect(
      floor
        .filter((d) => d.outcome === "scale-in")
        .map((d) => ({ at: d.at.slice(11, 16), from: d.from, to: d.to })),
    ).toEqual([{ at: "19:13", from: 16, to: 8 }]);
    const floors = world
      .mutating()
      .filter((c) => c.command === "ModifyDBCluster")
      .map(
        (c) =>
          (c.input as { ServerlessV2ScalingConfiguration: { MinCapacity: number } })
            .ServerlessV2ScalingConfiguration.MinCapacity,
      );
    expect(floors).toEqual([16, 8]);
  });
});

describe("tick: readers AWS refuses to create", () => {
  it("the tick asks again every minute while the layer wants them, and the ACU floor carries the load meanwhile", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-acu-floor": { capacity: 2 } });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    world.account.handle("RDS", "CreateDBInstance", () => {
      throw new InsufficientDBInstanceCapacityFault({
        message: "no db.serverless capacity in eu-west-1a",
        $metadata: {},
      });
    });
    const seen: Decisions = [];
    for (const s of [0, 60]) seen.push(...(await world.tick(s)).decisions);
    world.account.unhandle("RDS", "CreateDBInstance");
    seen.push(...(await world.tick(120)).decisions);
    const brief2 = (d: Decisions[number]) => ({ at: d.at.slice(11, 16), ...decisionSummary(d) });
    expect(
      seen.filter((d) => d.target === "virtway-readers" || d.target === "virtway-acu-floor").map(brief2),
    ).toEqual([
      { at: "19:00", target: "virtway-readers", status: "failed", reason: "ActionFailed", from: 2, to: 2 },
      { at: "19:00", target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 2, to: 16 },
      { at: "19:01", target: "virtway-readers", status: "failed", reason: "ActionFailed", from: 2, to: 2 },
      { at: "19:01", target: "virtway-acu-floor", status: "recorded", reason: "NoChange", from: 16, to: 16 },
      { at: "19:02", target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 4 },
      { at: "19:02", target: "virtway-acu-floor", status: "recorded", reason: "NoChange", from: 16, to: 16 },
    ]);
    expect(seen.find((d) => d.target === "virtway-acu-floor")?.message).toContain(
      "2 reader(s) in flight or still wanted on virtway-aurora",
    );
    expect(await world.ledger.read("virtway-readers")).toMatchObject({ capacity: 4, reservations: [] });
    // Every attempt reaches AWS: refused at 19:00 and 19:01, two readers created at 19:02.
    expect(world.mutating().map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "ModifyDBCluster",
      "CreateDBInstance",
      "CreateDBInstance",
      "CreateDBInstance",
    ]);
  });
});

describe("readers AWS creates only in part", () => {
  it("the decision is what AWS accepted: the reader created is in flight, the one refused is asked again", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    let creates = 0;
    const { account } = world;
    const create = (input: Record<string, unknown>) => {
      creates++;
      if (creates === 2)
        throw new InsufficientDBInstanceCapacityFault({ message: "no capacity", $metadata: {} });
      account.unhandle("RDS", "CreateDBInstance");
      const out = account.answer("RDS", "CreateDBInstance", input);
      account.handle("RDS", "CreateDBInstance", create);
      return out;
    };
    account.handle("RDS", "CreateDBInstance", create);
    // The composite alarm's one step: +2.
    const [readers] = await world.alarm("virtway-readers-pressure", 0, null);
    expect(readers).toMatchObject({ status: "applied", from: 2, to: 3 });
    expect("message" in readers! && readers.message).toContain(
      "AWS created 1 of the 2 readers asked, then refused",
    );
    const state = await world.ledger.read("virtway-readers");
    expect(state).toMatchObject({ capacity: 3, reservations: [] });
    expect(state?.inFlight.map((c) => ({ delta: c.delta, resources: c.resources }))).toEqual([
      { delta: 1, resources: ["virtway-aurora-surge-20261123t190000-3"] },
    ]);
  });
});

describe("tick: a step policy whose action AWS refused", () => {
  it("runs again on the tick while its alarm stays in ALARM, until AWS accepts", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    world.account.handle("RDS", "CreateDBInstance", () => {
      throw new InsufficientDBInstanceCapacityFault({ message: "no capacity", $metadata: {} });
    });
    const first = await world.alarm("virtway-readers-connections-high", 0, 320);
    // The reader AWS refused is still wanted: the ACU floor carries the load meanwhile, at once.
    expect(briefAlarm(first)).toEqual([
      { target: "virtway-readers", status: "failed", reason: "ActionFailed", from: 2, to: 2 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
    ]);
    // The alarm stays in ALARM: CloudWatch sends nothing more; the tick reads its metric.
    world.cloudWatch.set(readerMetric("DatabaseConnections"), "Average", 320);
    world.account.unhandle("RDS", "CreateDBInstance");
    const retried = await world.tick(60);
    const readers = of(retried.decisions, "virtway-readers");
    expect(brief(readers)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 3 },
    ]);
    expect(readers[0]?.message).toContain("virtway-readers-connections-high still in ALARM");
    // Refused (the floor raised meanwhile), then created; the floor stays up while it provisions.
    expect(world.mutating().map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "ModifyDBCluster",
      "CreateDBInstance",
    ]);
  });
});

describe("tick: drift", () => {
  it("a reader deleted by hand: recorded and adopted, never re-created", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    await world.alarm("virtway-readers-cpu-high-70", 0, 72); // 2 → 3
    world.setNow(30);
    await world.clients.rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: "virtway-aurora-reader-1" }),
    );
    const before = world.mutating().length;
    const drift = of((await world.tick(60)).decisions, "virtway-readers");
    expect(brief(drift)).toEqual([
      { target: "virtway-readers", status: "recorded", reason: "CapacityDrift", from: 3, to: 2 },
    ]);
    expect(drift[0]?.message).toBe(
      "AWS shows 2 readers, 1 of them in flight, the brain believed 3: adopted, not fought",
    );
    expect(await world.ledger.read("virtway-readers")).toMatchObject({ capacity: 2 });
    expect((await world.ledger.decisions("virtway-readers")).map((r) => r.reason)).toEqual([
      "ScaleOut",
      "CapacityDrift",
    ]);
    // The next minute decides on what AWS shows, and re-creates nothing.
    const next = of((await world.tick(120)).decisions, "virtway-readers");
    expect(next.map((d) => d.reason)).not.toContain("CapacityDrift");
    expect(
      world.mutating(before).filter((c) => c.service === "RDS" && c.command !== "ModifyDBCluster"),
    ).toEqual([]);
  });

  it("a group resized by hand: adopted", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 4 } });
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);
    await world.tick(0); // 4 → 5
    await world.clients.autoScaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 9 }),
    );
    const drift = of((await world.tick(60)).decisions, "virtway-frontend");
    expect(brief(drift)).toEqual([
      { target: "virtway-frontend", status: "recorded", reason: "CapacityDrift", from: 5, to: 9 },
    ]);
    // Of the 9, the brain's one and the 4 added by hand are still launching.
    expect(drift[0]?.message).toBe(
      "AWS shows 9 instances, 5 of them in flight, the brain believed 5: adopted, not fought",
    );
    expect((await world.ledger.read("virtway-frontend"))?.inFlight.map((c) => c.delta)).toEqual([5]);
  });
});

describe("tick: a group's instances in flight", () => {
  it("count once DescribeAutoScalingGroups shows them InService; until then no scale-in, and tracking counts those that serve", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 4 } });
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);
    await world.tick(0); // ceil(4 × 85/70) = 5
    const inFlight = async () => (await world.ledger.read("virtway-frontend"))?.inFlight.map((c) => c.delta);
    expect(await inFlight()).toEqual([1]);
    // 19:02: still Pending (the simulated warm-up is 180 s); the metric holds: 5 is what it asks for.
    const pending = of((await world.tick(120)).decisions, "virtway-frontend");
    expect(brief(pending)).toEqual([
      { target: "virtway-frontend", status: "held", reason: "CooldownRepeat", from: 5, to: 5 },
    ]);
    expect(await inFlight()).toEqual([1]);
    // 19:03: InService, and the five of them within the target. The in-flight change goes.
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 68);
    await world.tick(180);
    expect(await inFlight()).toEqual([]);
    const groups = world.account.calls.filter((c) => c.command === "DescribeAutoScalingGroups");
    expect(groups.length).toBeGreaterThanOrEqual(3);
    expect(world.mutating().map((c) => (c.input as { DesiredCapacity: number }).DesiredCapacity)).toEqual([
      5,
    ]);
  });

  it("hold a scale-in while they launch (rule 4), whatever the cooldowns", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 4 } });
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);
    await world.tick(0); // 4 → 5, launching until 19:03
    // The cooldown forgotten (an operator's edit, say): only the instance in flight holds the scale-in.
    const stored = (await world.ledger.read("virtway-frontend"))!;
    await world.ledger.write({ ...stored, cooldowns: [], version: stored.version + 1 }, stored.version, []);
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 20);
    const requests = {
      Namespace: "AWS/ApplicationELB",
      MetricName: "RequestCountPerTarget",
      Dimensions: [{ Name: "TargetGroup", Value: "targetgroup/virtway-frontend/943f017f100becff" }],
    };
    world.cloudWatch.set(requests, "Sum", 100);
    const held = of((await world.tick(60)).decisions, "virtway-frontend");
    expect(brief(held).map(({ target, status, reason }) => ({ target, status, reason }))).toEqual([
      { target: "virtway-frontend", status: "held", reason: "CapacityInFlight" },
    ]);
    expect(world.mutating()).toHaveLength(1);
  });
});

/** A native target-tracking policy the user keeps on the front end's group, scaling in. */
const NATIVE_CPU_60 = {
  TargetValue: 60,
  PredefinedMetricSpecification: { PredefinedMetricType: "ASGAverageCPUUtilization" },
};
const putNativeCpu60 = (world: ReturnType<typeof tickWorld>) =>
  world.native.putGroupPolicy({
    AutoScalingGroupName: "virtway-frontend-php",
    PolicyName: "native-cpu-60",
    PolicyType: "TargetTrackingScaling",
    TargetTrackingConfiguration: NATIVE_CPU_60,
  });

describe("tick: coexistence with native policies kept attached", () => {
  it("suspends native scale-in once when the brain's scale-out cooldown starts and restores it once when it ends", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-frontend": { capacity: 4 } });
    world.native.registerScalableTarget({
      ServiceNamespace: "rds",
      ResourceId: "cluster:virtway-aurora",
      ScalableDimension: "rds:cluster:ReadReplicaCount",
      MinCapacity: 1,
      MaxCapacity: 8,
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: true,
      },
    });
    const tracking = {
      TargetValue: 60,
      PredefinedMetricSpecification: { PredefinedMetricType: "ASGAverageCPUUtilization" },
    };
    world.native.putGroupPolicy({
      AutoScalingGroupName: "virtway-frontend-php",
      PolicyName: "native-cpu-60",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingConfiguration: tracking,
      EstimatedInstanceWarmup: 120,
      Enabled: true,
    });
    world.native.putGroupPolicy({
      AutoScalingGroupName: "virtway-frontend-php",
      PolicyName: "native-cpu-no-scale-in",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingConfiguration: { ...tracking, DisableScaleIn: true },
    });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 85);

    const coexistence = (calls: ReturnType<typeof world.mutating>) =>
      calls.filter((c) => c.command === "RegisterScalableTarget" || c.command === "PutScalingPolicy");
    const first = await world.tick(0);
    expect(
      first.decisions
        .filter((d) => d.policy === "coexistence")
        .map((d) => ({ target: d.target, reason: d.reason, message: d.message })),
    ).toEqual([
      {
        target: "virtway-readers",
        reason: "NativeScaleInSuspended",
        message:
          "Application Auto Scaling's dynamic scale-in of cluster:virtway-aurora switched off while the brain's scale-out cooldown runs or its capacity is in flight",
      },
      {
        target: "virtway-frontend",
        reason: "NativeScaleInSuspended",
        message:
          "the scale-in of the target-tracking policy native-cpu-60 (DisableScaleIn) switched off while the brain's scale-out cooldown runs or its capacity is in flight",
      },
    ]);
    expect(coexistence(world.mutating())).toEqual([
      {
        service: "Application Auto Scaling",
        command: "RegisterScalableTarget",
        input: {
          ServiceNamespace: "rds",
          ScalableDimension: "rds:cluster:ReadReplicaCount",
          ResourceId: "cluster:virtway-aurora",
          SuspendedState: {
            DynamicScalingInSuspended: true,
            DynamicScalingOutSuspended: false,
            ScheduledScalingSuspended: true,
          },
        },
      },
      {
        service: "Auto Scaling",
        command: "PutScalingPolicy",
        input: {
          AutoScalingGroupName: "virtway-frontend-php",
          PolicyName: "native-cpu-60",
          PolicyType: "TargetTrackingScaling",
          TargetTrackingConfiguration: { ...tracking, DisableScaleIn: true },
          EstimatedInstanceWarmup: 120,
          Enabled: true,
        },
      },
    ]);
    expect((await world.ledger.read("virtway-frontend"))?.nativeScaleIn).toEqual({
      since: at(0).toISOString(),
      scalableTarget: null,
      policies: ["native-cpu-60"],
    });

    // Every minute of the windows: nothing more. The group's cooldown (300 s, the default) ends at
    // 19:05; the readers' cooldown (30 s) ends first, but their new readers are in flight until
    // they are available at 19:08, and a native scale-in would remove what is still arriving.
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 28);
    world.cloudWatch.set(groupCpu("virtway-frontend-php"), "Average", 66);
    const later = [];
    for (let s = 60; s <= 540; s += 60)
      later.push(...(await world.tick(s)).decisions.filter((d) => d.policy === "coexistence"));
    expect(later.map((d) => ({ at: d.at.slice(11, 16), target: d.target, reason: d.reason }))).toEqual([
      { at: "19:05", target: "virtway-frontend", reason: "NativeScaleInResumed" },
      { at: "19:08", target: "virtway-readers", reason: "NativeScaleInResumed" },
    ]);
    const calls = coexistence(world.mutating()).slice(2);
    expect(calls.map((c) => ({ command: c.command, input: c.input }))).toEqual([
      {
        command: "PutScalingPolicy",
        input: {
          AutoScalingGroupName: "virtway-frontend-php",
          PolicyName: "native-cpu-60",
          PolicyType: "TargetTrackingScaling",
          TargetTrackingConfiguration: { ...tracking, DisableScaleIn: false },
          EstimatedInstanceWarmup: 120,
          Enabled: true,
        },
      },
      {
        command: "RegisterScalableTarget",
        input: {
          ServiceNamespace: "rds",
          ScalableDimension: "rds:cluster:ReadReplicaCount",
          ResourceId: "cluster:virtway-aurora",
          SuspendedState: {
            DynamicScalingInSuspended: false,
            DynamicScalingOutSuspended: false,
            ScheduledScalingSuspended: true,
          },
        },
      },
    ]);
    expect(world.native.scalableTargets[0]?.SuspendedState.DynamicScalingInSuspended).toBe(false);
    expect(
      world.native.groupPolicies.map((p) => ({
        PolicyName: p.PolicyName,
        DisableScaleIn: p.TargetTrackingConfiguration?.DisableScaleIn,
      })),
    ).toEqual([
      { PolicyName: "native-cpu-60", DisableScaleIn: false },
      { PolicyName: "native-cpu-no-scale-in", DisableScaleIn: true },
    ]);
    expect((await world.ledger.read("virtway-frontend"))?.nativeScaleIn).toBeUndefined();
  });

  it("an alarm's scale-out switches native scale-in off at once, before a short cooldown could end; the tick switches it back on", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 2 } });
    const tracking = NATIVE_CPU_60;
    putNativeCpu60(world);
    // 2,000 requests per target: the +2 step, whose cooldown is 60 s.
    const results = await world.alarm("virtway-frontend-requests-high", 10, 2000);
    expect(results.map((r) => ({ target: r.target, reason: r.reason }))).toEqual([
      { target: "virtway-frontend", reason: "ScaleOut" },
      { target: "virtway-frontend", reason: "NativeScaleInSuspended" },
    ]);
    const disable = (on: boolean) => ({
      service: "Auto Scaling",
      command: "PutScalingPolicy",
      input: {
        AutoScalingGroupName: "virtway-frontend-php",
        PolicyName: "native-cpu-60",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingConfiguration: { ...tracking, DisableScaleIn: on },
      },
    });
    expect(world.mutating().filter((c) => c.command === "PutScalingPolicy")).toEqual([disable(true)]);
    // The cooldown ends at 19:01:10, but the two new instances launch until 19:03:10 (the
    // simulated warm-up, 180 s): native scale-in stays off until they are InService.
    const restoredAt: string[] = [];
    for (const s of [60, 120, 180, 240]) {
      const { decisions } = await world.tick(s);
      for (const d of decisions) if (d.reason === "NativeScaleInResumed") restoredAt.push(d.at.slice(11, 16));
    }
    expect(restoredAt).toEqual(["19:04"]);
    expect(world.mutating().filter((c) => c.command === "PutScalingPolicy")).toEqual([
      disable(true),
      disable(false),
    ]);
    expect((await world.ledger.read("virtway-frontend"))?.nativeScaleIn).toBeUndefined();
  });

  it("an invocation that dies between switching native scale-in off and its record: the tick still switches it back on", async () => {
    const world = tickWorld({ "virtway-frontend": { capacity: 2 } });
    putNativeCpu60(world);
    // The policy is switched off, then the invocation dies before recording it.
    class Dying extends AwsNativeScaling {
      override async disableGroupScaleIn(group: string, before?: BeforeChanging): Promise<NativeChange> {
        await super.disableGroupScaleIn(group, before);
        throw new Error("the invocation died");
      }
    }
    const dying = new Dying(world.clients);
    world.setNow(10);
    await expect(
      handleAlarmChange({
        ports: { ledger: world.ledger, actuatorFor: actuatorsOn(world.clients), nativeScaling: dying },
        config,
        change: {
          account: "123456789012",
          region: "eu-west-1",
          alarmName: "virtway-frontend-requests-high",
          state: "ALARM",
          stateChangedAt: at(10).toISOString(),
          value: 2000,
          actionsSuppressedBy: null,
        },
        now: at(10),
        invocationId: "dies",
        initialCapacity: async () => 2,
      }),
    ).rejects.toThrow("the invocation died");
    expect(world.native.groupPolicies[0]?.TargetTrackingConfiguration?.DisableScaleIn).toBe(true);
    // Recorded before the call: the restore knows what to switch back on.
    expect((await world.ledger.read("virtway-frontend"))?.nativeScaleIn?.policies).toEqual(["native-cpu-60"]);
    for (const s of [60, 120, 180, 240]) await world.tick(s);
    expect(world.native.groupPolicies[0]?.TargetTrackingConfiguration?.DisableScaleIn).toBe(false);
    expect((await world.ledger.read("virtway-frontend"))?.nativeScaleIn).toBeUndefined();
  });

  it("nothing registered, no policy: one look per window, nothing changed", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    await world.tick(0);
    await world.tick(60);
    await world.tick(120);
    const native = world.account.calls.filter((c) => c.service === "Application Auto Scaling");
    expect(native.map((c) => c.command)).toEqual(["DescribeScalableTargets"]);
  });
});

describe("tick: what it needs of AWS", () => {
  it("CloudWatch unavailable: every metric reads as missing, the rest of the tick goes on", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    const failing = { read: async () => Promise.reject(new Error("ThrottlingException: Rate exceeded")) };
    const result = await handleTick({
      ports: {
        ledger: world.ledger,
        actuatorFor: actuatorsOn(world.clients),
        metrics: failing,
        nativeScaling: null,
      },
      config,
      now: at(0),
      invocationId: "t",
    });
    expect(result.problems).toEqual([
      "GetMetricData: Error: ThrottlingException: Rate exceeded; every metric reads as missing this minute",
    ]);
    expect(result.decisions.map((d) => d.reason)).toEqual(["NoData", "NoData", "NoData", "NoChange"]);
  });

  it("a target AWS cannot describe waits for the next tick; the others go on", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 } });
    const real = actuatorsOn(world.clients);
    const result = await handleTick({
      ports: {
        ledger: world.ledger,
        actuatorFor: (t) =>
          t.id === "virtway-api"
            ? { observe: async () => Promise.reject(new Error("no group")), apply: real(t).apply }
            : real(t),
        metrics: NO_METRICS,
        nativeScaling: null,
      },
      config,
      now: at(0),
      invocationId: "t",
    });
    expect(brief(result.decisions)).toEqual([
      { target: "virtway-readers", status: "recorded", reason: "NoData", from: 2, to: 2 },
      { target: "virtway-frontend", status: "recorded", reason: "NoData", from: 2, to: 2 },
      { target: "virtway-api", status: "failed", reason: "ObservationFailed", from: 2, to: 2 },
      { target: "virtway-acu-floor", status: "recorded", reason: "NoChange", from: 1, to: 1 },
    ]);
  });

  it("readers AWS cannot describe still count for the buffer as the ledger has them", async () => {
    const world = tickWorld({ "virtway-readers": { capacity: 2 }, "virtway-acu-floor": { capacity: 2 } });
    world.cloudWatch.set(readerMetric("CPUUtilization"), "Average", 60);
    await world.tick(0); // readers 2 → 4 in flight, floor 2 → 16
    const real = actuatorsOn(world.clients);
    world.setNow(600);
    const result = await handleTick({
      ports: {
        ledger: world.ledger,
        actuatorFor: (t) =>
          t.kind === "aurora-readers"
            ? { observe: async () => Promise.reject(new Error("Throttling")), apply: real(t).apply }
            : real(t),
        metrics: NO_METRICS,
        nativeScaling: null,
      },
      config,
      now: at(600),
      invocationId: "t",
    });
    expect(brief(of(result.decisions, "virtway-acu-floor"))).toEqual([
      { target: "virtway-acu-floor", status: "recorded", reason: "NoChange", from: 16, to: 16 },
    ]);
  });
});
