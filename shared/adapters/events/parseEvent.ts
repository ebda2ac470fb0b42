/**
 * Every payload the brain's Lambda functions receive, parsed into one shape. The source is told
 * by its envelope first (SNS records, a Lambda alarm action's alarmData, EventBridge's
 * detail-type), then parsed by that source's schema, so a payload of a known kind with a wrong
 * field is reported at that field rather than as "no known shape".
 */

import { PayloadError } from "../../core/errors.js";
import { errorAt } from "../../core/problems.js";
import type { ParsedEvent } from "./alarmStateChange.js";
import {
  configurationChangeReason,
  DETAIL_TYPES,
  parseEventBridgeAlarmStateChange,
} from "./eventBridgeAlarm.js";
import { parseLambdaAlarmAction } from "./lambdaAlarmAction.js";
import { parseScheduledActionEvent, SCHEDULE_SOURCE } from "./scheduledAction.js";
import { parseScheduledEvent } from "./scheduledEvent.js";
import { parseSnsAlarmEvent } from "./snsAlarm.js";

export const NO_KNOWN_SHAPE =
  "no known event shape: expected an SNS event, an EventBridge CloudWatch Alarm State Change, a CloudWatch Lambda alarm action, a Scheduled Event or a scheduled action (source surge-brain.schedule)";

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

  if (raw.source === SCHEDULE_SOURCE) return { type: "scheduled-action", ...parseScheduledActionEvent(raw) };

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
    const problem = errorAt([], `not JSON: ${(error as Error).message}`);
    throw new PayloadError(`cannot parse the payload: ${problem.message}`, [problem], { cause: error });
  }
  return parseEvent(raw);
}

function noKnownShape(): PayloadError {
  return new PayloadError(NO_KNOWN_SHAPE, [errorAt([], NO_KNOWN_SHAPE)]);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
