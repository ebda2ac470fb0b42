/**
 * The `tick` function's work, once a minute, behind its thin handler. A rule of another account
 * or region than the brain serves is acknowledged with its reason, as an alarm's state change is
 * (origin.ts), and touches neither the ledger nor AWS. Otherwise:
 *   1. the ledger's state of every target (one read each), to know which alarms it holds in ALARM;
 *   2. one batched GetMetricData for every target-tracking metric and every such alarm;
 *   3. per target, readers before the ACU floor of their cluster: what AWS shows of it (Describe*
 *      through its actuator), then one decision committed through the ledger (tickDecision.ts);
 *   4. coexistence: native scale-in switched off while the brain's scale-out cooldown runs on a
 *      target, and back on after (coexistence.ts), the calls going out only when that changes;
 *   5. the connection budgets (rule 9 of docs/rules.md): each group's scale-out held to what the readers available
 *      allow, the readers asked for the room the groups want, and the pool sizes and readers signal
 *      published to Parameter Store where they changed (a readers' scale-in shrinks them first).
 * A tick that finds nothing changed and decides nothing writes nothing and calls nothing that
 * mutates. What is written and called, and why, is in docs/tick.md.
 */

import type { Alarm, BrainConfig, Target } from "../core/config/schema.js";
import { budgetOfGroup } from "../core/connections/budgets.js";
import { nativeScaleInAction } from "../core/deciders/coexistence.js";
import { connectionCapOf, readersForBudget, wantedCapacity } from "../core/deciders/connectionBudget.js";
import { readersBeforeFloors } from "../core/deciders/targets.js";
import { decideOnTick, type TickMetrics } from "../core/deciders/tickDecision.js";
import type { Reason } from "../core/engine/decision.js";
import { isoOf } from "../core/engine/instants.js";
import type { Observation } from "../core/engine/observation.js";
import { arriving, initialState, type TargetState } from "../core/engine/targetState.js";
import { type AppliedDecision, type BrainPorts, commitDecision } from "./applyDecision.js";
import { coexist } from "./coexist.js";
import { publishPools, shrinkPoolsFirst } from "./connectionPools.js";
import { alarmValue, metricWindow, policyDatapoints, tickMetricPlan } from "./metricQueries.js";
import { foreignOrigin, type Origin } from "./origin.js";
import type { MetricSource, MetricValues } from "./ports/metrics.js";
import type { NativeScaling } from "./ports/nativeScaling.js";
import type { Parameters } from "./ports/parameters.js";
import { expiredReservations } from "./transact.js";

export type TickPorts = BrainPorts & {
  metrics: MetricSource;
  /** The native policies users keep attached (null: coexistence is not looked after). */
  nativeScaling: NativeScaling | null;
  /** Where pool sizes are published (absent or null: connection budgets publish nothing). */
  parameters?: Parameters | null;
};

export type TickResult = {
  /** One per target (readers first, ACU floors last), each followed by its coexistence change, if any. */
  decisions: AppliedDecision[];
  /** The ids of the decisions that were not recorded (quiet: nothing decided, or held back as before). */
  quiet: string[];
  /** What went wrong without stopping the tick (CloudWatch unavailable, a Describe that failed). */
  problems: string[];
  /** Why the tick was acknowledged without looking at any target (a rule of another account or region). */
  ignored?: { reason: Reason; message: string };
};

