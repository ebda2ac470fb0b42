/**
 * Every payload the brain's Lambda functions receive, parsed into one shape. The source is told
 * by its envelope first (SNS records, a Lambda alarm action's alarmData, EventBridge's
 * detail-type), then parsed by that source's schema, so a payload of a known kind with a wrong
 * field is reported at that field rather than as "no known shape".
 */
import type { AlarmStateValue } from "../engine/targetState.js";
import { PayloadError } from "../errors.js";
import {
  configurationChangeReason,
  DETAIL_TYPES,
  parseEventBridgeAlarmStateChange,
} from "./eventBridgeAlarm.js";
import { problemAt } from "./fields.js";
import { parseLambdaAlarmAction } from "./lambdaAlarmAction.js";
import { parseScheduledEvent } from "./scheduledEvent.js";
import { parseSnsAlarmEvent } from "./snsAlarm.js";
import type { AnomalyBand } from "./stateChangeReason.js";

export const ALARM_TYPES = ["metric", "metric-math", "anomaly-detection", "composite"] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

export const DELIVERIES = ["sns", "eventbridge", "lambda-action"] as const;
export type Delivery = (typeof DELIVERIES)[number];

/**
 * One alarm state change, whichever way it came. The same change delivered through SNS and
 * EventBridge has the same alarmName and stateChangedAt (rule 6 of PRODUCT.md identifies it so).
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
  | { type: "scheduled"; time: string; ruleArns: string[] }
  | { type: "ignored"; reason: string };

export const NO_KNOWN_SHAPE =
  "no known event shape: expected an SNS event, an EventBridge CloudWatch Alarm State Change, a CloudWatch Lambda alarm action or a Scheduled Event";

/** Parses a payload; throws PayloadError with Problems whose paths point into it. */
export function parseEvent(raw: unknown): ParsedEvent {
  if (!isObject(raw)) throw noKnownShape();

  if (Array.isArray(raw.Records)) {
    const first: unknown = raw.Records[0];
    if (isObject(first) && (first.EventSource === "aws:sns" || "Sns" in first)) {
      return { type: "alarm-state-change", changes: parseSnsAlarmEvent(raw) };
    }
    throw noKnownShape();
  }

  // Checked before detail-type: some of AWS's examples of the Lambda action carry both.
  if ("alarmData" in raw) return { type: "alarm-state-change", changes: [parseLambdaAlarmAction(raw)] };

  const detailType = raw["detail-type"];
  if (detailType === DETAIL_TYPES.stateChange) {
    return { type: "alarm-state-change", changes: [parseEventBridgeAlarmStateChange(raw)] };
  }
  if (detailType === DETAIL_TYPES.configurationChange) {
    return { type: "ignored", reason: configurationChangeReason(raw) };
  }
  if (detailType === "Scheduled Event") return { type: "scheduled", ...parseScheduledEvent(raw) };
  if (typeof detailType === "string" && raw.source === "aws.cloudwatch") {
    // e.g. "CloudWatch Alarm Contributor State Change": CloudWatch's, but not for the brain.
    return { type: "ignored", reason: `${detailType}: not an event the brain acts on` };
  }
  throw noKnownShape();
}

/** Parses a payload's text (an event file): "not JSON" is a PayloadError at `$` like any other. */
export function parseEventText(text: string): ParsedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const problem = problemAt([], `not JSON: ${(error as Error).message}`);
    throw new PayloadError(`cannot parse the payload: ${problem.message}`, [problem], { cause: error });
  }
  return parseEvent(raw);
}

function noKnownShape(): PayloadError {
  return new PayloadError(NO_KNOWN_SHAPE, [problemAt([], NO_KNOWN_SHAPE)]);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
