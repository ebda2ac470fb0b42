/**
 * The `alarm` function's work, behind its thin handler: one alarm state change, checked (account,
 * region, age), then decided and applied for every target whose step policies answer the alarm.
 * An alarm no policy answers, a stale change or one dated in the future, or one not shown to come
 * from the brain's account, region and CloudWatch (origin.ts) is acknowledged with its reason and
 * touches neither the ledger nor AWS. A change that passes is claimed first, on its own ledger item
 * (docs/ledger.md, "The state change's claim"): of its deliveries (SNS, EventBridge, Lambda's
 * retries) the one that claims it decides for every target, the others are duplicates.
 */

import type { BrainConfig, Target } from "../core/config/schema.js";
import { budgetOfCluster, budgetOfGroup } from "../core/connections/budgets.js";
import {
  type AlarmSignal,
  decideOnAlarm,
  eventTimeRefusal,
  targetsAnswering,
} from "../core/deciders/alarmDecision.js";
import {
  type BudgetView,
  connectionCapOf,
  readersForBudget,
  wantedCapacity,
} from "../core/deciders/connectionBudget.js";
import { dueInFlight, settleInFlight } from "../core/deciders/inFlight.js";
import { initialStateAt } from "../core/deciders/scheduleDecision.js";
import { readersBeforeFloors } from "../core/deciders/targets.js";
import { decideVerticalBuffer, verticalBuffer } from "../core/deciders/verticalBuffer.js";
import type { Decided } from "../core/engine/decided.js";
import type { Reason } from "../core/engine/decision.js";
import { arriving, stateChangeKey, type TargetState } from "../core/engine/targetState.js";
import {
  type AppliedDecision,
  type BrainPorts,
  type CommittedDecision,
  commitDecision,
} from "./applyDecision.js";
import { coexist } from "./coexist.js";
import { shrinkPoolsFirst } from "./connectionPools.js";
import { foreignOrigin, type Origin } from "./origin.js";
import type { Ledger } from "./ports/ledger.js";
import type { NativeScaling } from "./ports/nativeScaling.js";
import type { Parameters as ParameterStore } from "./ports/parameters.js";

/** A state change the brain answers without a target: why it did nothing. */
export type Acknowledgement = {
  at: string;
  target: null;
  alarm: string;
  outcome: "ignored";
  reason: Reason;
  message: string;
};

export type AlarmChange = AlarmSignal & Origin;

export type AlarmResult = AppliedDecision | Acknowledgement;

/** The alarm function's ports: the native policies are looked after when they are given. */
export type AlarmPorts = BrainPorts & {
  nativeScaling?: NativeScaling | null;
  /** Where pool sizes are published: a readers' scale-in shrinks them first (rule 9 of docs/rules.md). */
  parameters?: ParameterStore | null;
};

const scaledOut = (record: AppliedDecision) => record.status === "applied" && record.outcome === "scale-out";

/**
 * A scale-out starts the brain's cooldown: native scale-in is switched off now, not at the next
 * tick, which may come after a short cooldown has ended (coexistence.ts). Decided on the state the
 * scale-out's outcome wrote, with no read after the AWS call (docs/ledger.md).
 */
async function coexistWith(
  ports: AlarmPorts,
  target: Target,
  now: Date,
  trigger: string,
  invocationId: string,
  state: TargetState,
): Promise<AppliedDecision[]> {
  if (!ports.nativeScaling || target.kind === "aurora-capacity") return [];
  // A call that failed before touching anything is not recorded: the next tick finds the cooldown
  // and no suspension on record, and tries again.
  const { record } = await coexist(
    ports,
    ports.nativeScaling,
    target,
    now,
    `${target.id}:coexistence@${trigger}:${invocationId}`,
    state,
  );
  return record ? [record] : [];
}

/**
 * The readers a state change already added, as the target's state holds them: a retry that finds
 * the readers' change done still raises the floor for them (whichever delivery reaches it).
 */
const addedBy = (state: TargetState, decisionPrefix: string): number =>
  state.inFlight
    .filter((c) => c.delta > 0 && c.decisionId.startsWith(decisionPrefix))
    .reduce((sum, c) => sum + c.delta, 0);

/**
 * What is checked of a state change before the ledger is touched (pure): its origin, its age, and
 * the targets whose policies answer it; and its key in the ledger (its claim's).
 */
export function admitChange(
  config: BrainConfig,
  change: AlarmChange,
  now: Date,
): { refused: { reason: Reason; message: string } } | { targets: Target[]; trigger: string } {
  const foreign = foreignOrigin(config, change);
  if (foreign) return { refused: foreign };
  const untimely = eventTimeRefusal(config.settings, change.stateChangedAt, now);
  if (untimely) return { refused: untimely };
  const targets = targetsAnswering(config, change.alarmName);
  if (targets.length === 0) {
    return {
      refused: {
        reason: "NoPolicyForAlarm",
        message: `no step policy lists ${change.alarmName} in its Alarms`,
      },
    };
  }
  return { targets, trigger: stateChangeKey(change.alarmName, change.stateChangedAt) };
}

