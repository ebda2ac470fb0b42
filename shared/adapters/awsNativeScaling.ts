/**
 * The NativeScaling port on Application Auto Scaling and EC2 Auto Scaling (SDK v3).
 *
 * Aurora readers: DescribeScalableTargets first, so that only a registered scalable target is
 * touched (RegisterScalableTarget on one that is not registered would register it), then
 * RegisterScalableTarget with its SuspendedState, DynamicScalingInSuspended changed and the other
 * two flags as they were; for a registered target the call updates only what it names
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html,
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html).
 *
 * Groups: DescribePolicies with PolicyTypes TargetTrackingScaling, then PutScalingPolicy with each
 * policy's own configuration and DisableScaleIn changed. PutScalingPolicy replaces the whole policy,
 * so everything it takes is carried over: the TargetTrackingConfiguration, EstimatedInstanceWarmup
 * and Enabled (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html).
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
} from "@aws-sdk/client-application-auto-scaling";
import {
  type AutoScalingClient,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
  type ScalingPolicy,
} from "@aws-sdk/client-auto-scaling";
import type { BeforeChanging, NativeScaling } from "../brain/ports/nativeScaling.js";
import type { NativeChange } from "../core/deciders/coexistence.js";

/** Aurora replicas as Application Auto Scaling names them. */
const READ_REPLICA_COUNT = {
  ServiceNamespace: "rds",
  ScalableDimension: "rds:cluster:ReadReplicaCount",
} as const;

const clusterResourceId = (cluster: string): string => `cluster:${cluster}`;

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export class AwsNativeScaling implements NativeScaling {
  constructor(
    private readonly clients: {
      applicationAutoScaling: ApplicationAutoScalingClient;
      autoScaling: AutoScalingClient;
    },
  ) {}

  suspendReplicaScaleIn(cluster: string, beforeChanging?: BeforeChanging): Promise<NativeChange> {
    return this.setReplicaScaleIn(cluster, true, beforeChanging);
  }

  resumeReplicaScaleIn(cluster: string): Promise<NativeChange> {
    return this.setReplicaScaleIn(cluster, false);
  }

  async disableGroupScaleIn(group: string, beforeChanging?: BeforeChanging): Promise<NativeChange> {
    return this.setGroupScaleIn(group, true, null, beforeChanging);
  }

  async restoreGroupScaleIn(group: string, policies: readonly string[]): Promise<NativeChange> {
    if (policies.length === 0) return { done: [], error: null };
    return this.setGroupScaleIn(group, false, policies);
  }

  private async setReplicaScaleIn(
    cluster: string,
    suspended: boolean,
    beforeChanging?: BeforeChanging,
  ): Promise<NativeChange> {
    const ResourceId = clusterResourceId(cluster);
    try {
      const found = await this.clients.applicationAutoScaling.send(
        new DescribeScalableTargetsCommand({ ...READ_REPLICA_COUNT, ResourceIds: [ResourceId] }),
      );
      const target: ScalableTarget | undefined = found.ScalableTargets?.find(
        (t) => t.ResourceId === ResourceId && t.ScalableDimension === READ_REPLICA_COUNT.ScalableDimension,
      );
      // Not registered: nothing scales the readers natively. Already as wanted: when suspending,
      // the user suspended it; when resuming, somebody already did.
      if (!target || (target.SuspendedState?.DynamicScalingInSuspended ?? false) === suspended) {
        return { done: [], error: null };
      }
      await beforeChanging?.([ResourceId]);
      await this.clients.applicationAutoScaling.send(
        new RegisterScalableTargetCommand({
          ...READ_REPLICA_COUNT,
          ResourceId,
          SuspendedState: {
            DynamicScalingInSuspended: suspended,
            DynamicScalingOutSuspended: target.SuspendedState?.DynamicScalingOutSuspended ?? false,
            ScheduledScalingSuspended: target.SuspendedState?.ScheduledScalingSuspended ?? false,
          },
        }),
      );
      return { done: [ResourceId], error: null };
    } catch (error) {
      return { done: [], error: errorText(error) };
    }
  }

  /** DisableScaleIn set to `disable` on the group's target-tracking policies (those named, or all). */
  private async setGroupScaleIn(
    group: string,
    disable: boolean,
    names: readonly string[] | null,
    beforeChanging?: BeforeChanging,
  ): Promise<NativeChange> {
    const done: string[] = [];
    try {
      const policies: ScalingPolicy[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.clients.autoScaling.send(
          new DescribePoliciesCommand({
            AutoScalingGroupName: group,
            PolicyTypes: ["TargetTrackingScaling"],
            ...(names ? { PolicyNames: [...names] } : {}),
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        policies.push(...(page.ScalingPolicies ?? []));
        nextToken = page.NextToken;
      } while (nextToken);

      // Suspending: a policy that does not scale in (or is disabled) is left as it is.
      // Restoring: only what the brain set, and only if it is still set.
      const changing = policies.filter(
        (p) =>
          p.PolicyName &&
          p.TargetTrackingConfiguration &&
          (p.TargetTrackingConfiguration.DisableScaleIn ?? false) !== disable &&
          !(disable && p.Enabled === false),
      );
      if (changing.length > 0) await beforeChanging?.(changing.map((p) => p.PolicyName as string));
      for (const policy of changing) {
        const cfg = policy.TargetTrackingConfiguration;
        if (!policy.PolicyName || !cfg) continue;
        await this.clients.autoScaling.send(
          new PutScalingPolicyCommand({
            AutoScalingGroupName: group,
            PolicyName: policy.PolicyName,
            PolicyType: "TargetTrackingScaling",
            TargetTrackingConfiguration: { ...cfg, DisableScaleIn: disable },
            ...(policy.EstimatedInstanceWarmup === undefined
              ? {}
              : { EstimatedInstanceWarmup: policy.EstimatedInstanceWarmup }),
            ...(policy.Enabled === undefined ? {} : { Enabled: policy.Enabled }),
          }),
        );
        done.push(policy.PolicyName);
      }
      return { done, error: null };
    } catch (error) {
      return { done, error: errorText(error) };
    }
  }
}
