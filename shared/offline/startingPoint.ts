/**
 * What a configuration's targets hold when a simulation starts, as both simulated accounts build it
 * (the SDK-level one of dry runs and tests, replay's at the ports): each group at its desired
 * capacity, each cluster's ACU floor and ceiling, and its starting readers, the user's own (named
 * `<cluster>-reader-<n>`, never removed by the brain).
 */
import type { BrainConfig, Target } from "../core/config/schema.js";

export type StartingTarget =
  | { kind: "asg"; group: { name: string; desired: number; min: number; max: number } }
  | { kind: "aurora-capacity"; cluster: string; minAcu: number; maxAcu: number }
  | { kind: "aurora-readers"; cluster: string; readers: string[] };

/** Each target at the capacity given for it, else its MinCapacity. */
export function startingTargets(
  config: BrainConfig,
  capacityOf: (target: Target) => number | undefined,
): StartingTarget[] {
  return config.targets.map((target): StartingTarget => {
    const capacity = capacityOf(target) ?? target.MinCapacity;
    if (target.kind === "asg") {
      const max = Math.max(target.MaxCapacity, capacity);
      return { kind: "asg", group: { name: target.AutoScalingGroupName, desired: capacity, min: 0, max } };
    }
    if (target.kind === "aurora-capacity") {
      return {
        kind: "aurora-capacity",
        cluster: target.DBClusterIdentifier,
        minAcu: capacity,
        maxAcu: target.AcuMaximum,
      };
    }
    return {
      kind: "aurora-readers",
      cluster: target.DBClusterIdentifier,
      readers: Array.from({ length: capacity }, (_, i) => `${target.DBClusterIdentifier}-reader-${i + 1}`),
    };
  });
}
