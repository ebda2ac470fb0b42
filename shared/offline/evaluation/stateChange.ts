/**
 * A state change the evaluator found: what CloudWatch would have recorded in the alarm's history
 * and sent on, with what the payloads need (reason text, reasonData, the previous state).
 */
import type { AlarmStateValue } from "../../core/alarms/alarmRule.js";

export type EvaluatedAlarmType = "metric" | "metric-math" | "composite";

/** AWS's values of CompositeAlarm.ActionsSuppressedBy. */
const SUPPRESSED_BY = ["Alarm", "WaitPeriod", "ExtensionPeriod"] as const;
export type SuppressedBy = (typeof SUPPRESSED_BY)[number];

export type ListedDatapoint = {
  /** ISO-8601: the start of the datapoint's period. */
  at: string;
  value: number;
  sampleCount: number | null;
};

export type StateChange = {
  alarm: string;
  alarmType: EvaluatedAlarmType;
  /** ISO-8601 UTC: the end of the period whose evaluation changed the state (composites: the child's change). */
  at: string;
  atMs: number;
  from: AlarmStateValue;
  to: AlarmStateValue;
  /** The newest datapoint that decided the change (null: missing data or a composite). */
  value: number | null;
  /** The datapoints that agree with the new state, newest first, as the reason lists them. */
  datapoints: ListedDatapoint[];
  /** CloudWatch's StateReason text. */
  reason: string;
  /** CloudWatch's StateReasonData, as an object (payloads carry it as a JSON string). */
  reasonData: Record<string, unknown>;
  previous: {
    state: AlarmStateValue;
    reason: string;
    at: string;
    reasonData: Record<string, unknown> | null;
  };
  /** Composite alarms with an ActionsSuppressor: why actions were held at the time of the change. */
  actionsSuppressedBy: SuppressedBy | null;
  /**
   * When the alarm's actions ran for this change (SNS notifications are actions): `at` when
   * nothing holds them, later after a WaitPeriod or ExtensionPeriod, null when they never ran
   * (suppressed, or superseded before the wait ended, or still waiting when the recording ends).
   * The evaluator releases a change when its state changes, not when its actions run: while they
   * wait or are held, this is null, and it is set on the same object when they run.
   */
  actionsAt: string | null;
  /** Carried from the alarm's records (Metric Streams' account_id and region), or the options. */
  account: string | null;
  region: string | null;
};

/** The alarm history as a time line: by time, then metric alarms before the composites they feed. */
export function compareChanges(order: ReadonlyMap<string, number>) {
  return (a: StateChange, b: StateChange): number =>
    a.atMs - b.atMs ||
    Number(a.alarmType === "composite") - Number(b.alarmType === "composite") ||
    (order.get(a.alarm) ?? 0) - (order.get(b.alarm) ?? 0);
}
