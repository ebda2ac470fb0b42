/**
 * The simulated account replay runs on, answering at the ports: the actuators observe and apply as
 * the SDK-level ones do on the SDK-level simulated account (simulation/account.ts), and the same
 * contract suite holds both to the same Observations and AppliedChanges; no SDK call is made, so a
 * month of minutes replays in seconds.
 *
 * - Aurora readers: a created reader is `creating` for settings.readerProvisioningSeconds, spread
 *   by a jitter drawn from a PRNG seeded with `seed` (uniform in ±`provisioningJitter`, 10 % unless
 *   told: the same seed, the same times), then `available`. A deleted reader is `deleting` for a
 *   minute, then gone. A scale-in deletes the newest readers the brain (or a native policy) created,
 *   never the writer, never the readers the cluster started with (the user's).
 * - The ACU floor (ServerlessV2ScalingConfiguration MinCapacity) moves at once.
 * - A group's desired capacity: new instances are InService after settings.instanceWarmupSeconds;
 *   a scale-in ends the newest at once.
 */
import { readerIdentifier } from "../../adapters/actuators/auroraReaders.js";
import {
  type Actuator,
  type ActuatorFor,
  type AppliedChange,
  readersRemoved,
  type ScalingChange,
  type ScheduledBounds,
} from "../../brain/ports/actuator.js";
import type { BrainConfig, Target } from "../../core/config/schema.js";
import { type Observation, READER_NOT_SERVING } from "../../core/engine/observation.js";
import { mulberry32 } from "../random.js";
import { SimulatedParameterStore } from "../simulation/parameterStore.js";
import { startingTargets } from "../startingPoint.js";
import type { MetricRecord } from "../streams/record.js";
import { DEFAULT_RETENTION_MINUTES, RecentMetrics } from "./recentMetrics.js";
import type { ReplayWorld } from "./types.js";

export type SimulatedTargetsOptions = {
  /** Seeds the provisioning jitter. */
  seed: number;
  /** The clock's first reading. */
  start: Date;
  /** Per target id, its capacity at the start (else its MinCapacity). */
  capacities?: Record<string, number>;
  /** A reader's provisioning time varies by up to this fraction either way (default 0.1; 0: none). */
  provisioningJitter?: number;
  /** Minutes of published metrics kept (default a day). */
  retentionMinutes?: number;
};

/** How long a deleted reader stays `deleting`, as the SDK-level account has it. */
const DELETION_MS = 60_000;
/** The cluster's instances at the start were created this long before it. */
const STARTING_AGE_MS = 24 * 3_600_000;
/** Application Auto Scaling names the Aurora replicas it adds `application-autoscaling-<id>`. */
const NATIVE_READER_PREFIX = "application-autoscaling-";

type Instance = {
  id: string;
  status: "creating" | "available" | "deleting";
  createdAt: number;
  /** creating: when it is available; deleting: when it is gone. */
  until: number;
  /** Created by the brain or a native policy: the only readers a scale-in removes. */
  managed: boolean;
};
/** A cluster's instances, in the order DescribeDBInstances lists them (the writer first). */
type Cluster = { id: string; writer: string; instances: Instance[]; minAcu: number; maxAcu: number };
/** A group's instances are counted, not named: each launch's InService time, oldest first. */
type Group = { name: string; desired: number; min: number; max: number; inServiceAt: number[] };

