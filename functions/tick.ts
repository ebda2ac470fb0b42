/**
 * `tick`: the brain's own loop, run every minute by an EventBridge rule (its payload the
 * "Scheduled Event"): target tracking, step policies whose alarms stay in ALARM, capacity in flight,
 * the vertical buffer, stabilised scale-in and coexistence with native policies (docs/tick.md).
 * Any other payload is acknowledged with a reason, a malformed one refused as `alarm` refuses it;
 * a ledger error fails the invocation, and the next minute's tick starts again from the ledger (it
 * is not retried: serverless.yml sets no retries, a tick a minute late is replaced by the next).
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { AppliedDecision } from "../shared/brain/applyDecision.js";
import { handleTick, type TickOrigin } from "../shared/brain/handleTick.js";
import { adaptersOn } from "./lib/adapters.js";
import { logger, metrics, report } from "./lib/observability.js";
import { payloadFor } from "./lib/payload.js";
import type { FunctionResult, QuietDecision } from "./lib/result.js";
import { type FunctionDeps, lambdaDeps } from "./lib/runtime.js";

/** `arn:aws:events:<region>:<account>:rule/<name>` → the rule, its region and account. */
function ruleOrigin(arn: string | undefined): TickOrigin | undefined {
  if (arn === undefined) return undefined;
  const [, , , region, account] = arn.split(":");
  return { rule: arn, region: region || null, account: account || null };
}

export function tickHandler(deps: () => FunctionDeps) {
  return async function handleTickEvent(
    event: unknown,
    context: Pick<Context, "awsRequestId">,
  ): Promise<FunctionResult> {
    const { config, ports, clients, clock } = deps();
    const checked = payloadFor(
      event,
      config.settings.maxPayloadBytes,
      "scheduled",
      "an alarm state change is for the alarm function",
    );
    if ("acknowledged" in checked) return { decisions: [], ...checked.acknowledged };
    const parsed = checked.event;
    const { decisions, quiet, problems, ignored } = await handleTick({
      ports: { ...ports, ...adaptersOn(clients) },
      config,
      now: clock(parsed.time),
      invocationId: context.awsRequestId,
      origin: ruleOrigin(parsed.ruleArns[0]),
    });
    if (ignored) {
      const why = `${ignored.reason}: ${ignored.message}`;
      logger.info(`acknowledged: ${why}`);
      return { decisions: [], ignored: why };
    }
    for (const problem of problems) logger.warn(problem);
    // Quiet decisions are returned (what each target saw) but neither recorded nor counted, and
    // say so: their status is "quiet", not the ledger's.
    const unrecorded = new Set(quiet);
    report(decisions.filter((d) => !unrecorded.has(d.id)));
    return {
      decisions: decisions.map((d): AppliedDecision | QuietDecision =>
        unrecorded.has(d.id) ? { ...d, status: "quiet" } : d,
      ),
    };
  };
}

/** The function with its middleware, on the dependencies given (the command line passes its own). */
export const tickFunction = (deps: () => FunctionDeps) =>
  middy(tickHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));

export const handler = tickFunction(lambdaDeps);
