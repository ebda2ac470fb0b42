/**
 * The `connectionBudgets` section of the configuration file (schema.ts imports it): per Aurora
 * cluster, the application groups that connect to its readers, in AWS's own shapes where AWS has
 * them (an RDS Proxy's ConnectionPoolConfiguration). Its rules across sections are in
 * rules/connections.ts.
 */
import { z } from "zod";

const name = (max: number) => z.string().min(1).max(max);

/**
 * An RDS Proxy's ConnectionPoolConfiguration, in AWS's shape: the share of each reader's
 * `max_connections` the proxy may open, 1–100 (default 100), and how much of it it keeps idle
 * (0 to MaxConnectionsPercent, default half of it)
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html).
 */
export const ConnectionPoolConfigurationSchema = z.strictObject({
  MaxConnectionsPercent: z.int().min(1).max(100).default(100),
  MaxIdleConnectionsPercent: z.int().min(0).max(100).optional(),
});

/** The RDS Proxy in front of the cluster's readers. */
export const DBProxySchema = z.strictObject({
  DBProxyName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,62}$/, "an RDS Proxy name (letters, digits, '-')"),
  ConnectionPoolConfiguration: ConnectionPoolConfigurationSchema.prefault({}),
});

/**
 * One application group (an `asg` target) that connects to the cluster's readers, how, and the
 * pool one of its instances wants and the smallest it works with.
 * @example { "target": "virtway-api", "via": "proxy", "maxPoolSize": 150, "minPoolSize": 50 }
 */
export const ConnectingGroupSchema = z.strictObject({
  /** The id of an `asg` target. */
  target: z.string().min(1),
  /** Through the cluster's RDS Proxy, or straight to the cluster's reader endpoint. */
  via: z.enum(["proxy", "reader-endpoint"]),
  /** Connections one instance's pool wants (its pool's maximum size). */
  maxPoolSize: z.int().min(1).max(262_143),
  /** The smallest pool an instance still works with (default: maxPoolSize). */
  minPoolSize: z.int().min(1).max(262_143).optional(),
});
export type ConnectingGroup = z.infer<typeof ConnectingGroupSchema>;

/**
 * The connection budget of one Aurora PostgreSQL cluster's readers (README, "The connection
 * budget"): which groups connect and how, and what each reader allows. `max_connections` is
 * derived as AWS does (core/connections/maxConnections.ts) from the readers' class or, for
 * Serverless v2, the ACU range; `MaxConnections` says it where a parameter group sets it.
 * @example
 * { "DBClusterIdentifier": "events-db", "ReservedConnections": 10,
 *   "DBProxy": { "DBProxyName": "events-proxy", "ConnectionPoolConfiguration": { "MaxConnectionsPercent": 60 } },
 *   "groups": [{ "target": "virtway-api", "via": "proxy", "maxPoolSize": 150, "minPoolSize": 50 }] }
 */
export const ConnectionBudgetSchema = z.strictObject({
  DBClusterIdentifier: name(63),
  /** The readers' class; default: the readers target's DBInstanceClass (db.serverless). */
  DBInstanceClass: z.string().min(1).optional(),
  /**
   * For db.serverless: the ACU range max_connections derives from; default: the cluster's
   * aurora-capacity target (its MinCapacity, the lowest floor the brain sets, and AcuMaximum).
   */
  ServerlessV2ScalingConfiguration: z
    .strictObject({ MinCapacity: z.number().min(0).max(256), MaxCapacity: z.number().min(1).max(256) })
    .optional(),
  /** The readers' max_connections where their parameter group sets it (1–262,143, PostgreSQL's bound). */
  MaxConnections: z.int().min(1).max(262_143).optional(),
  /** Connections kept free on every reader: administration, the writer's work, AWS's automation (at least 3). */
  ReservedConnections: z.int().min(0).max(262_143).default(3),
  DBProxy: DBProxySchema.optional(),
  groups: z.array(ConnectingGroupSchema).min(1),
});
export type ConnectionBudget = z.infer<typeof ConnectionBudgetSchema>;
