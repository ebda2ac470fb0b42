/**
 * An EC2 Auto Scaling group's desired capacity: SetDesiredCapacity with HonorCooldown false, since
 * the ledger owns cooldowns
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetDesiredCapacity.html).
 * A change that applies a scheduled action's bounds moves the group's MinSize and MaxSize with
 * the capacity in one UpdateAutoScalingGroup, as the group's own scheduled action would
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScheduledUpdateGroupAction.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html):
 * SetDesiredCapacity alone is refused outside the group's MinSize-MaxSize.
 */
import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
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
    if (change.bounds) {
      await this.client.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: this.target.AutoScalingGroupName,
          MinSize: change.bounds.min,
          MaxSize: change.bounds.max,
          DesiredCapacity: change.to,
        }),
      );
      return { capacity: change.to, resources: [] };
    }
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
