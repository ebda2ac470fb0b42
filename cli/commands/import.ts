/**
 * `import <describe-output.json>...`: a configuration from what the AWS CLI prints for an existing
 * setup (alarms, Application Auto Scaling's scalable targets, policies and scheduled actions, EC2
 * Auto Scaling's groups and policies). What cannot be carried over is said on standard error; the
 * configuration written is one `validate` accepts. Nothing is written when a file cannot be read.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { emptyOutputs, readDescribeOutput } from "../../shared/adapters/awsCli/describeOutputs.js";
import { importConfig } from "../../shared/adapters/awsCli/importConfig.js";
import { CONFIG_SCHEMA_FILE } from "../../shared/core/config/jsonSchema.js";
import { formatProblem } from "../../shared/core/errors.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { projectPath } from "../projectRoot.js";

/** The shipped JSON Schema, at the project's root. */
const SCHEMA_PATH = projectPath(CONFIG_SCHEMA_FILE);

export function registerImport(program: Command, { io, setExit }: CommandContext): Command {
  return program
    .command("import")
    .description(
      "turn what the AWS CLI prints for existing alarms, scalable targets, policies, scheduled actions and groups into a configuration",
    )
    .argument(
      "<describe-output...>",
      "JSON printed by aws cloudwatch describe-alarms, aws application-autoscaling describe-scalable-targets, describe-scaling-policies, describe-scheduled-actions, aws autoscaling describe-auto-scaling-groups, describe-policies (v1 or v2)",
    )
    .option("--out <file>", "write the configuration to this file (default: standard output)")
    .action((files: string[], options: { out?: string }) => {
      const outputs = emptyOutputs();
      let unreadable = false;
      for (const file of files) {
        let doc: unknown;
        try {
          doc = JSON.parse(readFileSync(file, "utf8"));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          io.err(`${file}: ${code === "ENOENT" ? "no such file" : `not JSON: ${(error as Error).message}`}`);
          unreadable = true;
          continue;
        }
        const read = readDescribeOutput(doc, outputs);
        if ("problems" in read) {
          for (const p of read.problems) io.err(formatProblem(p, file));
          unreadable = true;
        }
      }
      if (unreadable) {
        io.err("nothing written");
        return setExit(ExitCode.failed);
      }
      const imported = importConfig(outputs);
      for (const n of imported.notes) io.err(`import: ${n}`);
      if ("problems" in imported) {
        for (const p of imported.problems) io.err(formatProblem(p, "the imported configuration"));
        io.err("nothing written");
        return setExit(ExitCode.failed);
      }
      const { config } = imported;
      const targets = (config.targets as unknown[]).length;
      const alarms = (config.alarms as unknown[]).length;
      if (options.out === undefined) {
        io.out(`${JSON.stringify(config, null, 2)}\n`);
        return;
      }
      // Named for an editor, relative to where the file goes.
      const schema = relative(dirname(resolve(options.out)), SCHEMA_PATH);
      const text = `${JSON.stringify({ $schema: schema.startsWith(".") ? schema : `./${schema}`, ...config }, null, 2)}\n`;
      // Written whole or not at all.
      const partial = `${options.out}.partial`;
      try {
        writeFileSync(partial, text);
        renameSync(partial, options.out);
      } catch (error) {
        rmSync(partial, { force: true });
        io.err(`${options.out}: cannot write: ${(error as Error).message}`);
        return setExit(ExitCode.failed);
      }
      io.err(
        `${options.out}: ${targets} targets, ${alarms} alarms; check it with validate --config ${options.out}`,
      );
    });
}
