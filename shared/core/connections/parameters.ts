/**
 * The SSM Parameter Store parameters the brain publishes for the application's pools (README,
 * "The connection budget"). Pure: names and values only.
 *
 * - `/surge-brain/connections/<DBClusterIdentifier>/<target id>/pool-size`: one per group, the
 *   connections one instance's pool may keep open, as a decimal String;
 * - `/surge-brain/connections/<DBClusterIdentifier>/readers`: the rebalance signal, JSON
 *   `{"availableReaders":n,"since":"ISO-8601"}`, written when the number of available readers
 *   changes. A pool that sees a later `since` than it last acted on recycles its connections
 *   (closes idle ones, retires the others as they come back) so that the reader endpoint's DNS
 *   spreads them over the readers, new ones included.
 * Both are written only when their value changes.
 */
import type { PoolSize } from "./poolSizes.js";

/** Every parameter of the brain's starts with this (the roles' ARN prefix). */
export const PARAMETER_PREFIX = "/surge-brain/connections";

export const poolSizeParameter = (cluster: string, target: string) =>
  `${PARAMETER_PREFIX}/${cluster}/${target}/pool-size`;

export const readersParameter = (cluster: string) => `${PARAMETER_PREFIX}/${cluster}/readers`;

/** A parameter as the brain wants it. */
export type WantedParameter = { name: string; value: string; description: string };

/** The rebalance signal's value. */
export type ReadersSignal = { availableReaders: number; since: string };

export function readersSignalOf(value: string | undefined): ReadersSignal | null {
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as Partial<ReadersSignal>;
    return typeof parsed.availableReaders === "number" && typeof parsed.since === "string"
      ? { availableReaders: parsed.availableReaders, since: parsed.since }
      : null;
  } catch {
    return null;
  }
}

/**
 * What to write for one cluster, given what the parameters hold now (`current`, by name): each
 * group's pool size and the readers signal, only those whose value changes. The signal keeps its
 * `since` while the number of available readers is the same.
 */
export function parameterChanges(input: {
  cluster: string;
  pools: readonly PoolSize[];
  availableReaders: number;
  now: Date;
  current: ReadonlyMap<string, string>;
}): WantedParameter[] {
  const { cluster, current } = input;
  const wanted: WantedParameter[] = input.pools.map((p) => ({
    name: poolSizeParameter(cluster, p.target),
    value: String(p.poolSize),
    description: `surge-brain: connections one instance of ${p.target} may keep open on ${cluster}'s readers`,
  }));
  const signal = readersSignalOf(current.get(readersParameter(cluster)));
  if (signal?.availableReaders !== input.availableReaders) {
    wanted.push({
      name: readersParameter(cluster),
      value: JSON.stringify({ availableReaders: input.availableReaders, since: input.now.toISOString() }),
      description: `surge-brain: the readers of ${cluster} available; pools recycle their connections when since changes`,
    });
  }
  return wanted.filter((p) => current.get(p.name) !== p.value);
}
