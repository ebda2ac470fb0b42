/**
 * Optimistic concurrency over the ledger's port: read, decide (a pure step), write on the version
 * read; a loser re-reads and decides again. Nothing is lost (every winner's write is the base of
 * the next decision) and nothing is applied twice (a write lands only on the version it was
 * decided from).
 */
import type { Reservation, TargetState } from "../core/engine/targetState.js";
import { LedgerConflictError } from "../core/errors.js";
import { type DecisionRecord, type Ledger, plain, type WriteResult } from "./ports/ledger.js";

/** A pure decision on the state read: what the state becomes (null: nothing to write), what to record. */
export type Step<T> = (state: TargetState) => {
  next: TargetState | null;
  records: DecisionRecord[];
  result: T;
};

export type WithStateOptions = {
  /**
   * Read–decide–write rounds before giving up with LedgerConflictError (default 50). A round is
   * lost only to another decision's committed write, so contenders drain one by one: the bound is
   * above the decisions a storm makes on one target at once (bench's: some 35), not a retry budget.
   */
  maxAttempts?: number;
  /** Waits after the n-th lost round (default: full jitter, 10 ms doubling to 1 s). */
  backoff?: Backoff;
  /**
   * The state as this caller last committed it (the `state` of an earlier withState): the first
   * round decides on it without reading, as the outcome write after an AWS call does. A stale one
   * costs one lost round, nothing more.
   */
  state?: TargetState;
};

export type Committed<T> = {
  result: T;
  /** The state as stored after the call: the one written, or the one read when nothing was. */
  state: TargetState;
  /** Rounds taken (1 when nothing contended). */
  attempts: number;
  /** What the write did to the outbox, or null when nothing was written. */
  written: WriteResult | null;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long the n-th lost round waits: a time, chosen afresh each call. */
export type Backoff = (attempt: number) => Promise<void>;

/**
 * AWS's "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter":
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): a wait drawn
 * uniformly between 0 and an exponentially growing cap, so that contenders spread out instead of
 * meeting again. `random` (default Math.random) is the source of the draw, for tests to fix.
 */
export const fullJitter =
  (options: { baseMs?: number; capMs?: number; random?: () => number } = {}): Backoff =>
  (attempt: number): Promise<void> => {
    const { baseMs = 10, capMs = 1000, random = Math.random } = options;
    return sleep(random() * Math.min(capMs, baseMs * 2 ** attempt));
  };

/** Full jitter's defaults: one for every call (it draws afresh on each wait). */
const DEFAULT_BACKOFF = fullJitter();

/**
 * Runs `step` on the target's current state (or `init()` for a target never seen) and commits its
 * result with one conditional write; on a conflict re-reads and runs `step` again. The step must
 * be pure: it may run several times. withState owns the version (next.version is set for you).
 * A step that returns no state but records still writes: the records need the state's version
 * to commit, so the unchanged state is written with the next version.
 */
export async function withState<T>(
  ledger: Ledger,
  target: string,
  init: () => TargetState,
  step: Step<T>,
  options: WithStateOptions = {},
): Promise<Committed<T>> {
  const maxAttempts = options.maxAttempts ?? 50;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let known = options.state;
  for (let attempt = 1; ; attempt++) {
    const state = known ?? (await ledger.read(target)) ?? init();
    known = undefined;
    if (state.target !== target) {
      throw new RangeError(`ledger: a state of ${state.target} was given for ${target}`);
    }
    // A copy, so that a step that mutates its argument cannot change what the retry starts from;
    // a frozen state (frozenPlain: the in-memory ledger's) cannot be changed, and is already plain.
    const { next, records, result } = step(Object.isFrozen(state) ? state : plain(state));
    if (next === null && records.length === 0) return { result, state, attempts: attempt, written: null };
    const written = { ...(next ?? state), version: state.version + 1 };
    try {
      const outcome = await ledger.write(written, state.version, records);
      return { result, state: written, attempts: attempt, written: outcome };
    } catch (error) {
      if (!(error instanceof LedgerConflictError)) throw error;
      if (attempt >= maxAttempts) {
        throw new LedgerConflictError(target, state.version, { cause: error, attempts: attempt });
      }
      await backoff(attempt);
    }
  }
}

/**
 * The reservations of invocations presumed dead (their expiresAt has passed). The next decision
 * releases them and settles their decisions as `expired` in the same write (commitDecision); the
 * tick reconciles the capacity with what AWS shows. No cooldown or pending decision stays stuck.
 */
export function expiredReservations(state: TargetState, now: Date): Reservation[] {
  return state.reservations.filter((r) => Date.parse(r.expiresAt) <= now.getTime());
}

export type PauseResult = { target: string; paused: boolean; changed: boolean; version: number };

/**
 * Rule 8 (docs/rules.md): pauses (or resumes) one target. `init` gives the state of a target never seen, so a
 * target can be paused before its first event. Recorded in the log as an operator's decision; no
 * write when the target is already so.
 */
export async function pause(
  ledger: Ledger,
  target: string,
  paused: boolean,
  now: Date,
  init: () => TargetState,
): Promise<PauseResult> {
  const at = now.toISOString();
  const { result: changed, state } = await withState(ledger, target, init, (current) => {
    if (current.paused === paused) return { next: null, records: [], result: false };
    const record: DecisionRecord = {
      id: `${paused ? "pause" : "resume"}@${at}`,
      at,
      target,
      policy: "operator",
      from: current.capacity,
      to: current.capacity,
      outcome: "none",
      reason: "OperatorRequest",
      message: paused ? "paused: decisions are recorded, not acted on" : "resumed: decisions act again",
      blockedBy: null,
      status: "recorded",
      layer: "operator",
    };
    return { next: { ...current, paused }, records: [record], result: true };
  });
  return { target, paused, changed, version: state.version };
}

/**
 * pause --all / resume --all: every target the ledger holds, and the configured ones it has not
 * seen yet (`targets`), each in its own conditional write.
 */
export async function pauseAll(
  ledger: Ledger,
  paused: boolean,
  now: Date,
  options: { targets?: readonly string[]; init: (target: string) => TargetState },
): Promise<PauseResult[]> {
  const all = [...new Set([...(await ledger.targets()), ...(options.targets ?? [])])].sort();
  return Promise.all(all.map((target) => pause(ledger, target, paused, now, () => options.init(target))));
}
