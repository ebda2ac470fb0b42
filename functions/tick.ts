/**
 * `tick`: the brain's own loop, run every minute by an EventBridge rule (its payload the
 * "Scheduled Event"): target tracking, step policies whose alarms stay in ALARM, capacity in flight,
 * the vertical buffer, stabilised scale-in and coexistence with native policies (docs/tick.md).
 * Any other payload is acknowledged with a reason, a malformed one refused as `alarm` refuses it;
 * a ledger error fails the invocation, and the next minute's tick starts again from the ledger (it
 * is not retried: serverless.yml sets no retries, a tick a minute late is replaced by the next).
 */
import type { AppliedDecision } from "../shared/brain/applyDecision.js";
import { handleTick, type TickOrigin } from "../shared/brain/handleTick.js";
import { adaptersOf } from "./lib/adapters.js";
import { brainFunction } from "./lib/brainFunction.js";
import { logger, refused, report } from "./lib/observability.js";
import type { QuietDecision } from "./lib/result.js";
import { lambdaDeps } from "./lib/runtime.js";

/** `arn:aws:events:<region>:<account>:rule/<name>` → the rule, its region and account. */
function ruleOrigin(arn: string | undefined): TickOrigin | undefined {
  if (arn === undefined) return undefined;
  const [, , , region, account] = arn.split(":");
  return { rule: arn, region: region || null, account: account || null };
}

/** The function on the dependencies given (the command line passes its own). */
export const tickFunction = brainFunction(
  "scheduled",
  "an alarm state change is for the alarm function",
  async (event, deps, invocation) => {
    const { config, ports, clock } = deps;
    const { decisions, quiet, problems, ignored } = await handleTick({
      ports: { ...ports, ...adaptersOf(deps) },
      config,
      now: clock(event.time),
      invocationId: invocation.awsRequestId,
      origin: ruleOrigin(event.ruleArns[0]),
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
  },
);

export const handler = tickFunction(lambdaDeps);
