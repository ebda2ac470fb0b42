/** A payload checked for size, then parsed; a bad one becomes an acknowledged error, never a retry. */

import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Problem } from "../../shared/errors.js";
import { PayloadError } from "../../shared/errors.js";
import { type ParsedEvent, parseEvent } from "../../shared/events/parseEvent.js";
import { logger, metrics } from "./observability.js";

export type CheckedPayload =
  | ParsedEvent
  | { type: "invalid"; error: { message: string; problems: Problem[] } };

export function parsePayload(event: unknown, maxPayloadBytes: number): CheckedPayload {
  try {
    const bytes = Buffer.byteLength(JSON.stringify(event) ?? "");
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
