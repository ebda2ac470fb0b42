/**
 * `ledger` without a target: every configured target on one line each, as `kubectl get hpa`
 * lists autoscalers: its capacity, bounds, capacity in flight, running cooldowns, whether it is
 * paused, and its last decision with how long ago it was made.
 */
import type { DecisionRecord } from "../shared/brain/ports/ledger.js";
import type { Target } from "../shared/core/config/schema.js";
import { activeCooldowns, type TargetState } from "../shared/core/engine/targetState.js";
import { duration, formatTable, NONE, rounded } from "./table.js";

/** One target as the ledger holds it: null state and decision where it holds nothing yet. */
export type LedgerRow = { target: string; state: TargetState | null; lastDecision: DecisionRecord | null };

export const UNIT: Record<Target["kind"], string> = {
  "aurora-readers": "readers",
  "aurora-capacity": "ACU",
  asg: "instances",
};

const signed = (n: number) => (n > 0 ? `+${rounded(n)}` : rounded(n));
const since = (at: string, now: Date) => duration((now.getTime() - Date.parse(at)) / 1000);

export function formatLedgerList(rows: readonly LedgerRow[], targets: readonly Target[], now: Date): string {
  const unitOf = (id: string) => {
    const kind = targets.find((t) => t.id === id)?.kind;
    return kind ? ` ${UNIT[kind]}` : "";
  };
  return formatTable(
    [
      { header: "TARGET" },
      { header: "CAPACITY", align: "right" },
      { header: "BOUNDS", align: "right" },
      { header: "IN FLIGHT", align: "right" },
      { header: "COOLDOWNS" },
      { header: "PAUSED" },
      { header: "LAST DECISION" },
      { header: "AGE", align: "right" },
    ],
    rows.map(({ target, state, lastDecision: d }) => {
      if (state === null) return [target, NONE, NONE, NONE, NONE, "no", "never seen", NONE];
      const inFlight = state.inFlight.reduce((sum, c) => sum + c.delta, 0);
      const cooldowns = activeCooldowns(state, now).map(
        (c) => `${c.direction} ${duration((Date.parse(c.endsAt) - now.getTime()) / 1000)} (${c.layer})`,
      );
      return [
        target,
        `${rounded(state.capacity)}${unitOf(target)}${state.unobserved ? " ?" : ""}`,
        `${rounded(state.bounds.min)}–${rounded(state.bounds.max)}`,
        state.inFlight.length ? signed(inFlight) : NONE,
        cooldowns.length ? cooldowns.join(", ") : NONE,
        state.paused ? "yes" : "no",
        d ? `${d.reason} ${rounded(d.from)} → ${rounded(d.to)} ${d.status}` : NONE,
        d ? since(d.at, now) : NONE,
      ];
    }),
  );
}