/** An error named as the AWS service names it (the SDK's exception name and message). */
function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export class SimulatedTargets implements ReplayWorld {
  readonly actuatorFor: ActuatorFor;
  readonly metrics: RecentMetrics;
  readonly parameters = new SimulatedParameterStore();
  private now: number;
  private readonly random: () => number;
  private readonly jitter: number;
  private readonly provisioningMs: number;
  private readonly warmupMs: number;
  private readonly targets = new Map<string, Target>();
  private readonly clusters = new Map<string, Cluster>();
  private readonly groups = new Map<string, Group>();
  private nativeReaders = 0;

  constructor(config: BrainConfig, options: SimulatedTargetsOptions) {
    this.now = options.start.getTime();
    this.random = mulberry32(options.seed);
    this.jitter = options.provisioningJitter ?? 0.1;
    this.provisioningMs = config.settings.readerProvisioningSeconds * 1000;
    this.warmupMs = config.settings.instanceWarmupSeconds * 1000;
    this.metrics = new RecentMetrics(options.retentionMinutes ?? DEFAULT_RETENTION_MINUTES);
    const created = this.now - STARTING_AGE_MS;
    for (const target of config.targets) this.targets.set(target.id, target);
    for (const start of startingTargets(config, (t) => options.capacities?.[t.id])) {
      if (start.kind === "asg") {
        const inServiceAt = Array.from({ length: start.group.desired }, () => created);
        this.groups.set(start.group.name, { ...start.group, inServiceAt });
        continue;
      }
      const cluster = this.clusterFor(start.cluster, created);
      if (start.kind === "aurora-capacity") {
        cluster.minAcu = start.minAcu;
        cluster.maxAcu = start.maxAcu;
        continue;
      }
      for (const id of start.readers) {
        cluster.instances.push({
          id,
          status: "available",
          createdAt: created,
          until: created,
          managed: false,
        });
      }
    }
    this.actuatorFor = (target) => this.actuator(target);
  }

  advanceTo(now: Date): void {
    this.now = now.getTime();
    for (const cluster of this.clusters.values()) {
      for (const i of cluster.instances)
        if (i.status === "creating" && i.until <= this.now) i.status = "available";
      if (cluster.instances.some((i) => i.status === "deleting" && i.until <= this.now))
        cluster.instances = cluster.instances.filter(
          (i) => !(i.status === "deleting" && i.until <= this.now),
        );
    }
  }

  inService(targetId: string): number {
    const target = this.target(targetId);
    switch (target.kind) {
      case "aurora-readers":
        return this.countReaders(target.DBClusterIdentifier, (i) => i.status === "available");
      case "aurora-capacity":
        return this.cluster(target.DBClusterIdentifier).minAcu;
      case "asg": {
        let n = 0;
        for (const t of this.group(target.AutoScalingGroupName).inServiceAt) if (t <= this.now) n++;
        return n;
      }
    }
  }

  capacity(targetId: string): number {
    const target = this.target(targetId);
    switch (target.kind) {
      case "aurora-readers":
        return this.countReaders(target.DBClusterIdentifier, (i) => !READER_NOT_SERVING.has(i.status));
      case "aurora-capacity":
        return this.cluster(target.DBClusterIdentifier).minAcu;
      case "asg":
        return this.group(target.AutoScalingGroupName).desired;
    }
  }

  /**
   * A native change of capacity; with `bounds`, a scheduled action's run, which moves a group's
   * MinSize and MaxSize with it (UpdateAutoScalingGroup).
   */
  set(targetId: string, capacity: number, bounds?: ScheduledBounds): void {
    const target = this.target(targetId);
    const change: ScalingChange = {
      decisionId: "native",
      from: this.capacity(targetId),
      to: capacity,
      at: new Date(this.now),
      ...(bounds ? { bounds } : {}),
    };
    if (target.kind === "aurora-readers") {
      const cluster = this.cluster(target.DBClusterIdentifier);
      if (change.to > change.from)
        this.addReaders(cluster, change, () => `${NATIVE_READER_PREFIX}${++this.nativeReaders}`);
      else this.removeReaders(cluster, change);
    } else this.applyTo(target, change);
  }

  publish(records: readonly MetricRecord[]): void {
    this.metrics.publish(records);
  }

  private actuator(target: Target): Actuator {
    return {
      observe: async () => this.observe(target),
      apply: async (change) => this.applyTo(target, change),
    };
  }

  /** What DescribeDBClusters, DescribeDBInstances and DescribeAutoScalingGroups show, as the actuators read it. */
  private observe(target: Target): Observation {
    switch (target.kind) {
      case "aurora-readers": {
        const cluster = this.cluster(target.DBClusterIdentifier);
        const live = this.liveReaders(cluster);
        return {
          kind: "aurora-readers",
          capacity: live.length,
          available: live.filter((i) => i.status === "available").length,
          readers: cluster.instances.map((i) => ({
            id: i.id,
            status: i.status,
            isWriter: i.id === cluster.writer,
            managed: i.managed,
            // DescribeDBInstances gives no InstanceCreateTime while the instance is being created.
            createdAt: i.status === "creating" ? null : new Date(i.createdAt).toISOString(),
          })),
        };
      }
      case "aurora-capacity": {
        const cluster = this.cluster(target.DBClusterIdentifier);
        return { kind: "aurora-capacity", capacity: cluster.minAcu, acuMaximum: cluster.maxAcu };
      }
      case "asg": {
        const group = this.groups.get(target.AutoScalingGroupName);
        if (!group)
          throw new Error(`DescribeAutoScalingGroups returned no group ${target.AutoScalingGroupName}`);
        return {
          kind: "asg",
          capacity: group.desired,
          minSize: group.min,
          maxSize: group.max,
          inService: group.inServiceAt.filter((t) => t <= this.now).length,
        };
      }
    }
  }

  /** CreateDBInstance / DeleteDBInstance, ModifyDBCluster, SetDesiredCapacity / UpdateAutoScalingGroup, as the actuators call them. */
  private applyTo(target: Target, change: ScalingChange): AppliedChange {
    switch (target.kind) {
      case "aurora-readers": {
        const cluster = this.cluster(target.DBClusterIdentifier);
        if (change.to > change.from)
          return this.addReaders(cluster, change, (position) =>
            readerIdentifier(target.DBClusterIdentifier, change.at, position),
          );
        if (change.to < change.from) return this.removeReaders(cluster, change);
        return { capacity: change.to, resources: [] };
      }
      case "aurora-capacity": {
        const cluster = this.cluster(target.DBClusterIdentifier);
        cluster.minAcu = change.to;
        cluster.maxAcu = target.AcuMaximum;
        return { capacity: change.to, resources: [] };
      }
      case "asg": {
        const group = this.groups.get(target.AutoScalingGroupName);
        if (!group) throw awsError("ValidationError", "AutoScalingGroup name not found");
        const desired = change.to;
        if (change.bounds) {
          // UpdateAutoScalingGroup: MinSize, MaxSize and DesiredCapacity in one call.
          const { min, max } = change.bounds;
          if (min > max)
            throw awsError(
              "ValidationError",
              `Max size:${max} must be greater than or equal to min size:${min}`,
            );
          if (desired < min || desired > max) {
            throw awsError(
              "ValidationError",
              `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
            );
          }
          group.min = min;
          group.max = max;
        } else if (desired < group.min || desired > group.max) {
          throw awsError(
            "ValidationError",
            `New SetDesiredCapacity value ${desired} is outside the group's bounds ${group.min}-${group.max}`,
          );
        }
        // New instances are InService after the warm-up; a scale-in ends the newest.
        while (group.inServiceAt.length < desired) group.inServiceAt.push(this.now + this.warmupMs);
        group.inServiceAt.length = desired;
        group.desired = desired;
        return { capacity: change.to, resources: [] };
      }
    }
  }

  /**
   * One reader per position from `from + 1` to `to`; an identifier already taken stops there, as
   * CreateDBInstance's DBInstanceAlreadyExists does (nothing created: the change fails).
   */
  private addReaders(
    cluster: Cluster,
    change: ScalingChange,
    name: (position: number) => string,
  ): AppliedChange {
    const created: string[] = [];
    for (let position = change.from + 1; position <= change.to; position++) {
      const id = name(position);
      if (cluster.instances.some((i) => i.id === id)) {
        const error = awsError("DBInstanceAlreadyExistsFault", "DB instance already exists");
        if (created.length === 0) throw error;
        return {
          capacity: change.from + created.length,
          resources: created,
          note: `AWS created ${created.length} of the ${change.to - change.from} readers asked, then refused: ${error.name}: ${error.message}`,
        };
      }
      const spread = this.jitter === 0 ? 1 : 1 + this.jitter * (2 * this.random() - 1);
      cluster.instances.push({
        id,
        status: "creating",
        createdAt: this.now,
        until: this.now + Math.round(this.provisioningMs * spread),
        managed: true,
      });
      created.push(id);
    }
    return { capacity: change.to, resources: created };
  }

  /** The newest managed readers deleted (one still being created counts as the newest). */
  private removeReaders(cluster: Cluster, change: ScalingChange): AppliedChange {
    const wanted = change.from - change.to;
    const newness = (i: Instance) => (i.status === "creating" ? Number.POSITIVE_INFINITY : i.createdAt);
    const victims = this.liveReaders(cluster)
      .filter((i) => i.managed)
      .sort((a, b) => newness(b) - newness(a) || 0)
      .slice(0, wanted);
    for (const reader of victims) {
      reader.status = "deleting";
      reader.until = this.now + DELETION_MS;
    }
    const removed = victims.map((i) => i.id);
    return readersRemoved(change.from, removed, wanted);
  }

  /** Readers that are capacity or capacity on its way: neither the writer nor deleting. */
  private liveReaders(cluster: Cluster): Instance[] {
    return cluster.instances.filter((i) => i.id !== cluster.writer && !READER_NOT_SERVING.has(i.status));
  }

  /** The cluster's readers (not its writer) that `counts`, counted without a list: replay asks every minute. */
  /** The readers of a cluster that are `available`, oldest first (the writer is no reader). */
  availableReaders(clusterId: string): string[] {
    const cluster = this.cluster(clusterId);
    return cluster.instances
      .filter((i) => i.id !== cluster.writer && i.status === "available")
      .map((i) => i.id);
  }

  private countReaders(clusterId: string, counts: (reader: Instance) => boolean): number {
    const cluster = this.cluster(clusterId);
    let n = 0;
    for (const i of cluster.instances) if (i.id !== cluster.writer && counts(i)) n++;
    return n;
  }

  private clusterFor(id: string, createdAt: number): Cluster {
    let cluster = this.clusters.get(id);
    if (!cluster) {
      const writer = `${id}-writer`;
      cluster = {
        id,
        writer,
        instances: [{ id: writer, status: "available", createdAt, until: createdAt, managed: false }],
        minAcu: 0.5,
        maxAcu: 16,
      };
      this.clusters.set(id, cluster);
    }
    return cluster;
  }

  private cluster(id: string): Cluster {
    const cluster = this.clusters.get(id);
    if (!cluster) throw awsError("DBClusterNotFoundFault", `DBCluster ${id} not found.`);
    return cluster;
  }

  private group(name: string): Group {
    const group = this.groups.get(name);
    if (!group) throw new Error(`DescribeAutoScalingGroups returned no group ${name}`);
    return group;
  }

  private target(id: string): Target {
    const target = this.targets.get(id);
    if (!target) throw new RangeError(`no target ${id} in the configuration`);
    return target;
  }
}