/** The EventBridge rule that invoked the tick (its ARN), and the account and region the ARN names. */
export type TickOrigin = Origin & { rule: string };

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export async function handleTick(input: {
  ports: TickPorts;
  config: BrainConfig;
  now: Date;
  /** Unique per invocation (Lambda's request id): part of every decision's id. */
  invocationId: string;
  /** Where the tick comes from, when the event says (absent: the brain's own). */
  origin?: TickOrigin;
}): Promise<TickResult> {
  const { ports, config, now, invocationId, origin } = input;
  const foreign = origin ? foreignOrigin(config, origin) : null;
  if (origin && foreign) {
    const ignored = { reason: foreign.reason, message: `the rule ${origin.rule}: ${foreign.message}` };
    return { decisions: [], quiet: [], problems: [], ignored };
  }
  const { ledger } = ports;
  const at = isoOf(now);
  const problems: string[] = [];
  const { targets, alarmsByName, datapoints } = layoutOf(config);

  // 1. What the ledger holds, before anything is observed: a write after this read makes the
  //    observation of that target untrustworthy for this minute.
  const read = await Promise.all(targets.map((t) => ledger.read(t.id)));
  const before = new Map(targets.map((t, i) => [t.id, read[i] ?? null]));

  // 2. One batch for every series the tick reads.
  const inAlarm = new Set<string>();
  for (const state of read) {
    const alarms = state?.alarms ?? {};
    for (const name of Object.keys(alarms)) {
      const memory = alarms[name];
      if (memory?.state === "ALARM" && !memory.suppressed) inAlarm.add(name);
    }
  }
  const plan = tickMetricPlan(config, inAlarm);
  let values: MetricValues = new Map();
  if (plan.queries.length > 0) {
    try {
      values = await ports.metrics.read({ queries: plan.queries, ...metricWindow(now, plan.windowSeconds) });
    } catch (error) {
      problems.push(`GetMetricData: ${errorText(error)}; every metric reads as missing this minute`);
    }
  }
  const alarmValues: Record<string, number | null> = {};
  for (const name of inAlarm) {
    const alarm = alarmsByName.get(name);
    const periods = alarm && "EvaluationPeriods" in alarm ? alarm.EvaluationPeriods : 1;
    alarmValues[name] = alarmValue(values, plan.alarms[name], periods);
  }

  // 3. Per target: observe, decide, commit.
  const decisions: AppliedDecision[] = [];
  const quiet: string[] = [];
  const readersInFlight = new Map<string, number>();
  // The connection budgets (rule 9): each cluster's readers available, each target's capacity.
  const available = new Map<string, number>();
  const capacities = new Map(targets.map((t) => [t.id, before.get(t.id)?.capacity ?? t.MinCapacity]));
  const capacityOf = (id: string) => capacities.get(id) ?? 0;
  const wantedOf = (id: string) => wantedCapacity(before.get(id) ?? null, capacityOf(id));
  const availableOn = (cluster: string) =>
    available.get(cluster) ?? believedAvailable(config, before, cluster);
  const parameters = ports.parameters ?? null;
  const decisionPorts = parameters
    ? {
        ...ports,
        actuatorFor: (t: Target) =>
          t.kind === "aurora-readers"
            ? shrinkPoolsFirst(ports.actuatorFor(t), t, config, parameters, {
                availableReaders: availableOn(t.DBClusterIdentifier),
                capacityOf,
              })
            : ports.actuatorFor(t),
      }
    : ports;
  for (const target of targets) {
    const stored = before.get(target.id) ?? null;
    const id = `${target.id}:tick@${at}:${invocationId}`;
    let observation: Observation;
    try {
      observation = await ports.actuatorFor(target).observe();
    } catch (error) {
      problems.push(`${target.id}: ${errorText(error)}`);
      decisions.push(unobserved(target, stored, id, at, errorText(error)));
      // Unseen, its readers still count for the buffer as the ledger has them.
      if (target.kind === "aurora-readers") addInFlight(readersInFlight, target.DBClusterIdentifier, stored);
      continue;
    }
    if (observation.kind === "aurora-readers" && target.kind === "aurora-readers")
      available.set(target.DBClusterIdentifier, observation.available);
    const budgetCluster = budgetOfGroup(config, target)?.DBClusterIdentifier;
    const connectionCap = budgetCluster
      ? connectionCapOf(config, target, { availableReaders: availableOn(budgetCluster), capacityOf })
      : undefined;
    const connectionReaders = readersForBudget(config, target, wantedOf);
    const metrics: TickMetrics = {
      policies: Object.fromEntries(
        Object.entries(plan.policies[target.id] ?? {}).map(([name, resolved]) => [
          name,
          policyDatapoints(values, resolved, datapoints),
        ]),
      ),
      alarms: alarmValues,
    };
    const init = () =>
      initialState(target.id, { min: target.MinCapacity, max: target.MaxCapacity }, observation.capacity);
    const expired = stored ? expiredReservations(stored, now) : [];
    const { record, decided } = await commitDecision({
      ports: decisionPorts,
      target,
      now,
      reservationTimeoutSeconds: config.settings.reservationTimeoutSeconds,
      init,
      // Decided on the state read in step 1, without reading it again: a write in between makes the
      // conditional write conflict, and the retry reads.
      state: stored,
      decide: (state) => {
        // Only a state nobody wrote since the first read can be compared with the observation.
        const fresh = stored === null ? state.version === 0 : state.version === stored.version;
        return decideOnTick({
          config,
          target,
          state,
          now,
          decisionId: id,
          observation: fresh ? observation : null,
          expiredReservations: fresh ? expired : [],
          metrics,
          readersInFlight:
            target.kind === "aurora-capacity" ? (readersInFlight.get(target.DBClusterIdentifier) ?? 0) : 0,
          ...(connectionCap !== undefined ? { connectionCap } : {}),
          ...(connectionReaders !== undefined ? { connectionReaders } : {}),
        });
      },
    });
    decisions.push(record);
    if (!decided.act && decided.quiet === true) quiet.push(record.id);
    capacities.set(target.id, decided.next.capacity);
    if (target.kind === "aurora-readers" && decided.next.capacity < availableOn(target.DBClusterIdentifier))
      // Readers scaled in: those removed no longer count.
      available.set(target.DBClusterIdentifier, decided.next.capacity);

    if (target.kind === "aurora-readers") {
      // The readers as their decision left them, what it asked for counted whether AWS made it or
      // refused it (no capacity in the zone, a quota: the tick asks again every minute while the
      // layer still wants them): the buffer of the cluster's ACU floor covers them meanwhile.
      addInFlight(readersInFlight, target.DBClusterIdentifier, decided.next);
    }

    // 4. Coexistence, on the state as the decision left it.
    if (ports.nativeScaling && target.kind !== "aurora-capacity") {
      const acted = record.status === "applied";
      // A suspension on record may end with this very decision (its readers became available).
      const worthLooking =
        acted ||
        (stored !== null &&
          (stored.nativeScaleIn !== undefined || nativeScaleInAction(target, stored, now) !== null));
      if (worthLooking) {
        const coexisted = await coexist(
          ports,
          ports.nativeScaling,
          target,
          now,
          `${target.id}:coexistence@${at}:${invocationId}`,
        );
        if (coexisted.record) decisions.push(coexisted.record);
        if (coexisted.problem) problems.push(coexisted.problem);
      }
    }
  }
  // 5. The pools: each budget's pool sizes and readers signal, written where they changed.
  if (parameters) {
    for (const budget of config.connectionBudgets ?? []) {
      const cluster = budget.DBClusterIdentifier;
      try {
        await publishPools(
          parameters,
          config,
          budget,
          { availableReaders: availableOn(cluster), capacityOf },
          now,
        );
      } catch (error) {
        problems.push(`the pools of ${cluster}: ${errorText(error)}`);
      }
    }
  }
  return { decisions, quiet, problems };
}

