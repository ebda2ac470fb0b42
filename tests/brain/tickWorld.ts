/**
 * The tick's world for tests: the simulated world (tests/support/world.ts) with CloudWatch and the
 * native policies, the ledger in memory counting its writes, and a clock in seconds after 19:00.
 */
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import type { AlarmChange } from "../../shared/brain/handleAlarm.js";
import { handleTick } from "../../shared/brain/handleTick.js";
import type { DecisionRecord, WriteResult } from "../../shared/brain/ports/ledger.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import type { TargetState } from "../../shared/core/engine/targetState.js";
import { simulateCloudWatch } from "../../shared/offline/simulation/cloudWatch.js";
import { virtwayConfig } from "../support/config.js";
import { at, simulatedWorld, stateChange, type WorldOptions } from "../support/world.js";

export { at };
export const config = virtwayConfig();

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

export function tickWorld(
  start: Record<string, { capacity: number }> = {},
  cfg: BrainConfig = config,
  options: Pick<WorldOptions<CountingLedger>, "onApply"> = {},
) {
  const world = simulatedWorld({
    config: cfg,
    start,
    ledger: new CountingLedger(),
    native: true,
    ...options,
  });
  const cloudWatch = simulateCloudWatch(world.account);
  const ports = {
    ledger: world.ledger,
    actuatorFor: world.actuatorFor,
    metrics: new CloudWatchMetricSource(world.clients.cloudWatch),
    nativeScaling: world.nativeScaling,
  };
  let n = 0;
  /** One tick at `s` seconds after 19:00. */
  const tick = async (s: number) => {
    world.setNow(at(s));
    return handleTick({ ports, config: cfg, now: at(s), invocationId: `tick-${++n}` });
  };
  /** One alarm state change at `s` seconds after 19:00, through the alarm function's path. */
  const alarm = (alarmName: string, s: number, value: number | null, state: AlarmChange["state"] = "ALARM") =>
    world.alarm(stateChange(alarmName, s, value, state), { invocationId: `alarm-${++n}` });
  return {
    ...world,
    native: world.native!,
    cloudWatch,
    tick,
    alarm,
    setNow: (s: number) => world.setNow(at(s)),
  };
}
