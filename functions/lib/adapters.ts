/** The adapters the functions build on a set of clients, once per set (a Lambda container keeps one). */
import type { AwsClients } from "../../shared/adapters/aws/clients.js";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";

type Adapters = { metrics: CloudWatchMetricSource; nativeScaling: AwsNativeScaling };

const adapters = new WeakMap<AwsClients, Adapters>();

export function adaptersOn(clients: AwsClients): Adapters {
  let built = adapters.get(clients);
  if (!built) {
    built = {
      metrics: new CloudWatchMetricSource(clients.cloudWatch),
      nativeScaling: new AwsNativeScaling(clients),
    };
    adapters.set(clients, built);
  }
  return built;
}
