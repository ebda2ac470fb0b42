/**
 * Pool sizes from a cluster's connection budget (clusterBudget.ts): how many connections each
 * instance of each application group may keep open, recomputed for any group capacity and any
 * number of available readers; the largest capacity a group may scale out to within the budget;
 * and the readers a wanted capacity needs. Pure.
 *
 * Each group declares the pool an instance wants (`maxPoolSize`) and the smallest it still works
 * with (`minPoolSize`). On one channel (the proxy, or the reader endpoint), while every instance's
 * wanted pool fits, each gets it; past that, every group's pools shrink in the same proportion,
 * never under 1. The budget is exceeded when the minimum pools no longer fit: that is what holds
 * a group's scale-out (tier ordering, rule 9 of docs/rules.md).
 */
import type { ClusterBudget, ReaderBudget } from "./clusterBudget.js";
import { clusterBudget } from "./clusterBudget.js";

export type Channel = "proxy" | "direct";

export type GroupDemand = {
  /** The group's target id. */
  target: string;
  channel: Channel;
  /** The group's instances (its capacity). */
  capacity: number;
  maxPoolSize: number;
  minPoolSize: number;
};

export type PoolSize = {
  target: string;
  /** Connections one instance of the group may keep open. */
  poolSize: number;
  /** Whether even the minimum pools do not fit the budget (readers were lost). */
  overBudget: boolean;
};

const limitOf = (budget: ClusterBudget, channel: Channel) =>
  channel === "proxy" ? budget.proxy : budget.direct;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Each group's pool size per instance on the budget. */
export function poolSizes(budget: ClusterBudget, groups: readonly GroupDemand[]): PoolSize[] {
  return groups.map((group) => {
    const sharing = groups.filter((g) => g.channel === group.channel);
    const limit = limitOf(budget, group.channel);
    const wanted = sum(sharing.map((g) => g.capacity * g.maxPoolSize));
    const minimum = sum(sharing.map((g) => g.capacity * g.minPoolSize));
    const poolSize =
      wanted <= limit
        ? group.maxPoolSize
        : Math.max(1, Math.floor((group.maxPoolSize * limit) / Math.max(wanted, 1)));
    return { target: group.target, poolSize, overBudget: minimum > limit };
  });
}

/**
 * The largest capacity `target` may have with the others at theirs, so that every instance on its
 * channel keeps at least its minimum pool (never less than 0).
 */
export function capacityWithinBudget(
  budget: ClusterBudget,
  groups: readonly GroupDemand[],
  target: string,
): number {
  const group = groups.find((g) => g.target === target);
  if (!group) return Number.POSITIVE_INFINITY;
  const others = sum(
    groups
      .filter((g) => g.channel === group.channel && g.target !== target)
      .map((g) => g.capacity * g.minPoolSize),
  );
  return Math.max(0, Math.floor((limitOf(budget, group.channel) - others) / group.minPoolSize));
}

/**
 * The fewest available readers under which every group at its capacity keeps its minimum pools,
 * or null when no number up to `maxReaders` does.
 */
export function readersNeeded(
  perReader: ReaderBudget,
  groups: readonly GroupDemand[],
  maxReaders: number,
): number | null {
  for (let n = 0; n <= maxReaders; n++) {
    const budget = clusterBudget(perReader, n);
    if (poolSizes(budget, groups).every((p) => !p.overBudget)) return n;
  }
  return null;
}
