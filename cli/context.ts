import type { CliIo } from "./io.js";

/** What every command is given: where to write, and how to set the exit status. */
export type CommandContext = { io: CliIo; setExit: (code: number) => void };
