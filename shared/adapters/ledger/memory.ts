/**
 * The ledger in memory, for replay's speed: the same behaviour as the DynamoDB adapter (the
 * contract suite runs against both), the same outbox rules, the same log keys and TTL values.
 * Stored values are copies, so callers cannot change what the ledger holds behind its back; a
 * state is stored frozen (frozenPlain) and handed out as it is, since nobody can change it.
 */

import {
  type ClaimStatus,
  claimable,
  DEFAULT_DECISIONS_LIMIT,
  type DecisionRecord,
  frozenPlain,
  type LogItem,
  logItem,
  mergeDecisions,
  plain,
  planOutbox,
  recordOf,
  type StateChangeClaim,
  type WriteResult,
} from "../../brain/ports/ledger.js";
import type { TargetState } from "../../core/engine/targetState.js";
import { LedgerConflictError } from "../../core/errors.js";
import { CheckedLedger } from "./checkedLedger.js";

type StateItem = { state: TargetState; outbox: DecisionRecord[] };

// Every call yields once, so that concurrent callers interleave as they would over the network: a
// microtask, in which every other caller ready to go on takes its next step, rather than a turn of
// the event loop (setImmediate), which cost a month's replay (some 350,000 calls) about a tenth of
// its time.
const tick = () => Promise.resolve();

export class MemoryLedger extends CheckedLedger {
  readonly #retentionDays: number;
  readonly #states = new Map<string, StateItem>();
  readonly #logs = new Map<string, Map<string, LogItem>>();
  readonly #claims = new Map<
    string,
    { owner: string; status: ClaimStatus; inProgressUntil: number; expiresAt: number }
  >();

  constructor(options: { retentionDays?: number } = {}) {
    super();
    this.#retentionDays = options.retentionDays ?? 30;
  }

  async read(target: string): Promise<TargetState | null> {
    await tick();
    const item = this.#states.get(target);
    return item ? item.state : null;
  }

  protected async store(
    next: TargetState,
    expectedVersion: number,
    records: readonly DecisionRecord[],
  ): Promise<WriteResult> {
    await tick();
    const target = next.target;
    const stored = this.#states.get(target);
    // The same condition as DynamoDB's: attribute_not_exists(pk), or version = :expected.
    if (stored ? stored.state.version !== expectedVersion : expectedVersion !== 0) {
      throw new LedgerConflictError(target, expectedVersion);
    }
    const plan = planOutbox(stored?.outbox ?? [], plain(records));
    // The drain and the check-and-set run without yielding: nothing can slip in between here.
    for (const record of plan.drain) this.#put(target, record);
    const outbox = plan.keep(new Set(plan.drain.map((r) => r.id)));
    this.#states.set(target, { state: frozenPlain(next), outbox });
    return { drained: plan.drain.length, outbox: outbox.length };
  }

  async decisions(target: string, options: { limit?: number } = {}): Promise<DecisionRecord[]> {
    await tick();
    const log = [...(this.#logs.get(target)?.values() ?? [])].map(recordOf);
    const outbox = this.#states.get(target)?.outbox ?? [];
    return plain(mergeDecisions(log, outbox, options.limit ?? DEFAULT_DECISIONS_LIMIT));
  }

  async targets(): Promise<string[]> {
    await tick();
    return [...this.#states.keys()].sort();
  }

  async claimStateChange(claim: StateChangeClaim): Promise<boolean> {
    await tick();
    // The same condition as DynamoDB's, checked and set without yielding.
    if (!claimable(this.#claims.get(claim.key) ?? null, claim)) return false;
    this.#claims.set(claim.key, {
      owner: claim.owner,
      status: "IN_PROGRESS",
      inProgressUntil: claim.inProgressUntil.getTime(),
      expiresAt: Math.ceil(claim.keepUntil.getTime() / 1000),
    });
    return true;
  }

  async settleStateChange(key: string, owner: string, outcome: "completed" | "released"): Promise<void> {
    await tick();
    const stored = this.#claims.get(key);
    if (stored?.owner !== owner) return;
    if (outcome === "released") this.#claims.delete(key);
    else stored.status = "COMPLETED";
  }

  /** The raw log items of a target, in key order: what a Query of DynamoDB would return. */
  logItems(target: string): LogItem[] {
    const log = this.#logs.get(target) ?? new Map<string, LogItem>();
    return plain([...log.values()].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0)));
  }

  #put(target: string, record: DecisionRecord): void {
    const log = this.#logs.get(target) ?? new Map<string, LogItem>();
    this.#logs.set(target, log);
    const item = logItem(target, plain(record), this.#retentionDays);
    log.set(item.sk, item);
  }
}
