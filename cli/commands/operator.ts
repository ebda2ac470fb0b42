/**
 * The operator's commands on the live ledger (LEDGER_TABLE): `ledger` lists every target,
 * `ledger <target>` shows a target's state and recent decisions; `pause` and `resume` (rule 8,
 * docs/rules.md) stop and restart a target's actions, or every target's with --all, while its
 * decisions go on being recorded.
 */
import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import type { DecisionRecord } from "../../shared/brain/ports/ledger.js";
import { type PauseResult, pause, pauseAll } from "../../shared/brain/transact.js";
import type { BrainConfig, Target } from "../../shared/core/config/schema.js";
import { activeCooldowns, initialState, type TargetState } from "../../shared/core/engine/targetState.js";
import { UsageError } from "../../shared/core/errors.js";
import type { CommandContext } from "../context.js";
import { formatLedgerList, type LedgerRow } from "../ledgerList.js";
import { liveLedger } from "../live.js";
import { DEFAULT_CONFIG } from "./validate.js";

function targetOf(config: BrainConfig, id: string): Target {
  const target = config.targets.find((t) => t.id === id);
  if (!target)
    throw new UsageError(
      `no target "${id}" in the configuration: ${config.targets.map((t) => t.id).join(", ")}`,
    );
  return target;
}

/** The state of a target the ledger has not seen: its capacity is unknown until AWS is asked. */
const unobserved = (target: Target): TargetState => ({
  ...initialState(target.id, { min: target.MinCapacity, max: target.MaxCapacity }, target.MinCapacity),
  unobserved: true,
});

export function registerLedger(program: Command, { io, aws }: CommandContext): Command {
  return program
    .command("ledger")
    .description(
      "list every target's state from the ledger, or show one target's state and recent decisions (LEDGER_TABLE, AWS_ENDPOINT_URL)",
    )
    .argument("[target]", "the target's id (default: list every target)")
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .option("--limit <n>", "how many recent decisions of one target", "20")
    .option(
      "--json",
      "print one JSON object: { state, decisions } for a target, { targets: [{ target, state, lastDecision }] } for all",
    )
    .action(async (id: string | undefined, options: { config: string; limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit ${options.limit} is not a positive whole number`);
      const { config } = loadConfig(options.config);
      if (id !== undefined) targetOf(config, id);
      const { ledger, client } = liveLedger(config.settings.decisionRetentionDays, aws);
      try {
        if (id === undefined) {
          const rows: LedgerRow[] = await Promise.all(
            config.targets.map(async (t) => {
              const [state, [lastDecision]] = await Promise.all([
                ledger.read(t.id),
                ledger.decisions(t.id, { limit: 1 }),
              ]);
              return { target: t.id, state, lastDecision: lastDecision ?? null };
            }),
          );
          if (options.json) io.out(JSON.stringify({ targets: rows }, null, 2));
          else io.out(formatLedgerList(rows, config.targets, new Date()));
          return;
        }
        const [state, decisions] = await Promise.all([ledger.read(id), ledger.decisions(id, { limit })]);
        if (options.json) io.out(JSON.stringify({ state, decisions }, null, 2));
        else io.out(describeLedger(id, state, decisions, new Date()));
      } finally {
        client.destroy();
      }
    });
}

function describeLedger(
  id: string,
  state: TargetState | null,
  decisions: DecisionRecord[],
  now: Date,
): string {
  if (!state) return `${id}: the ledger holds nothing for this target yet`;
  const lines = [
    `${id}${state.paused ? " (PAUSED)" : ""}: capacity ${state.capacity}, bounds ${state.bounds.min}–${state.bounds.max} (${state.bounds.source}), version ${state.version}`,
  ];
  for (const c of state.inFlight)
    lines.push(
      `  in flight: ${c.delta > 0 ? "+" : ""}${c.delta}, expected ready ${c.expectedReadyAt}${c.resources ? ` (${c.resources.join(", ")})` : ""}`,
    );
  for (const c of activeCooldowns(state, now))
    lines.push(`  cooldown: ${c.layer} scale-${c.direction} until ${c.endsAt}`);
  for (const [alarm, memory] of Object.entries(state.alarms))
    lines.push(`  alarm ${alarm}: ${memory.state} since ${memory.since}`);
  for (const r of state.reservations)
    lines.push(`  reserved: ${r.from} → ${r.to} by ${r.layer}, expires ${r.expiresAt}`);
  lines.push(decisions.length ? "decisions (oldest first):" : "no decisions recorded");
  for (const d of decisions) {
    lines.push(
      `  ${d.at} ${d.status} ${d.reason} ${d.from} → ${d.to}${d.policy ? ` [${d.policy}]` : ""}${d.blockedBy ? ` blocked by ${d.blockedBy}` : ""}: ${d.message}`,
    );
  }
  return lines.join("\n");
}

function registerPauseLike(program: Command, { io, aws }: CommandContext, paused: boolean): Command {
  const verb = paused ? "pause" : "resume";
  return program
    .command(verb)
    .description(
      paused
        ? "pause a target, or every target: decisions are recorded and not acted on (rule 8)"
        : "resume a paused target, or every target",
    )
    .argument("[target]", "the target's id")
    .option("--all", `${verb} every target the ledger or the configuration holds`)
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .action(async (id: string | undefined, options: { all?: boolean; config: string }) => {
      if (id === undefined && options.all !== true)
        throw new UsageError(
          `${verb} takes the id of the target to ${verb} (${verb} virtway-readers), or --all for every target`,
        );
      if (id !== undefined && options.all === true)
        throw new UsageError(`${verb} takes a target or --all, not both`);
      const { config } = loadConfig(options.config);
      const target = id === undefined ? undefined : targetOf(config, id);
      const { ledger, client } = liveLedger(config.settings.decisionRetentionDays, aws);
      try {
        const now = new Date();
        const results: PauseResult[] = target
          ? [await pause(ledger, target.id, paused, now, () => unobserved(target))]
          : await pauseAll(ledger, paused, now, {
              targets: config.targets.map((t) => t.id),
              init: (t) => unobserved(targetOf(config, t)),
            });
        for (const r of results)
          io.out(
            `${r.target}: ${r.changed ? (paused ? "paused" : "resumed") : `already ${paused ? "paused" : "running"}`}`,
          );
      } finally {
        client.destroy();
      }
    });
}

export const registerPause = (program: Command, ctx: CommandContext) => registerPauseLike(program, ctx, true);
export const registerResume = (program: Command, ctx: CommandContext) =>
  registerPauseLike(program, ctx, false);
