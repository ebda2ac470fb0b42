/**
 * Aurora readers: CreateDBInstance in the cluster to add, DeleteDBInstance of the brain's own
 * readers to remove (newest first; never the writer, never a reader the brain did not create).
 *
 * - The engine comes from the cluster (DescribeDBClusters); the class from the target's
 *   DBInstanceClass, or db.serverless (Aurora Serverless v2).
 * - PubliclyAccessible and the DB parameter group from the cluster's writer.
 * - PromotionTier 15: the brain's readers come last in failover, behind the readers users made
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html#Aurora.Managing.FaultTolerance).
 */
import {
  CreateDBInstanceCommand,
  type DBCluster,
  type DBInstance,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { type AppliedChange, readersRemoved, type ScalingChange } from "../../brain/ports/actuator.js";
import type { AuroraReadersTarget } from "../../core/config/schema.js";
import { type Observation, READER_NOT_SERVING, type ReaderInstance } from "../../core/engine/observation.js";
import { ServiceActuator } from "./serviceActuator.js";

/**
 * A tag value RDS accepts: at most 256 characters, only Unicode letters, digits, white space and
 * `_ . : / = + - @` (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html).
 * A decision's id carries its alarm's name, which CloudWatch allows more characters than that:
 * each other character becomes `_`, so that no alarm name can make CreateDBInstance fail.
 */
export const tagValue = (text: string): string =>
  Array.from(text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, "_"))
    .slice(0, 256)
    .join("");

/**
 * The tags a reader is created with, and no other key is ever added to an instance; the first marks
 * it as the brain's: only such readers are ever removed.
 */
export const READER_TAG_KEYS = ["surge-brain:managed", "surge-brain:target", "surge-brain:decision"] as const;
const [MANAGED_TAG, TARGET_TAG, DECISION_TAG] = READER_TAG_KEYS;

const GONE = READER_NOT_SERVING;

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * A new reader's identifier: says it is the brain's, names the cluster, the time and the reader's
 * position in the cluster's count (the ledger serialises decisions, so two readers created in the
 * same second never share a position). At most 63
 * characters, lowercase letters, digits and single hyphens, starting with a letter
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
 */
export function readerIdentifier(cluster: string, at: Date, position: number): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "")
    .toLowerCase(); // 20261123t190000
  const suffix = `${READER_INFIX}${stamp}-${position}`;
  return `${readerBase(cluster, suffix.length)}${suffix}`;
}

/** What follows the cluster's part in every reader's identifier. */
const READER_INFIX = "-surge-";

/** The cluster's part of a reader's identifier, cut to leave room for a suffix this long. */
function readerBase(cluster: string, suffixLength: number): string {
  return cluster
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 63 - suffixLength)
    .replace(/-+$/, "");
}

/**
 * An IAM resource pattern that every reader the brain creates in this cluster matches (and, of the
 * cluster's instances, only those): the cluster's part, then `-surge-`. The longest suffix is
 * `-surge-20261123t190000-15` (at most 15 replicas); a cluster's part that such a suffix could cut
 * ends the pattern in `*` instead.
 */
export function readerIdentifierPattern(cluster: string): string {
  const longest = `${READER_INFIX}20261123t190000-15`.length;
  const full = readerBase(cluster, 0);
  const cut = readerBase(cluster, longest);
  return cut === full ? `${full}${READER_INFIX}*` : `${cut}*${READER_INFIX}*`;
}

export class AuroraReadersActuator extends ServiceActuator<RDSClient, AuroraReadersTarget> {
  async observe(): Promise<Observation> {
    const readers = await this.readers();
    const live = readers.filter((r) => !r.isWriter && !GONE.has(r.status));
    return {
      kind: "aurora-readers",
      capacity: live.length,
      available: live.filter((r) => r.status === "available").length,
      readers,
    };
  }

  async apply(change: ScalingChange): Promise<AppliedChange> {
    if (change.to > change.from) return this.add(change);
    if (change.to < change.from) return this.remove(change);
    return { capacity: change.to, resources: [] };
  }

