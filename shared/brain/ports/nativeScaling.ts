/**
 * The native scaling port: the calls that switch the scale-in of a target's native policies off
 * and on (adapter: awsNativeScaling.ts); when to make them is coexistence.ts's.
 */
import type { NativeChange } from "../../core/deciders/coexistence.js";

/**
 * Called with what a suspension is about to switch off, once it is known and before the first
 * call that switches it: the brain records it first, so that an invocation dying between the AWS
 * call and its own record leaves the restore knowing what to switch back on. Restoring what was in
 * the end not switched off changes nothing: only what was found switched on is named.
 */
export type BeforeChanging = (names: readonly string[]) => Promise<void>;

/** The native policies a target may have, as the brain touches them. */
export interface NativeScaling {
  /**
   * Sets DynamicScalingInSuspended on the cluster's registered scalable target
   * (rds:cluster:ReadReplicaCount). Touches nothing when none is registered, or when its scale-in
   * is suspended already (the user's own choice, theirs to undo).
   */
  suspendReplicaScaleIn(cluster: string, beforeChanging?: BeforeChanging): Promise<NativeChange>;
  /** Clears DynamicScalingInSuspended again, if the scalable target is still registered. */
  resumeReplicaScaleIn(cluster: string): Promise<NativeChange>;
  /** Sets DisableScaleIn on the group's target-tracking policies that scale in. */
  disableGroupScaleIn(group: string, beforeChanging?: BeforeChanging): Promise<NativeChange>;
  /** Clears DisableScaleIn on these policies (those the brain set it on), if they still exist. */
  restoreGroupScaleIn(group: string, policies: readonly string[]): Promise<NativeChange>;
}
