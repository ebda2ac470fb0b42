/**
 * The ledger's port: what the brain keeps per target (one state item) and the decision log, and
 * the outbox rules both adapters follow, as pure functions so that DynamoDB and memory cannot
 * drift apart. The layout and the cost per decision are documented in docs/ledger.md.
 */
import type { Decision } from "../../core/engine/decision.js";
import { jsonCopy } from "../../core/engine/plainData.js";
import type { TargetState } from "../../core/engine/targetState.js";
import { OutboxFullError } from "../../core/errors.js";

/**
 * - `reserved`: a taken decision whose AWS call is under way (lives in the outbox only; its outcome
 *   replaces it);
 * - `applied` / `failed`: the AWS call's outcome;
 * - `expired`: its invocation died before recording the outcome; the reservation was released by a
 *   later decision (whether AWS made the change is reconciled with what AWS shows). Settled, but
 *   not an outcome: it rides in the write of the decision that released it without draining;
 * - `held`: held back by a coordination rule; `recorded`: noted, nothing to act on (a pause).
 */
export type DecisionStatus = "reserved" | "applied" | "failed" | "expired" | "held" | "recorded";

export type DecisionRecord = Decision & {
  status: DecisionStatus;
  /** What AWS said, when the call failed. */
  error?: string;
  /** The state-change key (stateChangeKey) that triggered the decision, if any. */
  trigger?: string;
  layer?: string;
};

/** What a write did besides the state: how many records it moved to the log, and what is left. */
export type WriteResult = { drained: number; outbox: number };

export interface Ledger {
  /** The state item, or null for a target never seen. One strongly consistent read. */
  read(target: string): Promise<TargetState | null>;
  /**
   * One conditional write of `next` (whose version must be expectedVersion + 1; 0 creates the
   * item), appending `records` (at most MAX_RECORDS_PER_WRITE) to the outbox. Throws
   * LedgerConflictError, and changes nothing, when the stored version is not expectedVersion.
   * A write that carries an outcome (applied or failed), or would take the outbox past
   * OUTBOX_LIMIT, first moves up to DRAIN_BATCH settled outbox records into the log (one
   * BatchWriteItem, before the conditional write, so that a crash in between loses nothing).
   */
  write(next: TargetState, expectedVersion: number, records: readonly DecisionRecord[]): Promise<WriteResult>;
  /** Recent decisions, oldest first (log ∪ outbox, each decision once), at most `limit` (100). */
  decisions(target: string, options?: { limit?: number }): Promise<DecisionRecord[]>;
  /** Every target with a state item (for pause --all / resume --all). */
  targets(): Promise<string[]>;
  /**
   * Rule 6 (docs/rules.md), before any target's state is touched: one conditional write on the state change's own
   * item (not a target's), so that its twins and retries do not compete with real decisions.
   * True when this invocation holds the claim: the first; the same invocation again while its
   * claim is in progress (Lambda's retries keep the request id); any, once an in-progress claim is
   * past `inProgressUntil` (its invocation presumed dead) or the item outlived `keepUntil`. False when another delivery
   * holds or completed it.
   */
  claimStateChange(claim: StateChangeClaim): Promise<boolean>;
  /**
   * The claim's end: `completed` (every later delivery is a duplicate until `keepUntil`), or
   * `released` (the invocation failed: Lambda's retry, or a twin, claims it afresh and each
   * target's remembered changes tell what is already done). Only the owner's claim is settled.
   */
  settleStateChange(key: string, owner: string, outcome: "completed" | "released"): Promise<void>;
}

/**
 * A delivery's claim on one state change, as Powertools' idempotency keeps its records
 * (https://docs.powertools.aws.dev/lambda/typescript/latest/utilities/idempotency/): the key
 * (stateChangeKey), the invocation holding it, a status (IN_PROGRESS, then COMPLETED), an
 * in-progress expiry after which another invocation may take over, and the item's own expiry.
 */
export type StateChangeClaim = {
  key: string;
  /** The invocation (Lambda's request id). */
  owner: string;
  now: Date;
  /** After this an in-progress claim is presumed dead (settings.reservationTimeoutSeconds). */
  inProgressUntil: Date;
  /** When a delivery of the change is refused as stale anyway: the item then expires (TTL). */
  keepUntil: Date;
};

/** The status of a state change's claim. */
export type ClaimStatus = "IN_PROGRESS" | "COMPLETED";

/** The partition key of a state change's claim (one item per change, sort key CLAIM_SORT_KEY). */
export const claimKey = (key: string): string => `CHANGE#${key}`;
export const CLAIM_SORT_KEY = "CLAIM";