  private async add(change: ScalingChange): Promise<AppliedChange> {
    const cluster = await this.cluster();
    const model = await this.model(cluster);
    // A new reader is reached and configured as the writer is. Left out, PubliclyAccessible
    // defaults by the subnets' VPC (public where it has an internet gateway) and the parameter
    // group to the engine's default
    // (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
    const parameterGroup = model?.DBParameterGroups?.[0]?.DBParameterGroupName;
    const likeTheWriter = {
      ...(model?.PubliclyAccessible !== undefined ? { PubliclyAccessible: model.PubliclyAccessible } : {}),
      ...(parameterGroup ? { DBParameterGroupName: parameterGroup } : {}),
    };
    const created: string[] = [];
    for (let position = change.from + 1; position <= change.to; position++) {
      const id = readerIdentifier(this.target.DBClusterIdentifier, change.at, position);
      try {
        await this.client.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: id,
            DBClusterIdentifier: this.target.DBClusterIdentifier,
            Engine: cluster.Engine,
            DBInstanceClass: this.target.DBInstanceClass ?? "db.serverless",
            PromotionTier: 15,
            ...likeTheWriter,
            Tags: [
              { Key: MANAGED_TAG, Value: "true" },
              { Key: TARGET_TAG, Value: this.target.id },
              { Key: DECISION_TAG, Value: tagValue(change.decisionId) },
            ],
          }),
        );
      } catch (error) {
        // The name is this decision's own (its time and position): a reader of that name tagged
        // with this decision is one an earlier attempt created, its reply lost (the SDK's retry
        // of a timed-out call). Any other is not the brain's to count: the decision fails, and
        // the next one asks at its own time, under another name.
        if (
          errorName(error) === "DBInstanceAlreadyExistsFault" &&
          (await this.createdBy(id, change.decisionId))
        ) {
          created.push(id);
          continue;
        }
        // Nothing created: the decision failed. Some created: those are real and in flight, and
        // the decision is what AWS accepted (the rest is asked again while a layer wants it).
        if (created.length === 0) throw error;
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return {
          capacity: change.from + created.length,
          resources: created,
          note: `AWS created ${created.length} of the ${change.to - change.from} readers asked, then refused: ${why}`,
        };
      }
      created.push(id);
    }
    return { capacity: change.to, resources: created };
  }

  private async remove(change: ScalingChange): Promise<AppliedChange> {
    const wanted = change.from - change.to;
    const removable = (await this.readers())
      .filter((r) => r.managed && !r.isWriter && !GONE.has(r.status))
      // Newest first; a reader still being created has no creation time yet and is the newest.
      .sort((a, b) => (b.createdAt ?? "9999").localeCompare(a.createdAt ?? "9999"));
    const victims = removable.slice(0, wanted);
    for (const reader of victims) {
      await this.client.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: reader.id }));
    }
    const removed = victims.map((r) => r.id);
    return readersRemoved(change.from, removed, wanted);
  }

  /** Whether the instance `id` exists and carries the decision tag of `decisionId`. */
  private async createdBy(id: string, decisionId: string): Promise<boolean> {
    try {
      const out = await this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      const tags = out.DBInstances?.[0]?.TagList ?? [];
      return tags.some((t) => t.Key === DECISION_TAG && t.Value === tagValue(decisionId));
    } catch {
      return false;
    }
  }

  private async cluster() {
    const out = await this.client.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: this.target.DBClusterIdentifier }),
    );
    const cluster = out.DBClusters?.[0];
    if (!cluster)
      throw new Error(`DescribeDBClusters returned no cluster ${this.target.DBClusterIdentifier}`);
    return cluster;
  }

  /**
   * The instance a new reader copies its access and parameter group from: the cluster's writer, or,
   * while a failover leaves none, a reader the user made (then any other instance of the cluster).
   */
  private async model(cluster: DBCluster): Promise<DBInstance | undefined> {
    const writer = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    if (writer) {
      const out = await this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: writer }));
      if (out.DBInstances?.[0]) return out.DBInstances[0];
    }
    const instances = await this.instances();
    const managed = (i: DBInstance) => (i.TagList ?? []).some((t) => t.Key === MANAGED_TAG);
    return instances.find((i) => !managed(i)) ?? instances[0];
  }

  /** Every instance of the cluster, as DescribeDBInstances pages them. */
  private async instances(): Promise<DBInstance[]> {
    const instances: DBInstance[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(
        new DescribeDBInstancesCommand({
          Filters: [{ Name: "db-cluster-id", Values: [this.target.DBClusterIdentifier] }],
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      instances.push(...(page.DBInstances ?? []));
      marker = page.Marker;
    } while (marker);
    return instances;
  }

  private async readers(): Promise<ReaderInstance[]> {
    const cluster = await this.cluster();
    const writers = new Set(
      (cluster.DBClusterMembers ?? []).filter((m) => m.IsClusterWriter).map((m) => m.DBInstanceIdentifier),
    );
    return (await this.instances()).map((i) => ({
      id: i.DBInstanceIdentifier ?? "",
      status: i.DBInstanceStatus ?? "unknown",
      isWriter: writers.has(i.DBInstanceIdentifier),
      managed: (i.TagList ?? []).some((t) => t.Key === MANAGED_TAG && t.Value === "true"),
      createdAt: i.InstanceCreateTime ? new Date(i.InstanceCreateTime).toISOString() : null,
    }));
  }
}
