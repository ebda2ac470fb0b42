/** Where a command writes: standard output for results, standard error for everything else. */
export type CliIo = {
  out: (text: string) => void;
  err: (text: string) => void;
};

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** Exit statuses of every command. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
