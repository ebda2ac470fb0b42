/**
 * Coexistence with the native scaling policies that users keep attached to a target: while the
 * brain's scale-out cooldown runs, or capacity it added is still in flight, their scale-in is switched off, so that a native target-tracking
 * policy cannot remove what the brain just added (rule 4 of docs/rules.md holds for them too); it is switched back on
 * when the cooldown ends. Pure: when to call, and what the calls did; the calls themselves are the
 * NativeScaling port's (adapter: `awsNativeScaling.ts`).
 *
 * - Aurora readers: Application Auto Scaling suspends dynamic scale-in of a scalable target alone
 *   (SuspendedState.DynamicScalingInSuspended,
 *   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_SuspendedState.html).
 * - EC2 Auto Scaling groups: no process suspends scale-in alone (AlarmNotification stops every
 *   policy in both directions, Terminate stops the brain's own scale-in too:
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html), so the
 *   group's own target-tracking policies get DisableScaleIn for the window
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_TargetTrackingConfiguration.html).
 *   What that costs is in docs/tick.md.
 *
 * The calls go out only when something changes: on the scale-out (alarm or tick) that starts a
 * cooldown with no record of a suspension, and on the tick that finds a record and no cooldown. What was switched off is
 * recorded in the target's state (TargetState.nativeScaleIn), so that exactly that is switched back.
 */
import type { Target } from "../config/schema.js";
import {
  activeCooldowns,
  type NativeScaleInSuspension,
  readyCapacity,
  type TargetState,
} from "../engine/targetState.js";

/** What the native policies' adapter reports: the names it changed, and why it stopped, if it did. */
export type NativeChange = {
  /** ResourceIds (Application Auto Scaling) or PolicyNames (EC2 Auto Scaling) changed. */
  done: string[];
  /** The error that stopped it, or null when it went through. */
  error: string | null;
};

export type NativeScaleInAction = "suspend" | "resume";

/**
 * Whether to call anything: suspend when a scale-out cooldown of the brain runs (or capacity is in
 * flight) and nothing is suspended yet; resume when something is suspended and neither holds any more (or
 * the target is paused: the brain then acts not, rule 8). Aurora capacity targets (the ACU floor)
 * have no native policy to coexist with: Application Auto Scaling does not scale it.
 */
export function nativeScaleInAction(
  target: Target,
  state: TargetState,
  now: Date,
): NativeScaleInAction | null {
  if (target.kind === "aurora-capacity") return null;
  // Capacity in flight counts as the cooldown does: a reader provisions for minutes after a 30 s
  // target-tracking cooldown, and a native scale-in then would remove what is still arriving (rule 4).
  const wanted =
    !state.paused && (activeCooldowns(state, now, "out").length > 0 || readyCapacity(state) < state.capacity);
  const recorded = state.nativeScaleIn !== undefined;
  if (wanted && !recorded) return "suspend";
  if (!wanted && recorded) return "resume";
  return null;
}

/** The record of a suspension (written even when there was nothing to touch, so that the next tick does not look again). */
export function suspensionRecord(target: Target, change: NativeChange, now: Date): NativeScaleInSuspension {
  return {
    since: now.toISOString(),
    scalableTarget: target.kind === "aurora-readers" ? (change.done[0] ?? null) : null,
    policies: target.kind === "asg" ? change.done : [],
  };
}

/** What remains suspended after a resume that went through only in part (null: nothing, the record goes). */
export function remainingSuspension(
  suspension: NativeScaleInSuspension,
  change: NativeChange,
): NativeScaleInSuspension | null {
  if (change.error === null) return null;
  const restored = new Set(change.done);
  const scalableTarget =
    suspension.scalableTarget !== null && !restored.has(suspension.scalableTarget)
      ? suspension.scalableTarget
      : null;
  const policies = suspension.policies.filter((p) => !restored.has(p));
  return scalableTarget === null && policies.length === 0
    ? null
    : { ...suspension, scalableTarget, policies };
}

/** What a suspension touched, for people. */
export function describeSuspension(
  suspension: Pick<NativeScaleInSuspension, "scalableTarget" | "policies">,
): string {
  const parts = [
    ...(suspension.scalableTarget
      ? [`Application Auto Scaling's dynamic scale-in of ${suspension.scalableTarget}`]
      : []),
    ...(suspension.policies.length
      ? [
          `the scale-in of the target-tracking polic${suspension.policies.length === 1 ? "y" : "ies"} ${suspension.policies.join(", ")} (DisableScaleIn)`,
        ]
      : []),
  ];
  return parts.join(" and ") || "nothing";
}
