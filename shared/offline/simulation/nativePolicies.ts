/**
 * The native scaling policies of the simulated account, for coexistence: Application Auto
 * Scaling's scalable targets (DescribeScalableTargets, RegisterScalableTarget) and EC2 Auto
 * Scaling's group policies (DescribePolicies, PutScalingPolicy). The account starts with none, as a
 * user who let the brain own every decision would; a test (or a dry run's caller) adds them.
 */
import { ValidationException } from "@aws-sdk/client-application-auto-scaling";
import { AutoScalingServiceException } from "@aws-sdk/client-auto-scaling";
import type { SimulatedAccount } from "./account.js";

export type SimulatedSuspendedState = {
  DynamicScalingInSuspended: boolean;
  DynamicScalingOutSuspended: boolean;
  ScheduledScalingSuspended: boolean;
};

export type SimulatedScalableTarget = {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  SuspendedState: SimulatedSuspendedState;
};

/** A group's policy as DescribePolicies shows it (the fields PutScalingPolicy sets, and its ARN). */
export type SimulatedGroupPolicy = {
  AutoScalingGroupName: string;
  PolicyName: string;
  PolicyType: string;
  PolicyARN?: string;
  TargetTrackingConfiguration?: Record<string, unknown> & { DisableScaleIn?: boolean };
  EstimatedInstanceWarmup?: number;
  Enabled?: boolean;
};

class AutoScalingValidationError extends AutoScalingServiceException {
  constructor(message: string) {
    super({ name: "ValidationError", $fault: "client", message, $metadata: { httpStatusCode: 400 } });
  }
}

export class SimulatedNativePolicies {
  readonly scalableTargets: SimulatedScalableTarget[] = [];
  readonly groupPolicies: SimulatedGroupPolicy[] = [];

  constructor(account: SimulatedAccount) {
    account
      .handle("Application Auto Scaling", "DescribeScalableTargets", (input) => ({
        ScalableTargets: structuredClone(
          this.scalableTargets.filter(
            (t) =>
              t.ServiceNamespace === input.ServiceNamespace &&
              (input.ScalableDimension === undefined || t.ScalableDimension === input.ScalableDimension) &&
              (input.ResourceIds === undefined || (input.ResourceIds as string[]).includes(t.ResourceId)),
          ),
        ),
      }))
      .handle("Application Auto Scaling", "RegisterScalableTarget", (input) => {
        const existing = this.scalableTargets.find(
          (t) =>
            t.ServiceNamespace === input.ServiceNamespace &&
            t.ResourceId === input.ResourceId &&
            t.ScalableDimension === input.ScalableDimension,
        );
        const suspended = (input.SuspendedState ?? {}) as Partial<SimulatedSuspendedState>;
        if (existing) {
          if (typeof input.MinCapacity === "number") existing.MinCapacity = input.MinCapacity;
          if (typeof input.MaxCapacity === "number") existing.MaxCapacity = input.MaxCapacity;
          existing.SuspendedState = { ...existing.SuspendedState, ...suspended };
          return {};
        }
        if (typeof input.MinCapacity !== "number" || typeof input.MaxCapacity !== "number") {
          throw new ValidationException({
            message: "MinCapacity and MaxCapacity are required to register a new scalable target",
            $metadata: { httpStatusCode: 400 },
          });
        }
        this.registerScalableTarget({
          ServiceNamespace: input.ServiceNamespace as string,
          ResourceId: input.ResourceId as string,
          ScalableDimension: input.ScalableDimension as string,
          MinCapacity: input.MinCapacity,
          MaxCapacity: input.MaxCapacity,
          SuspendedState: {
            DynamicScalingInSuspended: false,
            DynamicScalingOutSuspended: false,
            ScheduledScalingSuspended: false,
            ...suspended,
          },
        });
        return {};
      })
      .handle("Auto Scaling", "DescribePolicies", (input) => {
        const names = input.PolicyNames as string[] | undefined;
        const types = input.PolicyTypes as string[] | undefined;
        return {
          ScalingPolicies: structuredClone(
            this.groupPolicies.filter(
              (p) =>
                (input.AutoScalingGroupName === undefined ||
                  p.AutoScalingGroupName === input.AutoScalingGroupName) &&
                (names === undefined || names.includes(p.PolicyName)) &&
                (types === undefined || types.includes(p.PolicyType)),
            ),
          ),
        };
      })
      .handle("Auto Scaling", "PutScalingPolicy", (input) => {
        const group = input.AutoScalingGroupName as string;
        const name = input.PolicyName as string;
        if (!group || !name)
          throw new AutoScalingValidationError("AutoScalingGroupName and PolicyName are required");
        const policy: SimulatedGroupPolicy = {
          AutoScalingGroupName: group,
          PolicyName: name,
          PolicyType: (input.PolicyType as string | undefined) ?? "SimpleScaling",
          PolicyARN: `arn:aws:autoscaling:simulated:000000000000:scalingPolicy:${group}:policyName/${name}`,
          ...(input.TargetTrackingConfiguration
            ? {
                TargetTrackingConfiguration: structuredClone(input.TargetTrackingConfiguration) as Record<
                  string,
                  unknown
                >,
              }
            : {}),
          ...(typeof input.EstimatedInstanceWarmup === "number"
            ? { EstimatedInstanceWarmup: input.EstimatedInstanceWarmup }
            : {}),
          ...(typeof input.Enabled === "boolean" ? { Enabled: input.Enabled } : {}),
        };
        // PutScalingPolicy replaces the policy of that name.
        const at = this.groupPolicies.findIndex(
          (p) => p.AutoScalingGroupName === group && p.PolicyName === name,
        );
        if (at >= 0) this.groupPolicies[at] = policy;
        else this.groupPolicies.push(policy);
        return { PolicyARN: policy.PolicyARN, Alarms: [] };
      });
  }

  /** A scalable target registered by the user (Application Auto Scaling). */
  registerScalableTarget(target: SimulatedScalableTarget): this {
    this.scalableTargets.push(structuredClone(target));
    return this;
  }

  /** A policy the user attached to a group (EC2 Auto Scaling). */
  putGroupPolicy(policy: SimulatedGroupPolicy): this {
    this.groupPolicies.push(structuredClone(policy));
    return this;
  }
}

/** Makes `account` answer the native policies' calls, with none registered. */
export const simulateNativePolicies = (account: SimulatedAccount): SimulatedNativePolicies =>
  new SimulatedNativePolicies(account);
