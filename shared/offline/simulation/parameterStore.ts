/**
 * Parameter Store's twin at the parameter port, for replay (the SDK-level twin is the simulated
 * account's SSM): what the brain wrote, each value with the time it was written, in memory.
 */
import type { Parameters } from "../../brain/ports/parameters.js";
import type { WantedParameter } from "../../core/connections/parameters.js";

export class SimulatedParameterStore implements Parameters {
  private readonly values = new Map<string, string>();
  /** Every write, in order. */
  readonly writes: WantedParameter[] = [];

  async read(names: readonly string[]): Promise<Map<string, string>> {
    return new Map(
      names.flatMap((n) => (this.values.has(n) ? [[n, this.values.get(n) as string] as const] : [])),
    );
  }

  async write(parameter: WantedParameter): Promise<void> {
    this.values.set(parameter.name, parameter.value);
    this.writes.push(parameter);
  }

  /** The value a parameter holds now, if it was ever written. */
  valueOf(name: string): string | undefined {
    return this.values.get(name);
  }
}
