/**
 * A simulated AWS account: the Aurora clusters, instances and Auto Scaling groups of a
 * configuration, answering the real SDK v3 clients through middleware in front of their transport.
 * Dry runs and replay go through exactly the code a live run does; the account records every call
 * (the service id and the operation's name, as the SDK names them) so that `--json` can show them.
 *
 * Time is the clock passed in: a reader created at t is `creating` until t + the provisioning time,
 * then `available`, as Aurora replicas are after about eight minutes.
 */

import { AutoScalingServiceException } from "@aws-sdk/client-auto-scaling";
import {
  DBClusterNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  type Tag,
} from "@aws-sdk/client-rds";
import type { InitializeHandlerArguments, InitializeHandlerOutput } from "@smithy/types";
import type { AwsClients } from "../../adapters/aws/clients.js";
import type { Call } from "../../adapters/aws/recording.js";

export type { Call };

import type { BrainConfig } from "../../core/config/schema.js";
import { startingTargets } from "../startingPoint.js";

/** EC2 Auto Scaling's ValidationError, as the service sends it (the SDK has no class of its own for it). */
class AutoScalingValidationError extends AutoScalingServiceException {
  constructor(message: string) {
    super({ name: "ValidationError", $fault: "client", message, $metadata: { httpStatusCode: 400 } });
  }
}

/** The one part of a client's middleware stack the account needs. */
type InitializeStack = {
  add(
    middleware: (
      next: unknown,
      context: { commandName?: string },
    ) => (args: InitializeHandlerArguments<object>) => Promise<InitializeHandlerOutput<object>>,
    options: { step: "initialize"; name: string; priority: "high" },
  ): void;
};

type Instance = {
  id: string;
  cluster: string;
  status: string;
  createdAt: Date;
  readyAt: Date;
  tags: Tag[];
  instanceClass: string;
  tier: number;
};
type Cluster = { id: string; engine: string; writer: string; minAcu: number; maxAcu: number };
/** A group's instances are counted, not named: each launch's InService time, oldest first. */
type Group = { name: string; desired: number; min: number; max: number; inServiceAt: Date[] };

/** Where a dry run starts: per target id, its capacity (else the target's MinCapacity). */
export type StartingPoint = Record<string, { capacity?: number }>;

/** Commands that change something; every other one only reads. */
const MUTATING = /^(Create|Delete|Modify|Set|Update|Put|Register|Deregister|Suspend|Resume|Start|Stop)/;

/** An operation the account answers: the input in, the output (without $metadata) out. */
export type SimulatedOperation = (input: Record<string, unknown>) => Record<string, unknown>;

export class SimulatedAccount {
  readonly calls: Call[] = [];
  /** Operations answered beyond RDS's and EC2 Auto Scaling's own (CloudWatch, Application Auto Scaling, …). */
  private readonly operations = new Map<string, SimulatedOperation>();
  private readonly clusters = new Map<string, Cluster>();
  private readonly instances = new Map<string, Instance>();
  private readonly groups = new Map<string, Group>();
  /** SSM Parameter Store: each parameter's value and version (a PutParameter adds one). */
  readonly parameters = new Map<string, { value: string; version: number }>();

  constructor(
    private readonly clock: () => Date,
    private readonly provisioningSeconds = 480,
    private readonly instanceWarmupSeconds = 180,
  ) {}

  /** An account holding what a configuration scales, at the starting point given. */
  static forConfig(config: BrainConfig, clock: () => Date, start: StartingPoint = {}): SimulatedAccount {
    const account = new SimulatedAccount(
      clock,
      config.settings.readerProvisioningSeconds,
      config.settings.instanceWarmupSeconds,
    );
    const long_ago = new Date(Date.UTC(2026, 0, 1));
    for (const target of startingTargets(config, (t) => start[t.id]?.capacity)) {
      switch (target.kind) {
        case "asg":
          account.groups.set(target.group.name, {
            ...target.group,
            inServiceAt: Array.from({ length: target.group.desired }, () => long_ago),
          });
          break;
        case "aurora-capacity": {
          const cluster = account.cluster(target.cluster, long_ago);
          cluster.minAcu = target.minAcu;
          cluster.maxAcu = target.maxAcu;
          break;
        }
        case "aurora-readers": {
          const cluster = account.cluster(target.cluster, long_ago);
          for (const id of target.readers) {
            const reader = {
              id,
              cluster: cluster.id,
              status: "available",
              createdAt: long_ago,
              readyAt: long_ago,
            };
            account.instances.set(id, { ...reader, tags: [], instanceClass: "db.serverless", tier: 1 });
          }
        }
      }
    }
    return account;
  }