/** Whether a stored claim can be taken by `claim` (the rules of claimStateChange). */
export function claimable(
  stored: { owner: string; status: ClaimStatus; inProgressUntil: number; expiresAt: number } | null,
  claim: StateChangeClaim,
): boolean {
  if (stored === null) return true;
  const now = claim.now.getTime();
  return (
    stored.expiresAt * 1000 <= now ||
    (stored.status === "IN_PROGRESS" && (stored.owner === claim.owner || stored.inProgressUntil <= now))
  );
}

/** Past this many records the outbox drains even without an outcome: the one extra write. */
const OUTBOX_LIMIT = 100;
/** BatchWriteItem's own limit: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html */
const DRAIN_BATCH = 25;
/** Keeps the outbox within OUTBOX_LIMIT after every write (a drain frees DRAIN_BATCH). */
const MAX_RECORDS_PER_WRITE = DRAIN_BATCH;

/*
 * The outbox in bytes, so that the state item stays under DynamoDB's 400 KB item limit whatever
 * the names' lengths (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items).
 * A record is measured as the UTF-8 length of its JSON, never less than what DynamoDB counts (an
 * attribute's name and value, a number at most 21 bytes, a list or map 3 bytes and 1 an element:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 */
/** The most one record takes: its message and AWS's error are cut to fit (its names take at most 3.4 KB). */
export const RECORD_MAX_BYTES = 4 * 1024;
/** Past this many bytes the outbox drains even without an outcome, as past OUTBOX_LIMIT records. */
const OUTBOX_DRAIN_BYTES = 64 * 1024;
/**
 * The most the outbox holds: what triggers a drain plus one write's records. Only a drain that
 * keeps failing can take it there; a write that would go further is refused (OutboxFullError)
 * rather than pass the item limit. With the state's own bounded parts (64 remembered state
 * changes, at most 52 KB), the item stays under 400 KB.
 */
export const OUTBOX_MAX_BYTES = OUTBOX_DRAIN_BYTES + MAX_RECORDS_PER_WRITE * RECORD_MAX_BYTES;
export const DEFAULT_DECISIONS_LIMIT = 100;

/** The partition key of everything the ledger keeps for one target. */
export const targetKey = (target: string): string => `TARGET#${target}`;
export const STATE_SORT_KEY = "STATE";
export const DECISION_PREFIX = "DECISION#";

/** The log item's sort key: time first so that a Query reads the log in order. */
const logSortKey = (record: DecisionRecord): string =>
  `${DECISION_PREFIX}${new Date(record.at).toISOString()}#${record.id}`;

/** The log item's TTL attribute, in epoch seconds as DynamoDB's TTL wants it. */
const logExpiresAt = (record: DecisionRecord, retentionDays: number): number =>
  Math.floor(Date.parse(record.at) / 1000) + retentionDays * 86_400;

/** The table's keys, as CreateTable and the stack's AWS::DynamoDB::Table both declare them. */
export const LEDGER_KEYS = {
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" as const },
    { AttributeName: "sk", AttributeType: "S" as const },
  ],
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" as const },
    { AttributeName: "sk", KeyType: "RANGE" as const },
  ],
};

/** The log item's attribute that DynamoDB's TTL reads. */
export const TTL_ATTRIBUTE = "expiresAt";

/** A decision as the log keeps it: the record, under its target's key, expiring through TTL. */
export type LogItem = DecisionRecord & { pk: string; sk: string; [TTL_ATTRIBUTE]: number };

/** The log item of a record: both adapters keep this layout (DynamoDB's, and memory's copy of it). */
export const logItem = (target: string, record: DecisionRecord, retentionDays: number): LogItem => ({
  ...record,
  pk: targetKey(target),
  sk: logSortKey(record),
  [TTL_ATTRIBUTE]: logExpiresAt(record, retentionDays),
});

/** The record a log item holds, without its keys and TTL. */
export function recordOf(item: Record<string, unknown>): DecisionRecord {
  const { pk, sk, [TTL_ATTRIBUTE]: expiresAt, ...record } = item;
  return record as DecisionRecord;
}

