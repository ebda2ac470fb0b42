/**
 * What one minute's tick decides for one target. Pure: the stored state, what AWS shows of the
 * target, the metrics, the configuration and the time come in; a decision and the next state come
 * out. The ledger, the actuators and CloudWatch are driven by the caller (handleTick.ts).
 *
 * In order:
 *   1. Reconcile with AWS: capacity in flight settles (a reader counts once it is `available`); a
 *      capacity AWS shows that differs from what the brain believes, in-flight changes accounted
 *      for, is drift (a reader deleted or a group resized by hand): recorded and adopted, never
 *      fought; a reservation whose invocation died is reconciled the same way. A tick that
 *      reconciles records that and decides nothing more: the next minute decides on what AWS shows.
 *                                                          → CapacityDrift, ReservationExpired
 *   2. Scheduled actions (rule 5): bounds their latest runs leave in force that the target does not
 *      have yet (a missed or failed `schedule` invocation) are applied, capacity put inside them
 *      at once; that is the minute's decision (scheduleDecision.ts).  → ScheduledBounds, BoundsMoved
 *   3. The layers' proposals, every one of them (the tick has the full view):
 *      - target tracking, counted from the capacity in service (what is in flight is part of the
 *        next ask, not compounded); several policies per target: out if any asks, in only if every
 *        policy whose scale-in is enabled agrees;
 *      - step policies whose alarms the ledger holds in ALARM, run again with the alarm's current
 *        value, counted from stepBaseline, so they ask only for what is still missing; → StepRepeated
 *      - the vertical buffer of an ACU floor: while readers are in flight on the same cluster (or
 *        wanted and refused by AWS this minute, as InsufficientDBInstanceCapacity), the
 *        floor goes to the target's MaxCapacity and nothing scales it in; once they are available,
 *        back to where it was, through the ordinary scale-in rules.          → VerticalBuffer
 *   4. The coordination pipeline (bounds that moved, scale-out, stabilised scale-in, pause).
 *   5. What is worth a record: a decision that acts, reconciles, or is held back differently from the
 *      last held-back one (TargetState.lastHeld). A tick that decides nothing, or holds back exactly
 *      as it did a minute ago, is quiet: nothing is recorded, and nothing written unless the state
 *      changed.
 */

import type { BrainConfig, Target, TargetTrackingPolicy } from "../config/schema.js";
import { coordinate } from "../coordination/coordinate.js";
import type { Decided } from "../engine/decided.js";
import type { Abstention, Decision, Proposal, Reason } from "../engine/decision.js";
import { isoAt, isoOf, msOf } from "../engine/instants.js";
import { type Observation, READER_NOT_SERVING, type ReaderInstance } from "../engine/observation.js";
import { extended } from "../engine/plainData.js";
import {
  arriving,
  type InFlightChange,
  type Reservation,
  readyCapacity,
  sameState,
  type TargetState,
} from "../engine/targetState.js";
import { formatNumber, isProposal } from "../policies/proposal.js";
import { combineTargetTracking, targetTracking } from "../policies/targetTracking.js";
import { breachOf, evaluationSpanSeconds, policiesAnswering, stepProposal } from "./alarmDecision.js";
import { connectionReadersLayer } from "./connectionBudget.js";
import { measuredCapacity, overdueInFlight, settleInFlight } from "./inFlight.js";
import { applyScheduledBounds, scheduledBoundsDue } from "./scheduleDecision.js";
import { coordinationOf, provisioningSecondsOf } from "./targets.js";
import { rememberFloorBeforeBuffer, verticalBuffer } from "./verticalBuffer.js";

/** What the metrics say, as the tick hands them to one target's decision. */
export type TickMetrics = {
  /**
   * Per target-tracking PolicyName: its datapoints, one a minute, oldest first, the newest for the
   * latest published minute (null where CloudWatch has none); undefined when its metric cannot be
   * resolved.
   */
  policies: Readonly<Record<string, readonly (number | null)[] | undefined>>;
  /** Per alarm name: its newest datapoint within its evaluation periods, or null. */
  alarms: Readonly<Record<string, number | null>>;
};

export type TickInput = {
  config: BrainConfig;
  target: Target;
  /** The state as stored (an expired reservation already released by commitDecision). */
  state: TargetState;
  now: Date;
  decisionId: string;
  /**
   * What AWS shows of the target, or null when it cannot be trusted against `state`: a write came
   * in between the read it was compared with and this decision (another decision's AWS call may
   * not show in it). Without it, nothing is reconciled this minute.
   */
  observation: Observation | null;
  /** The reservations released because their invocations are presumed dead. */
  expiredReservations: Reservation[];
  metrics: TickMetrics;
  /**
   * For an ACU floor: the readers in flight on its cluster after the readers' own tick, and those
   * that tick asked for and AWS refused to create (they are still wanted: the floor covers them).
   */
  readersInFlight: number;
  /** For a group in a connection budget: the largest capacity it allows (rule 9). */
  connectionCap?: number;
  /** For a budgeted cluster's readers: the readers its groups' connections need (rule 9). */
  connectionReaders?: number;
};

