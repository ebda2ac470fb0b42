/**
 * Wall-clock time in an IANA time zone, with the runtime's own time-zone data (Intl): the offset
 * of a zone at an instant, and the instant of a local date and time. Pure: no clock is read.
 *
 * Application Auto Scaling reads `at()` and `cron()` in the action's Timezone and "automatically
 * adjusts for Daylight Saving Time" (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html).
 * A local time that a change skips (02:30 on the night the clocks go forward) is taken as the
 * same time on the offset before the change, one hour later on the clock (03:30); a local time that
 * occurs twice (the night they go back) is its first occurrence. AWS does not document either
 * case; these are the brain's choices, so that a floor is never skipped nor applied twice.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at `instantMs`, in ms (Europe/Madrid in winter: +3,600,000). */
export function offsetMs(zone: string, instantMs: number): number {
  if (zone === "UTC" || zone === "Etc/UTC") return 0;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return local - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/** The local wall-clock time of an instant, as ms since the epoch read as if it were UTC. */
export const toLocalMs = (zone: string, instantMs: number): number => instantMs + offsetMs(zone, instantMs);

/**
 * The instant of a local wall-clock time (ms read as if UTC) in `zone`: its first occurrence when
 * the clocks go back, and for a time the clocks skip, the instant it would be on the offset before
 * the change (so it runs as many minutes after the change as it lies into the gap).
 */
export function fromLocalMs(zone: string, localMs: number): number {
  const before = offsetMs(zone, localMs - DAY_MS);
  const after = offsetMs(zone, localMs + DAY_MS);
  const candidates = [localMs - before, localMs - after].filter(
    (instant) => toLocalMs(zone, instant) === localMs,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return localMs - before;
}
