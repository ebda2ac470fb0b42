/**
 * An EC2 Auto Scaling group's desired capacity: SetDesiredCapacity with HonorCooldown false, since
 * the ledger owns cooldowns
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetDesiredCapacity.html).
 */
import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from "@aws-sdk/client-auto-scaling";
import type { AppliedChange, ScalingChange } from "../../brain/ports/actuator.js";
import type { AsgTarget } from "../../core/config/schema.js";
import type { Observation } from "../../core/engine/observation.js";
import { ServiceActuator } from "./serviceActuator.js";

export class AutoScalingGroupActuator extends ServiceActuator<AutoScalingClient, AsgTarget> {
  async observe(): Promise<Observation> {
    const out = await this.client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [this.target.AutoScalingGroupName] }),
    );
    const group = out.AutoScalingGroups?.[0];
    if (!group)
      throw new Error(`DescribeAutoScalingGroups returned no group ${this.target.AutoScalingGroupName}`);
    return {
      kind: "asg",
      capacity: group.DesiredCapacity ?? 0,
      minSize: group.MinSize ?? 0,
      maxSize: group.MaxSize ?? 0,
      inService: (group.Instances ?? []).filter((i) => i.LifecycleState === "InService").length,
    };
  }

  async apply(change: ScalingChange): Promise<AppliedChange> {
    await this.client.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: this.target.AutoScalingGroupName,
        DesiredCapacity: change.to,
        HonorCooldown: false,
      }),
    );
    return { capacity: change.to, resources: [] };
  }
}
