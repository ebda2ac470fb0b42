/**
 * The reports of skipped input as a person reads them: the first few of each kind, then how many
 * more were like them. A file of random bytes is tens of thousands of bad lines, every one of the
 * same kind; shown one by one they bury everything else. The count of skipped lines is not
 * changed: every report is counted, only the showing is summarised.
 *
 * A report's kind is its reason with what echoes the input taken out: the part after the first
 * `: ` (a parser's own message), quoted text, times and numbers. `not JSON: Unexpected token …` and
 * `timestamp "x" is not ISO-8601 …` are then one kind each, whatever the line held.
 */
import type { SkippedInput } from "./record.js";

/** Reports shown of each kind before the rest are counted. */
export const SHOWN_PER_KIND = 10;
/** Kinds told apart; past this many, new ones are counted together. */
const MAX_KINDS = 100;
const OTHER = "other problems";

/** The kind of a reason: what stays when the input it echoes is taken out. */
export function kindOf(reason: string): string {
  const colon = reason.indexOf(": ");
  const head = colon > 0 ? reason.slice(0, colon) : reason;
  return head
    .replace(/"(?:[^"\\]|\\.)*"?/g, '"…"')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]*(Z|[+-][\d:]+)?/g, "T")
    .replace(/(?<![\w-])\d+(\.\d+)?(?![\w-])/g, "N")
    .slice(0, 80);
}

export class SkipReports {
  private readonly counts = new Map<string, number>();

  /** `show` is called for the reports shown, in order. */
  constructor(
    private readonly show: (skipped: SkippedInput) => void,
    private readonly perKind = SHOWN_PER_KIND,
  ) {}

  report(skipped: SkippedInput): void {
    let kind = kindOf(skipped.reason);
    if (!this.counts.has(kind) && this.counts.size >= MAX_KINDS) kind = OTHER;
    const seen = this.counts.get(kind) ?? 0;
    this.counts.set(kind, seen + 1);
    if (seen < this.perKind) this.show(skipped);
  }

  /** One line per kind with reports not shown: `… and 40565 more like this (not JSON)`. */
  summary(): string[] {
    return [...this.counts]
      .filter(([, n]) => n > this.perKind)
      .map(([kind, n]) => `… and ${n - this.perKind} more like this (${kind})`);
  }
}
