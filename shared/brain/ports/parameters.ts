/**
 * The parameter port: where the brain publishes pool sizes and the rebalance signal (SSM Parameter
 * Store; core/connections/parameters.ts names them). The adapter is on the SDK's SSM client; the
 * simulated account answers it in dry runs and replay.
 */
import type { WantedParameter } from "../../core/connections/parameters.js";

export interface Parameters {
  /** The values the named parameters hold now; a parameter never written is absent. */
  read(names: readonly string[]): Promise<Map<string, string>>;
  /** Writes one parameter, overwriting its value. */
  write(parameter: WantedParameter): Promise<void>;
}
