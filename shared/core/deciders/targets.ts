/** What each kind of target means for coordination: its hard ceiling and how fast capacity arrives. */
import type { Settings, Target } from "../config/schema.js";

/** Aurora clusters have at most 15 replicas; Serverless v2 at most 256 ACU; groups no hard limit here. */
export function hardMaxOf(target: Target): number {
  switch (target.kind) {
    case "aurora-readers":
      return 15;
    case "aurora-capacity":
      return 256;
    case "asg":
      return Number.MAX_SAFE_INTEGER;
  }
}

/**
 * How long added capacity is expected to take to count as in service. A new Aurora reader takes
 * minutes (it is in flight until DescribeDBInstances shows it `available`); a group's new instances
 * launch and are in flight until DescribeAutoScalingGroups shows them `InService`; an ACU floor
 * moves in seconds.
 */
export function provisioningSecondsOf(target: Target, settings: Settings): number {
  switch (target.kind) {
    case "aurora-readers":
      return settings.readerProvisioningSeconds;
    case "asg":
      return settings.instanceWarmupSeconds;
    case "aurora-capacity":
      return 0;
  }
}

/**
 * Readers, then groups, then the ACU floors: a floor's vertical buffer follows what its cluster's
 * readers decided in the same invocation, and a group's connection budget counts the readers as
 * they were just observed (the alarm function and the tick alike).
 */
export const readersBeforeFloors = (targets: readonly Target[]): Target[] => [
  ...targets.filter((t) => t.kind === "aurora-readers"),
  ...targets.filter((t) => t.kind === "asg"),
  ...targets.filter((t) => t.kind === "aurora-capacity"),
];

/** What the coordination pipeline needs to know of a target's kind and of the settings. */
export const coordinationOf = (target: Target, settings: Settings) => ({
  hardMax: hardMaxOf(target),
  provisioningSeconds: provisioningSecondsOf(target, settings),
  scaleInStabilizationSeconds: settings.scaleInStabilizationSeconds,
});
