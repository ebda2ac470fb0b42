/**
 * The actuator port: what the brain needs from a scalable target's AWS service, one adapter per
 * kind (RDS for Aurora readers and the ACU floor, EC2 Auto Scaling for groups). The brain declares
 * it; the adapters implement it on real SDK v3 clients, whose transport a simulated account can
 * answer for dry runs and replay.
 */
import type { Target } from "../../core/config/schema.js";
import type { Observation } from "../../core/engine/observation.js";

export type ScalingChange = {
  decisionId: string;
  from: number;
  to: number;
  at: Date;
  /**
   * The bounds a scheduled action put in force, when this change applies them: a service that
   * keeps bounds of its own (a group's MinSize and MaxSize) moves them with the capacity, as the
   * scheduled action would in AWS. Absent for every other decision; Aurora targets ignore it.
   */
  bounds?: ScheduledBounds;
};

/** MinCapacity and MaxCapacity a scheduled action leaves in force. */
export type ScheduledBounds = { min: number; max: number };

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
