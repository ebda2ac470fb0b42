/**
 * The vertical buffer of an ACU floor (README, aurora-capacity), as the alarm and tick
 * functions both apply it: readers take minutes, the floor seconds, so while readers are in flight
 * on a cluster its floor is raised to the capacity target's MaxCapacity. Pure.
 */
import type { BrainConfig, Target } from "../config/schema.js";
import { coordinate } from "../coordination/coordinate.js";
import type { Decided } from "../engine/decided.js";
import type { Abstention, Decision, Proposal } from "../engine/decision.js";
import { msOf } from "../engine/instants.js";
import { type TargetState, VERTICAL_BUFFER } from "../engine/targetState.js";
import { formatNumber } from "../policies/proposal.js";
import { coordinationOf, hardMaxOf } from "./targets.js";

export type BufferInput = {
  config: BrainConfig;
  target: Target;
  state: TargetState;
  /** The readers in flight on the floor's cluster, or wanted and refused by AWS. */
  readersInFlight: number;
};

/**
 * The vertical buffer of an ACU floor (README, aurora-capacity): readers take minutes, the
 * floor seconds. While readers are in flight on the cluster, the floor goes to the target's
 * MaxCapacity and no layer scales it in; once they are available, it goes back to where it was
 * before the buffer raised it (TargetState.floorBeforeBuffer), through the ordinary scale-in rules:
 * cooldowns and the stabilisation window.
 */
export function verticalBuffer(
  input: BufferInput,
  proposals: readonly Proposal[],
): { proposals: Proposal[]; abstentions: Abstention[] } {
  const { target, readersInFlight, state } = input;
  const cluster = target.kind === "aurora-capacity" ? target.DBClusterIdentifier : "";
  if (readersInFlight > 0) {
    const held = proposals.filter((p) => p.direction === "in");
    const abstentions: Abstention[] = held.map((p) => ({
      layer: p.layer,
      kind: p.kind,
      reason: "VerticalBuffer",
      message: `no scale-in of the floor while ${readersInFlight} reader(s) are in flight or still wanted (${p.message})`,
    }));
    const max = Math.min(target.MaxCapacity, state.bounds.max, hardMaxOf(target));
    const buffer: Proposal[] =
      state.capacity < max
        ? [
            {
              layer: VERTICAL_BUFFER,
              kind: "buffer",
              direction: "out",
              desired: target.MaxCapacity,
              reason: "VerticalBuffer",
              message: `${readersInFlight} reader(s) in flight or still wanted on ${cluster}: the ACU floor holds the load meanwhile (${formatNumber(state.capacity)} → ${formatNumber(target.MaxCapacity)})`,
              // No cooldown of its own: it lasts as long as the readers are in flight.
              cooldownSeconds: 0,
            },
          ]
        : [];
    return { proposals: [...proposals.filter((p) => p.direction === "out"), ...buffer], abstentions };
  }
  const before = state.floorBeforeBuffer;
  if (before === undefined || state.capacity <= before.capacity)
    return { proposals: [...proposals], abstentions: [] };
  return {
    proposals: [
      ...proposals,
      {
        layer: VERTICAL_BUFFER,
        kind: "buffer",
        direction: "in",
        desired: before.capacity,
        reason: "VerticalBuffer",
        message: `the readers on ${cluster} are available: the ACU floor goes back to ${formatNumber(before.capacity)}, where it was before the buffer`,
        cooldownSeconds: input.config.settings.defaultCooldownSeconds,
      },
    ],
    abstentions: [],
  };
}

/**
 * Where the floor was before the buffer raised it (TargetState.floorBeforeBuffer), as a decision
 * leaves it, so that the floor comes back there once the readers are available:
 * - remembered whenever the buffer was proposed and the floor went up, whichever layer won: the
 *   floor's own step asking as much as the buffer, or more (then clamped to MaxCapacity), raises it
 *   all the same, and must not leave it up for good;
 * - forgotten when a layer's action moves the floor otherwise: the buffer's own way back down, or
 *   another layer's move, which leaves the floor where it put it, to come down through the floor's
 *   own policies;
 * - kept otherwise: bounds that moved, a decision held back or paused.
 */
export function rememberFloorBeforeBuffer(
  decision: Decision,
  next: TargetState,
  proposals: readonly Proposal[],
): void {
  const acted = decision.outcome === "scale-out" || decision.outcome === "scale-in";
  // The raise counts as a cooldown of no length (activeCooldowns): forgotten, as ended cooldowns
  // are, when a layer acts; one that has not ended yet for this decision's clock stays.
  const raise = next.floorBeforeBuffer;
  const ended = raise !== undefined && msOf(raise.raisedAt) <= msOf(decision.at);
  if (acted && decision.reason !== "BoundsMoved" && ended) delete next.floorBeforeBuffer;
  if (decision.outcome !== "scale-out") return;
  const buffered = proposals.some((p) => p.layer === VERTICAL_BUFFER && p.direction === "out");
  if (!buffered && decision.policy !== VERTICAL_BUFFER) return;
  next.floorBeforeBuffer = { capacity: decision.from, raisedTo: decision.to, raisedAt: decision.at };
  // That is the raise's cooldown: the zero-second one the buffer's own raise started is not kept twice.
  next.cooldowns = next.cooldowns.filter((c) => !(c.layer === VERTICAL_BUFFER && c.direction === "out"));
}

/**
 * Whether AWS refused the buffer's own raise of the floor remembered (the decision of `layer` made
 * at `at`): the floor did not go up, so where it was before is not remembered either.
 */
export function refusedBufferRaise(state: TargetState, layer: string | undefined, at: string): boolean {
  return layer === VERTICAL_BUFFER && state.floorBeforeBuffer?.raisedAt === at;
}

/**
 * The floor raised at once when an alarm adds readers to its cluster (the alarm function; the tick
 * does it through its full decision): the buffer alone through the coordination pipeline.
 */
export function decideVerticalBuffer(
  input: BufferInput & { now: Date; decisionId: string; trigger: string },
): Decided {
  const { config, target, state, now, decisionId } = input;
  const { proposals } = verticalBuffer(input, []);
  const coordinated = coordinate({
    decisionId,
    now,
    state,
    proposals,
    ...coordinationOf(target, config.settings),
    fullView: false,
  });
  const { decision, next } = coordinated;
  rememberFloorBeforeBuffer(decision, next, proposals);
  const act = decision.outcome === "scale-out";
  // Already raised: nothing worth a record, nothing written. Held back (a paused floor, rule 8 of docs/rules.md):
  // recorded, as what the brain would have done.
  const quiet = decision.outcome === "none";
  return { decision, next, changed: !quiet, act, trigger: input.trigger, quiet };
}
