/**
 * The adapters the functions build on a set of clients, once per set (a Lambda container keeps
 * one). Each is its own function so that a bundle holds only those its function uses: `alarm`
 * reads no metrics, so its bundle (and its role) has no GetMetricData.
 */
import type { AwsClients } from "../../shared/adapters/aws/clients.js";
import { AwsNativeScaling } from "../../shared/adapters/awsNativeScaling.js";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import { SsmParameters } from "../../shared/adapters/ssmParameters.js";
import type { MetricSource } from "../../shared/brain/ports/metrics.js";
import type { NativeScaling } from "../../shared/brain/ports/nativeScaling.js";
import type { Parameters } from "../../shared/brain/ports/parameters.js";

/**
 * The tick's metrics, the native policies both functions look after (null: none to look after),
 * and where the tick publishes pool sizes (absent or null: nowhere).
 */
export type Adapters = {
  metrics: MetricSource;
  nativeScaling: NativeScaling | null;
  parameters?: Parameters | null;
};

type Deps = { clients: AwsClients; adapters?: Adapters };

const metricSources = new WeakMap<AwsClients, MetricSource>();
const nativeScalings = new WeakMap<AwsClients, NativeScaling>();
const parameterStores = new WeakMap<AwsClients, Parameters>();

function memo<T>(memos: WeakMap<AwsClients, T>, clients: AwsClients, build: () => T): T {
  let built = memos.get(clients);
  if (!built) {
    built = build();
    memos.set(clients, built);
  }
  return built;
}

/** The metrics given with the dependencies, else CloudWatch's on their clients. */
export function metricsOf(deps: Deps): MetricSource {
  if (deps.adapters) return deps.adapters.metrics;
  return memo(metricSources, deps.clients, () => new CloudWatchMetricSource(deps.clients.cloudWatch));
}

/** The native policies given with the dependencies, else those AWS holds, read on their clients. */
export function nativeScalingOf(deps: Deps): NativeScaling | null {
  if (deps.adapters) return deps.adapters.nativeScaling;
  return memo(nativeScalings, deps.clients, () => new AwsNativeScaling(deps.clients));
}

/** Parameter Store on the clients, where the connection budgets' pool sizes go (null without budgets). */
export function parametersOf(
  deps: Deps & { config: { connectionBudgets?: unknown[] | undefined } },
): Parameters | null {
  if (!deps.config.connectionBudgets?.length) return null;
  if (deps.adapters) return deps.adapters.parameters ?? null;
  return memo(parameterStores, deps.clients, () => new SsmParameters(deps.clients.ssm));
}
