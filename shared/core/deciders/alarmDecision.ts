/**
 * What one alarm state change means for one target: the step policies of the target that answer
 * the alarm, each run with AWS's step semantics from the right baseline, then the coordination
 * pipeline. Pure: the state, the configuration and the time come in; a decision and the next state
 * come out. The ledger and the actuators are driven by the caller.
 */

import { type AnomalyBand, bandOfReason } from "../alarms/stateChangeReason.js";
import { isCompositeAlarm } from "../config/compositeAlarm.js";
import type {
  BrainConfig,
  ComparisonOperator,
  Settings,
  StepScalingPolicy,
  Target,
} from "../config/schema.js";
import { CONNECTION_BUDGET } from "../coordination/connectionBudget.js";
import { coordinate, stepBaseline } from "../coordination/coordinate.js";
import type { Abstention, Decision, Proposal } from "../engine/decision.js";
import { Reasons } from "../engine/decision.js";
import { isoOf } from "../engine/instants.js";
import { cloneData, extended } from "../engine/plainData.js";
import {
  type AlarmStateValue,
  rememberStateChange,
  stateChangeKey,
  type TargetState,
} from "../engine/targetState.js";
import { formatNumber, isProposal } from "../policies/proposal.js";
import { type AlarmBreach, stepScaling } from "../policies/stepScaling.js";
import { connectionReadersLayer } from "./connectionBudget.js";
import { coordinationOf } from "./targets.js";
import { rememberFloorBeforeBuffer } from "./verticalBuffer.js";

/** An alarm's state change as the brain needs it, whatever delivered it. */
export type AlarmSignal = {
  alarmName: string;
  state: AlarmStateValue;
  /** ISO-8601: when the alarm changed state, as both SNS and EventBridge carry it. */
  stateChangedAt: string;
  /** The breaching datapoint, when the delivery carried one. */
  value: number | null;
  actionsSuppressedBy: string | null;
  /**
   * An anomaly-detection alarm's band at the breaching datapoint, where the delivery parsed it
   * (EventBridge's and the Lambda action's reasonData: recentLowerThresholds, recentUpperThresholds).
   * Absent, the band is read from `reason`.
   */
  band?: AnomalyBand | null;
  /** The state change's reason (SNS NewStateReason, EventBridge state.reason). */
  reason?: string;
};

export type AlarmDecision = {
  decision: Decision;
  next: TargetState;
  /** Whether the state item needs writing. */
  changed: boolean;
  /** Whether the decision asks for an AWS call. */
  act: boolean;
  /** Nothing to write: a duplicate leaves the state and the log as they are (rule 6). */
  quiet?: boolean;
};

/** The step policies of a target that answer an alarm. */
export function policiesAnswering(target: Target, alarmName: string): StepScalingPolicy[] {
  return target.policies.filter(
    (p): p is StepScalingPolicy => p.PolicyType === "StepScaling" && p.Alarms.includes(alarmName),
  );
}

/** The targets with a step policy answering an alarm. */
export function targetsAnswering(config: BrainConfig, alarmName: string): Target[] {
  return config.targets.filter((t) => policiesAnswering(t, alarmName).length > 0);
}

/**
 * The breach a step policy sees, or why there is none to place in a step. A static alarm compares
 * with its Threshold. An anomaly-detection alarm (ThresholdMetricId) has no Threshold: its
 * threshold is the band CloudWatch computed for the breaching datapoint, which the state change
 * carries, and the step intervals count from it, as they count from a Threshold
 * (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html: the
 * difference between the metric and "the breach threshold"). The upper band for
 * GreaterThanUpperThreshold, the lower for LessThanLowerThreshold, and for
 * LessThanLowerOrGreaterThanUpperThreshold the side the datapoint lies beyond. AWS lets no Auto
 * Scaling action answer such an alarm ("If your alarm uses this parameter, it cannot have Auto
 * Scaling actions":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html), so
 * these semantics are the brain's own, as for composite alarms.
 */
type ResolvedBreach =
  | { breach: AlarmBreach }
  | {
      breach: null;
      /** Held back: the threshold is unknown. Otherwise nothing breached (the value lies within the band). */
      held: boolean;
      reason: "NoData" | "NoStepForValue";
      message: string;
      comparison: ComparisonOperator;
    };