  private cluster(id: string, createdAt: Date): Cluster {
    let cluster = this.clusters.get(id);
    if (!cluster) {
      cluster = { id, engine: "aurora-postgresql", writer: `${id}-writer`, minAcu: 0.5, maxAcu: 16 };
      this.clusters.set(id, cluster);
      this.instances.set(cluster.writer, {
        id: cluster.writer,
        cluster: id,
        status: "available",
        createdAt,
        readyAt: createdAt,
        tags: [],
        instanceClass: "db.serverless",
        tier: 0,
      });
    }
    return cluster;
  }

  /** Makes every client answer from this account instead of AWS. */
  attach(clients: AwsClients): void {
    for (const client of Object.values(clients)) {
      const service = (client.config as { serviceId: string }).serviceId;
      (client.middlewareStack as unknown as InitializeStack).add(
        (_next, context) => async (args) => {
          const command = (context.commandName ?? "").replace(/Command$/, "");
          const input = structuredClone(args.input) as Record<string, unknown>;
          this.calls.push({ service, command, input });
          const output = this.answer(service, command, input);
          return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
        },
        { step: "initialize", name: "simulatedAccount", priority: "high" },
      );
    }
  }

  /** The calls that change something (the ones a dry run would make), in order. */
  mutatingCalls(): Call[] {
    return this.calls.filter((c) => MUTATING.test(c.command));
  }

  private tick(): void {
    const now = this.clock().getTime();
    for (const i of this.instances.values())
      if (i.status === "creating" && i.readyAt.getTime() <= now) i.status = "available";
    for (const [id, i] of this.instances)
      if (i.status === "deleting" && i.readyAt.getTime() <= now) this.instances.delete(id);
  }

  /** Answers `command` of `service` (the SDK's service id, e.g. "CloudWatch") with `operation`. */
  handle(service: string, command: string, operation: SimulatedOperation): this {
    this.operations.set(`${service}:${command}`, operation);
    return this;
  }

  /** Back to the account's own answer for `command` of `service`. */
  unhandle(service: string, command: string): this {
    this.operations.delete(`${service}:${command}`);
    return this;
  }

  /** The time on the account's clock. */
  now(): Date {
    return this.clock();
  }

