import { printable } from "../shared/core/printable.js";
/**
 * Standard error when it is a terminal: what is drawn and redrawn in place on one line (a
 * progress bar), written as is, without the newline `err` adds.
 */
export type Terminal = {
  write: (text: string) => void;
  /** The terminal's width now, in characters. */
  columns: () => number;
};

/** Where a command writes: standard output for results, standard error for everything else. */
export type CliIo = {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Set only when standard error is a terminal. */
  errTerminal?: Terminal;
};

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  errTerminal: process.stderr.isTTY
    ? {
        write: (text) => {
          process.stderr.write(text);
        },
        columns: () => process.stderr.columns ?? 80,
      }
    : undefined,
};

/** Exit statuses of every command; `software` is sysexits.h's EX_SOFTWARE, an internal error (a bug). */
export const ExitCode = { ok: 0, failed: 1, usage: 2, software: 70 } as const;

/**
 * `io` with every character a terminal would act on escaped (printable.ts) in what is written,
 * on both streams: messages echo input (a stream's line, a payload's field, a file's name), and
 * no escape sequence in it may reach the terminal raw. JSON stays JSON: the escapes are JSON's.
 */
export function printableIo(io: CliIo): CliIo {
  return {
    out: (text) => io.out(printable(text)),
    err: (text) => io.err(printable(text)),
    errTerminal: io.errTerminal,
  };
}