/** The log's order: time, then id (the same order as the sort key). */
function compareRecords(a: DecisionRecord, b: DecisionRecord): number {
  return Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** What one write does to the outbox. */
export type OutboxPlan = {
  /** Settled records to put into the log before the conditional write (none, or up to DRAIN_BATCH). */
  drain: DecisionRecord[];
  /** The outbox to store, given the ids the log actually took (the rest stay for the next drain). */
  keep(drained: ReadonlySet<string>): DecisionRecord[];
};

export function planOutbox(
  outbox: readonly DecisionRecord[],
  records: readonly DecisionRecord[],
): OutboxPlan {
  if (records.length > MAX_RECORDS_PER_WRITE) {
    throw new RangeError(
      `ledger: a write carries at most ${MAX_RECORDS_PER_WRITE} records, got ${records.length}`,
    );
  }
  const added = records.map(boundedRecord);
  // An outcome replaces its reservation's record: one entry per decision.
  const incoming = new Set(added.map((r) => r.id));
  const remaining = outbox.filter((r) => !incoming.has(r.id));
  const settles = added.some((r) => r.status === "applied" || r.status === "failed");
  const overflows =
    remaining.length + added.length > OUTBOX_LIMIT ||
    outboxBytes(remaining) + outboxBytes(added) > OUTBOX_DRAIN_BYTES;
  // Only records already committed are drained, and never a pending reservation: the log holds
  // settled records only, so a late or repeated put can never overwrite a newer status.
  const drain =
    settles || overflows ? remaining.filter((r) => r.status !== "reserved").slice(0, DRAIN_BATCH) : [];
  return {
    drain,
    keep: (drained) => {
      const kept = [...remaining.filter((r) => !drained.has(r.id)), ...added];
      const bytes = outboxBytes(kept);
      if (bytes > OUTBOX_MAX_BYTES)
        throw new OutboxFullError(added[0]?.target ?? "", bytes, OUTBOX_MAX_BYTES);
      return kept;
    },
  };
}

/** UTF-8 bytes of a string's JSON (quotes and escapes included; a lone surrogate's `\udXXX` too). */
function jsonBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) bytes += charBytes(text.charCodeAt(i));
  return bytes;
}

/** At most what one UTF-16 unit takes in JSON, in UTF-8. */
const charBytes = (c: number): number =>
  c < 0x20 || c === 0x22 || c === 0x5c
    ? 6
    : c < 0x80
      ? 1
      : c < 0x800
        ? 2
        : c >= 0xd800 && c <= 0xdfff
          ? 6
          : 3;

/** UTF-8 bytes of text (a surrogate pair's two units, 2 bytes each: 4). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}

/** A record's size as the outbox counts it: the UTF-8 length of its JSON. */
export const recordBytes = (record: DecisionRecord): number => utf8Bytes(JSON.stringify(record));

const outboxBytes = (records: readonly DecisionRecord[]): number =>
  records.reduce((sum, r) => sum + recordBytes(r) + 1, 2);

/** `text` cut so that its JSON takes at most `bytes`, marked `…` where cut. */
function cutToBytes(text: string, bytes: number): string {
  if (jsonBytes(text) <= bytes) return text;
  let used = 2 + 3;
  let end = 0;
  while (end < text.length && used + charBytes(text.charCodeAt(end)) <= bytes)
    used += charBytes(text.charCodeAt(end++));
  return `${text.slice(0, end)}…`;
}

/** The record as the ledger keeps it: within RECORD_MAX_BYTES, its message and error cut to fit. */
export function boundedRecord(record: DecisionRecord): DecisionRecord {
  if (recordBytes(record) <= RECORD_MAX_BYTES) return record;
  const hasError = record.error !== undefined;
  const fixed = recordBytes({ ...record, message: "", ...(hasError ? { error: "" } : {}) });
  const room = Math.max(0, RECORD_MAX_BYTES - fixed);
  const each = hasError ? Math.floor(room / 2) : room;
  return {
    ...record,
    message: cutToBytes(record.message, each + 2),
    ...(hasError ? { error: cutToBytes(record.error as string, each + 2) } : {}),
  };
}

/**
 * log ∪ outbox, each decision once, oldest first, the newest `limit`. A record can be in both for
 * a while (drained, then the write that would have removed it lost a race); a settled record
 * wins over a reservation of the same decision, and the outbox (newer) over the log.
 */
export function mergeDecisions(
  log: readonly DecisionRecord[],
  outbox: readonly DecisionRecord[],
  limit: number,
): DecisionRecord[] {
  const rank = (r: DecisionRecord) => (r.status === "reserved" ? 0 : 1);
  const byId = new Map<string, DecisionRecord>();
  for (const record of [...log, ...outbox]) {
    const seen = byId.get(record.id);
    if (seen === undefined || rank(record) >= rank(seen)) byId.set(record.id, record);
  }
  const merged = [...byId.values()].sort(compareRecords);
  return limit > 0 ? merged.slice(-limit) : [];
}

/** A JSON-safe deep copy: drops undefined values as DynamoDB's marshalling would. */
export const plain = <T>(value: T): T => jsonCopy(value);

/**
 * A plain copy (above), frozen to its depths: a ledger can hand it out as often as it is read
 * without copying it again, since nobody can change it (withState decides on it as it is).
 */
export const frozenPlain = <T>(value: T): T => deepFreeze(jsonCopy(value));

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}

/** The checks every adapter makes before a write. */
export function assertWritable(next: TargetState, expectedVersion: number): void {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
    throw new RangeError(`ledger: expectedVersion must be a whole number ≥ 0, got ${expectedVersion}`);
  }
  if (next.version !== expectedVersion + 1) {
    throw new RangeError(`ledger: next.version must be ${expectedVersion + 1}, got ${next.version}`);
  }
}
