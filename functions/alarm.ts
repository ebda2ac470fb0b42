/**
 * `alarm`: CloudWatch alarm state changes, from SNS, EventBridge and direct alarm actions alike.
 * Parses the payload, hands each state change to the brain, reports. A payload that cannot be
 * parsed is logged and acknowledged (a retry would fail the same way); a ledger error fails the
 * invocation so that Lambda retries, the recorded state change making the retry a duplicate.
 */
import { type AlarmResult, handleAlarmChange } from "../shared/brain/handleAlarm.js";
import { extended } from "../shared/core/engine/plainData.js";
import { nativeScalingOf, parametersOf } from "./lib/adapters.js";
import { brainFunction } from "./lib/brainFunction.js";
import { logger, report } from "./lib/observability.js";
import { lambdaDeps } from "./lib/runtime.js";

/** The function on the dependencies given (the command line passes its own). */
export const alarmFunction = brainFunction("alarm-state-change", async (event, deps, invocation) => {
  const { config, ports, clock } = deps;
  const decisions: AlarmResult[] = [];
  for (const change of event.changes) {
    logger.appendKeys({ alarm: change.alarmName });
    decisions.push(
      ...(await handleAlarmChange({
        ports: extended(ports, { nativeScaling: nativeScalingOf(deps), parameters: parametersOf(deps) }),
        config,
        change,
        now: clock(change.stateChangedAt),
        invocationId: invocation.awsRequestId,
        initialCapacity: async (target) => (await ports.actuatorFor(target).observe()).capacity,
      })),
    );
  }
  report(decisions);
  return { decisions };
});

export const handler = alarmFunction(lambdaDeps);
