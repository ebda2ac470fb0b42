/**
 * The tick's world for tests: the Virtway configuration on a simulated account (RDS, EC2 Auto
 * Scaling, CloudWatch, the native policies), the ledger in memory counting its writes, and a clock
 * in seconds after 19:00.
 */
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../../shared/adapters/aws/clients.js";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { type AlarmChange, handleAlarmChange } from "../../shared/brain/handleAlarm.js";
import { handleTick } from "../../shared/brain/handleTick.js";
import type { DecisionRecord, WriteResult } from "../../shared/brain/ports/ledger.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import type { TargetState } from "../../shared/core/engine/targetState.js";
import { SimulatedAccount } from "../../shared/offline/simulation/account.js";
import { simulateCloudWatch } from "../../shared/offline/simulation/cloudWatch.js";
import { simulateNativePolicies } from "../../shared/offline/simulation/nativePolicies.js";
import { virtwayConfig } from "../support/config.js";

export const config = virtwayConfig();
export const T0 = Date.parse("2026-11-23T19:00:00.000Z");
export const at = (s: number) => new Date(T0 + s * 1000);

/** A ledger that counts its writes (every conditional write of a state item). */
export class CountingLedger extends MemoryLedger {
  writes = 0;
  override async write(
    next: TargetState,
    expectedVersion: number,
    records: readonly DecisionRecord[],
  ): Promise<WriteResult> {
    this.writes++;
    return super.write(next, expectedVersion, records);
  }
}

export const readerMetric = (MetricName: string) => ({
  Namespace: "AWS/RDS",
  MetricName,
  Dimensions: [
    { Name: "DBClusterIdentifier", Value: "virtway-aurora" },
    { Name: "Role", Value: "READER" },
  ],
});

export function tickWorld(start: Record<string, { capacity: number }> = {}, cfg: BrainConfig = config) {
  let now = at(0);
  const account = SimulatedAccount.forConfig(cfg, () => now, start);
  const clients = createAwsClients({
    region: "eu-west-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  account.attach(clients);
  const cloudWatch = simulateCloudWatch(account);
  const native = simulateNativePolicies(account);
  const ledger = new CountingLedger();
  const actuatorFor = actuatorsOn(clients);
  const ports = {
    ledger,
    actuatorFor,
    metrics: new CloudWatchMetricSource(clients.cloudWatch),
    nativeScaling: new AwsNativeScaling(clients),
  };
  let n = 0;
  /** One tick at `s` seconds after 19:00. */
  const tick = async (s: number) => {
    now = at(s);
    return handleTick({ ports, config: cfg, now, invocationId: `tick-${++n}` });
  };
  /** One alarm state change at `s` seconds after 19:00, through the alarm function's path. */
  const alarm = async (
    alarmName: string,
    s: number,
    value: number | null,
    state: AlarmChange["state"] = "ALARM",
  ) => {
    now = at(s);
    return handleAlarmChange({
      ports: { ledger, actuatorFor, nativeScaling: ports.nativeScaling },
      config: cfg,
      change: {
        account: null,
        region: null,
        alarmName,
        state,
        stateChangedAt: now.toISOString(),
        value,
        actionsSuppressedBy: null,
      },
      now,
      invocationId: `alarm-${++n}`,
      initialCapacity: async (t) => (await actuatorFor(t).observe()).capacity,
    });
  };
  /** The calls that change something, from the n-th on. */
  const mutating = (from = 0) =>
    account
      .mutatingCalls()
      .slice(from)
      .map((c) => ({ service: c.service, command: c.command, input: c.input }));
  return {
    account,
    clients,
    cloudWatch,
    native,
    ledger,
    tick,
    alarm,
    mutating,
    setNow: (s: number) => (now = at(s)),
  };
}