  answer(service: string, command: string, input: Record<string, unknown>): Record<string, unknown> {
    this.tick();
    const key = `${service}:${command}`;
    const operation = this.operations.get(key);
    if (operation) return operation(input);
    switch (key) {
      case "RDS:DescribeDBClusters": {
        const id = input.DBClusterIdentifier as string | undefined;
        const list = id ? [this.requireCluster(id)] : [...this.clusters.values()];
        return { DBClusters: list.map((c) => this.describeCluster(c)) };
      }
      case "RDS:DescribeDBInstances": {
        const filter = (input.Filters as { Name: string; Values: string[] }[] | undefined)?.find(
          (f) => f.Name === "db-cluster-id",
        );
        const id = input.DBInstanceIdentifier as string | undefined;
        const list = [...this.instances.values()].filter(
          (i) => (!filter || filter.Values.includes(i.cluster)) && (!id || i.id === id),
        );
        if (id && list.length === 0)
          throw new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, $metadata: {} });
        return { DBInstances: list.map((i) => this.describeInstance(i)) };
      }
      case "RDS:CreateDBInstance": {
        const id = input.DBInstanceIdentifier as string;
        const cluster = this.requireCluster(input.DBClusterIdentifier as string);
        if (this.instances.has(id))
          throw new DBInstanceAlreadyExistsFault({ message: `DB instance already exists`, $metadata: {} });
        const now = this.clock();
        const instance: Instance = {
          id,
          cluster: cluster.id,
          status: "creating",
          createdAt: now,
          readyAt: new Date(now.getTime() + this.provisioningSeconds * 1000),
          tags: (input.Tags as Tag[] | undefined) ?? [],
          instanceClass: input.DBInstanceClass as string,
          tier: (input.PromotionTier as number | undefined) ?? 1,
        };
        this.instances.set(id, instance);
        return { DBInstance: this.describeInstance(instance) };
      }
      case "RDS:DeleteDBInstance": {
        const instance = this.instances.get(input.DBInstanceIdentifier as string);
        if (!instance)
          throw new DBInstanceNotFoundFault({
            message: `DBInstance ${String(input.DBInstanceIdentifier)} not found.`,
            $metadata: {},
          });
        instance.status = "deleting";
        instance.readyAt = new Date(this.clock().getTime() + 60_000);
        return { DBInstance: this.describeInstance(instance) };
      }
      case "RDS:ModifyDBCluster": {
        const cluster = this.requireCluster(input.DBClusterIdentifier as string);
        const scaling = input.ServerlessV2ScalingConfiguration as
          | { MinCapacity?: number; MaxCapacity?: number }
          | undefined;
        if (scaling?.MinCapacity !== undefined) cluster.minAcu = scaling.MinCapacity;
        if (scaling?.MaxCapacity !== undefined) cluster.maxAcu = scaling.MaxCapacity;
        return { DBCluster: this.describeCluster(cluster) };
      }
      case "Auto Scaling:DescribeAutoScalingGroups": {
        const names = (input.AutoScalingGroupNames as string[] | undefined) ?? [...this.groups.keys()];
        return {
          AutoScalingGroups: names.flatMap((n) => {
            const g = this.groups.get(n);
            if (!g) return [];
            const now = this.clock().getTime();
            const instances = g.inServiceAt.map((ready, k) => ({
              InstanceId: `i-${n}-${k}`,
              LifecycleState: ready.getTime() <= now ? "InService" : "Pending",
              HealthStatus: "Healthy",
            }));
            return [
              {
                AutoScalingGroupName: g.name,
                DesiredCapacity: g.desired,
                MinSize: g.min,
                MaxSize: g.max,
                Instances: instances,
              },
            ];
          }),
        };
      }
      case "Auto Scaling:SetDesiredCapacity": {
        const g = this.groups.get(input.AutoScalingGroupName as string);
        const desired = input.DesiredCapacity as number;
        if (!g) throw new AutoScalingValidationError("AutoScalingGroup name not found");
        if (desired < g.min || desired > g.max) {
          throw new AutoScalingValidationError(
            `New SetDesiredCapacity value ${desired} is outside the group's bounds ${g.min}-${g.max}`,
          );
        }
        this.setDesired(g, desired);
        return {};
      }
      case "Auto Scaling:UpdateAutoScalingGroup": {
        // MinSize, MaxSize and DesiredCapacity together; one left out keeps the group's, and a
        // bound moved past the capacity drags it along
        // (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html).
        const g = this.groups.get(input.AutoScalingGroupName as string);
        if (!g) throw new AutoScalingValidationError("AutoScalingGroup name not found");
        const min = (input.MinSize as number | undefined) ?? g.min;
        const max = (input.MaxSize as number | undefined) ?? g.max;
        const asked = input.DesiredCapacity as number | undefined;
        if (min > max) {
          throw new AutoScalingValidationError(
            `Max size:${max} must be greater than or equal to min size:${min}`,
          );
        }
        const desired = asked ?? Math.max(min, Math.min(max, g.desired));
        if (desired < min || desired > max) {
          throw new AutoScalingValidationError(
            `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
          );
        }
        g.min = min;
        g.max = max;
        this.setDesired(g, desired);
        return {};
      }
      case "SSM:GetParameters": {
        const names = input.Names as string[];
        const found = names.filter((n) => this.parameters.has(n));
        return {
          Parameters: found.map((Name) => {
            const p = this.parameters.get(Name) as { value: string; version: number };
            return { Name, Type: "String", Value: p.value, Version: p.version };
          }),
          InvalidParameters: names.filter((n) => !this.parameters.has(n)),
        };
      }
      case "SSM:PutParameter": {
        const name = input.Name as string;
        const existing = this.parameters.get(name);
        if (existing && input.Overwrite !== true)
          throw new Error(`ParameterAlreadyExists: ${name} exists and Overwrite is not true`);
        const version = (existing?.version ?? 0) + 1;
        this.parameters.set(name, { value: input.Value as string, version });
        return { Version: version, Tier: "Standard" };
      }
      default:
        throw new Error(`the simulated account does not answer ${service} ${command}`);
    }
  }

  /** New instances launch and are InService after the warm-up; a scale-in ends the newest. */
  private setDesired(g: Group, desired: number): void {
    const ready = new Date(this.clock().getTime() + this.instanceWarmupSeconds * 1000);
    while (g.inServiceAt.length < desired) g.inServiceAt.push(ready);
    g.inServiceAt.length = desired;
    g.desired = desired;
  }

  private requireCluster(id: string): Cluster {
    const cluster = this.clusters.get(id);
    if (!cluster) throw new DBClusterNotFoundFault({ message: `DBCluster ${id} not found.`, $metadata: {} });
    return cluster;
  }

  private describeCluster(c: Cluster) {
    const members = [...this.instances.values()].filter((i) => i.cluster === c.id);
    return {
      DBClusterIdentifier: c.id,
      Engine: c.engine,
      Status: "available",
      DBClusterMembers: members.map((i) => ({
        DBInstanceIdentifier: i.id,
        IsClusterWriter: i.id === c.writer,
        PromotionTier: i.tier,
      })),
      ServerlessV2ScalingConfiguration: { MinCapacity: c.minAcu, MaxCapacity: c.maxAcu },
    };
  }

  private describeInstance(i: Instance) {
    return {
      DBInstanceIdentifier: i.id,
      DBClusterIdentifier: i.cluster,
      DBInstanceClass: i.instanceClass,
      DBInstanceStatus: i.status,
      PromotionTier: i.tier,
      PubliclyAccessible: false,
      DBParameterGroups: [
        { DBParameterGroupName: "default.aurora-postgresql16", ParameterApplyStatus: "in-sync" },
      ],
      TagList: i.tags,
      ...(i.status === "creating" ? {} : { InstanceCreateTime: i.createdAt }),
    };
  }
}