function resolveBreach(
  config: BrainConfig,
  signal: Pick<AlarmSignal, "alarmName" | "value" | "band" | "reason">,
): ResolvedBreach {
  const { alarmName } = signal;
  const alarm = config.alarms.find((a) => a.AlarmName === alarmName);
  if (!alarm || isCompositeAlarm(alarm)) return { breach: { kind: "composite", alarmName } };
  const comparison = alarm.ComparisonOperator;
  const value = signal.value ?? undefined;
  const metricName =
    alarm.MetricName ?? alarm.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Metric.MetricName;
  const breach = (threshold: number): ResolvedBreach => ({
    breach: { kind: "metric", threshold, comparison, value, ...(metricName ? { metricName } : {}) },
  });
  const unresolved = (held: boolean, message: string): ResolvedBreach => ({
    breach: null,
    held,
    reason: held ? "NoData" : "NoStepForValue",
    message,
    comparison,
  });

  if (alarm.ThresholdMetricId === undefined) {
    // config/rules/alarms.ts requires a Threshold here; a state change cannot supply one.
    if (alarm.Threshold === undefined) return unresolved(true, `${alarmName} has no Threshold`);
    return breach(alarm.Threshold);
  }

  const stated = bandOfReason(signal.reason ?? "");
  const band: AnomalyBand = {
    lower: signal.band?.lower ?? stated.lower,
    upper: signal.band?.upper ?? stated.upper,
  };
  const detector = `${alarmName} is an anomaly-detection alarm (ThresholdMetricId ${alarm.ThresholdMetricId})`;
  const missing = (side: "upper" | "lower" | "either") => {
    const [name, field] =
      side === "either"
        ? ["lower or upper", "recentLowerThresholds or recentUpperThresholds"]
        : [side, side === "upper" ? "recentUpperThresholds" : "recentLowerThresholds"];
    return unresolved(
      true,
      `${detector}: its step intervals count from the band's ${name} threshold, and this state change carries none (no ${field} in reasonData, no "${name} thresholds [...]" in its reason): held`,
    );
  };
  switch (comparison) {
    case "GreaterThanUpperThreshold":
      return band.upper === null ? missing("upper") : breach(band.upper);
    case "LessThanLowerThreshold":
      return band.lower === null ? missing("lower") : breach(band.lower);
    default: {
      // LessThanLowerOrGreaterThanUpperThreshold: the side the datapoint lies beyond.
      if (value === undefined) {
        // No datapoint: stepScaling chooses without one; the threshold only names the band.
        const known = band.upper ?? band.lower;
        return known === null ? missing("either") : breach(known);
      }
      if (band.upper !== null && value > band.upper) return breach(band.upper);
      if (band.lower !== null && value < band.lower) return breach(band.lower);
      if (band.upper === null || band.lower === null) return missing(band.upper === null ? "upper" : "lower");
      return unresolved(
        false,
        `${detector}: ${formatNumber(value)} lies within the band [${formatNumber(band.lower)}, ${formatNumber(band.upper)}]: neither side breached`,
      );
    }
  }
}

/**
 * The breach for a caller that has only the alarm's value (the tick re-running an alarm still in
 * ALARM). An anomaly-detection alarm's band is then unknown: the breach has no value to place in
 * a step, and the caller treats it as missing data.
 */
export function breachOf(config: BrainConfig, alarmName: string, value: number | null): AlarmBreach {
  const resolved = resolveBreach(config, { alarmName, value });
  if (resolved.breach !== null) return resolved.breach;
  return { kind: "metric", threshold: Number.NaN, comparison: resolved.comparison, value: undefined };
}

/** How far back an alarm's evaluation reaches: EvaluationPeriods × Period (0 for a composite alarm). */
export function evaluationSpanSeconds(config: BrainConfig, alarmName: string): number {
  const alarm = config.alarms.find((a) => a.AlarmName === alarmName);
  if (!alarm || isCompositeAlarm(alarm)) return 0;
  const period = alarm.Period ?? alarm.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? 60;
  return alarm.EvaluationPeriods * period;
}

/**
 * A step policy's proposal, counted from where each direction counts: a scale-out from
 * stepBaseline (rules 2 and 3: only what is still missing, an escalation by the difference), a
 * scale-in from the target's capacity (a scale-out's baseline is no capacity to remove from).
 */
