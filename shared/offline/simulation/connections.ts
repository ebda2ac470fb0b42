/**
 * The database's connections in replay (README, "The connection budget"; docs/replay.md): each
 * budgeted cluster's readers and RDS Proxy as they take and refuse the application's pools.
 *
 * - Every group instance in service holds a pool of fixed size (HikariCP's default: minimumIdle =
 *   maximumPoolSize): the size the brain published (`pool-size`), else the group's `maxPoolSize`;
 *   the native baseline has no brain, so its pools are `maxPoolSize` always.
 * - A new connection goes where the reader endpoint's DNS sends it: round-robin over the readers
 *   `available` when it opens. It stays on that reader (connections are long-lived) until its pool
 *   shrinks, its reader goes, or its pool recycles on the readers signal (a new `since`): then all
 *   its connections close and reopen, spread over the readers available then, new ones included.
 * - A reader takes at most `max_connections` less the reserve, which administration holds; through
 *   RDS Proxy, at most MaxConnectionsPercent of `max_connections` (its share). A connection that
 *   finds its reader full, or the proxy's share used, is refused; its pool asks again the next minute.
 * `refused` counts refused connection attempts: one per connection wanted and refused, each minute.
 */
import type { ConnectionBudget } from "../../core/config/connectionsSchema.js";
import type { BrainConfig } from "../../core/config/schema.js";
import { resolveBudget } from "../../core/connections/budgets.js";
import { poolSizeParameter, readersParameter, readersSignalOf } from "../../core/connections/parameters.js";

/** What the model reads of the simulated targets and the parameters each minute. */
export type ConnectionsView = {
  availableReaders(cluster: string): string[];
  inService(targetId: string): number;
  /** A parameter's value (coordinated mode: what the brain published); undefined: never written. */
  parameter?(name: string): string | undefined;
};

/** One cluster in one minute. */
export type ConnectionsSample = {
  at: number;
  /** Connections open, on every reader and through the proxy. */
  open: number;
  /**
   * What the available readers allow the groups: the proxy's share where a group goes through it,
   * plus the rest of `max_connections` less the reserve where a group connects directly.
   */
  budget: number;
  /** Connection attempts refused this minute. */
  refused: number;
  /** Connections open per reader. */
  perReader: Record<string, number>;
};

type Channel = "proxy" | "direct";

class ClusterConnections {
  private readonly placed: Record<Channel, Map<string, number>> = { proxy: new Map(), direct: new Map() };
  private cursor = 0;
  private since: string | null = null;
  refused = 0;
  readonly samples: ConnectionsSample[] = [];
  private readonly maxConnections: number;
  private readonly proxyShare: number;
  private readonly usable: number;

  constructor(
    private readonly budget: ConnectionBudget,
    config: BrainConfig,
    private readonly brain: boolean,
  ) {
    const { maxConnections, perReader } = resolveBudget(config, budget);
    this.maxConnections = maxConnections ?? 0;
    this.proxyShare = perReader?.proxy ?? 0;
    this.usable = Math.max(0, this.maxConnections - budget.ReservedConnections);
  }

  minute(at: number, view: ConnectionsView): void {
    const cluster = this.budget.DBClusterIdentifier;
    const readers = view.availableReaders(cluster);
    // Connections on readers that went are gone.
    for (const channel of ["proxy", "direct"] as const)
      for (const reader of [...this.placed[channel].keys()])
        if (!readers.includes(reader)) this.placed[channel].delete(reader);
    // The readers signal: a new `since` recycles every pool.
    if (this.brain) {
      const signal = readersSignalOf(view.parameter?.(readersParameter(cluster)));
      if (signal && signal.since !== this.since) {
        if (this.since !== null)
          for (const channel of ["proxy", "direct"] as const) this.placed[channel].clear();
        this.since = signal.since;
      }
    }
    let refused = 0;
    for (const channel of ["proxy", "direct"] as const) {
      const wanted = this.wanted(channel, view);
      const placed = this.placed[channel];
      let open = sum(placed.values());
      // Pools that shrank close connections, the busiest readers' first.
      while (open > wanted) {
        const busiest = [...placed.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
        placed.set(busiest[0], busiest[1] - 1);
        open--;
      }
      for (let attempt = open; attempt < wanted; attempt++) {
        if (readers.length === 0) {
          refused++;
          continue;
        }
        const reader = readers[this.cursor++ % readers.length] as string;
        const on = placed.get(reader) ?? 0;
        const room =
          channel === "proxy"
            ? this.proxyShare - on
            : this.usable - on - (this.placed.proxy.get(reader) ?? 0);
        if (room > 0) placed.set(reader, on + 1);
        else refused++;
      }
    }
    this.refused += refused;
    const perReader: Record<string, number> = {};
    for (const reader of readers)
      perReader[reader] = (this.placed.proxy.get(reader) ?? 0) + (this.placed.direct.get(reader) ?? 0);
    this.samples.push({
      at,
      open: sum(Object.values(perReader)),
      budget: readers.length * this.perReaderBudget(),
      refused,
      perReader,
    });
  }

  private perReaderBudget(): number {
    const via = new Set(this.budget.groups.map((g) => g.via));
    return (
      (via.has("proxy") ? this.proxyShare : 0) +
      (via.has("reader-endpoint") ? this.usable - this.proxyShare : 0)
    );
  }

  /** The connections the channel's pools want: each instance in service holds its pool. */
  private wanted(channel: Channel, view: ConnectionsView): number {
    let wanted = 0;
    for (const group of this.budget.groups) {
      if ((group.via === "proxy" ? "proxy" : "direct") !== channel) continue;
      const published = this.brain
        ? view.parameter?.(poolSizeParameter(this.budget.DBClusterIdentifier, group.target))
        : undefined;
      const pool = published !== undefined ? Number(published) : group.maxPoolSize;
      wanted += view.inService(group.target) * pool;
    }
    return wanted;
  }
}

const sum = (xs: Iterable<number>) => {
  let total = 0;
  for (const x of xs) total += x;
  return total;
};

/** Every budgeted cluster's connections, minute by minute. */
export class SimulatedConnections {
  private readonly clusters: Map<string, ClusterConnections>;

  /** `brain`: pools read the published sizes and recycle on the signal; else the native baseline's. */
  constructor(config: BrainConfig, brain: boolean) {
    this.clusters = new Map(
      (config.connectionBudgets ?? []).map((b) => [
        b.DBClusterIdentifier,
        new ClusterConnections(b, config, brain),
      ]),
    );
  }

  minute(at: number, view: ConnectionsView): void {
    for (const cluster of this.clusters.values()) cluster.minute(at, view);
  }

  /** Connection attempts the cluster refused, in all. */
  refusedOn(cluster: string): number | undefined {
    return this.clusters.get(cluster)?.refused;
  }

  samplesOf(cluster: string): readonly ConnectionsSample[] {
    return this.clusters.get(cluster)?.samples ?? [];
  }
}
