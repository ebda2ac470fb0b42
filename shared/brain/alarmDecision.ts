/**
 * What one alarm state change means for one target: the step policies of the target that answer
 * the alarm, each run with AWS's step semantics from the right baseline, then the coordination
 * pipeline. Pure: the state, the configuration and the time come in; a decision and the next state
 * come out. The ledger and the actuators are driven by the caller.
 */
import {
  type BrainConfig,
  isCompositeAlarm,
  type Settings,
  type StepScalingPolicy,
  type Target,
} from "../config/schema.js";
import { coordinate, stepBaseline } from "../coordination/coordinate.js";
import type { Abstention, Decision, Proposal } from "../engine/decision.js";
import { Reasons } from "../engine/decision.js";
import { type AlarmStateValue, stateChangeKey, type TargetState } from "../engine/targetState.js";
import { isProposal } from "../policies/proposal.js";
import { type AlarmBreach, stepScaling } from "../policies/stepScaling.js";
import { hardMaxOf, provisioningSecondsOf } from "./targets.js";

/** An alarm's state change as the brain needs it, whatever delivered it. */
export type AlarmSignal = {
  alarmName: string;
  state: AlarmStateValue;
  /** ISO-8601: when the alarm changed state, as both SNS and EventBridge carry it. */
  stateChangedAt: string;
  /** The breaching datapoint, when the delivery carried one. */
  value: number | null;
  actionsSuppressedBy: string | null;
};

export type AlarmDecision = {
  decision: Decision;
  next: TargetState;
  /** Whether the state item needs writing. */
  changed: boolean;
  /** Whether the decision asks for an AWS call. */
  act: boolean;
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

/** The breach a step policy sees: the alarm's threshold and comparison from the configuration. */
export function breachOf(config: BrainConfig, alarmName: string, value: number | null): AlarmBreach {
  const alarm = config.alarms.find((a) => a.AlarmName === alarmName);
  if (!alarm || isCompositeAlarm(alarm)) return { kind: "composite", alarmName };
  return {
    kind: "metric",
    threshold: alarm.Threshold ?? 0,
    comparison: alarm.ComparisonOperator,
    value: value ?? undefined,
    ...(alarm.MetricName ? { metricName: alarm.MetricName } : {}),
  };
}

/** How far back an alarm's evaluation reaches: EvaluationPeriods × Period (0 for a composite alarm). */
export function evaluationSpanSeconds(config: BrainConfig, alarmName: string): number {
  const alarm = config.alarms.find((a) => a.AlarmName === alarmName);
  if (!alarm || isCompositeAlarm(alarm)) return 0;
  const period = alarm.Period ?? alarm.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? 60;
  return alarm.EvaluationPeriods * period;
}

/**
 * Decides what an alarm's state change does to one target:
 * - rule 6 first: a state change already handled (same alarm, same state-change time) is a duplicate;
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
}): AlarmDecision {
  const { config, target, state, signal, now, decisionId } = input;
  const settings: Settings = config.settings;
  const key = stateChangeKey(signal.alarmName, signal.stateChangedAt);
  const base = {
    id: decisionId,
    at: now.toISOString(),
    target: target.id,
    from: state.capacity,
    to: state.capacity,
  };

  if (state.seen[key] !== undefined) {
    return {
      decision: {
        ...base,
        policy: null,
        outcome: "held",
        reason: "DuplicateStateChange",
        blockedBy: key,
        message: `${key} was already handled`,
      },
      next: state,
      changed: false,
      act: false,
    };
  }

  const next: TargetState = structuredClone(state);
  // Remember the change for as long as a delivery of it is accepted, and forget older ones.
  const keepUntil = new Date(
    Date.parse(signal.stateChangedAt) + settings.maxEventAgeSeconds * 1000,
  ).toISOString();
  next.seen = Object.fromEntries(
    Object.entries(state.seen).filter(([, until]) => Date.parse(until) > now.getTime()),
  );
  next.seen[key] = keepUntil;
  next.alarms[signal.alarmName] = {
    state: signal.state,
    since: signal.stateChangedAt,
    ...(signal.value !== null ? { value: signal.value } : {}),
    ...(signal.actionsSuppressedBy ? { suppressed: true } : {}),
  };

  const recorded = (reason: "AlarmStateRecorded" | "ActionsSuppressed", message: string): AlarmDecision => ({
    decision: { ...base, policy: null, outcome: "none", reason, blockedBy: null, message },
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

  const baseline = stepBaseline(state, now);
  const breach = breachOf(config, signal.alarmName, signal.value);
  const results: (Proposal | Abstention)[] = policiesAnswering(target, signal.alarmName).map((policy) =>
    stepScaling(policy, breach, baseline, { defaultCooldownSeconds: settings.defaultCooldownSeconds }),
  );
  // The alarm's datapoints are evidence for as long as its evaluation periods reach back.
  const evidenceSince = new Date(
    Date.parse(signal.stateChangedAt) - evaluationSpanSeconds(config, signal.alarmName) * 1000,
  ).toISOString();
  const proposals = results.filter(isProposal).map((p) => ({ ...p, since: evidenceSince }));
  const abstention = results.find((r): r is Abstention => !isProposal(r));
  if (proposals.length === 0 && abstention) {
    return {
      decision: {
        ...base,
        policy: abstention.layer,
        outcome: "none",
        reason: abstention.reason,
        blockedBy: null,
        message: abstention.message,
      },
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
    hardMax: hardMaxOf(target),
    provisioningSeconds: provisioningSecondsOf(target, settings),
    scaleInStabilizationSeconds: settings.scaleInStabilizationSeconds,
    fullView: false,
  });
  const act = coordinated.decision.outcome === "scale-out" || coordinated.decision.outcome === "scale-in";
  return { decision: coordinated.decision, next: coordinated.next, changed: true, act };
}
