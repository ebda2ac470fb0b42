/**
 * The rules of the `connectionBudgets` section against the rest of the configuration: a cluster
 * with readers the brain scales, groups that exist as `asg` targets and connect once, a proxy for
 * the groups that go through one, a max_connections that can be derived, and a reserve and
 * pools that leave room.
 */

import { demandOf, resolveBudget } from "../../connections/budgets.js";
import { clusterBudget } from "../../connections/clusterBudget.js";
import { poolSizes } from "../../connections/poolSizes.js";
import type { Problem } from "../../errors.js";
import { errorAt, warningAt } from "../../problems.js";
import type { BrainConfig } from "../schema.js";

export function checkConnectionBudgets(config: BrainConfig): Problem[] {
  const budgets = config.connectionBudgets ?? [];
  const problems: Problem[] = [];
  const clusters = new Set<string>();
  const connected = new Map<string, string>();
  budgets.forEach((budget, b) => {
    const path = ["connectionBudgets", b];
    const cluster = budget.DBClusterIdentifier;
    if (clusters.has(cluster))
      problems.push(errorAt([...path, "DBClusterIdentifier"], `another budget is already for "${cluster}"`));
    clusters.add(cluster);
    const resolved = resolveBudget(config, budget);
    if (!resolved.readers) {
      problems.push(
        errorAt(
          [...path, "DBClusterIdentifier"],
          `no aurora-readers target scales the readers of "${cluster}": the budget counts the readers the brain scales`,
        ),
      );
    }
    const pool = budget.DBProxy?.ConnectionPoolConfiguration;
    if (
      pool?.MaxIdleConnectionsPercent !== undefined &&
      pool.MaxIdleConnectionsPercent > pool.MaxConnectionsPercent
    ) {
      problems.push(
        errorAt(
          [...path, "DBProxy", "ConnectionPoolConfiguration", "MaxIdleConnectionsPercent"],
          `${pool.MaxIdleConnectionsPercent} is above MaxConnectionsPercent (${pool.MaxConnectionsPercent}): AWS takes 0 to MaxConnectionsPercent`,
        ),
      );
    }
    budget.groups.forEach((group, g) => {
      const gpath = [...path, "groups", g];
      const target = config.targets.find((t) => t.id === group.target);
      if (!target) problems.push(errorAt([...gpath, "target"], `no target has the id "${group.target}"`));
      else if (target.kind !== "asg")
        problems.push(
          errorAt(
            [...gpath, "target"],
            `"${group.target}" is an ${target.kind} target: only asg groups open connections`,
          ),
        );
      const first = connected.get(group.target);
      if (first !== undefined)
        problems.push(errorAt([...gpath, "target"], `"${group.target}" already connects to ${first}`));
      else connected.set(group.target, cluster);
      if (group.via === "proxy" && !budget.DBProxy)
        problems.push(
          errorAt([...gpath, "via"], `the group goes through a proxy, and the budget has no DBProxy`),
        );
      if (group.minPoolSize !== undefined && group.minPoolSize > group.maxPoolSize)
        problems.push(
          errorAt(
            [...gpath, "minPoolSize"],
            `${group.minPoolSize} is above maxPoolSize (${group.maxPoolSize})`,
          ),
        );
    });
    const { maxConnections, perReader } = resolved;
    if (maxConnections === null) {
      problems.push(
        errorAt(
          path,
          `max_connections of ${resolved.instanceClass} readers cannot be derived: say "MaxConnections" (the parameter group's value)${resolved.instanceClass === "db.serverless" ? ' or "ServerlessV2ScalingConfiguration"' : ""}`,
        ),
      );
      return;
    }
    if (budget.ReservedConnections >= maxConnections) {
      problems.push(
        errorAt(
          [...path, "ReservedConnections"],
          `${budget.ReservedConnections} reserved leaves no room in a reader's ${maxConnections} connections`,
        ),
      );
      return;
    }
    if (budget.ReservedConnections < 3)
      problems.push(
        warningAt(
          [...path, "ReservedConnections"],
          "AWS asks for at least 3 connections beyond the application's, for its own automation",
        ),
      );
    if (!perReader || !resolved.readers) return;
    // The groups at their MinCapacity must fit the readers at theirs: the brain cannot hold a
    // group under its MinCapacity.
    const readers = resolved.readers;
    const atMin = budget.groups.flatMap((group) => {
      const target = config.targets.find((t) => t.id === group.target);
      return target ? [demandOf(group, target.MinCapacity)] : [];
    });
    const atReadersMax = clusterBudget(perReader, Math.min(readers.MaxCapacity, 15));
    const over = poolSizes(atReadersMax, atMin).filter((p) => p.overBudget);
    for (const p of over) {
      const g = budget.groups.findIndex((group) => group.target === p.target);
      problems.push(
        errorAt(
          [...path, "groups", g],
          `"${p.target}" at its MinCapacity does not fit the budget even with ${readers.MaxCapacity} readers of ${maxConnections} connections: lower its minPoolSize, or allow more readers`,
        ),
      );
    }
  });
  return problems;
}
