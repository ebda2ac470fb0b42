/** Where standard output goes while a function runs, the command's own output kept apart. */

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
 * Runs `work` with standard output sent to standard error: Powertools writes logs and EMF
 * metrics to standard output, as Lambda expects, while `--json` promises one JSON object there.
 */
export const withStdoutToStderr = <T>(work: () => Promise<T>): Promise<T> =>
  withStdout(process.stderr.write.bind(process.stderr) as typeof process.stdout.write, work);

/** Runs `work` with standard output discarded: a replay's functions log nothing. */
export const withStdoutDiscarded = <T>(work: () => Promise<T>): Promise<T> =>
  withStdout((() => true) as typeof process.stdout.write, work);
