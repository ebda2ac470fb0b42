/**
 * Publishes each connection budget's pool sizes and readers signal through the parameter port
 * (core/connections/parameters.ts names them), writing only what changed; and shrinks the pools
 * before readers go: a readers' scale-in publishes the smaller pools first, then removes them.
 */
import type { ConnectionBudget } from "../core/config/connectionsSchema.js";
import type { BrainConfig, Target } from "../core/config/schema.js";
import { budgetOfCluster, demandOf, resolveBudget } from "../core/connections/budgets.js";
import { clusterBudget } from "../core/connections/clusterBudget.js";
import {
  parameterChanges,
  poolSizeParameter,
  readersParameter,
  type WantedParameter,
} from "../core/connections/parameters.js";
import { poolSizes } from "../core/connections/poolSizes.js";
import type { BudgetView } from "../core/deciders/connectionBudget.js";
import type { Actuator } from "./ports/actuator.js";
import type { Parameters } from "./ports/parameters.js";

/** Writes the budget's parameters whose value changes; returns what it wrote. */
export async function publishPools(
  parameters: Parameters,
  config: BrainConfig,
  budget: ConnectionBudget,
  view: BudgetView,
  now: Date,
): Promise<WantedParameter[]> {
  const { perReader } = resolveBudget(config, budget);
  if (!perReader) return [];
  const cluster = budget.DBClusterIdentifier;
  const groups = budget.groups.map((g) => demandOf(g, view.capacityOf(g.target)));
  const pools = poolSizes(clusterBudget(perReader, view.availableReaders), groups);
  const current = await parameters.read([
    ...budget.groups.map((g) => poolSizeParameter(cluster, g.target)),
    readersParameter(cluster),
  ]);
  const changes = parameterChanges({ cluster, pools, availableReaders: view.availableReaders, now, current });
  for (const change of changes) await parameters.write(change);
  return changes;
}

/**
 * A readers target's actuator whose scale-in first publishes the pools for the readers that stay
 * (at most `view.availableReaders`), so that the application closes connections before the
 * readers holding them go.
 */
export function shrinkPoolsFirst(
  actuator: Actuator,
  target: Target,
  config: BrainConfig,
  parameters: Parameters,
  view: BudgetView,
): Actuator {
  const budget =
    target.kind === "aurora-readers" ? budgetOfCluster(config, target.DBClusterIdentifier) : null;
  if (!budget) return actuator;
  return {
    observe: () => actuator.observe(),
    apply: async (change) => {
      if (change.to < change.from) {
        const staying = Math.min(view.availableReaders, change.to);
        await publishPools(parameters, config, budget, { ...view, availableReaders: staying }, change.at);
      }
      return actuator.apply(change);
    },
  };
}
