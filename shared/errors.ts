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
