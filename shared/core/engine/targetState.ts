/**
 * What the brain knows of one scalable target: the state the ledger keeps, one item per target,
 * and the pure helpers that read it. Times are ISO-8601 strings; the clock is always passed in.
 */
import type { Direction, Reason } from "./decision.js";
import { msOf } from "./instants.js";

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** A change the brain asked for that is not in service yet (a reader being created). */
export type InFlightChange = {
  decisionId: string;
  /** Capacity added (positive) or removed (negative). */
  delta: number;
  requestedAt: string;
  /** When the change is expected to be ready (readers: the provisioning time). */
  expectedReadyAt: string;
  /** Identifiers of what the change creates, when known (the new readers' DBInstanceIdentifier). */
  resources?: string[];
};

/** A cooldown of one layer in one direction. */
export type Cooldown = {
  layer: string;
  direction: Direction;
  startedAt: string;
  endsAt: string;
  /** The target's capacity before the action that started this cooldown (rule 3 of docs/rules.md counts from it). */
  baseline: number;
  /** The capacity that action asked for. */
  desired: number;
};

export type AlarmMemory = {
  state: AlarmStateValue;
  /** When the alarm entered this state. */
  since: string;
  /** The breaching datapoint, where the state change carried one. */
  value?: number;
  /** Set when CloudWatch suppressed the alarm's actions (composite alarms' ActionsSuppressor). */
  suppressed?: boolean;
};

/** A taken decision whose AWS call has not reported back yet. */
export type Reservation = {
  decisionId: string;
  layer: string;
  from: number;
  to: number;
  at: string;
  /** After this, the invocation that made it is presumed dead and the reservation is reconciled. */
  expiresAt: string;
};

export type TargetState = {
  target: string;
  /** The capacity the brain believes in: in service plus in flight. */
  capacity: number;
  inFlight: InFlightChange[];
  /** The bounds in force: the target's own, or the last scheduled action's. */
  bounds: { min: number; max: number; source: string; since: string | null };
  cooldowns: Cooldown[];
  alarms: Record<string, AlarmMemory>;
  /** State changes already handled ("<alarm>@<state-change time>") → when the entry may be dropped. */
  seen: Record<string, string>;
  /** Rule 4: since when scale-in has been recommended, and the highest capacity recommended since. */
  scaleIn: { since: string; desired: number } | null;
  paused: boolean;
  /**
   * Taken decisions whose AWS call has not reported back yet, oldest first: more than one when
   * decisions for the target overlap (an escalation while the first call is out), each settled by
   * its own outcome or, its invocation dead, released once it expires.
   */
  reservations: Reservation[];
  /** Optimistic concurrency: every write is conditional on the version read. */
  version: number;
  /**
   * Set on a state created without asking AWS (an operator paused a target before its first
   * event): its capacity is a guess until the first decision observes it.
   */
  unobserved?: boolean;
  /**
   * The last held-back decision the tick recorded for this target. The tick runs every minute: a
   * held-back decision identical to this one (same reason, layer, capacity and asked capacity) is
   * not recorded again, so that a cooldown or a stabilisation window costs one record, not one a
   * minute. Cleared when the tick records or decides anything else.
   */
  lastHeld?: HeldDecision;
  /**
   * Coexistence: what the brain switched off in the native scaling policies that users keep
   * attached, while its own scale-out cooldown runs on this target, so that they cannot scale in
   * under it. Present from the tick that suspended until the tick that restored; the AWS calls go
   * out only on those two ticks (docs/tick.md).
   */
  nativeScaleIn?: NativeScaleInSuspension;
  /**
   * An ACU floor the vertical buffer raised: where it was before, so that it comes back there once
   * the readers are available (verticalBuffer.ts). Present from the decision that raised it until
   * an action of any layer moves the floor again. The raise counts as a scale-out cooldown of no
   * length of the buffer's (activeCooldowns).
   */
  floorBeforeBuffer?: FloorBeforeBuffer;
  /**
   * Capacity that came into service in the last minutes, when the brain saw it settle: the newest
   * datapoints were measured before it served, so target tracking does not count it yet
   * (tickDecision.ts, measuredCapacity). Kept only while it can matter.
   */
  arrived?: Arrival[];
  /**
   * A group's scale-out the connection budget held back or cut short (rule 9, docs/rules.md): the
   * capacity it wanted, which the cluster's readers are asked to make room for. Renewed by every
   * decision the budget limits, cleared by a tick that no budget limits.
   */
  connectionWant?: { capacity: number; since: string };
};

/** Capacity that came into service (TargetState.arrived): when the brain saw it, and how much. */
export type Arrival = { at: string; delta: number };

/** The layer name of the vertical buffer (proposals, cooldowns, decisions). */
export const VERTICAL_BUFFER = "vertical-buffer";

/**
 * Where an ACU floor was before the vertical buffer raised it (TargetState.floorBeforeBuffer): the
 * floor before the raise (`capacity`, the decision's `from`), the floor the raise asked for
 * (`raisedTo`, its `to`), and when the decision that raised it was made (`raisedAt`).
 */
export type FloorBeforeBuffer = { capacity: number; raisedTo: number; raisedAt: string };

/** A held-back decision, as the tick remembers it (TargetState.lastHeld). */
export type HeldDecision = {
  reason: Reason;
  policy: string | null;
  from: number;
  to: number;
  /** When it was first recorded. */
  at: string;
};

