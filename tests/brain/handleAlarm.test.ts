import { InsufficientDBInstanceCapacityFault } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../shared/adapters/events/parseEvent.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { type AlarmChange, handleAlarmChange } from "../../shared/brain/handleAlarm.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { validateConfig } from "../../shared/core/config/validate.js";
import { MAX_CLOCK_SKEW_SECONDS } from "../../shared/core/deciders/alarmDecision.js";
import { virtwayConfig, virtwayJson } from "../support/config.js";
import { at, simulatedWorld, stateChange, T0 } from "../support/world.js";

const config = virtwayConfig();

/** The simulated world, its alarms delivered in the brain's own account and region unless they name another. */
function brain(start: Record<string, { capacity: number }> = {}, cfg: BrainConfig = config) {
  const world = simulatedWorld({ config: cfg, start });
  const send = async (change: AlarmChange, clock = Date.parse(change.stateChangedAt)) =>
    world.alarm(
      { ...change, account: change.account ?? "123456789012", region: change.region ?? "eu-west-1" },
      { at: new Date(clock) },
    );
  return { account: world.account, ledger: world.ledger, send };
}

describe("handleAlarmChange through the ledger and the actuators", () => {
  it("72% on the 70% alarm: one CreateDBInstance, recorded as applied, the reservation cleared", async () => {
    const { account, ledger, send } = brain({ "virtway-readers": { capacity: 2 } });
    const [d] = await send(stateChange("virtway-readers-cpu-high-70", 0, 72));
    expect(d).toMatchObject({
      target: "virtway-readers",
      status: "applied",
      from: 2,
      to: 3,
      reason: "ScaleOut",
    });
    // The reader takes minutes; the cluster's ACU floor goes to its MaxCapacity (16) at once.
    const floorOf = (input: unknown) =>
      (input as { ServerlessV2ScalingConfiguration?: unknown }).ServerlessV2ScalingConfiguration;
    expect(
      account.mutatingCalls().map((c) => ({ command: c.command, serverlessV2Scaling: floorOf(c.input) })),
    ).toEqual([
      { command: "CreateDBInstance", serverlessV2Scaling: undefined },
      { command: "ModifyDBCluster", serverlessV2Scaling: { MinCapacity: 16, MaxCapacity: 32 } },
    ]);
    const state = await ledger.read("virtway-readers");
    expect(state).toMatchObject({ capacity: 3, reservations: [] });
    expect(state!.inFlight[0]!.resources).toEqual(["virtway-aurora-surge-20261123t190000-3"]);
    expect((await ledger.decisions("virtway-readers")).map((r) => r.status)).toEqual(["applied"]);
  });

  it("the 85% alarm drives the readers and the ACU floor of the same cluster: the floor's step and its buffer, one decision", async () => {
    const { account, send } = brain({
      "virtway-readers": { capacity: 2 },
      "virtway-acu-floor": { capacity: 2 },
    });
    const results = await send(stateChange("virtway-readers-cpu-high-85", 0, 90));
    // The floor's own step asks for 4 (+100%), the buffer for 16 while the readers provision.
    expect(
      results.map((r) => ({
        target: r.target,
        to: "to" in r ? r.to : null,
        policy: "policy" in r ? r.policy : null,
      })),
    ).toEqual([
      { target: "virtway-readers", to: 4, policy: "readers-cpu-step-85" },
      { target: "virtway-acu-floor", to: 16, policy: "vertical-buffer" },
    ]);
    expect(account.mutatingCalls().map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "CreateDBInstance",
      "ModifyDBCluster",
    ]);
  });

  it("the same change through SNS then EventBridge acts once", async () => {
    const { account, ledger, send } = brain({ "virtway-readers": { capacity: 2 } });
    await send(stateChange("virtway-readers-cpu-high-70", 0, 72));
    const [again] = await send(stateChange("virtway-readers-cpu-high-70", 0, 72), T0 + 2000);
    expect(again).toMatchObject({ target: null, outcome: "ignored", reason: "DuplicateStateChange" });
    // The reader and the floor's buffer, once; the state change in the log once.
    expect(account.mutatingCalls().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
    expect((await ledger.decisions("virtway-readers")).map((r) => r.reason)).toEqual(["ScaleOut"]);
  });

  it("the low-CPU alarm removes the brain's newest reader, never one it did not create", async () => {
    const { account, send } = brain({ "virtway-readers": { capacity: 1 } });
    await send(stateChange("virtway-readers-cpu-high-70", 0, 72));
    await send(stateChange("virtway-readers-cpu-high-85", 30, 90));
    const [down] = await send(stateChange("virtway-readers-cpu-low", 3600, 12));
    expect(down).toMatchObject({ status: "applied", from: 3, to: 2, reason: "ScaleIn" });
    const deleted = account.mutatingCalls().filter((c) => c.command === "DeleteDBInstance");
    expect(deleted.map((c) => c.input)).toEqual([
      { DBInstanceIdentifier: "virtway-aurora-surge-20261123t190030-3" },
    ]);
  });

  it("acknowledges an alarm no policy answers, a stale change and a foreign account, with no ledger write", async () => {
    const { account, ledger, send } = brain();
    const results = [
      ...(await send(stateChange("somebody-elses-alarm", 0, 1))),
      ...(await send(stateChange("virtway-readers-cpu-high-70", 0, 72), T0 + 901_000)),
      ...(await send({ ...stateChange("virtway-readers-cpu-high-70", 0, 72), account: "999999999999" })),
      ...(await send({ ...stateChange("virtway-readers-cpu-high-70", 0, 72), region: "us-east-1" })),
    ];
    expect(results.map((r) => r.reason)).toEqual([
      "NoPolicyForAlarm",
      "StaleEvent",
      "ForeignAccountOrRegion",
      "ForeignAccountOrRegion",
    ]);
    expect(await ledger.targets()).toEqual([]);
    expect(account.calls).toEqual([]);
  });

  it("refuses a change dated beyond the clock-skew allowance as FutureEvent, with no ledger write or AWS call; one within it acts", async () => {
    const { account, ledger, send } = brain();
    const refused = [
      ...(await send(stateChange("virtway-readers-cpu-high-70", MAX_CLOCK_SKEW_SECONDS + 1, 72), T0)),
      ...(await send(
        { ...stateChange("virtway-readers-cpu-high-70", 0, 72), stateChangedAt: "9999-12-31T23:59:59.000Z" },
        T0,
      )),
    ];
    expect(refused).toMatchObject([
      { outcome: "ignored", target: null, reason: "FutureEvent", message: /dated 301 s after now/ },
      { outcome: "ignored", target: null, reason: "FutureEvent" },
    ]);
    expect(await ledger.targets()).toEqual([]);
    expect(account.calls).toEqual([]);

    const [within] = await send(stateChange("virtway-readers-cpu-high-70", MAX_CLOCK_SKEW_SECONDS, 72), T0);
    expect(within).toMatchObject({ target: "virtway-readers", outcome: "scale-out" });
  });

  it("an AWS refusal is recorded as failed, the reservation released and no cooldown started", async () => {
    const ledger = new MemoryLedger();
    const refusing = {
      observe: async () => ({ kind: "aurora-readers" as const, capacity: 2, available: 2, readers: [] }),
      apply: async () => {
        throw new InsufficientDBInstanceCapacityFault({
          message: "no capacity in eu-west-1a",
          $metadata: {},
        });
      },
    };
    const [d] = await handleAlarmChange({
      ports: { ledger, actuatorFor: () => refusing },
      config,
      change: stateChange("virtway-readers-cpu-high-70", 0, 72),
      now: at(0),
      invocationId: "inv-1",
      initialCapacity: async () => 2,
    });
    expect(d).toMatchObject({ status: "failed", reason: "ActionFailed", from: 2, to: 2 });
    expect((d as { error: string }).error).toMatch(/^InsufficientDBInstanceCapacityFault: no capacity/);
    expect(await ledger.read("virtway-readers")).toMatchObject({
      capacity: 2,
      inFlight: [],
      cooldowns: [],
      reservations: [],
    });
    expect((await ledger.decisions("virtway-readers")).map((r) => r.status)).toEqual(["failed"]);
  });

  it("an anomaly-detection alarm from EventBridge counts its steps from the upper band in its reasonData", async () => {
    const raw = virtwayJson();
    raw.alarms.push({
      AlarmName: "frontend-requests-above-band",
      Metrics: [
        {
          Id: "m1",
          MetricStat: {
            Metric: { Namespace: "AWS/ApplicationELB", MetricName: "RequestCountPerTarget" },
            Period: 60,
            Stat: "Sum",
          },
          ReturnData: true,
        },
        { Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData: false },
      ],
      EvaluationPeriods: 1,
      ThresholdMetricId: "ad1",
      ComparisonOperator: "GreaterThanUpperThreshold",
    });
    raw.targets
      .find((t: { id: string }) => t.id === "virtway-frontend")
      .policies.push({
        PolicyName: "frontend-band-out",
        PolicyType: "StepScaling",
        Alarms: ["frontend-requests-above-band"],
        StepScalingPolicyConfiguration: {
          AdjustmentType: "ChangeInCapacity",
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 500, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 500, ScalingAdjustment: 3 },
          ],
        },
      });
    const validated = validateConfig(raw);
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    const parsed = parseEvent({
      version: "0",
      id: "5f3c2a1e-8b7d-4c6e-9a0f-1d2e3c4b5a69",
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      account: "123456789012",
      time: "2026-11-23T19:00:00Z",
      region: "eu-west-1",
      resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:frontend-requests-above-band"],
      detail: {
        alarmName: "frontend-requests-above-band",
        state: {
          value: "ALARM",
          reason:
            "Thresholds Crossed: 1 out of the last 1 datapoints [1700.0 (23/11/26 18:59:00)] was greater than the upper thresholds [1500.0] (minimum 1 datapoint for OK -> ALARM transition).",
          reasonData:
            '{"version":"1.0","queryDate":"2026-11-23T19:00:00.000+0000","startDate":"2026-11-23T18:59:00.000+0000","period":60,"recentDatapoints":[1700.0],"recentLowerThresholds":[450.0],"recentUpperThresholds":[1500.0]}',
          timestamp: "2026-11-23T19:00:00.000+0000",
        },
        previousState: { value: "OK", reason: "…", timestamp: "2026-11-23T18:40:00.000+0000" },
        configuration: {
          thresholdMetricId: "ad1",
          metrics: [{}, { expression: "ANOMALY_DETECTION_BAND(m1, 2)" }],
        },
      },
    });
    if (parsed.type !== "alarm-state-change") throw new Error(parsed.type);
    expect(parsed.changes[0]?.band).toEqual({ lower: 450, upper: 1500 });
    // The band comes from reasonData: a reason text that names no threshold changes nothing.
    const change = { ...parsed.changes[0]!, reason: "Thresholds Crossed: 1 out of the last 1 datapoints" };
    const { account, send } = brain({ "virtway-frontend": { capacity: 6 } }, validated.config);
    const [d] = await send(change);
    // 1700 is 200 over the band's 1500: the [0, 500) step, +1 (counted from 0 it would be +3).
    expect(d).toMatchObject({ status: "applied", policy: "frontend-band-out", from: 6, to: 7 });
    expect(account.mutatingCalls().map((c) => ({ command: c.command, input: c.input }))).toEqual([
      {
        command: "SetDesiredCapacity",
        input: { AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 7, HonorCooldown: false },
      },
    ]);
  });
});