const GONE = READER_NOT_SERVING;

/** The ISO-8601 time `s` seconds after `d`. */
const isoAfter = (d: Date, s: number) => isoAt(d.getTime() + s * 1000);

export function decideOnTick(input: TickInput): Decided {
  const { config, target, now, decisionId } = input;
  const at = isoOf(now);
  const trigger = `tick@${at}`;
  const stored = input.state;
  const settings = config.settings;

  // 1. Reconcile with AWS.
  const reconciled = reconcile(input);
  if (reconciled.record) {
    const { lastHeld: _, ...next } = reconciled.state;
    return { decision: reconciled.record, next, changed: true, act: false, trigger };
  }
  const state = reconciled.state;

  // 2. Scheduled actions whose bounds are not in force yet (a run the schedule function missed,
  //    or a failed invocation): applied, recorded, and nothing more this minute (rule 5).
  const due = scheduledBoundsDue(config, target, state, now);
  if (due !== null) {
    const { due: _, ...decided } = applyScheduledBounds({ config, target, state, now, decisionId }, due);
    return { ...decided, trigger };
  }

  // 3. Every layer's proposal.
  const proposals: Proposal[] = [];
  const abstentions: Abstention[] = [];
  const add = (r: Proposal | Abstention) => (isProposal(r) ? proposals.push(r) : abstentions.push(r));
  const tracking = targetTrackingLayer(input, state);
  if (tracking) add(tracking);
  for (const r of repeatedSteps(input, state)) add(r);
  if (target.kind === "aurora-readers" && input.connectionReaders !== undefined) {
    const budgeted = connectionReadersLayer(input.connectionReaders, state, proposals);
    proposals.splice(0, proposals.length, ...budgeted.proposals);
    abstentions.push(...budgeted.abstentions);
  }
  if (target.kind === "aurora-capacity") {
    const buffered = verticalBuffer({ ...input, state }, proposals);
    proposals.splice(0, proposals.length, ...buffered.proposals);
    abstentions.push(...buffered.abstentions);
  }

  // 4. Coordination, with every layer's view.
  const coordinated = coordinate({
    decisionId,
    now,
    state,
    proposals,
    ...coordinationOf(target, settings),
    fullView: true,
    ...(input.connectionCap !== undefined ? { connectionCap: input.connectionCap } : {}),
  });
  let decision: Decision = coordinated.decision;
  const next: TargetState = coordinated.next;

  // Nothing proposed: say what the layers saw instead of "no layer proposes a change".
  const explanation = preferred(abstentions);
  if (decision.outcome === "none" && proposals.length === 0 && explanation) {
    decision = {
      ...decision,
      policy: explanation.layer,
      reason: explanation.reason,
      message: abstentions.map((a) => `${a.layer}: ${a.message}`).join("; "),
    };
  }

  rememberFloorBeforeBuffer(decision, next, proposals);

  // 5. Records: a held-back decision identical to the last one recorded is quiet.
  const last = stored.lastHeld;
  const held = decision.outcome === "held";
  const repeated =
    held &&
    last !== undefined &&
    last.reason === decision.reason &&
    last.policy === decision.policy &&
    last.from === decision.from &&
    last.to === decision.to;
  if (held && !repeated) {
    next.lastHeld = {
      reason: decision.reason,
      policy: decision.policy,
      from: decision.from,
      to: decision.to,
      at,
    };
  } else if (!held) {
    delete next.lastHeld;
  }
  const act = decision.outcome === "scale-out" || decision.outcome === "scale-in";
  return {
    decision,
    next,
    changed: !sameState(next, stored),
    act,
    trigger,
    quiet: decision.outcome === "none" || repeated,
  };
}

// --- 1. reconciliation -----------------------------------------------------------------------

type Reconciled = { state: TargetState; record: Decision | null };

