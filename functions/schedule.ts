/**
 * `schedule`: one scheduled action's run, from EventBridge Scheduler (one schedule per action,
 * README "Scheduled actions"): the bounds in force set on the target, capacity put inside them at
 * once (rule 5 of docs/rules.md). A malformed payload, or one naming a target or action the
 * configuration does not have, is logged and acknowledged (a retry would fail the same way); a
 * ledger error fails the invocation so that Scheduler retries it, and bounds already in force
 * make the retry act not. The tick applies any run this function missed.
 */
import { handleSchedule } from "../shared/brain/handleSchedule.js";
import { brainFunction } from "./lib/brainFunction.js";
import { report } from "./lib/observability.js";
import type { QuietDecision } from "./lib/result.js";
import { lambdaDeps } from "./lib/runtime.js";

/** The function on the dependencies given (the command line passes its own). */
export const scheduleFunction = brainFunction("scheduled-action", async (event, deps, invocation) => {
  const { config, ports, clock } = deps;
  const { decision, quiet } = await handleSchedule({
    ports,
    config,
    run: { target: event.target, action: event.action, scheduledTime: event.scheduledTime },
    // Every field naming an account or region must read as the brain's: the schedule's ARN.
    origin: { account: null, region: null, stated: event.stated },
    now: clock(event.scheduledTime),
    invocationId: invocation.awsRequestId,
    initialCapacity: async (id) => {
      const target = config.targets.find((t) => t.id === id);
      return target ? (await ports.actuatorFor(target).observe()).capacity : 0;
    },
  });
  if (quiet && decision.target !== null) {
    // Bounds in force already: neither recorded nor counted, and it says so.
    return { decisions: [{ ...decision, status: "quiet" } as QuietDecision] };
  }
  report([decision]);
  return { decisions: [decision] };
});

export const handler = scheduleFunction(lambdaDeps);
