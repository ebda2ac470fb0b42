/**
 * `npm run brain -- <command>`: the command line. It stands outside the brain: it parses
 * arguments, loads the configuration through the same check as every other entry point, calls
 * the brain and reports. Exit status 0 on success, 1 when the input is wrong or AWS refused (one
 * line, as the AWS CLI words it), 2 on misuse, 70 (EX_SOFTWARE) on an unexpected error, a bug,
 * printed with its stack so it can be reported. `--debug` adds the stack to every error.
 */
import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { ConfigError, UsageError } from "../shared/core/errors.js";
import { describeAwsError } from "./awsErrors.js";
import { registerBench } from "./commands/bench.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerEvent } from "./commands/event.js";
import { registerImport } from "./commands/import.js";
import { registerInvoke } from "./commands/invoke.js";
import { registerLedger, registerPause, registerResume } from "./commands/operator.js";
import { registerPlan } from "./commands/plan.js";
import { registerReplay } from "./commands/replay.js";
import { registerStart } from "./commands/start.js";
import { registerValidate } from "./commands/validate.js";
import type { CommandContext } from "./context.js";
import { type CliIo, ExitCode, printableIo, processIo } from "./io.js";
import { type LiveAws, liveAws } from "./live.js";
import { verboseWanted } from "./stdout.js";

export async function main(
  argv: string[],
  given: CliIo = processIo,
  aws: LiveAws = liveAws,
): Promise<number> {
  const io = printableIo(given);
  let exit: number = ExitCode.ok;
  const debug = argv.includes("--debug");
  const ctx: CommandContext = {
    io,
    setExit: (code) => (exit = code),
    verbose: verboseWanted(argv),
    aws,
  };
  const program = new Command("brain")
    .description(
      "surge-brain: one coordinated brain for every scaling decision of Aurora readers, ACU floors and EC2 groups",
    )
    .version(packageJson.version, "-V, --version", "print the version")
    .option("--verbose", "the functions' own logs and metrics on standard error (as LOG_LEVEL does)")
    .option("--debug", "print the stack of any error")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const register of [
    registerValidate,
    registerPlan,
    registerInvoke,
    registerLedger,
    registerPause,
    registerResume,
    registerStart,
    registerEvaluate,
    registerReplay,
    registerBench,
    registerEvent,
    registerImport,
  ]) {
    register(program, ctx).exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const stack = () => {
      if (debug) io.err(unexpected(error));
    };
    if (error instanceof UsageError) {
      io.err(`${error.message} (add --help for usage)`);
      stack();
      return ExitCode.usage;
    }
    if (error instanceof ConfigError) {
      io.err(error.message);
      stack();
      return ExitCode.failed;
    }
    const aws = describeAwsError(error);
    if (aws !== undefined) {
      io.err(`surge-brain: ${aws}`);
      stack();
      return ExitCode.failed;
    }
    io.err(`surge-brain: unexpected error (a bug, please report it): ${unexpected(error)}`);
    return ExitCode.software;
  }
}

const unexpected = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