function reconcile(input: TickInput): Reconciled {
  const { observation, target, now, decisionId } = input;
  if (observation === null) return { state: input.state, record: null };
  /** A record of the tick's own bookkeeping: nothing decided, what AWS shows adopted. */
  const bookkeeping = (reason: Reason, from: number, to: number, message: string): Decision => ({
    id: decisionId,
    at: isoOf(now),
    target: target.id,
    policy: null,
    from,
    to,
    outcome: "none",
    reason,
    blockedBy: null,
    message,
  });
  let state = input.state;
  // A state an operator created before the brain ever asked AWS: its capacity was a guess.
  if (state.unobserved) {
    const { unobserved: _, ...observed } = state;
    state = { ...observed, capacity: observation.capacity };
  }
  state = settleInFlight(state, observation, now);
  // A live reservation's AWS call may not have reached AWS yet: what AWS shows proves nothing.
  if (state.reservations.length > 0) return { state, record: null };
  const overdue = overdueInFlight(state, now);
  if (overdue.length > 0) {
    const late = arriving(overdue);
    const unit = target.kind === "asg" ? "instance(s)" : "reader(s)";
    state = { ...state, inFlight: state.inFlight.filter((c) => !overdue.includes(c)) };
    return {
      state,
      record: bookkeeping(
        "InFlightOverdue",
        state.capacity,
        state.capacity,
        `${late} ${unit} asked for at ${overdue.map((c) => c.requestedAt).join(", ")} still not in service, long past ${overdue.map((c) => c.expectedReadyAt).join(", ")}: no longer counted as on the way, so scale-in and the buffer are not held for them`,
      ),
    };
  }

  const believed = state.capacity;
  const observed = observation.capacity;
  const expired = input.expiredReservations;
  if (observed === believed && expired.length === 0) return { state, record: null };

  const unit = target.kind === "aurora-capacity" ? "ACU" : target.kind === "asg" ? "instances" : "readers";
  const drift = observed !== believed;
  const adopted: TargetState = drift
    ? {
        ...state,
        capacity: observed,
        inFlight: adoptInFlight(
          state,
          observation,
          now,
          provisioningSecondsOf(target, input.config.settings),
        ),
      }
    : state;
  const dead = expired
    .map((r) => `decision ${r.decisionId} (${r.from} → ${r.to}) died before recording its outcome; `)
    .join("");
  const inFlight =
    readyCapacity(adopted) < adopted.capacity
      ? `, ${adopted.capacity - readyCapacity(adopted)} of them in flight`
      : "";
  const record = bookkeeping(
    drift ? "CapacityDrift" : "ReservationExpired",
    believed,
    observed,
    drift
      ? `${dead}AWS shows ${formatNumber(observed)} ${unit}${inFlight}, the brain believed ${formatNumber(believed)}: adopted, not fought`
      : `${dead}AWS shows ${formatNumber(observed)} ${unit}, as the brain believed: reconciled`,
  );
  return { state: adopted, record };
}

/**
 * What is in flight once AWS's count is adopted: the changes whose readers are still being
 * created (each counting only those), and one change for readers being created that no change of
 * the brain's knows (added by hand, or by an invocation that died before recording them); for a
 * group, the instances not InService yet.
 */
function adoptInFlight(
  state: TargetState,
  observation: Observation,
  now: Date,
  provisioningSeconds: number,
): InFlightChange[] {
  if (observation.kind === "aurora-capacity") return [];
  if (observation.kind === "asg") {
    // The group's desired capacity as AWS shows it; what is not InService yet is still launching.
    const launching = observation.capacity - observation.inService;
    if (launching <= 0) return [];
    const at = isoOf(now);
    return [
      {
        decisionId: `drift@${at}`,
        delta: launching,
        requestedAt: at,
        expectedReadyAt: isoAfter(now, provisioningSeconds),
      },
    ];
  }
  const pending = new Map<string, ReaderInstance>(
    observation.readers
      .filter((r) => !r.isWriter && r.status !== "available" && !GONE.has(r.status))
      .map((r) => [r.id, r]),
  );
  const kept = state.inFlight.flatMap((change): InFlightChange[] => {
    const still = (change.resources ?? []).filter((id) => pending.has(id));
    return still.length > 0 ? [extended(change, { delta: still.length, resources: still })] : [];
  });
  const claimed = new Set(kept.flatMap((c) => c.resources ?? []));
  const unclaimed = [...pending.keys()].filter((id) => !claimed.has(id));
  if (unclaimed.length === 0) return kept;
  const at = isoOf(now);
  return [
    ...kept,
    {
      decisionId: `drift@${at}`,
      delta: unclaimed.length,
      requestedAt: at,
      expectedReadyAt: isoAfter(now, provisioningSeconds),
      resources: unclaimed,
    },
  ];
}

// --- 2. the layers ----------------------------------------------------------------------------

/**
 * Target tracking: every policy of the target on its metric, counted from the capacity in service
 * (a per-instance metric is spread over the instances that serve), combined as AWS combines them.
 */
