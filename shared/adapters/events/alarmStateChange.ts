/** What every payload the functions receive is parsed into, whichever way it came. */
import type { Stated } from "../../brain/origin.js";
import type { AnomalyBand } from "../../core/alarms/stateChangeReason.js";
import type { AlarmStateValue } from "../../core/engine/targetState.js";
import type { StatedOrigin } from "./identity.js";
import type { ScheduledActionEvent } from "./scheduledAction.js";

export type AlarmType = "metric" | "metric-math" | "anomaly-detection" | "composite";

export type Delivery = "sns" | "eventbridge" | "lambda-action";

/**
 * One alarm state change, whichever way it came. The same change delivered through SNS and
 * EventBridge has the same alarmName and stateChangedAt (rule 6 in docs/rules.md identifies it so).
 */
export type AlarmStateChange = {
  delivery: Delivery;
  alarmName: string;
  /** Absent from old SNS messages: the alarm is then known by its name alone. */
  alarmArn: string | null;
  /** Null where the payload has none or a placeholder (`EXAMPLE`, `ACCOUNT_NUMBER`). */
  account: string | null;
  /** A code (`eu-west-1`); SNS's display names are mapped, unknown names and `REGION` are null. */
  region: string | null;
  /**
   * Every field naming the account or region (the envelope's and the alarm ARN's), as written and
   * as read: with `account` or `region` configured, all must read as the brain's (origin.ts).
   */
  stated: { account: Stated[]; region: Stated[] };
  /** The event's `source` (`aws.cloudwatch`), where its delivery has one (not SNS). */
  source: string | null;
  alarmType: AlarmType;
  state: AlarmStateValue;
  previousState: AlarmStateValue | null;
  /** ISO-8601 UTC with milliseconds. */
  stateChangedAt: string;
  reason: string;
  /** The most recent datapoint the alarm evaluated, if the event carries one. */
  value: number | null;
  /** The static threshold, if the event states one (never for anomaly-detection and composite). */
  threshold: number | null;
  /** "Alarm" | "ExtensionPeriod" | "WaitPeriod": CloudWatch held the alarm's actions back. */
  actionsSuppressedBy: string | null;
  /**
   * An anomaly-detection alarm's band at the newest datapoint, where the event's reasonData
   * carries it (`recentLowerThresholds`, `recentUpperThresholds`); else read from the reason text.
   */
  band?: AnomalyBand;
};

export type ParsedEvent =
  | { type: "alarm-state-change"; changes: AlarmStateChange[] }
  | { type: "scheduled"; time: string; ruleArns: string[]; stated: StatedOrigin }
  | ({ type: "scheduled-action" } & ScheduledActionEvent)
  | { type: "ignored"; reason: string };