/** Native scale-in the brain suspended (TargetState.nativeScaleIn). */
export type NativeScaleInSuspension = {
  /** When the brain suspended it. */
  since: string;
  /**
   * Application Auto Scaling: the scalable target (ResourceId, `cluster:<DBClusterIdentifier>`)
   * whose DynamicScalingInSuspended the brain set to true; null when there was none to touch.
   */
  scalableTarget: string | null;
  /** EC2 Auto Scaling: the group's target-tracking policies whose DisableScaleIn the brain set to true. */
  policies: string[];
};

/** The state of a target the ledger has never seen. */
export function initialState(
  target: string,
  bounds: { min: number; max: number },
  capacity: number,
): TargetState {
  return {
    target,
    capacity,
    inFlight: [],
    bounds: { min: bounds.min, max: bounds.max, source: "config", since: null },
    cooldowns: [],
    alarms: {},
    seen: {},
    scaleIn: null,
    paused: false,
    reservations: [],
    version: 0,
  };
}

/** The capacity in service now: what the brain believes in, less what is still provisioning. */
export function readyCapacity(state: TargetState): number {
  return state.capacity - arriving(state.inFlight);
}

/** The capacity these in-flight changes are still adding (a removal adds nothing). */
export function arriving(changes: readonly InFlightChange[]): number {
  return changes.reduce((sum, c) => sum + Math.max(0, c.delta), 0);
}

/**
 * Cooldowns still running at `now`, the vertical buffer's raise among them: a scale-out whose
 * cooldown lasts no time, so that it runs only for a `now` before the raise (a decision whose
 * clock was read before it and that decides after it, on the state it left).
 */
export function activeCooldowns(state: TargetState, now: Date, direction?: Direction): Cooldown[] {
  const cooldowns =
    state.floorBeforeBuffer === undefined ? state.cooldowns : [...state.cooldowns, ...bufferRaise(state)];
  return cooldowns.filter(
    (c) => msOf(c.endsAt) > now.getTime() && (direction === undefined || c.direction === direction),
  );
}

/** The vertical buffer's raise of the floor (TargetState.floorBeforeBuffer) as the cooldown it starts. */
function bufferRaise(state: TargetState): Cooldown[] {
  const raise = state.floorBeforeBuffer;
  if (raise === undefined) return [];
  return [
    {
      layer: VERTICAL_BUFFER,
      direction: "out",
      startedAt: raise.raisedAt,
      endsAt: raise.raisedAt,
      baseline: raise.capacity,
      desired: raise.raisedTo,
    },
  ];
}

/** The key that identifies one alarm state change across deliveries (rule 6). */
export const stateChangeKey = (alarm: string, stateChangedAt: string): string =>
  `${alarm}@${new Date(stateChangedAt).toISOString()}`;

/**
 * How many handled state changes a target remembers at most (TargetState.seen), whatever the
 * settings: the state item must stay under DynamoDB's 400 KB item limit. An entry is a key (an
 * AlarmName of at most 255 UTF-16 units, so at most 765 bytes in UTF-8, "@" and a 24-character
 * ISO-8601 time) and a 24-character time: at most 814 bytes, at most 820 with DynamoDB's bytes of
 * map overhead. 64 entries take at most 64 × 820 = 52,480 bytes, an eighth of the limit, leaving
 * the rest to the outbox and everything else the item holds. 64 distinct state changes of one
 * target within `maxEventAgeSeconds` (the default 900 s: one every 14 s) is beyond what alarms
 * do; past it, the oldest are forgotten first, and only a delivery of one of those repeats.
 */
export const MAX_REMEMBERED_STATE_CHANGES = 64;

/**
 * Rule 6: the changes a target remembers after handling `key`: those whose time to be forgotten
 * (`until`) is still ahead of `now`, and `key` itself, at most MAX_REMEMBERED_STATE_CHANGES of
 * them: past that, the ones to be kept longest (the most recent), in the order they came.
 */
export function rememberStateChange(
  seen: Readonly<Record<string, string>>,
  key: string,
  until: string,
  now: Date,
): Record<string, string> {
  const kept = Object.entries(seen).filter(([k, u]) => k !== key && Date.parse(u) > now.getTime());
  kept.push([key, until]);
  if (kept.length <= MAX_REMEMBERED_STATE_CHANGES) return Object.fromEntries(kept);
  const recent = new Set(
    [...kept]
      .sort(([ka, a], [kb, b]) => Date.parse(b) - Date.parse(a) || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .slice(0, MAX_REMEMBERED_STATE_CHANGES)
      .map(([k]) => k),
  );
  return Object.fromEntries(kept.filter(([k]) => recent.has(k)));
}

const enumerable = Object.prototype.propertyIsEnumerable;

/**
 * Whether two states are the same as stored: JSON's view of them (properties whose value is
 * undefined are absent), whatever order their keys were set in. Without building their JSON.
 */
export function sameState(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const array = Array.isArray(a);
  if (array !== Array.isArray(b)) return false;
  if (array) {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++)
      if (i in left && left[i] !== right[i] && !sameState(left[i], right[i])) return false;
    return true;
  }
  // Walked key by key (a tick compares every state it decides on, twice): no entries built, and
  // the parts a decision shares with the state it started from not walked at all.
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let defined = 0;
  for (const key of Object.keys(left)) {
    const value = left[key];
    if (value === undefined) continue;
    defined++;
    const other = right[key];
    if (other === undefined || !enumerable.call(right, key)) return false;
    if (value !== other && !sameState(value, other)) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) defined--;
  return defined === 0;
}
