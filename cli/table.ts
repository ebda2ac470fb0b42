/**
 * Text tables for people, as `kubectl get` prints them: no borders, a header row, columns two
 * spaces apart, text aligned left and numbers right (cli-table3 lays them out). Values are
 * rounded by the caller's formatters below, with their units.
 */
import Table from "cli-table3";

export type Align = "left" | "right";
export type Column = { header: string; align?: Align };

const NO_BORDER = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/**
 * The table's lines, each without trailing spaces. The header row is left out when every header
 * is "" or `header` is false; `widths` fixes the columns' widths (null: as wide as their content),
 * so that rows printed one at a time, as they come, line up.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  { header = true, widths }: { header?: boolean; widths?: readonly (number | null)[] } = {},
): string {
  const table = new Table({
    chars: NO_BORDER,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
    colAligns: columns.map((c) => c.align ?? "left"),
    ...(widths ? { colWidths: [...widths] } : {}),
  });
  if (header && columns.some((c) => c.header !== "")) table.push(columns.map((c) => c.header));
  for (const row of rows) table.push([...row]);
  return table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

/** What an absent value prints as. */
export const NONE = "—";

/**
 * A number to at most `decimals` places, without trailing zeros: 1647.6666 → "1647.67", 2.5 →
 * "2.5"; under 1, three significant digits (0.001224 → "0.00122"); from a billion, four (1.235e+12).
 */
export function rounded(n: number, decimals = 2): string {
  if (!Number.isFinite(n) || n === 0) return String(n);
  if (Math.abs(n) >= 1e9) return n.toPrecision(4);
  if (Math.abs(n) < 1) return String(Number(n.toPrecision(3)));
  return String(Math.round(n * 10 ** decimals) / 10 ** decimals);
}

/** A duration in seconds as people read it: 45 s, 8 min, 1 h 30 min. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (Math.abs(s) < 120) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (Math.abs(minutes) < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}
