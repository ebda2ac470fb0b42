/**
 * Tiers in order (rule 9, docs/rules.md), as the tick and the alarm function apply it. Pure.
 * - A group that connects to a budgeted cluster scales out only as far as the connection budget
 *   allows with the readers available now (connectionCapOf → coordinate's step 2b).
 * - The cluster's readers are asked for the room the groups want: the fewest readers under which
 *   every group, at the capacity it has or wanted (TargetState.connectionWant), keeps its minimum
 *   pools (connectionReadersLayer); nothing scales the readers in below that.
 */

import type { BrainConfig, Target } from "../config/schema.js";
import { budgetOfCluster, budgetOfGroup, demandOf, resolveBudget } from "../connections/budgets.js";
import { clusterBudget } from "../connections/clusterBudget.js";
import { capacityWithinBudget, readersNeeded } from "../connections/poolSizes.js";
import { CONNECTION_BUDGET } from "../coordination/connectionBudget.js";
import type { Abstention, Proposal } from "../engine/decision.js";
import type { TargetState } from "../engine/targetState.js";

/** What the deciders know of a cluster and its groups at the moment of a decision. */
export type BudgetView = {
  /** Readers `available` on the cluster (provisioning ones do not count). */
  availableReaders: number;
  /** Each group's capacity (target id → instances), as the ledger or AWS shows it. */
  capacityOf: (target: string) => number;
};

/** The largest capacity the budget allows `target` (an asg), or undefined when no budget limits it. */
export function connectionCapOf(config: BrainConfig, target: Target, view: BudgetView): number | undefined {
  if (target.kind !== "asg") return undefined;
  const budget = budgetOfGroup(config, target);
  if (!budget) return undefined;
  const { perReader } = resolveBudget(config, budget);
  if (!perReader) return undefined;
  const groups = budget.groups.map((g) => demandOf(g, view.capacityOf(g.target)));
  return capacityWithinBudget(clusterBudget(perReader, view.availableReaders), groups, target.id);
}

/**
 * The readers a readers target's cluster needs for its groups' wanted capacities (the target's
 * MaxCapacity when no number of readers will do), or undefined without a budget.
 */
export function readersForBudget(
  config: BrainConfig,
  target: Target,
  wantedCapacityOf: (target: string) => number,
): number | undefined {
  if (target.kind !== "aurora-readers") return undefined;
  const budget = budgetOfCluster(config, target.DBClusterIdentifier);
  if (!budget) return undefined;
  const { perReader } = resolveBudget(config, budget);
  if (!perReader) return undefined;
  const max = Math.min(target.MaxCapacity, 15);
  const groups = budget.groups.map((g) => demandOf(g, wantedCapacityOf(g.target)));
  return readersNeeded(perReader, groups, max) ?? max;
}

/** The capacity a group wants, from its state: what it has, or what the budget held back. */
export const wantedCapacity = (state: TargetState | null, fallback: number): number =>
  Math.max(state?.capacity ?? fallback, state?.connectionWant?.capacity ?? 0);

/**
 * The readers' connection-budget layer: a scale-out to the readers the groups need, and no
 * scale-in below them (a layer's scale-in is raised to them, or dropped with its reason).
 */
export function connectionReadersLayer(
  needed: number,
  state: TargetState,
  proposals: readonly Proposal[],
): { proposals: Proposal[]; abstentions: Abstention[] } {
  const abstentions: Abstention[] = [];
  const kept: Proposal[] = [];
  for (const p of proposals) {
    if (p.direction === "in" && p.desired < needed) {
      if (needed < state.capacity)
        kept.push({
          ...p,
          desired: needed,
          message: `${p.message}; the connection budget keeps ${needed} reader(s)`,
        });
      else
        abstentions.push({
          layer: p.layer,
          kind: p.kind,
          reason: "ConnectionBudget",
          message: `no scale-in under the ${needed} reader(s) the application's connections need (${p.message})`,
        });
    } else kept.push(p);
  }
  if (needed > state.capacity)
    kept.push({
      layer: CONNECTION_BUDGET,
      kind: "buffer",
      direction: "out",
      desired: needed,
      reason: "ConnectionBudget",
      message: `the application's groups need ${needed} reader(s) for their connections (${state.capacity} now)`,
      cooldownSeconds: 0,
    });
  return { proposals: kept, abstentions };
}
