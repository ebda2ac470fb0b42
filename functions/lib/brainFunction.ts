/**
 * What every function of the brain is around its own work: the payload checked and parsed (a
 * malformed one, an event the brain ignores or one meant for the other function is acknowledged
 * with its reason, never retried), and the middleware every function runs under (Powertools'
 * logger context and its metrics, flushed at the end).
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { ParsedEvent } from "../../shared/adapters/events/alarmStateChange.js";
import { logger, metrics } from "./observability.js";
import { payloadFor } from "./payload.js";
import type { FunctionResult } from "./result.js";
import type { FunctionDeps } from "./runtime.js";

type Invocation = Pick<Context, "awsRequestId">;

/** A function that takes one kind of payload, on the dependencies given (Lambda's, or the command line's). */
export function brainFunction<K extends ParsedEvent["type"]>(
  kind: K,
  work: (
    event: Extract<ParsedEvent, { type: K }>,
    deps: FunctionDeps,
    invocation: Invocation,
  ) => Promise<FunctionResult>,
) {
  return (deps: () => FunctionDeps) =>
    middy(async (event: unknown, invocation: Invocation): Promise<FunctionResult> => {
      const built = deps();
      const checked = payloadFor(event, built.config.settings.maxPayloadBytes, kind);
      if ("acknowledged" in checked) return { decisions: [], ...checked.acknowledged };
      return work(checked.event, built, invocation);
    })
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics));
}
