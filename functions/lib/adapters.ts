/** The adapters the functions build on a set of clients, once per set (a Lambda container keeps one). */
import type { AwsClients } from "../../shared/adapters/aws/clients.js";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import type { MetricSource } from "../../shared/brain/ports/metrics.js";
import type { NativeScaling } from "../../shared/brain/ports/nativeScaling.js";

/** The tick's metrics, and the native policies both functions look after (null: none to look after). */
export type Adapters = { metrics: MetricSource; nativeScaling: NativeScaling | null };

const adapters = new WeakMap<AwsClients, Adapters>();

/** The adapters given with the dependencies, else those built on their clients. */
export function adaptersOf(deps: { clients: AwsClients; adapters?: Adapters }): Adapters {
  if (deps.adapters) return deps.adapters;
  let built = adapters.get(deps.clients);
  if (!built) {
    built = {
      metrics: new CloudWatchMetricSource(deps.clients.cloudWatch),
      nativeScaling: new AwsNativeScaling(deps.clients),
    };
    adapters.set(deps.clients, built);
  }
  return built;
}
