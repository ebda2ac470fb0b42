/**
 * The `alarm` function's work, behind its thin handler: one alarm state change, checked (account,
 * region, age), then decided and applied for every target whose step policies answer the alarm.
 * An alarm no policy answers, a stale change, or one from another account is acknowledged with its
 * reason and touches neither the ledger nor AWS.
 */
import type { BrainConfig, Target } from "../config/schema.js";
import type { Reason } from "../engine/decision.js";
import { initialState, stateChangeKey, type TargetState } from "../engine/targetState.js";
import { type AlarmSignal, decideOnAlarm, targetsAnswering } from "./alarmDecision.js";
import { type AppliedDecision, type BrainPorts, commitDecision } from "./applyDecision.js";
import { dueInFlight, settleInFlight } from "./inFlight.js";

/** A state change the brain answers without a target: why it did nothing. */
export type Acknowledgement = {
  at: string;
  target: null;
  alarm: string;
  outcome: "ignored";
  reason: Reason;
  message: string;
};

export type AlarmChange = AlarmSignal & { account: string | null; region: string | null };

export type AlarmResult = AppliedDecision | Acknowledgement;

export async function handleAlarmChange(input: {
  ports: BrainPorts;
  config: BrainConfig;
  change: AlarmChange;
  now: Date;
  /** Unique per invocation (Lambda's request id): part of every decision's id. */
  invocationId: string;
  /** The capacity of a target the ledger has never seen (asked of AWS by the caller). */
  initialCapacity: (target: Target) => Promise<number>;
}): Promise<AlarmResult[]> {
  const { config, change, now } = input;
  const ack = (reason: Reason, message: string): AlarmResult[] => [
    { at: now.toISOString(), target: null, alarm: change.alarmName, outcome: "ignored", reason, message },
  ];

  if (config.account && change.account && change.account !== config.account) {
    return ack("ForeignAccountOrRegion", `account ${change.account} is not the brain's ${config.account}`);
  }
  if (config.region && change.region && change.region !== config.region) {
    return ack("ForeignAccountOrRegion", `region ${change.region} is not the brain's ${config.region}`);
  }
  const ageSeconds = (now.getTime() - Date.parse(change.stateChangedAt)) / 1000;
  if (ageSeconds > config.settings.maxEventAgeSeconds) {
    return ack(
      "StaleEvent",
      `the state change is ${Math.round(ageSeconds)} s old; settings.maxEventAgeSeconds is ${config.settings.maxEventAgeSeconds}`,
    );
  }
  const targets = targetsAnswering(config, change.alarmName);
  if (targets.length === 0)
    return ack("NoPolicyForAlarm", `no step policy lists ${change.alarmName} in its Alarms`);

  const trigger = stateChangeKey(change.alarmName, change.stateChangedAt);
  const results: AlarmResult[] = [];
  for (const target of targets) {
    const existing = await input.ports.ledger.read(target.id);
    // A target never seen (or created by an operator's pause) learns its capacity from AWS first.
    const observedCapacity = !existing || existing.unobserved ? await input.initialCapacity(target) : null;
    const fresh = () =>
      initialState(
        target.id,
        { min: target.MinCapacity, max: target.MaxCapacity },
        observedCapacity ?? target.MinCapacity,
      );
    const observe = (state: TargetState): TargetState => {
      if (!state.unobserved || observedCapacity === null) return state;
      const { unobserved: _, ...observed } = state;
      return { ...observed, capacity: observedCapacity };
    };
    // Readers whose provisioning time has passed: one Describe call tells whether they are in service.
    const observation =
      existing && dueInFlight(existing, now).length > 0
        ? await input.ports.actuatorFor(target).observe()
        : null;
    results.push(
      await commitDecision({
        ports: input.ports,
        target,
        now,
        reservationTimeoutSeconds: config.settings.reservationTimeoutSeconds,
        init: fresh,
        // The state just read: one read per decision (docs/ledger.md); a conflict re-reads.
        state: existing,
        decide: (stored) => ({
          ...decideOnAlarm({
            config,
            target,
            state: observation ? settleInFlight(observe(stored), observation) : observe(stored),
            signal: change,
            now,
            decisionId: `${target.id}:${trigger}:${input.invocationId}`,
          }),
          trigger,
        }),
      }),
    );
  }
  return results;
}