/**
 * What the configuration fixes for every tick, worked out once per configuration (a container's
 * life): the targets in decision order, the alarms by name, how many datapoints target tracking reads.
 */
type TickLayout = { targets: Target[]; alarmsByName: Map<string, Alarm>; datapoints: number };

const layouts = new WeakMap<BrainConfig, TickLayout>();

function layoutOf(config: BrainConfig): TickLayout {
  let layout = layouts.get(config);
  if (!layout) {
    const tt = config.settings.targetTracking;
    const alarmsByName = new Map<string, Alarm>();
    // The first of a name, as a search of the list finds it.
    for (const alarm of config.alarms)
      if (!alarmsByName.has(alarm.AlarmName)) alarmsByName.set(alarm.AlarmName, alarm);
    layout = {
      targets: readersBeforeFloors(config.targets),
      alarmsByName,
      datapoints: Math.max(tt.scaleOutDatapoints, tt.scaleInDatapoints),
    };
    layouts.set(config, layout);
  }
  return layout;
}

/** The readers of a cluster the ledger believes available (in service, not in flight): before any observation. */
function believedAvailable(
  config: BrainConfig,
  states: Map<string, TargetState | null>,
  cluster: string,
): number {
  const readers = config.targets.find(
    (t) => t.kind === "aurora-readers" && t.DBClusterIdentifier === cluster,
  );
  const state = readers ? states.get(readers.id) : null;
  return state ? state.capacity - arriving(state.inFlight) : (readers?.MinCapacity ?? 0);
}

/** Counts a readers target's capacity in flight for its cluster. */
function addInFlight(perCluster: Map<string, number>, cluster: string, state: TargetState | null): void {
  perCluster.set(cluster, (perCluster.get(cluster) ?? 0) + arriving(state?.inFlight ?? []));
}

/** A target AWS could not be asked about: nothing decided, nothing written; the next tick tries again. */
function unobserved(
  target: Target,
  stored: TargetState | null,
  id: string,
  at: string,
  error: string,
): AppliedDecision {
  const capacity = stored?.capacity ?? target.MinCapacity;
  return {
    id,
    at,
    target: target.id,
    policy: null,
    from: capacity,
    to: capacity,
    outcome: "none",
    reason: "ObservationFailed",
    blockedBy: null,
    message: `AWS could not be asked for ${target.id}'s capacity: ${error}`,
    status: "failed",
    error,
  };
}
