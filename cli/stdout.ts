/**
 * Runs `work` with standard output sent to standard error: Powertools writes logs and EMF
 * metrics to standard output, as Lambda expects, while `--json` promises one JSON object there.
 */
export async function withStdoutToStderr<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** Runs `work` with standard output discarded: replay's functions log nothing unless asked. */
export async function withStdoutDiscarded<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}
