/**
 * What `replay` shows people: a table of KPIs per target, the modes side by side, and a progress
 * bar on standard error while a long recording replays. (`--json` prints the results as they are.)
 */
import type { ReplayMode, ReplayResult, TargetKpis } from "../shared/offline/replay/types.js";
import type { CliIo } from "./io.js";
import { type Column, formatTable, NONE } from "./table.js";

/** The modes' columns, in this order: the brain, then the baseline it is measured against. */
const MODES: readonly ReplayMode[] = ["coordinated", "uncoordinated"];

const integer = (n: number) => String(Math.round(n));
/** Counts and capacities: whole, or to the half ACU (an ACU floor moves in steps of 0.5). */
const amount = (n: number) => String(Math.round(n * 100) / 100);

/** The rows of a target's table: the KPI, as people read it, and how its value is printed. */
const ROWS: readonly { label: string; kpi: keyof TargetKpis; format: (n: number) => string }[] = [
  { label: "under-provisioned (s)", kpi: "underProvisionedSeconds", format: integer },
  { label: "capacity-hours", kpi: "capacityHours", format: (n) => n.toFixed(2) },
  { label: "actions", kpi: "actions", format: amount },
  { label: "scale-outs", kpi: "scaleOuts", format: amount },
  { label: "scale-ins", kpi: "scaleIns", format: amount },
  { label: "flaps", kpi: "flaps", format: amount },
  { label: "blocked", kpi: "blocked", format: amount },
  { label: "max capacity", kpi: "maxCapacity", format: amount },
  { label: "time to capacity (s)", kpi: "timeToCapacitySeconds", format: integer },
  { label: "scale-in lag (s)", kpi: "scaleInLagSeconds", format: integer },
  { label: "connections refused", kpi: "connectionsRefused", format: integer },
];

/**
 * One table per target, in the order the results list them: a row per KPI, a column per mode
 * given (coordinated first). Labels are aligned left, values right; seconds are whole,
 * capacity-hours have two decimals, and a KPI with no value (or a target a mode has not) is "—".
 */
export function formatReplayTable(results: Partial<Record<ReplayMode, ReplayResult>>): string {
  const modes = MODES.filter((mode) => results[mode] !== undefined);
  const targets = [...new Set(modes.flatMap((mode) => Object.keys(results[mode]?.targets ?? {})))];
  if (targets.length === 0) return "no targets";
  const columns: Column[] = [
    { header: "" },
    ...modes.map((mode) => ({ header: mode, align: "right" as const })),
  ];
  return targets
    .map((target) => {
      // A row only the targets of a connection budget have.
      const has = (row: (typeof ROWS)[number]) =>
        row.kpi !== "connectionsRefused" ||
        modes.some((m) => results[m]?.targets[target]?.connectionsRefused !== undefined);
      const rows = ROWS.filter(has).map((row) => [
        `  ${row.label}`,
        ...modes.map((mode) => {
          const value = results[mode]?.targets[target]?.[row.kpi];
          return value === undefined || value === null ? NONE : row.format(value);
        }),
      ]);
      return `${target}\n${formatTable(columns, rows)}`;
    })
    .join("\n\n");
}

/** The bar appears only once a replay has run this long: a short one finishes without it. */
const SHOW_AFTER_MS = 1000;
/** At most one redraw in this long, unless the percentage moves. */
const REDRAW_MS = 100;
const BAR_WIDTH = 30;
/** Back to the start of the line, and erase it. */
const CLEAR = "\r\x1b[2K";

export type ProgressBar = {
  /** `done` of the total replayed so far. */
  update: (done: number) => void;
  /** Clears the bar, if it was drawn: the line is left as it was. */
  end: () => void;
  /**
   * Where to write during the replay: as the command's io, but a line written to standard error
   * clears the bar first (it comes back at the next update) so that the bar does not mix with it.
   */
  io: CliIo;
};

/**
 * A progress bar on standard error, drawn in place on one line: only when standard error is a
 * terminal, and only once the replay has run more than a second. `total` is what `update` counts
 * to (the recording's minutes).
 */
export function progressBar(
  io: CliIo,
  total: number,
  { unit = "minutes", now = Date.now }: { unit?: string; now?: () => number } = {},
): ProgressBar {
  const terminal = io.errTerminal;
  if (terminal === undefined) return { update: () => {}, end: () => {}, io };
  const start = now();
  let drawn = false;
  let lastDraw = 0;
  let lastPercent = -1;
  const clear = () => {
    if (!drawn) return;
    terminal.write(CLEAR);
    drawn = false;
  };
  return {
    update: (done) => {
      const at = now();
      if (at - start <= SHOW_AFTER_MS) return;
      const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
      const percent = Math.floor(fraction * 100);
      if (drawn && percent === lastPercent && at - lastDraw < REDRAW_MS) return;
      const filled = Math.round(fraction * BAR_WIDTH);
      const text = `replay [${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}%  ${done}/${total} ${unit}`;
      // A line longer than the terminal wraps, and `\r` would then redraw only its last part.
      terminal.write(`${CLEAR}${text.slice(0, Math.max(0, terminal.columns() - 1))}`);
      drawn = true;
      lastDraw = at;
      lastPercent = percent;
    },
    end: clear,
    io: {
      ...io,
      err: (text) => {
        clear();
        io.err(text);
      },
    },
  };
}
