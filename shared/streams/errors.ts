/**
 * Errors of the stream readers and of the alarm evaluator (kept apart from shared/errors.ts, which
 * belongs to the brain's Lambda path). A file that is not a stream and a file that cannot be read
 * are input errors: the command line names the file and exits 1. An alarm the evaluator cannot
 * reproduce offline is not an error of the stream: it is reported and left out.
 */

/** A file in which no line is a metric record (empty, another format, every line malformed). */
export class NotAStreamError extends Error {
  override name = "NotAStreamError";
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: not a metric stream: ${reason}`, options);
  }
}

/** A stream file that cannot be opened or read (missing, a folder, no permission). */
export class StreamFileError extends Error {
  override name = "StreamFileError";
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: cannot read the file: ${reason}`, options);
  }
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
