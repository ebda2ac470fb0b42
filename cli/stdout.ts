/**
 * Where the functions' own output goes while a command runs them, the command's output kept
 * apart. Powertools writes logs and EMF metrics to standard output (warnings and errors to
 * standard error), as Lambda expects; on the command line standard output is the command's result
 * alone, and the functions' logs and metrics are wanted only with --verbose (or LOG_LEVEL); Node's
 * warnings are held back while a replay runs.
 */
import { Console } from "node:console";
import { Writable } from "node:stream";
import { logger, setLogsWritten, setMetricsWritten } from "../functions/lib/observability.js";

/** Runs `work` with standard output written by `write` instead, and puts it back after. */
async function withStdout<T>(write: typeof process.stdout.write, work: () => Promise<T>): Promise<T> {
  const own = process.stdout.write;
  process.stdout.write = write;
  try {
    return await work();
  } finally {
    process.stdout.write = own;
  }
}

/** The logger's console (private in its types: every log line of every level goes through it). */
type WithConsole = { console: Console };

/**
 * Runs `work` (which invokes functions) with their logs and metrics written, whole lines, by
 * `toErr` (the command's standard error) when `verbose`, at LOG_LEVEL or else INFO; and with none
 * of them otherwise, whatever their level: the logger is silent, writing nowhere, and standard
 * output is discarded meanwhile.
 */
export async function withFunctionOutput<T>(
  verbose: boolean,
  work: () => Promise<T>,
  toErr: (text: string) => void = (text) => process.stderr.write(text),
  /** Unwanted output still formatted as Lambda formats it (what `bench` measures), then dropped. */
  formatted = false,
): Promise<T> {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (verbose) toErr(chunk.toString());
      done();
    },
  });
  const target = logger as unknown as WithConsole;
  const ownConsole = target.console;
  const level = logger.getLevelName();
  target.console = new Console({ stdout: sink, stderr: sink });
  if (verbose) logger.setLogLevel(logLevelFromEnv());
  else if (!formatted) {
    // Unwritten, neither the logs nor the metrics need be formatted.
    setLogsWritten(false);
    setMetricsWritten(false);
  }
  // Whole lines: an EMF object and its newline may come in separate writes.
  let pending = "";
  const write = (chunk: string | Uint8Array) => {
    pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const end = pending.lastIndexOf("\n");
    if (end >= 0) {
      toErr(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
    }
    return true;
  };
  try {
    return await withStdout((verbose ? write : () => true) as typeof process.stdout.write, work);
  } finally {
    if (pending !== "") toErr(pending);
    target.console = ownConsole;
    setLogsWritten(true);
    logger.setLogLevel(level);
    setMetricsWritten(true);
  }
}

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
type Level = (typeof LEVELS)[number];

/** LOG_LEVEL, as Powertools reads it (any case), or INFO. */
function logLevelFromEnv(): Level {
  const wanted = process.env.LOG_LEVEL?.toUpperCase();
  return LEVELS.find((l) => l === wanted) ?? "INFO";
}

/** `--verbose`, or LOG_LEVEL set: the functions' logs and metrics are wanted. */
export const verboseWanted = (argv: readonly string[]): boolean =>
  argv.includes("--verbose") || (process.env.LOG_LEVEL ?? "") !== "";

/**
 * Runs `work` with Node's process warnings unprinted (the SDK's NodeVersionSupportWarning among
 * them): Node prints them through its own `warning` listener, taken off meanwhile and put back.
 */
export async function withWarningsSilenced<T>(work: () => Promise<T>): Promise<T> {
  const listeners = process.listeners("warning");
  process.removeAllListeners("warning");
  try {
    return await work();
  } finally {
    // A warning emitted at the end is delivered on the next tick: let it find no listener.
    await new Promise((done) => setImmediate(done));
    for (const listener of listeners) process.on("warning", listener);
  }
}

/**
 * Runs `work` with the functions' output discarded, whatever --verbose says, but formatted first
 * as in Lambda (their logs at their level, their metrics serialised): `bench`'s figures include
 * what writing them costs a function.
 */
export const withStdoutDiscarded = <T>(work: () => Promise<T>): Promise<T> =>
  withFunctionOutput(false, work, undefined, true);
