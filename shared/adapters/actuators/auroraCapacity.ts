/**
 * The cluster's Aurora Serverless v2 ACU floor: ModifyDBCluster ServerlessV2ScalingConfiguration,
 * MinCapacity moved, MaxCapacity kept at the target's AcuMaximum, applied immediately. A higher
 * floor makes every instance keep that much capacity and scale up faster from it
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html).
 */
import { DescribeDBClustersCommand, ModifyDBClusterCommand, type RDSClient } from "@aws-sdk/client-rds";
import type { AppliedChange, ScalingChange } from "../../brain/ports/actuator.js";
import type { AuroraCapacityTarget } from "../../core/config/schema.js";
import type { Observation } from "../../core/engine/observation.js";
import { ServiceActuator } from "./serviceActuator.js";

export class AuroraCapacityActuator extends ServiceActuator<RDSClient, AuroraCapacityTarget> {
  async observe(): Promise<Observation> {
    const out = await this.client.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: this.target.DBClusterIdentifier }),
    );
    const scaling = out.DBClusters?.[0]?.ServerlessV2ScalingConfiguration;
    return {
      kind: "aurora-capacity",
      capacity: scaling?.MinCapacity ?? 0,
      acuMaximum: scaling?.MaxCapacity ?? null,
    };
  }

  async apply(change: ScalingChange): Promise<AppliedChange> {
    await this.client.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: this.target.DBClusterIdentifier,
        ServerlessV2ScalingConfiguration: { MinCapacity: change.to, MaxCapacity: this.target.AcuMaximum },
        ApplyImmediately: true,
      }),
    );
    return { capacity: change.to, resources: [] };
  }
}
