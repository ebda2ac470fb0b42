/**
 * Coexistence with native scaling, as the alarm and tick functions both apply it: native scale-in
 * switched off when the brain's scale-out starts its window on a target (a cooldown, capacity in
 * flight), and back on when the window ends (coexistence.ts says when; this module makes the calls
 * through the NativeScaling port and records them in the ledger).
 */

import type { Target } from "../core/config/schema.js";
import {
  describeSuspension,
  type NativeChange,
  nativeScaleInAction,
  remainingSuspension,
  suspensionRecord,
} from "../core/deciders/coexistence.js";
import type { Decision, Reason } from "../core/engine/decision.js";
import type { NativeScaleInSuspension, TargetState } from "../core/engine/targetState.js";
import type { AppliedDecision } from "./applyDecision.js";
import type { DecisionRecord, Ledger } from "./ports/ledger.js";
import type { NativeScaling } from "./ports/nativeScaling.js";
import { type Backoff, withState } from "./transact.js";

/**
 * Switches native scale-in off or back on when the brain's scale-out window starts or ends on the
 * target, and records what it switched in the target's state, in one conditional write. A change
 * that touched something is also recorded in the log. `known`: the state the caller has just
 * written, decided on without a read (as a read at that write would have returned it); a write
 * since makes this one's conflict and re-read, as after a read.
 */
export async function coexist(
  ports: { ledger: Ledger; backoff?: Backoff },
  native: NativeScaling,
  target: Target,
  now: Date,
  id: string,
  known?: TargetState,
): Promise<{ record: AppliedDecision | null; problem: string | null }> {
  const state = known ?? (await ports.ledger.read(target.id));
  if (state === null) return { record: null, problem: null };
  const action = nativeScaleInAction(target, state, now);
  if (action === null) return { record: null, problem: null };

  let change: NativeChange;
  let next: TargetState["nativeScaleIn"];
  let reason: Reason;
  let what: string;
  let last: TargetState = state;
  if (action === "suspend") {
    // What is about to be switched off is recorded before it is (one conditional write), so that
    // an invocation dying after the AWS call still leaves the restore knowing what to switch on.
    const beforeChanging = async (names: readonly string[]) => {
      const intent = suspensionRecord(target, { done: [...names], error: null }, now);
      const written = await withState(
        ports.ledger,
        target.id,
        () => state,
        (current) => {
          const { nativeScaleIn: stored, ...rest } = current;
          return {
            next: { ...rest, nativeScaleIn: stored ? mergeSuspensions(stored, intent) : intent },
            records: [],
            result: null,
          };
        },
        { state: last, ...(ports.backoff ? { backoff: ports.backoff } : {}) },
      );
      last = written.state;
    };
    change =
      target.kind === "aurora-readers"
        ? await native.suspendReplicaScaleIn(target.DBClusterIdentifier, beforeChanging)
        : target.kind === "asg"
          ? await native.disableGroupScaleIn(target.AutoScalingGroupName, beforeChanging)
          : { done: [], error: null };
    // Nothing done and an error: nothing to remember, the next tick tries again.
    if (change.error !== null && change.done.length === 0) {
      return { record: null, problem: `${target.id}: suspending native scale-in: ${change.error}` };
    }
    next = suspensionRecord(target, change, now);
    reason = "NativeScaleInSuspended";
    what = `${describeSuspension(next)} switched off while the brain's scale-out cooldown runs or its capacity is in flight`;
  } else {
    const suspended = state.nativeScaleIn;
    if (suspended === undefined) return { record: null, problem: null };
    const replica =
      suspended.scalableTarget !== null && target.kind === "aurora-readers"
        ? await native.resumeReplicaScaleIn(target.DBClusterIdentifier)
        : null;
    const group =
      suspended.policies.length > 0 && target.kind === "asg"
        ? await native.restoreGroupScaleIn(target.AutoScalingGroupName, suspended.policies)
        : null;
    change = {
      done: [...(replica?.done ?? []), ...(group?.done ?? [])],
      error: replica?.error ?? group?.error ?? null,
    };
    next = remainingSuspension(suspended, change) ?? undefined;
    reason = "NativeScaleInResumed";
    what = `${describeSuspension({ scalableTarget: replica?.done[0] ?? null, policies: group?.done ?? [] })} switched back on: the brain's scale-out cooldown ended and nothing is in flight`;
  }

  const at = now.toISOString();
  const decision: Decision = {
    id,
    at,
    target: target.id,
    policy: "coexistence",
    from: state.capacity,
    to: state.capacity,
    outcome: "none",
    reason,
    blockedBy: null,
    message: change.error ? `${what}; stopped by ${change.error}` : what,
  };
  const record: DecisionRecord = {
    ...decision,
    status: change.error ? "failed" : "recorded",
    ...(change.error ? { error: change.error } : {}),
    layer: "coexistence",
  };
  const touched = change.done.length > 0;
  await withState(
    ports.ledger,
    target.id,
    () => state,
    (current) => {
      const { nativeScaleIn: stored, ...rest } = current;
      // Another invocation may have recorded a suspension since this one read (the alarm function
      // and the tick, a minute apart, both after a scale-out): what either switched off is kept, so
      // that the restore switches back on everything that was switched off.
      // What was switched off joins what is on record: this suspension's own record written ahead
      // of its calls (which names nothing that was not found switched on), and another's.
      const kept = action === "suspend" && stored && next ? mergeSuspensions(stored, next) : next;
      return {
        next: kept ? { ...rest, nativeScaleIn: kept } : rest,
        records: touched ? [record] : [],
        result: null,
      };
    },
    // Decided on the state last read or written: a write in between makes it conflict and re-read.
    { state: last, ...(ports.backoff ? { backoff: ports.backoff } : {}) },
  );
  return {
    record: touched ? record : null,
    problem: change.error ? `${target.id}: ${reason}: ${change.error}` : null,
  };
}

/** Two records of what was switched off, as one: the earlier time, everything either switched. */
function mergeSuspensions(a: NativeScaleInSuspension, b: NativeScaleInSuspension): NativeScaleInSuspension {
  return {
    since: a.since < b.since ? a.since : b.since,
    scalableTarget: a.scalableTarget ?? b.scalableTarget,
    policies: [...new Set([...a.policies, ...b.policies])],
  };
}
