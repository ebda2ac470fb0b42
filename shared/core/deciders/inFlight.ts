/**
 * Capacity in flight, settled against what AWS shows: a reader counts once DescribeDBInstances
 * shows it `available`, a group's instance once DescribeAutoScalingGroups shows it `InService`
 * (rule 2 of docs/rules.md keeps counting them until then). Pure.
 */
import { type Observation, READER_NOT_SERVING } from "../engine/observation.js";
import { arriving, type InFlightChange, type TargetState } from "../engine/targetState.js";

/** In-flight changes whose expected ready time has passed: worth one Describe call to confirm. */
export const dueInFlight = (state: TargetState, now: Date): InFlightChange[] =>
  state.inFlight.filter((c) => Date.parse(c.expectedReadyAt) <= now.getTime());

/**
 * The state with the changes AWS shows as done removed from `inFlight`. A change whose readers
 * are all available (or gone: deleted by hand, which tick records as drift) is done; a change
 * without known resources is done once the available readers cover the capacity it counted on.
 */
export function settleInFlight(state: TargetState, observation: Observation): TargetState {
  if (state.inFlight.length === 0 || observation.kind === "aurora-capacity") return state;
  if (observation.kind === "asg") {
    // A group's instances are not told apart: a change is done once the instances InService
    // cover the capacity it counted on (the changes after it still pending).
    const remaining = state.inFlight.filter(
      (change) => observation.inService < state.capacity - pendingAfter(state, change),
    );
    return remaining.length === state.inFlight.length ? state : { ...state, inFlight: remaining };
  }
  const status = new Map(observation.readers.map((r) => [r.id, r.status]));
  const remaining = state.inFlight.filter((change) => {
    if (change.resources && change.resources.length > 0) {
      return change.resources.some((id) => {
        const s = status.get(id);
        return s !== undefined && s !== "available" && !READER_NOT_SERVING.has(s);
      });
    }
    return observation.available < state.capacity - pendingAfter(state, change);
  });
  return remaining.length === state.inFlight.length ? state : { ...state, inFlight: remaining };
}

/** The capacity still pending after `change` in request order (changes later than it). */
function pendingAfter(state: TargetState, change: InFlightChange): number {
  const index = state.inFlight.indexOf(change);
  return arriving(state.inFlight.slice(index + 1));
}

/**
 * How many times its expected provisioning time a change may take before it stops counting as
 * capacity on its way: a reader stuck in `creating`, or instances a group never gets InService (no
 * capacity in the zone, a broken launch template), must not hold every scale-in (rule 4) and the
 * vertical buffer for good.
 */
const OVERDUE_FACTOR = 3;

/** In-flight changes past their deadline: requested more than OVERDUE_FACTOR × their expected time ago. */
export function overdueInFlight(state: TargetState, now: Date): InFlightChange[] {
  return state.inFlight.filter((c) => {
    const requested = Date.parse(c.requestedAt);
    const expected = Math.max(Date.parse(c.expectedReadyAt) - requested, 60_000);
    return now.getTime() > requested + OVERDUE_FACTOR * expected;
  });
}
