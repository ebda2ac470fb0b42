import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  AutoScalingClient,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
} from "@aws-sdk/client-auto-scaling";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";

const credentials = { accessKeyId: "x", secretAccessKey: "y" };
const applicationAutoScaling = new ApplicationAutoScalingClient({ region: "eu-west-1", credentials });
const autoScaling = new AutoScalingClient({ region: "eu-west-1", credentials });
const aas = mockClient(applicationAutoScaling);
const asg = mockClient(autoScaling);
const native = new AwsNativeScaling({ applicationAutoScaling, autoScaling });

beforeEach(() => {
  aas.reset();
  asg.reset();
});

const registered = (suspendedIn: boolean) => ({
  ScalableTargets: [
    {
      ServiceNamespace: "rds" as const,
      ResourceId: "cluster:virtway-aurora",
      ScalableDimension: "rds:cluster:ReadReplicaCount" as const,
      MinCapacity: 1,
      MaxCapacity: 8,
      RoleARN: "arn:aws:iam::123456789012:role/aws-service-role/rds.application-autoscaling.amazonaws.com/x",
      CreationTime: new Date(0),
      SuspendedState: {
        DynamicScalingInSuspended: suspendedIn,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
    },
  ],
});

describe("Aurora readers: Application Auto Scaling's SuspendedState", () => {
  it("describes the cluster's scalable target first, then suspends its dynamic scale-in, the other flags kept", async () => {
    aas.on(DescribeScalableTargetsCommand).resolves(registered(false));
    aas.on(RegisterScalableTargetCommand).resolves({});
    expect(await native.suspendReplicaScaleIn("virtway-aurora")).toEqual({
      done: ["cluster:virtway-aurora"],
      error: null,
    });
    expect(aas.commandCalls(DescribeScalableTargetsCommand).map((c) => c.args[0].input)).toEqual([
      {
        ServiceNamespace: "rds",
        ScalableDimension: "rds:cluster:ReadReplicaCount",
        ResourceIds: ["cluster:virtway-aurora"],
      },
    ]);
    expect(aas.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input)).toEqual([
      {
        ServiceNamespace: "rds",
        ScalableDimension: "rds:cluster:ReadReplicaCount",
        ResourceId: "cluster:virtway-aurora",
        SuspendedState: {
          DynamicScalingInSuspended: true,
          DynamicScalingOutSuspended: false,
          ScheduledScalingSuspended: false,
        },
      },
    ]);
  });

  it("resumes it after", async () => {
    aas.on(DescribeScalableTargetsCommand).resolves(registered(true));
    aas.on(RegisterScalableTargetCommand).resolves({});
    expect(await native.resumeReplicaScaleIn("virtway-aurora")).toEqual({
      done: ["cluster:virtway-aurora"],
      error: null,
    });
    expect(aas.commandCalls(RegisterScalableTargetCommand)[0]?.args[0].input.SuspendedState).toEqual({
      DynamicScalingInSuspended: false,
      DynamicScalingOutSuspended: false,
      ScheduledScalingSuspended: false,
    });
  });

  it("touches nothing that is not registered, nor a scale-in the user suspended", async () => {
    aas
      .on(DescribeScalableTargetsCommand)
      .resolvesOnce({ ScalableTargets: [] })
      .resolvesOnce(registered(true));
    expect(await native.suspendReplicaScaleIn("virtway-aurora")).toEqual({ done: [], error: null });
    expect(await native.suspendReplicaScaleIn("virtway-aurora")).toEqual({ done: [], error: null });
    expect(aas.commandCalls(RegisterScalableTargetCommand)).toHaveLength(0);
  });

  it("an AWS error is reported, not thrown", async () => {
    aas
      .on(DescribeScalableTargetsCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));
    expect(await native.suspendReplicaScaleIn("virtway-aurora")).toEqual({
      done: [],
      error: "AccessDeniedException: not authorized",
    });
  });
});

