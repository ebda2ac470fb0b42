/** A payload checked for size, then parsed; a bad one becomes an acknowledged error, never a retry. */

import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { ParsedEvent } from "../../shared/adapters/events/alarmStateChange.js";
import { parseEvent } from "../../shared/adapters/events/parseEvent.js";
import type { Problem } from "../../shared/core/errors.js";
import { PayloadError } from "../../shared/core/errors.js";
import { logger, metrics } from "./observability.js";

/**
 * How deep a payload may nest. CloudWatch's deepest (an EventBridge metric-math alarm's
 * configuration) is 7 levels; the bound keeps every recursive step below (JSON.stringify, zod)
 * far from the stack's limit.
 */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * The payload's nesting depth past `max` (null within it), and a bound on its size: never less than
 * the UTF-8 bytes of its JSON (a string unit takes at most 6 bytes escaped, a number at most 25
 * characters, `-0.0000012345678901234567`; an array's holes are written as null), so that only a payload that may be too large is serialised to be measured.
 * Walked without recursion and given up past `max` (so it is bounded); a value that JSON writes
 * otherwise than as plain data (toJSON, a bigint, a class instance) has no bound.
 */
export function measurePayload(value: unknown, max: number): { depth: number | null; bound: number } {
  let bound = 0;
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > max) return { depth: next.depth, bound: Number.POSITIVE_INFINITY };
    const v = next.value;
    // Its separator, and undefined written as null in an array.
    bound += 1 + valueBound(v);
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) bound += 5 * v.length;
    else for (const key of Object.keys(v)) bound += 1 + stringBound(key);
    for (const child of Object.values(v)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return { depth: null, bound };
}

const stringBound = (text: string): number => 2 + 6 * text.length;

/** At most what JSON writes for the value itself (an object's or array's brackets alone). */
function valueBound(value: unknown): number {
  switch (typeof value) {
    case "string":
      return stringBound(value);
    case "number":
      return 25;
    case "object": {
      if (value === null) return 4;
      const proto = Object.getPrototypeOf(value);
      const plain = proto === Object.prototype || proto === Array.prototype || proto === null;
      return plain && typeof (value as { toJSON?: unknown }).toJSON !== "function"
        ? 2
        : Number.POSITIVE_INFINITY;
    }
    case "bigint":
      return Number.POSITIVE_INFINITY;
    default:
      // A boolean, or what JSON leaves out (undefined, a function, a symbol) or writes as null.
      return 5;
  }
}

type CheckedPayload = ParsedEvent | { type: "invalid"; error: { message: string; problems: Problem[] } };

function parsePayload(event: unknown, maxPayloadBytes: number): CheckedPayload {
  try {
    const { depth, bound } = measurePayload(event, MAX_PAYLOAD_DEPTH);
    if (depth !== null) {
      throw new PayloadError(`the payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels (${depth} or more)`);
    }
    const bytes = bound > maxPayloadBytes ? Buffer.byteLength(JSON.stringify(event) ?? "") : 0;
    if (bytes > maxPayloadBytes) {
      throw new PayloadError(`the payload is ${bytes} bytes; settings.maxPayloadBytes is ${maxPayloadBytes}`);
    }
    return parseEvent(event);
  } catch (error) {
    if (!(error instanceof PayloadError)) throw error;
    logger.error(`payload refused: ${error.message}`, { problems: error.problems });
    metrics.addMetric("Errors", MetricUnit.Count, 1);
    return { type: "invalid", error: { message: error.message, problems: error.problems } };
  }
}

/** What a function does not act on, as it answers it: the reason it was acknowledged, or the error. */
export type Acknowledged = { ignored: string } | { error: { message: string; problems: Problem[] } };

/** Which function takes each kind of payload, as the acknowledgement of another function says. */
const MEANT_FOR: Record<Exclude<ParsedEvent["type"], "ignored">, string> = {
  "alarm-state-change": "an alarm state change is for the alarm function",
  scheduled: "a Scheduled Event is for the tick function",
  "scheduled-action": "a scheduled action is for the schedule function",
};

/**
 * The payload if it is the kind this function takes; otherwise how the function acknowledges it
 * (a malformed payload, an event the brain ignores, or one meant for another function).
 */
export function payloadFor<K extends ParsedEvent["type"]>(
  event: unknown,
  maxPayloadBytes: number,
  kind: K,
): { event: Extract<ParsedEvent, { type: K }> } | { acknowledged: Acknowledged } {
  const parsed = parsePayload(event, maxPayloadBytes);
  if (parsed.type === "invalid") return { acknowledged: { error: parsed.error } };
  if (parsed.type === kind) return { event: parsed as Extract<ParsedEvent, { type: K }> };
  const ignored = parsed.type === "ignored" ? parsed.reason : MEANT_FOR[parsed.type];
  logger.info(`acknowledged: ${ignored}`);
  return { acknowledged: { ignored } };
}
