/**
 * The simulated account over HTTP: real SDK clients, pointed at it, get the account's answers in
 * their services' wire protocols (Query XML for RDS and EC2 Auto Scaling, JSON for CloudWatch and
 * Application Auto Scaling), and its errors as the services send theirs.
 */

import { DescribeScalableTargetsCommand } from "@aws-sdk/client-application-auto-scaling";
import {
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
} from "@aws-sdk/client-rds";
import { afterAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../shared/adapters/aws/clients.js";
import { SimulatedAccount } from "../../../shared/offline/simulation/account.js";
import { simulateCloudWatch } from "../../../shared/offline/simulation/cloudWatch.js";
import { queryInput, serveAccount } from "../../../shared/offline/simulation/endpoint.js";
import { simulateNativePolicies } from "../../../shared/offline/simulation/nativePolicies.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
const now = new Date("2026-11-23T19:05:00Z");
const account = SimulatedAccount.forConfig(config, () => now, { "virtway-frontend": { capacity: 4 } });
simulateCloudWatch(account, config, { "virtway-readers": { "readers-cpu-target-30": 60 } });
simulateNativePolicies(account);
const served = await serveAccount(() => account);
const clients = createAwsClients({
  region: "eu-west-1",
  endpoint: served.endpoint,
  credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
  maxAttempts: 1,
});
afterAll(() => served.stop());

describe("the simulated account over HTTP", () => {
  it("reads Query forms, lists and nested structures included", () => {
    const form = new URLSearchParams(
      "Action=X&Version=1&Filters.Filter.1.Name=db-cluster-id&Filters.Filter.1.Values.Value.1=c1&Names.member.2=b&Names.member.1=a&Scaling.MinCapacity=16&On=true",
    );
    expect(queryInput(form)).toEqual({
      Filters: [{ Name: "db-cluster-id", Values: ["c1"] }],
      Names: ["a", "b"],
      Scaling: { MinCapacity: 16 },
      On: true,
    });
  });

  it("answers RDS in Query XML, lists by their item names", async () => {
    const { DBInstances } = await clients.rds.send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: ["virtway-aurora"] }] }),
    );
    expect(DBInstances?.map((i) => [i.DBInstanceIdentifier, i.DBInstanceStatus])).toContainEqual([
      "virtway-aurora-writer",
      "available",
    ]);
    const { DBCluster } = await clients.rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: "virtway-aurora",
        ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
      }),
    );
    expect(DBCluster?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 16, MaxCapacity: 32 });
  });

  it("answers EC2 Auto Scaling in Query XML, its changes kept", async () => {
    await clients.autoScaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "virtway-frontend-php", MinSize: 6 }),
    );
    const { AutoScalingGroups } = await clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["virtway-frontend-php"] }),
    );
    expect(AutoScalingGroups?.[0]).toMatchObject({ MinSize: 6, DesiredCapacity: 6 });
  });

  it("answers CloudWatch and Application Auto Scaling in JSON, timestamps as dates", async () => {
    const { MetricDataResults } = await clients.cloudWatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: "m",
            MetricStat: {
              Metric: {
                Namespace: "AWS/RDS",
                MetricName: "CPUUtilization",
                Dimensions: [
                  { Name: "DBClusterIdentifier", Value: "virtway-aurora" },
                  { Name: "Role", Value: "READER" },
                ],
              },
              Period: 60,
              Stat: "Average",
            },
          },
        ],
        StartTime: new Date("2026-11-23T19:00:00Z"),
        EndTime: new Date("2026-11-23T19:03:00Z"),
      }),
    );
    expect(MetricDataResults?.[0]?.Values).toEqual([60, 60, 60]);
    expect(MetricDataResults?.[0]?.Timestamps?.[0]).toEqual(new Date("2026-11-23T19:00:00Z"));
    const { ScalableTargets } = await clients.applicationAutoScaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: "rds" }),
    );
    expect(ScalableTargets).toEqual([]);
  });

  it("sends the account's errors as the service's", async () => {
    await expect(
      clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "no-such-instance" })),
    ).rejects.toBeInstanceOf(DBInstanceNotFoundFault);
  });
});