describe("groups: DisableScaleIn on the group's own target-tracking policies", () => {
  const tracking = {
    TargetValue: 60,
    PredefinedMetricSpecification: { PredefinedMetricType: "ASGAverageCPUUtilization" as const },
  };
  const policy = (PolicyName: string, extra: Record<string, unknown> = {}) => ({
    AutoScalingGroupName: "virtway-frontend-php",
    PolicyName,
    PolicyARN: `arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:x:autoScalingGroupName/virtway-frontend-php:policyName/${PolicyName}`,
    PolicyType: "TargetTrackingScaling",
    TargetTrackingConfiguration: tracking,
    Alarms: [{ AlarmName: `TargetTracking-${PolicyName}-AlarmHigh`, AlarmARN: "arn" }],
    Enabled: true,
    ...extra,
  });

  it("DescribePolicies (every page), then PutScalingPolicy with each policy's own configuration", async () => {
    asg
      .on(DescribePoliciesCommand)
      .resolvesOnce({
        ScalingPolicies: [policy("cpu-60", { EstimatedInstanceWarmup: 120 })],
        NextToken: "p2",
      })
      .resolvesOnce({
        ScalingPolicies: [
          policy("never-in", { TargetTrackingConfiguration: { ...tracking, DisableScaleIn: true } }),
          policy("switched-off", { Enabled: false }),
          policy("requests"),
        ],
      });
    asg.on(PutScalingPolicyCommand).resolves({});
    expect(await native.disableGroupScaleIn("virtway-frontend-php")).toEqual({
      done: ["cpu-60", "requests"],
      error: null,
    });
    expect(asg.commandCalls(DescribePoliciesCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: "virtway-frontend-php", PolicyTypes: ["TargetTrackingScaling"] },
      {
        AutoScalingGroupName: "virtway-frontend-php",
        PolicyTypes: ["TargetTrackingScaling"],
        NextToken: "p2",
      },
    ]);
    expect(asg.commandCalls(PutScalingPolicyCommand).map((c) => c.args[0].input)).toEqual([
      {
        AutoScalingGroupName: "virtway-frontend-php",
        PolicyName: "cpu-60",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingConfiguration: { ...tracking, DisableScaleIn: true },
        EstimatedInstanceWarmup: 120,
        Enabled: true,
      },
      {
        AutoScalingGroupName: "virtway-frontend-php",
        PolicyName: "requests",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingConfiguration: { ...tracking, DisableScaleIn: true },
        Enabled: true,
      },
    ]);
  });

  it("restores only the policies it changed, and only where DisableScaleIn is still set", async () => {
    asg.on(DescribePoliciesCommand).resolves({
      ScalingPolicies: [
        policy("cpu-60", { TargetTrackingConfiguration: { ...tracking, DisableScaleIn: true } }),
        policy("requests"),
      ],
    });
    asg.on(PutScalingPolicyCommand).resolves({});
    expect(await native.restoreGroupScaleIn("virtway-frontend-php", ["cpu-60", "requests"])).toEqual({
      done: ["cpu-60"],
      error: null,
    });
    expect(asg.commandCalls(DescribePoliciesCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "virtway-frontend-php",
      PolicyTypes: ["TargetTrackingScaling"],
      PolicyNames: ["cpu-60", "requests"],
    });
    expect(
      asg.commandCalls(PutScalingPolicyCommand).map((c) => c.args[0].input.TargetTrackingConfiguration),
    ).toEqual([{ ...tracking, DisableScaleIn: false }]);
    expect(await native.restoreGroupScaleIn("virtway-frontend-php", [])).toEqual({ done: [], error: null });
    expect(asg.commandCalls(DescribePoliciesCommand)).toHaveLength(1);
  });

  it("a failure part-way reports what was done before it", async () => {
    asg.on(DescribePoliciesCommand).resolves({ ScalingPolicies: [policy("a"), policy("b")] });
    asg
      .on(PutScalingPolicyCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));
    expect(await native.disableGroupScaleIn("virtway-frontend-php")).toEqual({
      done: ["a"],
      error: "Throttling: Rate exceeded",
    });
  });
});
