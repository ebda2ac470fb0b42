/**
 * The connection budget of one Aurora cluster's readers: how many connections the application
 * groups may open, through RDS Proxy and straight to the reader endpoint, given the readers that
 * are `available` now. Pure.
 *
 * Per available reader, of its `max_connections` (maxConnections.ts):
 * - the reserve stays free: administration, the writer's own work reaching the reader, and the
 *   connections AWS's automation needs ("at least 3 more connections to support AWS automation",
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections);
 * - RDS Proxy may open up to its MaxConnectionsPercent of `max_connections`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-connections.html#rds-proxy-connection-pooling-tuning.maxconnectionspercent),
 *   never more than what the reserve leaves;
 * - the groups that connect to the reader endpoint directly share the rest.
 * A reader still provisioning counts for nothing: nothing can connect to it yet.
 */

/** The budget of one reader, by channel. */
export type ReaderBudget = {
  maxConnections: number;
  /** What RDS Proxy may open on it (0 without a proxy). */
  proxy: number;
  /** What the groups connecting straight to the reader endpoint may open on it. */
  direct: number;
};

export type ReaderBudgetInput = {
  maxConnections: number;
  /** Connections kept free on every reader. */
  reserve: number;
  /** The proxy's MaxConnectionsPercent, or null when no group goes through a proxy. */
  proxyPercent: number | null;
};

export function readerBudget({ maxConnections, reserve, proxyPercent }: ReaderBudgetInput): ReaderBudget {
  const usable = Math.max(0, maxConnections - reserve);
  const proxy =
    proxyPercent === null ? 0 : Math.min(usable, Math.floor((maxConnections * proxyPercent) / 100));
  return { maxConnections, proxy, direct: usable - proxy };
}

/** The cluster's budget: per channel, what the available readers allow together. */
export type ClusterBudget = { readers: number; proxy: number; direct: number; maxConnections: number };

export function clusterBudget(perReader: ReaderBudget, availableReaders: number): ClusterBudget {
  const n = Math.max(0, Math.floor(availableReaders));
  return {
    readers: n,
    proxy: perReader.proxy * n,
    direct: perReader.direct * n,
    maxConnections: perReader.maxConnections * n,
  };
}