export function stepProposal(
  policy: StepScalingPolicy,
  breach: AlarmBreach,
  state: TargetState,
  now: Date,
  options: { defaultCooldownSeconds: number; kind: Target["kind"] },
): Proposal | Abstention {
  const proposed = stepScaling(policy, breach, stepBaseline(state, now), options);
  if (isProposal(proposed) && proposed.direction === "in") {
    const scaleIn = stepScaling(policy, breach, state.capacity, options);
    // EC2 Auto Scaling has no cooldown for step policies (cooldowns are simple scaling's): a group's
    // step scale-in runs again every minute its alarm stays in ALARM, the instances in flight and
    // the stabilisation window holding it back (rule 4; ec2/userguide/Cooldown.html, as-scaling-simple-step.html).
    return isProposal(scaleIn) && options.kind === "asg" ? { ...scaleIn, cooldownSeconds: 0 } : scaleIn;
  }
  return proposed;
}

/**
 * How far ahead of the brain's clock a state change may be dated: CloudWatch's clock and Lambda's
 * differ by a few seconds at most, so five minutes is generous. A change dated later is refused
 * (`FutureEvent`): it could not be a real one, and remembered until its date plus
 * `maxEventAgeSeconds` it would stay in the target's state for as long as its date says.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Why a state change is refused for its time, or null when its time is acceptable: older than
 * `settings.maxEventAgeSeconds` (`StaleEvent`), or dated after now plus `MAX_CLOCK_SKEW_SECONDS`
 * (`FutureEvent`). Either is acknowledged, never an error; neither touches the ledger or AWS.
 */
export function eventTimeRefusal(
  settings: Pick<Settings, "maxEventAgeSeconds">,
  stateChangedAt: string,
  now: Date,
): { reason: "StaleEvent" | "FutureEvent"; message: string } | null {
  const ageSeconds = (now.getTime() - Date.parse(stateChangedAt)) / 1000;
  if (ageSeconds > settings.maxEventAgeSeconds) {
    return {
      reason: "StaleEvent",
      message: `the state change is ${Math.round(ageSeconds)} s old; settings.maxEventAgeSeconds is ${settings.maxEventAgeSeconds}`,
    };
  }
  if (-ageSeconds > MAX_CLOCK_SKEW_SECONDS) {
    return {
      reason: "FutureEvent",
      message: `the state change is dated ${Math.round(-ageSeconds)} s after now; at most ${MAX_CLOCK_SKEW_SECONDS} s of clock skew is allowed`,
    };
  }
  return null;
}

/**
 * Decides what an alarm's state change does to one target:
 * - rule 6 (docs/rules.md) first: a state change already handled (same alarm, same state-change time) is a duplicate;
 * - the alarm's state is remembered (tick re-runs step policies for alarms that stay in ALARM);
 * - OK and INSUFFICIENT_DATA are recorded and do nothing; a change whose actions CloudWatch
 *   suppressed is recorded and does nothing;
 * - ALARM runs every step policy of the target that answers the alarm, counted from the baseline of
 *   rules 2 and 3, and the coordination pipeline makes one decision of their proposals.
 */
