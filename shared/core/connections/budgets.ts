/**
 * A configured connection budget (config `connectionBudgets`) read against the rest of the
 * configuration: the cluster's readers target, the `max_connections` each reader counts for, its
 * budget by channel, and each group's demand at a given capacity. Pure.
 */
import type { ConnectingGroup, ConnectionBudget } from "../config/connectionsSchema.js";
import type { AuroraCapacityTarget, AuroraReadersTarget, BrainConfig, Target } from "../config/schema.js";
import { type ReaderBudget, readerBudget } from "./clusterBudget.js";
import { budgetedServerlessMaxConnections, maxConnectionsOf, SERVERLESS_CLASS } from "./maxConnections.js";
import type { GroupDemand } from "./poolSizes.js";

export type ResolvedBudget = {
  budget: ConnectionBudget;
  /** The aurora-readers target of the cluster, if the configuration has one. */
  readers: AuroraReadersTarget | null;
  /** The readers' class the budget derives from. */
  instanceClass: string;
  /** `max_connections` of one reader, or null where it cannot be derived (the configuration must say it). */
  maxConnections: number | null;
  /** The budget of one available reader, or null without max_connections. */
  perReader: ReaderBudget | null;
};

export function resolveBudget(config: BrainConfig, budget: ConnectionBudget): ResolvedBudget {
  const cluster = budget.DBClusterIdentifier;
  const readers =
    config.targets.find(
      (t): t is AuroraReadersTarget => t.kind === "aurora-readers" && t.DBClusterIdentifier === cluster,
    ) ?? null;
  const floor = config.targets.find(
    (t): t is AuroraCapacityTarget => t.kind === "aurora-capacity" && t.DBClusterIdentifier === cluster,
  );
  const instanceClass = budget.DBInstanceClass ?? readers?.DBInstanceClass ?? SERVERLESS_CLASS;
  const range = budget.ServerlessV2ScalingConfiguration;
  let maxConnections: number | null;
  if (budget.MaxConnections !== undefined) maxConnections = budget.MaxConnections;
  else if (instanceClass === SERVERLESS_CLASS && range === undefined && floor)
    // The brain moves the floor itself: every reader counts at the lowest floor it may set.
    maxConnections = budgetedServerlessMaxConnections(floor.MinCapacity, floor.AcuMaximum);
  else
    maxConnections = maxConnectionsOf({
      DBInstanceClass: instanceClass,
      ...(range ? { acuRange: range } : {}),
    });
  const perReader =
    maxConnections === null
      ? null
      : readerBudget({
          maxConnections,
          reserve: budget.ReservedConnections,
          proxyPercent: budget.DBProxy
            ? budget.DBProxy.ConnectionPoolConfiguration.MaxConnectionsPercent
            : null,
        });
  return { budget, readers, instanceClass, maxConnections, perReader };
}

/** A group's demand on its channel at a capacity. */
export const demandOf = (group: ConnectingGroup, capacity: number): GroupDemand => ({
  target: group.target,
  channel: group.via === "proxy" ? "proxy" : "direct",
  capacity,
  maxPoolSize: group.maxPoolSize,
  minPoolSize: group.minPoolSize ?? group.maxPoolSize,
});

/** The budget a group connects through, if any. */
export function budgetOfGroup(config: BrainConfig, target: Target | string): ConnectionBudget | null {
  const id = typeof target === "string" ? target : target.id;
  return config.connectionBudgets?.find((b) => b.groups.some((g) => g.target === id)) ?? null;
}

/** The budget of a readers target's cluster, if any. */
export function budgetOfCluster(config: BrainConfig, cluster: string): ConnectionBudget | null {
  return config.connectionBudgets?.find((b) => b.DBClusterIdentifier === cluster) ?? null;
}