export async function handleAlarmChange(input: {
  ports: AlarmPorts;
  config: BrainConfig;
  change: AlarmChange;
  now: Date;
  /** Unique per invocation (Lambda's request id): part of every decision's id. */
  invocationId: string;
  /** The capacity of a target the ledger has never seen (asked of AWS by the caller). */
  initialCapacity: (target: Target) => Promise<number>;
}): Promise<AlarmResult[]> {
  const { config, change, now } = input;
  const ack = (reason: Reason, message: string): AlarmResult[] => [
    { at: now.toISOString(), target: null, alarm: change.alarmName, outcome: "ignored", reason, message },
  ];

  const admitted = admitChange(config, change, now);
  if ("refused" in admitted) return ack(admitted.refused.reason, admitted.refused.message);
  const { targets, trigger } = admitted;
  const { ledger } = input.ports;
  const claimed = await ledger.claimStateChange({
    key: trigger,
    owner: input.invocationId,
    now,
    inProgressUntil: new Date(now.getTime() + config.settings.reservationTimeoutSeconds * 1000),
    keepUntil: new Date(Date.parse(change.stateChangedAt) + config.settings.maxEventAgeSeconds * 1000),
  });
  // Rule 6 (docs/rules.md): a twin (SNS and EventBridge) or a retry of a delivery that is
  // handling, or has handled, this change: acknowledged without touching any target's state.
  if (!claimed) {
    return ack("DuplicateStateChange", `${trigger} is handled by another delivery of the same state change`);
  }
  try {
    const results = await decideAndApply(input, targets, trigger);
    await ledger.settleStateChange(trigger, input.invocationId, "completed");
    return results;
  } catch (error) {
    // Lambda retries the invocation, or a twin takes the change over: each target's remembered
    // changes tell what is already done. Should the release fail too, the retry (same request id)
    // or the claim's expiry takes it over.
    await ledger.settleStateChange(trigger, input.invocationId, "released").catch(() => undefined);
    throw error;
  }
}

/** The claimed state change, decided and applied target by target: readers before their floors. */
async function decideAndApply(
  input: Parameters<typeof handleAlarmChange>[0],
  targets: readonly Target[],
  trigger: string,
): Promise<AlarmResult[]> {
  const { config, change, now } = input;
  const results: AlarmResult[] = [];
  /** Per cluster, the readers this state change added (or asked for, and AWS refused). */
  const readersAdded = new Map<string, number>();
  const commit = async (
    target: Target,
    decide: (state: TargetState, id: string, budget: LedgerBudgetView | null) => Decided,
  ): Promise<CommittedDecision> => {
    const existing = await input.ports.ledger.read(target.id);
    // A target in a connection budget reads its budget's other tiers too (rule 9).
    const budget = await budgetViewFromLedger(input.ports.ledger, config, target, existing);
    // A target never seen (or created by an operator's pause) learns its capacity from AWS first.
    const observedCapacity = !existing || existing.unobserved ? await input.initialCapacity(target) : null;
    // A target never seen starts with the bounds its scheduled actions leave in force (rule 5 of docs/rules.md).
    const fresh = () => initialStateAt(config, target, now, observedCapacity ?? target.MinCapacity);
    const observe = (state: TargetState): TargetState => {
      if (!state.unobserved || observedCapacity === null) return state;
      const { unobserved: _, ...observed } = state;
      return { ...observed, capacity: observedCapacity };
    };
    // Readers whose provisioning time has passed: one Describe call tells whether they are in service.
    const observation =
      existing && dueInFlight(existing, now).length > 0
        ? await input.ports.actuatorFor(target).observe()
        : null;
    const parameters = input.ports.parameters ?? null;
    return commitDecision({
      ports:
        parameters && budget && target.kind === "aurora-readers"
          ? {
              ...input.ports,
              actuatorFor: (t) => shrinkPoolsFirst(input.ports.actuatorFor(t), t, config, parameters, budget),
            }
          : input.ports,
      target,
      now,
      reservationTimeoutSeconds: config.settings.reservationTimeoutSeconds,
      init: fresh,
      // The state just read: one read per decision (docs/ledger.md); a conflict re-reads.
      state: existing,
      decide: (stored) =>
        decide(
          observation ? settleInFlight(observe(stored), observation, now) : observe(stored),
          `${target.id}:${trigger}:${input.invocationId}`,
          budget,
        ),
    });
  };

  for (const target of readersBeforeFloors(targets)) {
    const added = target.kind === "aurora-capacity" ? (readersAdded.get(target.DBClusterIdentifier) ?? 0) : 0;
    const { record, decided, state } = await commit(target, (state, decisionId, budget) => ({
      ...decideOnAlarm({
        config,
        target,
        state,
        signal: change,
        now,
        decisionId,
        // One decision for the floor: its own step policy and the buffer, the larger wins.
        alsoProposed:
          added > 0 ? verticalBuffer({ config, target, state, readersInFlight: added }, []).proposals : [],
        ...connectionLimits(config, target, budget),
      }),
      trigger,
    }));
    const asked =
      decided.act && decided.decision.outcome === "scale-out"
        ? decided.decision.to - decided.decision.from
        : decided.decision.reason === "DuplicateStateChange"
          ? addedBy(decided.next, `${target.id}:${trigger}:`)
          : 0;
    results.push(record);
    if (target.kind === "aurora-readers" && asked > 0) {
      // Readers asked for, whether AWS created them or refused them (the tick asks again): the
      // floor covers them meanwhile.
      readersAdded.set(
        target.DBClusterIdentifier,
        (readersAdded.get(target.DBClusterIdentifier) ?? 0) + asked,
      );
    }
    if (scaledOut(record))
      results.push(...(await coexistWith(input.ports, target, now, trigger, input.invocationId, state)));
  }

  // The floors of those clusters that do not answer the alarm: the buffer at once, not a minute later.
  const answering = new Set(targets.map((t) => t.id));
  for (const floor of config.targets) {
    if (floor.kind !== "aurora-capacity" || answering.has(floor.id)) continue;
    const added = readersAdded.get(floor.DBClusterIdentifier) ?? 0;
    if (added === 0) continue;
    const { record } = await commit(floor, (state, decisionId) =>
      decideVerticalBuffer({
        config,
        target: floor,
        state,
        readersInFlight: added,
        now,
        decisionId,
        trigger,
      }),
    );
    if (record.outcome !== "none") results.push(record);
  }
  return results;
}

