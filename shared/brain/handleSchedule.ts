/**
 * The `schedule` function's work, behind its thin handler: one scheduled action's run, from
 * EventBridge Scheduler, for one target. The bounds the target's actions leave in force now
 * become the target's, capacity is put inside them at once, and the decision is committed
 * through the ledger and the target's actuator like any other (scheduleDecision.ts, rule 5 of
 * docs/rules.md). Bounds already in force (the tick applied them, or this is a retry) act not:
 * one application, whoever comes first. A payload of another account or region than the brain
 * serves, or naming a target or action the configuration does not have, is acknowledged with its
 * reason and touches neither the ledger nor AWS.
 */
import type { BrainConfig } from "../core/config/schema.js";
import { MAX_CLOCK_SKEW_SECONDS } from "../core/deciders/alarmDecision.js";
import { decideOnSchedule } from "../core/deciders/scheduleDecision.js";
import type { Reason } from "../core/engine/decision.js";
import { initialState } from "../core/engine/targetState.js";
import { scheduledActionsOf } from "../core/schedules/actions.js";
import { type AppliedDecision, type BrainPorts, commitDecision } from "./applyDecision.js";
import type { Acknowledgement } from "./handleAlarm.js";
import { foreignOrigin, type Origin } from "./origin.js";

/** One run of a scheduled action, as the payload names it. */
export type ScheduledRun = {
  target: string;
  action: string;
  /** When Scheduler was to invoke (ISO-8601). */
  scheduledTime: string;
};

/** A run the brain answers without a target decision: why it did nothing (as a state change's). */
export type ScheduleAcknowledgement = Acknowledgement;

export type ScheduleResult = {
  decision: AppliedDecision | ScheduleAcknowledgement;
  /** Not written to the ledger: the bounds were in force already. */
  quiet: boolean;
};

export async function handleSchedule(input: {
  ports: BrainPorts;
  config: BrainConfig;
  run: ScheduledRun;
  /** Where the schedule comes from, as its ARN says (absent: the brain's own). */
  origin?: Origin;
  now: Date;
  /** Unique per invocation (Lambda's request id): part of the decision's id. */
  invocationId: string;
  /** The capacity of a target the ledger has never seen (asked of AWS by the caller). */
  initialCapacity: (targetId: string) => Promise<number>;
}): Promise<ScheduleResult> {
  const { ports, config, run, invocationId } = input;
  const label = `${run.target}/${run.action}`;
  const ack = (reason: Reason, message: string): ScheduleResult => ({
    decision: {
      at: input.now.toISOString(),
      target: null,
      alarm: label,
      outcome: "ignored",
      reason,
      message,
    },
    quiet: false,
  });
  const foreign = input.origin ? foreignOrigin(config, input.origin) : null;
  if (foreign) return ack(foreign.reason, foreign.message);
  const target = config.targets.find((t) => t.id === run.target);
  if (!target) return ack("UnknownScheduledAction", `no target has the id ${run.target}`);
  const actions = scheduledActionsOf(config, target);
  if (!actions.some((a) => a.ScheduledActionName === run.action)) {
    return ack(
      "UnknownScheduledAction",
      `${run.target} has no scheduled action ${run.action} (it has ${actions.map((a) => a.ScheduledActionName).join(", ") || "none"})`,
    );
  }
  // Scheduler invokes at or after the scheduled time; a clock a little behind it still sees the run.
  const ahead = (Date.parse(run.scheduledTime) - input.now.getTime()) / 1000;
  if (ahead > MAX_CLOCK_SKEW_SECONDS) {
    return ack(
      "FutureEvent",
      `the run is scheduled ${Math.round(ahead)} s after now; at most ${MAX_CLOCK_SKEW_SECONDS} s of clock skew is allowed`,
    );
  }
  const now = ahead > 0 ? new Date(Date.parse(run.scheduledTime)) : input.now;
  const existing = await ports.ledger.read(target.id);
  const capacity = existing && !existing.unobserved ? null : await input.initialCapacity(target.id);
  const init = () =>
    initialState(
      target.id,
      { min: target.MinCapacity, max: target.MaxCapacity },
      capacity ?? target.MinCapacity,
    );
  const { record, decided } = await commitDecision({
    ports,
    target,
    now,
    reservationTimeoutSeconds: config.settings.reservationTimeoutSeconds,
    init,
    state: existing,
    decide: (state) => {
      const observed =
        state.unobserved && capacity !== null
          ? (({ unobserved: _, ...rest }) => ({ ...rest, capacity }))(state)
          : state;
      const { due: _, ...d } = decideOnSchedule({
        config,
        target,
        state: observed,
        now,
        decisionId: `${target.id}:schedule:${run.action}@${run.scheduledTime}:${invocationId}`,
      });
      return d;
    },
  });
  return { decision: record, quiet: decided.quiet === true };
}
