/** One actuator per target kind, on the clients given. */

import type { Actuator, ActuatorFor } from "../../brain/ports/actuator.js";
import type { Target } from "../../core/config/schema.js";
import type { AwsClients } from "../aws/clients.js";
import { AuroraCapacityActuator } from "./auroraCapacity.js";
import { AuroraReadersActuator } from "./auroraReaders.js";
import { AutoScalingGroupActuator } from "./autoScalingGroup.js";

export function actuatorsOn(clients: Pick<AwsClients, "rds" | "autoScaling">): ActuatorFor {
  return (target: Target): Actuator => {
    switch (target.kind) {
      case "aurora-readers":
        return new AuroraReadersActuator(clients.rds, target);
      case "aurora-capacity":
        return new AuroraCapacityActuator(clients.rds, target);
      case "asg":
        return new AutoScalingGroupActuator(clients.autoScaling, target);
    }
  };
}
