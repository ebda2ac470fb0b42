/**
 * `plan`: the scheduled actions due in a window (default: the next 7 days), configured and
 * derived from the calendar, per target in time order, each with the bounds it sets and why it
 * runs then. Nothing is called; the configuration alone says it.
 */
import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { formatProblem, UsageError } from "../../shared/core/errors.js";
import { eventSpan } from "../../shared/core/schedules/calendar.js";
import { type PlannedAction, planActions } from "../../shared/core/schedules/plan.js";
import type { CommandContext } from "../context.js";
import { DEFAULT_CONFIG } from "./validate.js";

const WEEK_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

type Options = { config: string; event?: string; from?: string; to?: string; json?: boolean };

function parseTime(flag: string, value: string): number {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at)) {
    throw new UsageError(`${flag} ${value} is not an ISO-8601 time such as 2026-11-23T19:00:00Z`);
  }
  return at;
}

export function registerPlan(program: Command, { io }: CommandContext): Command {
  return program
    .command("plan")
    .description(
      "the scheduled actions due in a window, configured and from the calendar, per target in time order, with their bounds and why",
    )
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .option("--event <name>", "only the actions of this calendar event (the window: around it, unless given)")
    .option("--from <iso-8601>", "the window's start (default: now, or a day before --event starts)")
    .option(
      "--to <iso-8601>",
      "the window's end (default: 7 days after its start, or a day after --event ends)",
    )
    .option("--json", 'print one JSON object { "actions": [...] } on standard output')
    .action((options: Options) => {
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) io.err(formatProblem(w, options.config));
      const event =
        options.event === undefined ? undefined : config.calendar?.find((e) => e.name === options.event);
      if (options.event !== undefined && event === undefined) {
        const known = (config.calendar ?? []).map((e) => e.name);
        throw new UsageError(
          `--event ${options.event}: no calendar event of that name in ${options.config}${known.length ? ` (it has ${known.join(", ")})` : " (it has no calendar)"}`,
        );
      }
      const span = event ? eventSpan(event) : null;
      const from = options.from ? parseTime("--from", options.from) : span ? span.start - DAY_MS : Date.now();
      const to = options.to ? parseTime("--to", options.to) : span ? span.end + DAY_MS : from + WEEK_MS;
      if (to <= from) throw new UsageError(`--to must be after --from`);
      const actions = planActions(config, { from, to }, event ? { event: event.name } : {});
      if (options.json) {
        io.out(JSON.stringify({ actions }, null, 2));
        return;
      }
      io.out(
        `${actions.length} scheduled action run${actions.length === 1 ? "" : "s"} from ${iso(from)} to ${iso(to)}${event ? ` for ${event.name}` : ""}`,
      );
      let target: string | null = null;
      for (const a of actions) {
        if (a.target !== target) {
          target = a.target;
          io.out(`${target}:`);
        }
        io.out(`  ${a.at}  ${a.from}  ${bounds(a)}  (${a.why})`);
      }
    });
}

const iso = (t: number) => new Date(t).toISOString().replace(".000Z", "Z");

const bounds = (a: PlannedAction): string =>
  [
    a.MinCapacity === undefined ? null : `MinCapacity ${a.MinCapacity}`,
    a.MaxCapacity === undefined ? null : `MaxCapacity ${a.MaxCapacity}`,
  ]
    .filter((s) => s !== null)
    .join(", ");
