/**
 * Commits a decision through the ledger and, when it acts, through an actuator:
 *   1. one read and one conditional write: the decision, and for a taken one its reservation
 *      (capacity, in flight, cooldown already counted, so that concurrent decisions see it);
 *   2. the AWS call, through the target's actuator;
 *   3. one conditional write recording the outcome: the reservation cleared, the capacity AWS was
 *      asked for (a readers' scale-in may remove fewer), or, when AWS refused, the reservation's
 *      changes undone so that no cooldown starts and the next tick tries again.
 * A held-back or duplicate decision is step 1 alone. A ledger error propagates: Lambda retries the
 * invocation, and the recorded state change makes the retry a duplicate.
 *
 * A reservation found expired in step 1 (its invocation died between steps 1 and 3) is released in
 * the same write, and its decision settled under its own id (status `expired`, reason
 * ReservationExpired), replacing the `reserved` record in the outbox; the next outcome write drains
 * it into the log. No extra write: the budget of docs/ledger.md holds.
 */

import type { Target } from "../core/config/schema.js";
import { refusedBufferRaise } from "../core/deciders/verticalBuffer.js";
import type { Decided } from "../core/engine/decided.js";
import { isoOf } from "../core/engine/instants.js";
import { extended } from "../core/engine/plainData.js";
import type { Reservation, TargetState } from "../core/engine/targetState.js";
import type { ActuatorFor, AppliedChange } from "./ports/actuator.js";
import type { DecisionRecord, DecisionStatus, Ledger } from "./ports/ledger.js";
import { type Backoff, expiredReservations, withState } from "./transact.js";

/**
 * The ports a decision goes through; the clock is passed in. `backoff` is how a conflict waits
 * (default: full jitter on Math.random, transact.ts): tests fix its random source.
 */
export type BrainPorts = { ledger: Ledger; actuatorFor: ActuatorFor; backoff?: Backoff };

export type AppliedDecision = DecisionRecord & { resources?: string[] };

const statusOf = (d: Decided): DecisionStatus =>
  d.act ? "reserved" : d.decision.outcome === "held" ? "held" : "recorded";

/** What a committed decision comes to: its record as applied, and what the pure step decided. */
export type CommittedDecision = {
  record: AppliedDecision;
  /** The pure step's decision, as the round that counted made it (a lost round decides again). */
  decided: Decided;
  /** The target's state as this decision left it: the last one it wrote, or the one it read. */
  state: TargetState;
};

export type CommitInput = {
  ports: BrainPorts;
  target: Target;
  now: Date;
  reservationTimeoutSeconds: number;
  /** The state of a target the ledger has never seen. */
  init: () => TargetState;
  /**
   * The state the caller has just read (null: the ledger has none), so that the first round
   * decides on it without a second read; a conflict still re-reads. Absent: the first round reads.
   */
  state?: TargetState | null;
  decide: (state: TargetState) => Decided;
};

