/**
 * Every error the brain raises, in one place. Whether Lambda retries is decided by the class:
 * input errors (a bad config, a malformed payload) are final and acknowledged; transient errors
 * (the ledger's DynamoDB, throttling) fail the invocation so that Lambda retries.
 */

/** One problem found in a file or payload, with the JSON path of what is wrong. */
export type Problem = {
  severity: "error" | "warning";
  /** A JSONPath into the file or payload, such as `$.targets[0].MinCapacity`. */
  path: string;
  message: string;
};

export const formatProblem = (p: Problem, source?: string): string =>
  `${source ? `${source}: ` : ""}${p.severity === "warning" ? "warning" : "error"} at ${p.path}: ${p.message}`;

/** A configuration that does not validate; carries every problem found, not just the first. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    // Warnings too: every problem of the file is listed at once.
    const errors = problems.filter((p) => p.severity === "error");
    const warnings = problems.filter((p) => p.severity === "warning");
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    const header = warnings.length
      ? `${count(problems.length, "problem")} (${count(errors.length, "error")}, ${count(warnings.length, "warning")})`
      : count(problems.length, "problem");
    super(`${source}: ${header}\n${[...errors, ...warnings].map((p) => `  ${formatProblem(p)}`).join("\n")}`);
  }
}

/** A payload that cannot be parsed as any event the brain knows: final, never retried. */
export class PayloadError extends Error {
  override name = "PayloadError";
  constructor(
    message: string,
    readonly problems: Problem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Misuse of the command line (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

// --- The ledger (both adapters raise it) ----------------------------------------------------------

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

/**
 * A write that would take a target's outbox past its bound in bytes: its settled records could not
 * be moved to the log (the drain keeps failing). Transient: nothing is written, the invocation
 * fails and is retried, and the target's item never passes DynamoDB's item size limit.
 */
export class OutboxFullError extends Error {
  override name = "OutboxFullError";
  constructor(
    readonly target: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `ledger: the outbox of ${target} would hold ${bytes} bytes, past its ${limit}: its records could not be moved to the log yet`,
    );
  }
}

// --- Recorded streams and the alarm evaluator: input errors, the file named -----------------------

/** A stream file the command cannot use, named with the reason; each kind says what is wrong in `problem`. */
abstract class StreamInputError extends Error {
  protected static readonly problem: string;
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${(new.target as typeof StreamInputError).problem}: ${reason}`, options);
  }
}

/** A file in which no line is a metric record (empty, another format, every line malformed). */
export class NotAStreamError extends StreamInputError {
  override name = "NotAStreamError";
  protected static override readonly problem = "not a metric stream";
}

/** A stream file that cannot be opened or read (missing, a folder, no permission). */
export class StreamFileError extends StreamInputError {
  override name = "StreamFileError";
  protected static override readonly problem = "cannot read the file";
}

/**
 * An alarm that cannot be evaluated from a recording: anomaly detection (CloudWatch's model is
 * trained on two weeks of history that a stream does not carry), a statistic or a metric-math
 * function this evaluator does not implement. Carries the alarm's name and why.
 */
export class UnsupportedAlarmError extends Error {
  override name = "UnsupportedAlarmError";
  constructor(
    readonly alarm: string,
    readonly reason: string,
  ) {
    super(`${alarm}: not evaluated: ${reason}`);
  }
}

/** A metric-math expression that does not parse; `at` is the character position of the problem. */
export class ExpressionSyntaxError extends Error {
  override name = "ExpressionSyntaxError";
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** An AlarmRule (composite alarm) that does not parse: what is wrong, and where in the rule. */
export class AlarmRuleSyntaxError extends Error {
  override name = "AlarmRuleSyntaxError";
}
