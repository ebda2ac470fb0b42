/**
 * Where the functions' own output goes while a command runs them, the command's output kept
 * apart. Powertools writes logs and EMF metrics to standard output, as Lambda expects; on the
 * command line standard output is the command's result alone.
 */
import { logger } from "../functions/lib/observability.js";

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

/**
 * Runs `work` (which invokes functions) with their logs and metrics on standard error when
 * `verbose`, at LOG_LEVEL or else INFO, and with none of them otherwise: no log line, standard
 * output discarded meanwhile.
 */
export async function withFunctionOutput<T>(verbose: boolean, work: () => Promise<T>): Promise<T> {
  const level = logger.getLevelName();
  logger.setLogLevel(verbose ? logLevelFromEnv() : "SILENT");
  try {
    return await withStdout(
      verbose
        ? (process.stderr.write.bind(process.stderr) as typeof process.stdout.write)
        : ((() => true) as typeof process.stdout.write),
      work,
    );
  } finally {
    logger.setLogLevel(level);
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