function targetTrackingLayer(input: TickInput, state: TargetState): Proposal | Abstention | null {
  const { policies, scaleInVoters } = trackingOf(input.target);
  if (policies.length === 0) return null;
  const options = input.config.settings.targetTracking;
  // The capacity in service: a reader being created or an instance still launching serves nothing
  // and is not in the metric, so what it will add is not compounded on top of it; what it adds is
  // counted against the ask by coordination (rule 2 of docs/rules.md: only what is still missing). This is what AWS's
  // scale-out cooldown aims at: "the capacity added by the initiating scale-out activity is calculated
  // as part of the desired capacity for the next scale-out activity"
  // (ScaleOutCooldown, https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html).
  // ... and counted on the capacity its newest datapoints were measured on: capacity that came
  // into service since (warm-up over, publication lag) is in none of them yet, and counting it
  // would compound the ask (measuredCapacity).
  const ready = measuredCapacity(state, input.now);
  const results = policies.map((policy): Proposal | Abstention => {
    const datapoints = input.metrics.policies[policy.PolicyName];
    if (datapoints === undefined) {
      return {
        layer: policy.PolicyName,
        kind: "target-tracking",
        reason: "NoData",
        message: "its metric resolves to no CloudWatch series for this target",
      };
    }
    return targetTracking(policy, ready, datapoints, options);
  });

  const combined = combineTargetTracking(results, ready);
  let chosen = combined;
  if (!(isProposal(combined) && combined.direction === "out") && scaleInVoters.length < policies.length) {
    // AWS leaves a policy with DisableScaleIn out of the scale-in vote altogether: a policy that is
    // within its target but cannot scale in does not veto the others (combineTargetTracking would).
    const voters = results.filter((_, i) => scaleInVoters.includes(i));
    if (voters.length > 0) chosen = combineTargetTracking(voters, ready);
  }
  if (!isProposal(chosen)) return chosen;
  if (chosen.direction === "in") {
    // The proportional rule can keep the capacity there is: no scale-in to stabilise.
    if (chosen.desired >= state.capacity) {
      return { layer: chosen.layer, kind: chosen.kind, reason: "WithinTarget", message: chosen.message };
    }
    // The scale-in window's datapoints are the evidence: stabilisation counts from their start.
    const since = isoAfter(input.now, -options.scaleInDatapoints * 60);
    return extended(chosen, { since });
  }
  return chosen;
}

/** A target's target-tracking policies, and which of them vote on scale-in (by index). */
type Tracking = { policies: TargetTrackingPolicy[]; scaleInVoters: number[] };

const trackingCache = new WeakMap<Target, Tracking>();

/** What the configuration fixes of a target's target tracking, read once rather than every minute. */
function trackingOf(target: Target): Tracking {
  let tracking = trackingCache.get(target);
  if (tracking === undefined) {
    const policies = target.policies.filter(
      (p): p is TargetTrackingPolicy => p.PolicyType === "TargetTrackingScaling",
    );
    const scaleInVoters = policies.flatMap((p, i) =>
      p.TargetTrackingScalingPolicyConfiguration.DisableScaleIn === true ? [] : [i],
    );
    tracking = { policies, scaleInVoters };
    trackingCache.set(target, tracking);
  }
  return tracking;
}

/**
 * Step policies whose alarm the ledger holds in ALARM run again, as AWS runs them every minute an
 * alarm stays in ALARM, with the alarm's current value: a value that climbed into a larger step
 * escalates (rule 3), the same step asks for nothing new (rules 2, 3).
 */
function repeatedSteps(input: TickInput, state: TargetState): (Proposal | Abstention)[] {
  const { config, target, now } = input;
  const out: (Proposal | Abstention)[] = [];
  for (const alarmName of Object.keys(state.alarms)) {
    const memory = state.alarms[alarmName];
    if (memory === undefined || memory.state !== "ALARM" || memory.suppressed) continue;
    const policies = policiesAnswering(target, alarmName);
    const first = policies[0];
    if (first === undefined) continue;
    const breach = breachOf(config, alarmName, input.metrics.alarms[alarmName] ?? null);
    if (breach.kind === "metric" && breach.value === undefined) {
      out.push({
        layer: first.PolicyName,
        kind: "step",
        reason: "NoData",
        message: `${alarmName} is still in ALARM, but its metric has no datapoint in its evaluation periods`,
      });
      continue;
    }
    const since = isoAt(msOf(memory.since) - evaluationSpanSeconds(config, alarmName) * 1000);
    for (const policy of policies) {
      const r = stepProposal(policy, breach, state, now, {
        defaultCooldownSeconds: config.settings.defaultCooldownSeconds,
        kind: target.kind,
      });
      out.push(
        isProposal(r)
          ? extended(r, {
              reason: "StepRepeated",
              message: `${alarmName} still in ALARM: ${r.message}`,
              since,
            })
          : { ...r, message: `${alarmName} still in ALARM: ${r.message}` },
      );
    }
  }
  return out;
}

// --- helpers ----------------------------------------------------------------------------------

/** The abstention that explains the most: a metric within its band says more than a missing one. */
const preferred = (abstentions: readonly Abstention[]): Abstention | undefined =>
  abstentions.find((a) => a.reason !== "NoData") ?? abstentions[0];
