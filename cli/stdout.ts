/** Where standard output goes while a function runs, the command's own output kept apart; Node's warnings held back. */

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
