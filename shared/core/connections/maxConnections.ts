/**
 * `max_connections` of one Aurora PostgreSQL DB instance, as AWS derives it by default. Pure.
 *
 * Provisioned classes: the default parameter group sets `LEAST({DBInstanceClassMemory/9531392},5000)`,
 * where DBInstanceClassMemory is the memory the engine gets (less than the class's nominal memory:
 * AWS publishes the resulting value per class, pinned below)
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections).
 *
 * Serverless v2 (`db.serverless`): the same formula on the memory of the cluster's *maximum* ACU,
 * not the current one, so that connections are not dropped when the instance scales down; capped
 * at 2,000 when the minimum ACU is 0 or 0.5; and, a static parameter, it changes only when the
 * instance restarts
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html#aurora-serverless-v2.max-connections).
 */

/** The divisor of AWS's formula: bytes of DBInstanceClassMemory per connection. */
export const BYTES_PER_CONNECTION = 9_531_392;

/** The formula's own ceiling: LEAST(…, 5000). */
export const MAX_CONNECTIONS_CEILING = 5000;

/** Serverless v2's cap when the minimum capacity is 0 or 0.5 ACU. */
export const LOW_FLOOR_CAP = 2000;

/** The minimum ACU at or under which LOW_FLOOR_CAP applies. */
export const LOW_FLOOR_ACU = 0.5;

/** The default formula on a DBInstanceClassMemory in bytes. */
export const maxConnectionsFromMemory = (bytes: number): number =>
  Math.min(Math.floor(bytes / BYTES_PER_CONNECTION), MAX_CONNECTIONS_CEILING);

/** AWS's published default `max_connections` per provisioned Aurora PostgreSQL class. */
export const PROVISIONED_MAX_CONNECTIONS: Readonly<Record<string, number>> = {
  "db.x2g.16xlarge": 5000,
  "db.x2g.12xlarge": 5000,
  "db.x2g.8xlarge": 5000,
  "db.x2g.4xlarge": 5000,
  "db.x2g.2xlarge": 5000,
  "db.x2g.xlarge": 5000,
  "db.x2g.large": 3479,
  "db.r6g.16xlarge": 5000,
  "db.r6g.12xlarge": 5000,
  "db.r6g.8xlarge": 5000,
  "db.r6g.4xlarge": 5000,
  "db.r6g.2xlarge": 5000,
  "db.r6g.xlarge": 3479,
  "db.r6g.large": 1722,
  "db.r5.24xlarge": 5000,
  "db.r5.16xlarge": 5000,
  "db.r5.12xlarge": 5000,
  "db.r5.8xlarge": 5000,
  "db.r5.4xlarge": 5000,
  "db.r5.2xlarge": 5000,
  "db.r5.xlarge": 3300,
  "db.r5.large": 1600,
  "db.r4.16xlarge": 5000,
  "db.r4.8xlarge": 5000,
  "db.r4.4xlarge": 5000,
  "db.r4.2xlarge": 5000,
  "db.r4.xlarge": 3200,
  "db.r4.large": 1600,
  "db.t4g.large": 844,
  "db.t4g.medium": 405,
  "db.t3.large": 844,
  "db.t3.medium": 420,
};

/**
 * AWS's published default `max_connections` of a Serverless v2 Aurora PostgreSQL instance by the
 * cluster's maximum ACU, ascending. Between two published points the value is interpolated
 * linearly and rounded down (the formula is linear in memory, and AWS publishes no other point).
 */
export const SERVERLESS_V2_MAX_CONNECTIONS: readonly (readonly [maxAcu: number, maxConnections: number])[] = [
  [1, 189],
  [4, 823],
  [8, 1669],
  [16, 3360],
  [32, 5000],
  [64, 5000],
  [128, 5000],
];

/** The cluster's ServerlessV2ScalingConfiguration, in AWS's shape. */
export type AcuRange = { MinCapacity: number; MaxCapacity: number };

/** `max_connections` of a Serverless v2 instance that (re)started while `range` was in force. */
export function serverlessV2MaxConnections(range: AcuRange): number {
  const table = SERVERLESS_V2_MAX_CONNECTIONS;
  const max = range.MaxCapacity;
  let value: number;
  const first = table[0] as readonly [number, number];
  const last = table[table.length - 1] as readonly [number, number];
  if (max <= first[0]) value = first[1];
  else if (max >= last[0]) value = last[1];
  else {
    const upper = table.findIndex(([acu]) => acu >= max);
    const [a0, c0] = table[upper - 1] as readonly [number, number];
    const [a1, c1] = table[upper] as readonly [number, number];
    value = Math.floor(c0 + ((c1 - c0) * (max - a0)) / (a1 - a0));
  }
  return range.MinCapacity <= LOW_FLOOR_ACU ? Math.min(value, LOW_FLOOR_CAP) : value;
}

/** What decides one reader's `max_connections`. */
export type InstanceShape = {
  DBInstanceClass: string;
  /** For `db.serverless`: the cluster's ACU range. */
  acuRange?: AcuRange;
  /** A value set in the instance's parameter group, which wins over every default. */
  MaxConnections?: number;
};

export const SERVERLESS_CLASS = "db.serverless";

/**
 * `max_connections` of an instance of this shape, or null where AWS publishes no value (an
 * unknown class, or db.serverless without its ACU range): the configuration must then say it.
 */
export function maxConnectionsOf(shape: InstanceShape): number | null {
  if (shape.MaxConnections !== undefined) return shape.MaxConnections;
  if (shape.DBInstanceClass === SERVERLESS_CLASS)
    return shape.acuRange ? serverlessV2MaxConnections(shape.acuRange) : null;
  return PROVISIONED_MAX_CONNECTIONS[shape.DBInstanceClass] ?? null;
}

/**
 * The `max_connections` the budget counts per Serverless v2 reader when the brain moves the ACU
 * floor itself. The value is fixed when an instance (re)starts, from the range then in force: a
 * reader that restarted (a failover, maintenance, a new reader) while the floor sat at its lowest
 * keeps that value, whatever the floor is now. So the budget counts every reader at the range with
 * the lowest floor the brain may set (the floor target's MinCapacity) and the ceiling it keeps
 * (AcuMaximum): raising the floor never counts as connection capacity, and the database tier is
 * asked for readers, not for a higher floor.
 */
export function budgetedServerlessMaxConnections(lowestFloor: number, acuMaximum: number): number {
  return serverlessV2MaxConnections({ MinCapacity: lowestFloor, MaxCapacity: acuMaximum });
}
