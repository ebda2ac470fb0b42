/**
 * The ledger's errors. Kept beside the ledger rather than in shared/errors.ts: they belong to its
 * port, and both adapters raise them.
 */

/**
 * The state item's version is not the one the write was conditional on: another invocation wrote
 * first. Transient by design: the loser re-reads and decides again (see withState).
 */
export class LedgerConflictError extends Error {
  override name = "LedgerConflictError";
  /** Set when withState gave up: how many times it read, decided and lost. */
  readonly attempts: number | undefined;

  constructor(
    readonly target: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown; attempts?: number },
  ) {
    const attempts = options?.attempts;
    super(
      attempts === undefined
        ? `ledger: ${target} is no longer at version ${expectedVersion}: another decision was written first`
        : `ledger: ${target} still contended after ${attempts} attempts`,
      { cause: options?.cause },
    );
    this.attempts = attempts;
  }
}