/** What the ledger has of a target's connection budget: the readers available, the groups' capacities and wants. */
type LedgerBudgetView = BudgetView & { wantedOf: (group: string) => number };

/**
 * The connection budget `target` is part of (as its cluster's readers, or as one of its groups),
 * as the ledger has it; null without one. The target's own state is the one just read.
 */
async function budgetViewFromLedger(
  ledger: Ledger,
  config: BrainConfig,
  target: Target,
  own: TargetState | null,
): Promise<LedgerBudgetView | null> {
  const budget =
    target.kind === "aurora-readers"
      ? budgetOfCluster(config, target.DBClusterIdentifier)
      : budgetOfGroup(config, target);
  if (!budget) return null;
  const readers = config.targets.find(
    (t) => t.kind === "aurora-readers" && t.DBClusterIdentifier === budget.DBClusterIdentifier,
  );
  const stateOf = (id: string) => (id === target.id ? Promise.resolve(own) : ledger.read(id));
  const [readersState, ...groupStates] = await Promise.all([
    readers ? stateOf(readers.id) : Promise.resolve(null),
    ...budget.groups.map((g) => stateOf(g.target)),
  ]);
  // A group the ledger has not seen yet is at its MinCapacity, as far as the brain knows.
  const capacities = new Map(
    budget.groups.map((g, i) => [g.target, groupStates[i]?.capacity ?? minOf(config, g.target)]),
  );
  const wanted = new Map(
    budget.groups.map((g, i) => [g.target, wantedCapacity(groupStates[i] ?? null, minOf(config, g.target))]),
  );
  return {
    availableReaders: readersState
      ? readersState.capacity - arriving(readersState.inFlight)
      : (readers?.MinCapacity ?? 0),
    capacityOf: (id) => capacities.get(id) ?? 0,
    wantedOf: (id) => wanted.get(id) ?? 0,
  };
}

/** What the budget allows a group, and the readers it asks of its cluster (rule 9, docs/rules.md). */
function connectionLimits(
  config: BrainConfig,
  target: Target,
  budget: LedgerBudgetView | null,
): { connectionCap?: number; connectionReaders?: number } {
  if (!budget) return {};
  const connectionCap = connectionCapOf(config, target, budget);
  const connectionReaders = readersForBudget(config, target, budget.wantedOf);
  return {
    ...(connectionCap !== undefined ? { connectionCap } : {}),
    ...(connectionReaders !== undefined ? { connectionReaders } : {}),
  };
}

const minOf = (config: BrainConfig, id: string) => config.targets.find((t) => t.id === id)?.MinCapacity ?? 0;
