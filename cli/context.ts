import type { CliIo } from "./io.js";
import type { LiveAws } from "./live.js";

/**
 * What every command is given: where to write, how to set the exit status, and whether the
 * functions' own logs and metrics are wanted (`--verbose`, or LOG_LEVEL set) on standard error.
 */
export type CommandContext = {
  io: CliIo;
  setExit: (code: number) => void;
  verbose: boolean;
  /** The live AWS clients (`--live`, the operator commands). */
  aws: LiveAws;
};
