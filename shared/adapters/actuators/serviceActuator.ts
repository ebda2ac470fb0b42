import type { Actuator, AppliedChange, ScalingChange } from "../../brain/ports/actuator.js";
import type { Target } from "../../core/config/schema.js";
import type { Observation } from "../../core/engine/observation.js";

/** An actuator for one target, on the SDK client of the service that scales it. */
export abstract class ServiceActuator<Client, T extends Target> implements Actuator {
  constructor(
    protected readonly client: Client,
    protected readonly target: T,
  ) {}

  abstract observe(): Promise<Observation>;
  abstract apply(change: ScalingChange): Promise<AppliedChange>;
}
