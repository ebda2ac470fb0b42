#!/usr/bin/env node
// The command line runs the TypeScript sources directly (tsx), so it works straight after `npm ci`.
import { register } from "tsx/esm/api";

register();
// Ctrl-C and kill end through process.exit, so that exit handlers (temporary files) run; a reader
// that closed the pipe (`| head`) ends the command quietly.
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
// An error main() does not catch (it catches every error of a command) is a bug: EX_SOFTWARE.
try {
  const { main } = await import("../cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error("surge-brain: unexpected error (a bug, please report it):", error);
  process.exitCode = 70;
}