export function decideOnAlarm(input: {
  config: BrainConfig;
  target: Target;
  state: TargetState;
  signal: AlarmSignal;
  now: Date;
  decisionId: string;
  /**
   * Proposals of other layers that stand with this alarm's (the vertical buffer of an ACU floor
   * whose cluster's readers this same state change added): coordinated together, one decision.
   */
  alsoProposed?: readonly Proposal[];
  /** For a group in a connection budget: the largest capacity it allows (rule 9). */
  connectionCap?: number;
  /** For a budgeted cluster's readers: the readers its groups' connections need (rule 9). */
  connectionReaders?: number;
}): AlarmDecision {
  const { config, target, state, signal, now, decisionId } = input;
  const alsoProposed = input.alsoProposed ?? [];
  const settings: Settings = config.settings;
  const key = stateChangeKey(signal.alarmName, signal.stateChangedAt);
  const base = {
    id: decisionId,
    at: isoOf(now),
    target: target.id,
    from: state.capacity,
    to: state.capacity,
  };

  if (state.seen[key] !== undefined) {
    return {
      decision: extended(base, {
        policy: null,
        outcome: "held",
        reason: "DuplicateStateChange",
        blockedBy: key,
        message: `${key} was already handled`,
      }),
      next: state,
      changed: false,
      act: false,
      quiet: true,
    };
  }

  const next: TargetState = cloneData(state);
  // Remember the change for as long as a delivery of it is accepted, and forget older ones.
  const keepUntil = new Date(
    Date.parse(signal.stateChangedAt) + settings.maxEventAgeSeconds * 1000,
  ).toISOString();
  next.seen = rememberStateChange(state.seen, key, keepUntil, now);
  next.alarms[signal.alarmName] = {
    state: signal.state,
    since: signal.stateChangedAt,
    ...(signal.value !== null ? { value: signal.value } : {}),
    ...(signal.actionsSuppressedBy ? { suppressed: true } : {}),
  };

  const recorded = (reason: "AlarmStateRecorded" | "ActionsSuppressed", message: string): AlarmDecision => ({
    decision: extended(base, { policy: null, outcome: "none", reason, blockedBy: null, message }),
    next,
    changed: true,
    act: false,
  });
  if (signal.state !== "ALARM")
    return recorded(
      "AlarmStateRecorded",
      `${signal.alarmName} is ${signal.state}: ${Reasons.AlarmStateRecorded}`,
    );
  if (signal.actionsSuppressedBy) {
    return recorded(
      "ActionsSuppressed",
      `${signal.alarmName} in ALARM, actions suppressed by ${signal.actionsSuppressedBy}`,
    );
  }

  const policies = policiesAnswering(target, signal.alarmName);
  const resolved = resolveBreach(config, signal);
  if (resolved.breach === null) {
    return {
      decision: extended(base, {
        policy: policies[0]?.PolicyName ?? null,
        outcome: resolved.held ? "held" : "none",
        reason: resolved.reason,
        blockedBy: resolved.held ? signal.alarmName : null,
        message: resolved.message,
      }),
      next,
      changed: true,
      act: false,
    };
  }
  const { breach } = resolved;
  const results: (Proposal | Abstention)[] = policies.map((policy) =>
    stepProposal(policy, breach, state, now, {
      defaultCooldownSeconds: settings.defaultCooldownSeconds,
      kind: target.kind,
    }),
  );
  // The alarm's datapoints are evidence for as long as its evaluation periods reach back.
  const evidenceSince = new Date(
    Date.parse(signal.stateChangedAt) - evaluationSpanSeconds(config, signal.alarmName) * 1000,
  ).toISOString();
  const proposals = [
    ...results.filter(isProposal).map((p) => extended(p, { since: evidenceSince })),
    ...alsoProposed,
  ];
  // Rule 9: no scale-in of the readers under what the groups' connections need.
  if (target.kind === "aurora-readers" && input.connectionReaders !== undefined && proposals.length > 0) {
    const budgeted = connectionReadersLayer(input.connectionReaders, next, proposals);
    const kept = budgeted.proposals.filter((p) => p.layer !== CONNECTION_BUDGET);
    const held = budgeted.abstentions[0];
    if (kept.length === 0 && held) {
      return {
        decision: extended(base, {
          policy: held.layer,
          outcome: "held",
          reason: "ConnectionBudget",
          blockedBy: CONNECTION_BUDGET,
          message: held.message,
        }),
        next,
        changed: true,
        act: false,
      };
    }
    proposals.splice(0, proposals.length, ...kept);
  }
  const abstention = results.find((r): r is Abstention => !isProposal(r));
  if (proposals.length === 0 && abstention) {
    return {
      decision: extended(base, {
        policy: abstention.layer,
        outcome: "none",
        reason: abstention.reason,
        blockedBy: null,
        message: abstention.message,
      }),
      next,
      changed: true,
      act: false,
    };
  }

  const coordinated = coordinate({
    decisionId,
    now,
    state: next,
    proposals,
    ...coordinationOf(target, settings),
    fullView: false,
    ...(input.connectionCap !== undefined ? { connectionCap: input.connectionCap } : {}),
  });
  const act = coordinated.decision.outcome === "scale-out" || coordinated.decision.outcome === "scale-in";
  rememberFloorBeforeBuffer(coordinated.decision, coordinated.next, alsoProposed);
  return { decision: coordinated.decision, next: coordinated.next, changed: true, act };
}