/** Commits a decision (above) and returns its record with what was decided. */
export async function commitDecision(input: CommitInput): Promise<CommittedDecision> {
  const { ports, target, now } = input;
  const at = isoOf(now);
  const known = input.state === undefined ? undefined : (input.state ?? input.init());

  const first = await withState(
    ports.ledger,
    target.id,
    input.init,
    (stored) => {
      // A reservation whose invocation died: its AWS call may or may not have happened; tick
      // reconciles the capacity with what AWS shows, so the reservation is released here and its
      // decision settled, in this same write.
      const expired = expiredReservations(stored, now);
      const state =
        expired.length > 0
          ? { ...stored, reservations: stored.reservations.filter((r) => !expired.includes(r)) }
          : stored;
      const settled = expired.map((r) => expiredRecord(r, target.id, now));
      const decided = input.decide(state);
      // The decision's fields, then status, trigger and layer (extended: a spread adding them is
      // slow in Node 20, and every target's tick builds one).
      const record: DecisionRecord = extended(decided.decision, { status: statusOf(decided) });
      if (decided.trigger) record.trigger = decided.trigger;
      if (decided.decision.policy) record.layer = decided.decision.policy;
      if (!decided.act) {
        return {
          next: decided.changed || state !== stored ? decided.next : null,
          records: [...settled, ...(decided.quiet ? [] : [record])],
          result: { decided, record },
        };
      }
      const next: TargetState = {
        ...decided.next,
        reservations: [
          ...decided.next.reservations,
          {
            decisionId: decided.decision.id,
            layer: decided.decision.policy ?? "bounds",
            from: decided.decision.from,
            to: decided.decision.to,
            at,
            expiresAt: new Date(now.getTime() + input.reservationTimeoutSeconds * 1000).toISOString(),
          },
        ],
      };
      return { next, records: [...settled, record], result: { decided, record } };
    },
    { ...(known === undefined ? {} : { state: known }), ...backoffOf(ports) },
  );

  const { decided, record } = first.result;
  if (!decided.act) return { record, decided, state: first.state };

  let applied: AppliedChange | null = null;
  let failure: unknown = null;
  try {
    applied = await ports.actuatorFor(target).apply({
      decisionId: record.id,
      from: record.from,
      to: record.to,
      at: now,
      ...(decided.bounds ? { bounds: decided.bounds } : {}),
    });
  } catch (error) {
    failure = error;
  }

  const outcome = await withState(
    ports.ledger,
    target.id,
    input.init,
    (state) => {
      const next: TargetState = {
        ...state,
        reservations: state.reservations.filter((r) => r.decisionId !== record.id),
      };
      if (applied) {
        // A scale-in that removed fewer readers than asked leaves the rest in place.
        next.capacity = state.capacity + (applied.capacity - record.to);
        // What is in flight is what AWS accepted: readers created before AWS refused the rest.
        const short = record.to - applied.capacity;
        next.inFlight = next.inFlight.flatMap((c) => {
          if (c.decisionId !== record.id) return [c];
          const delta = c.delta > 0 ? c.delta - short : c.delta;
          return delta === 0 ? [] : [{ ...c, delta, resources: applied.resources }];
        });
        const done: AppliedDecision = {
          ...record,
          status: "applied",
          to: applied.capacity,
          ...(applied.note ? { message: `${record.message}; ${applied.note}` } : {}),
          ...(applied.resources.length ? { resources: applied.resources } : {}),
        };
        return { next, records: [done], result: done };
      }
      // AWS said no: undo what the reservation counted, start no cooldown (nor remember a floor).
      next.capacity = state.capacity - (record.to - record.from);
      next.inFlight = state.inFlight.filter((c) => c.decisionId !== record.id);
      next.cooldowns = state.cooldowns.filter((c) => !(c.startedAt === at && c.layer === record.layer));
      if (refusedBufferRaise(state, record.layer, at)) delete next.floorBeforeBuffer;
      const failed: AppliedDecision = {
        ...record,
        status: "failed",
        reason: "ActionFailed",
        to: record.from,
        error: errorText(failure),
        message: `${record.message}; AWS refused: ${errorText(failure)}`,
      };
      return { next, records: [failed], result: failed };
    },
    { state: first.state, ...backoffOf(ports) },
  );
  return { record: outcome.result, decided, state: outcome.state };
}

/**
 * The settled record of a decision whose invocation died after its reservation: the same id and
 * time as its `reserved` record (so it replaces it in the outbox and takes its place in the log),
 * the capacity it asked for, and what became of it.
 */
function expiredRecord(reservation: Reservation, target: string, now: Date): DecisionRecord {
  const { decisionId, layer, from, to, at, expiresAt } = reservation;
  return {
    id: decisionId,
    at,
    target,
    policy: layer,
    from,
    to,
    outcome: to > from ? "scale-out" : to < from ? "scale-in" : "none",
    reason: "ReservationExpired",
    blockedBy: null,
    message: `the invocation that reserved ${from} → ${to} at ${at} recorded no outcome by ${expiresAt}: released at ${now.toISOString()}; whether AWS made the change is reconciled with what AWS shows`,
    status: "expired",
    layer,
  };
}

const backoffOf = (ports: BrainPorts) => (ports.backoff ? { backoff: ports.backoff } : {});

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
