import {
  assertWritable,
  type DecisionRecord,
  type Ledger,
  type StateChangeClaim,
  type WriteResult,
} from "../../brain/ports/ledger.js";
import type { TargetState } from "../../core/engine/targetState.js";

/**
 * A ledger whose writes are checked the same way whatever keeps them (the versions: the contract
 * suite holds every adapter to it); what is stored, and how, is the adapter's `store`.
 */
export abstract class CheckedLedger implements Ledger {
  abstract read(target: string): Promise<TargetState | null>;
  abstract decisions(target: string, options?: { limit?: number }): Promise<DecisionRecord[]>;
  abstract targets(): Promise<string[]>;
  abstract claimStateChange(claim: StateChangeClaim): Promise<boolean>;
  abstract settleStateChange(key: string, owner: string, outcome: "completed" | "released"): Promise<void>;

  async write(next: TargetState, expectedVersion: number, records: readonly DecisionRecord[]) {
    assertWritable(next, expectedVersion);
    return this.store(next, expectedVersion, records);
  }

  /** The write, its versions checked: one conditional write of the state item and its outbox. */
  protected abstract store(
    next: TargetState,
    expectedVersion: number,
    records: readonly DecisionRecord[],
  ): Promise<WriteResult>;
}
