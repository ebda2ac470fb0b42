/**
 * What replay's parts share: the simulated capacity of each target on a virtual clock, the demand
 * a recording carries, the metrics the capacity in service turns it back into, the decisions either
 * mode takes, and the minute-by-minute samples the KPIs are computed from.
 */
import type { ActuatorFor } from "../../brain/ports/actuator.js";
import type { MetricSource } from "../../brain/ports/metrics.js";
import type { Parameters } from "../../brain/ports/parameters.js";
import type { MetricRecord } from "../streams/record.js";

export const MINUTE_MS = 60_000;

/** The targets' capacity on replay's virtual clock, answering at the ports (not beneath the SDK). */
export interface ReplayWorld {
  /** The actuators the brain's functions use: observe and apply as the SDK-level ones do. */
  readonly actuatorFor: ActuatorFor;
  /** GetMetricData, answered from the records published so far (a bounded window of them). */
  readonly metrics: MetricSource;
  /** Parameter Store, where the tick publishes the connection budgets' pool sizes. */
  readonly parameters: Parameters;
  /** Moves the clock: readers become available, instances InService, at their time. */
  advanceTo(now: Date): void;
  /** The units of a target that serve now: available readers, InService instances, the ACU floor. */
  inService(targetId: string): number;
  /** What the target is set to, whatever is still on its way (desired capacity, readers created). */
  capacity(targetId: string): number;
  /**
   * A native policy's change, straight to the target (uncoordinated mode): as apply() does it;
   * with `bounds`, a scheduled action's run, which moves a group's MinSize and MaxSize too.
   */
  set(targetId: string, capacity: number, bounds?: { min: number; max: number }): void;
  /** The synthesized records of one minute, for the metrics the tick reads. */
  publish(records: readonly MetricRecord[]): void;
}

/** A decision of either mode, as the replay output lists it (docs/replay.md, the output). */
export type ReplayDecision = {
  at: string;
  target: string;
  policy: string | null;
  from: number;
  to: number;
  reason: string;
  /** What held it back (a rule or a layer); null for a decision that acted. */
  blockedBy: string | null;
};

/** One target in one simulated minute: what the KPIs are computed from. */
export type MinuteSample = {
  /** Epoch ms, the minute's start. */
  at: number;
  /** The demand the recording carries this minute; null where it has none. */
  demand: number | null;
  /** What the capacity in service serves before it saturates: inService × demandPerUnit. */
  served: number;
  inService: number;
  /** What the target is set to (in service plus on its way). */
  capacity: number;
};

/** The replay's KPIs, per target (docs/replay.md, the KPIs). */
export type TargetKpis = {
  underProvisionedSeconds: number;
  capacityHours: number;
  actions: number;
  scaleOuts: number;
  scaleIns: number;
  flaps: number;
  blocked: number;
  maxCapacity: number;
  timeToCapacitySeconds: number | null;
  scaleInLagSeconds: number | null;
  /** aurora-readers targets of a budgeted cluster: connection attempts refused (simulation/connections.ts). */
  connectionsRefused?: number;
};

export type ReplayMode = "coordinated" | "uncoordinated";

/** One mode's result: the `--json` object of one mode. */
export type ReplayResult = {
  targets: Record<string, TargetKpis>;
  decisions: ReplayDecision[];
};
