#!/usr/bin/env node
// The command line: its sources bundled once (bin/cliBuild.js) and loaded, so that it starts in a
// fraction of a second and always runs the sources as they are.

// The SDK's notice that its later versions need Node 22 is for this project's maintainers, not for
// the people running a command (@aws-sdk/core's emitWarningIfUnsupportedVersion reads this).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// --debug: stacks name the TypeScript sources (the bundle's source map).
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

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
  const { loadMain } = await import("./cliBuild.js");
  const main = await loadMain({
    onBuild: () => {
      if (process.stderr.isTTY) process.stderr.write("surge-brain: preparing the command line (once)…\n");
    },
  });
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error("surge-brain: unexpected error (a bug, please report it):", error);
  process.exitCode = 70;
}
