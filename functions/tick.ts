/**
 * `tick`: the brain's own loop, run every minute by an EventBridge rule (its payload the
 * "Scheduled Event"): target tracking, step policies whose alarms stay in ALARM, capacity in flight,
 * the vertical buffer, stabilised scale-in and coexistence with native policies (docs/tick.md).
 * Any other payload is acknowledged with a reason, a malformed one refused as `alarm` refuses it;
 * a ledger error fails the invocation, and the next minute's tick starts again from the ledger (it
 * is not retried: serverless.yml sets no retries, a tick a minute late is replaced by the next).
 */

import type { StatedOrigin } from "../shared/adapters/events/identity.js";
import type { AppliedDecision } from "../shared/brain/applyDecision.js";
import { handleTick, type TickOrigin } from "../shared/brain/handleTick.js";
import { extended } from "../shared/core/engine/plainData.js";
import { metricsOf, nativeScalingOf, parametersOf } from "./lib/adapters.js";
import { brainFunction } from "./lib/brainFunction.js";
import { logger, refused, report } from "./lib/observability.js";
import type { QuietDecision } from "./lib/result.js";
import { lambdaDeps } from "./lib/runtime.js";

/**
 * Where the Scheduled Event comes from: its rule (the first of its resources), and what its
 * envelope and the rule's ARN say of the account and region, every one checked (origin.ts).
 */
function tickOrigin(event: { ruleArns: string[]; stated: StatedOrigin }): TickOrigin {
  const readable = (stated: StatedOrigin["account"]) => stated.find((s) => s.reads !== null)?.reads ?? null;
  return {
    rule: event.ruleArns[0] ?? "(none named)",
    account: readable(event.stated.account),
    region: readable(event.stated.region),
    stated: event.stated,
  };
}

/** The function on the dependencies given (the command line passes its own). */
export const tickFunction = brainFunction("scheduled", async (event, deps, invocation) => {
  const { config, ports, clock } = deps;
  const { decisions, quiet, problems, ignored } = await handleTick({
    // extended, not a spread: a spread that adds keys is slow in Node 20, and this runs every minute.
    ports: extended(ports, {
      metrics: metricsOf(deps),
      nativeScaling: nativeScalingOf(deps),
      parameters: parametersOf(deps),
    }),
    config,
    now: clock(event.time),
    invocationId: invocation.awsRequestId,
    origin: tickOrigin(event),
  });
  if (ignored) {
    refused(ignored.reason, ignored.message);
    return { decisions: [], ignored: `${ignored.reason}: ${ignored.message}` };
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
});

export const handler = tickFunction(lambdaDeps);
