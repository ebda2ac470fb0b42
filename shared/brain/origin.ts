/**
 * Where an event comes from, and the brain's answer to one from another account or region than it
 * serves: acknowledged with its reason, nothing decided. One check for the alarm function's state
 * changes and the tick's EventBridge rule alike.
 */
import type { BrainConfig } from "../core/config/schema.js";

/** The account and region an event names, where it names them (null: it does not say). */
export type Origin = { account: string | null; region: string | null };

/** Why an event from another account or region than the brain's is refused; null when it is the brain's. */
export function foreignOrigin(config: BrainConfig, origin: Origin): string | null {
  if (config.account && origin.account && origin.account !== config.account) {
    return `account ${origin.account} is not the brain's ${config.account}`;
  }
  if (config.region && origin.region && origin.region !== config.region) {
    return `region ${origin.region} is not the brain's ${config.region}`;
  }
  return null;
}
