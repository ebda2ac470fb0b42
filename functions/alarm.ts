/**
 * `alarm`: CloudWatch alarm state changes, from SNS, EventBridge and direct alarm actions alike.
 * Parses the payload, hands each state change to the brain, reports. A payload that cannot be
 * parsed is logged and acknowledged (a retry would fail the same way); a ledger error fails the
 * invocation so that Lambda retries, the recorded state change making the retry a duplicate.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { type AlarmResult, handleAlarmChange } from "../shared/brain/handleAlarm.js";
import { adaptersOn } from "./lib/adapters.js";
import { logger, metrics, report } from "./lib/observability.js";
import { payloadFor } from "./lib/payload.js";
import type { FunctionResult } from "./lib/result.js";
import { type FunctionDeps, lambdaDeps } from "./lib/runtime.js";

export function alarmHandler(deps: () => FunctionDeps) {
  return async function handleAlarmEvent(
    event: unknown,
    context: Pick<Context, "awsRequestId">,
  ): Promise<FunctionResult> {
    const { config, ports, clients, clock } = deps();
    const checked = payloadFor(
      event,
      config.settings.maxPayloadBytes,
      "alarm-state-change",
      "a Scheduled Event is for the tick function",
    );
    if ("acknowledged" in checked) return { decisions: [], ...checked.acknowledged };
    const decisions: AlarmResult[] = [];
    for (const change of checked.event.changes) {
      logger.appendKeys({ alarm: change.alarmName });
      decisions.push(
        ...(await handleAlarmChange({
          ports: { ...ports, nativeScaling: adaptersOn(clients).nativeScaling },
          config,
          change,
          now: clock(change.stateChangedAt),
          invocationId: context.awsRequestId,
          initialCapacity: async (target) => (await ports.actuatorFor(target).observe()).capacity,
        })),
      );
    }
    report(decisions);
    return { decisions };
  };
}

/** The function with its middleware, on the dependencies given (the command line passes its own). */
export const alarmFunction = (deps: () => FunctionDeps) =>
  middy(alarmHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));

export const handler = alarmFunction(lambdaDeps);
