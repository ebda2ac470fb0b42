import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import type { BrainConfig, Target } from "../../shared/core/config/schema.js";
import { resolveBudget } from "../../shared/core/connections/budgets.js";
import { formatProblem } from "../../shared/core/errors.js";
import type { CommandContext } from "../context.js";
import { UNIT } from "../ledgerList.js";
import { formatTable, rounded } from "../table.js";

export const DEFAULT_CONFIG = "brain.config.json";

export function registerValidate(program: Command, { io }: CommandContext): Command {
  return program
    .command("validate")
    .description("check a configuration and list every problem with its JSON path")
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .action((options: { config: string }) => {
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) io.err(formatProblem(w, options.config));
      io.out(
        `${options.config}: valid: ${config.targets.length} targets, ${config.alarms.length} alarms${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""}`,
      );
      if (config.targets.length > 0) io.out(`\n${targetsTable(config)}`);
      if (config.connectionBudgets?.length) io.out(`\n${budgetsTable(config)}`);
    });
}

const resource = (t: Target): string =>
  t.kind === "asg"
    ? t.AutoScalingGroupName
    : `${t.DBClusterIdentifier}${t.kind === "aurora-readers" ? " readers" : " ACU floor"}`;

/** The targets the configuration manages: what each scales, its bounds with their unit, its layers. */
function targetsTable(config: BrainConfig): string {
  return formatTable(
    [
      { header: "TARGET" },
      { header: "KIND" },
      { header: "SCALES" },
      { header: "BOUNDS", align: "right" },
      { header: "STEP", align: "right" },
      { header: "TRACKING", align: "right" },
      { header: "SCHEDULES", align: "right" },
    ],
    config.targets.map((t) => [
      t.id,
      t.kind,
      resource(t),
      `${rounded(t.MinCapacity)}–${rounded(t.MaxCapacity)} ${UNIT[t.kind]}`,
      String(t.policies.filter((p) => p.PolicyType === "StepScaling").length),
      String(t.policies.filter((p) => p.PolicyType === "TargetTrackingScaling").length),
      String(t.schedules.length),
    ]),
  );
}

/** The connection budgets: per cluster and group, how it connects, what a reader allows, the pools. */
function budgetsTable(config: BrainConfig): string {
  return formatTable(
    [
      { header: "CLUSTER" },
      { header: "MAX_CONNECTIONS", align: "right" },
      { header: "RESERVED", align: "right" },
      { header: "GROUP" },
      { header: "VIA" },
      { header: "POOL", align: "right" },
    ],
    (config.connectionBudgets ?? []).flatMap((budget) => {
      const { maxConnections, perReader } = resolveBudget(config, budget);
      return budget.groups.map((g) => [
        budget.DBClusterIdentifier,
        `${maxConnections} per reader`,
        String(budget.ReservedConnections),
        g.target,
        g.via === "proxy"
          ? `${budget.DBProxy?.DBProxyName} (${budget.DBProxy?.ConnectionPoolConfiguration.MaxConnectionsPercent} %: ${perReader?.proxy} per reader)`
          : `reader endpoint (${perReader?.direct} per reader)`,
        `${g.minPoolSize ?? g.maxPoolSize}–${g.maxPoolSize}`,
      ]);
    }),
  );
}
