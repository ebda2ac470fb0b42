/**
 * Capacity in flight, settled against what AWS shows: a reader counts once DescribeDBInstances
 * shows it `available`, a group's instance once DescribeAutoScalingGroups shows it `InService`
 * (rule 2 of docs/rules.md keeps counting them until then). Pure.
 */

import { isoOf, msOf } from "../engine/instants.js";
import { type Observation, READER_NOT_SERVING } from "../engine/observation.js";
import { extended } from "../engine/plainData.js";
import { arriving, type InFlightChange, readyCapacity, type TargetState } from "../engine/targetState.js";

/** In-flight changes whose expected ready time has passed: worth one Describe call to confirm. */
export const dueInFlight = (state: TargetState, now: Date): InFlightChange[] =>
  state.inFlight.filter((c) => msOf(c.expectedReadyAt) <= now.getTime());

/**
 * The state with the changes AWS shows as done removed from `inFlight`. A change whose readers
 * are all available (or gone: deleted by hand, which tick records as drift) is done; a change
 * without known resources is done once the available readers cover the capacity it counted on.
 */
export function settleInFlight(state: TargetState, observation: Observation, now?: Date): TargetState {
  if (state.inFlight.length === 0 || observation.kind === "aurora-capacity") return state;
  if (observation.kind === "asg") {
    // A group's instances are not told apart: a change is done once the instances InService
    // cover the capacity it counted on (the changes after it still pending).
    const remaining = state.inFlight.filter(
      (change) => observation.inService < state.capacity - pendingAfter(state, change),
    );
    if (remaining.length === state.inFlight.length) return state;
    const served = arriving(state.inFlight.filter((c) => !remaining.includes(c)));
    return withArrival({ ...state, inFlight: remaining }, served, now);
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
  if (remaining.length === state.inFlight.length) return state;
  // What came into service: the settled changes' readers that are available (not those gone).
  const served = state.inFlight
    .filter((c) => !remaining.includes(c))
    .reduce(
      (sum, c) =>
        sum +
        (c.resources && c.resources.length > 0
          ? c.resources.filter((id) => status.get(id) === "available").length
          : Math.max(c.delta, 0)),
      0,
    );
  return withArrival({ ...state, inFlight: remaining }, served, now);
}

/**
 * How long capacity that came into service stays out of target tracking's count: the newest
 * datapoint the tick reads is of the minute before last (one minute of publication lag,
 * shared/brain/metricQueries.ts), so capacity seen in service since then is in none of them.
 */
const UNMEASURED_SECONDS = 120;

/** The state with an arrival recorded at `now` (when given), and the arrivals that no longer matter dropped. */
function withArrival(state: TargetState, served: number, now: Date | undefined): TargetState {
  if (now === undefined) return state;
  const recent = (state.arrived ?? []).filter((a) => msOf(a.at) > now.getTime() - UNMEASURED_SECONDS * 1000);
  const arrived = served > 0 ? [...recent, { at: isoOf(now), delta: served }] : recent;
  const { arrived: _, ...rest } = state;
  return arrived.length > 0 ? extended(rest, { arrived }) : rest;
}

/**
 * The capacity the metrics' newest datapoints were measured on: the capacity in service, less
 * what came into service after them (UNMEASURED_SECONDS); all of it when that leaves nothing.
 */
export function measuredCapacity(state: TargetState, now: Date): number {
  const ready = readyCapacity(state);
  const unmeasured = (state.arrived ?? [])
    .filter((a) => msOf(a.at) > now.getTime() - UNMEASURED_SECONDS * 1000)
    .reduce((sum, a) => sum + a.delta, 0);
  return ready - unmeasured > 0 ? ready - unmeasured : ready;
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
    const requested = msOf(c.requestedAt);
    const expected = Math.max(msOf(c.expectedReadyAt) - requested, 60_000);
    return now.getTime() > requested + OVERDUE_FACTOR * expected;
  });
}
