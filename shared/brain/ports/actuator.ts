/**
 * The actuator port: what the brain needs from a scalable target's AWS service, one adapter per
 * kind (RDS for Aurora readers and the ACU floor, EC2 Auto Scaling for groups). The brain declares
 * it; the adapters implement it on real SDK v3 clients, whose transport a simulated account can
 * answer for dry runs and replay.
 */
import type { Target } from "../../core/config/schema.js";
import type { Observation } from "../../core/engine/observation.js";

export type ScalingChange = { decisionId: string; from: number; to: number; at: Date };

export type AppliedChange = {
  /** The capacity AWS was asked for (a readers' scale-in may remove fewer than asked). */
  capacity: number;
  /** What the call created or removed (DBInstanceIdentifiers). */
  resources: string[];
  note?: string;
};

export interface Actuator {
  observe(): Promise<Observation>;
  apply(change: ScalingChange): Promise<AppliedChange>;
}

export type ActuatorFor = (target: Target) => Actuator;

/**
 * What a readers' scale-in did: the readers removed, and why fewer than asked when only some were
 * the brain's (rule 7, docs/rules.md: readers it did not create are never removed).
 */
export function readersRemoved(from: number, removed: readonly string[], wanted: number): AppliedChange {
  return {
    capacity: from - removed.length,
    resources: [...removed],
    ...(removed.length < wanted
      ? {
          note: `only ${removed.length} of the ${wanted} asked were the brain's readers; readers it did not create are never removed`,
        }
      : {}),
  };
}
