/**
 * Where an event comes from, and the brain's answer to one it cannot show is its own: acknowledged
 * with its reason, nothing decided, nothing written. With `account` or `region` configured, every
 * field of the event that names an account or region (the envelope's and the alarm ARN's alike)
 * must read as the brain's, and at least one must name it: a placeholder (`EXAMPLE`), a malformed
 * value, a disagreement between the envelope and the ARN, or no such field at all is refused. An
 * event that names its source must name CloudWatch's. One check for the alarm function's state
 * changes and the tick's EventBridge rule alike.
 */
import type { BrainConfig } from "../core/config/schema.js";
import type { Reason } from "../core/engine/decision.js";

/** The source of CloudWatch's own events, on EventBridge and in a Lambda alarm action. */
const CLOUDWATCH_SOURCE = "aws.cloudwatch";

/** One field of an event naming its account or region: what it says, and what that reads as (null: unreadable). */
export type Stated = { field: string; says: string; reads: string | null };

/** The account and region an event names, where it names them (null: it does not say, or not readably). */
export type Origin = {
  account: string | null;
  region: string | null;
  /**
   * Every field that names the account or region, as a parser read them; absent, `account` and
   * `region` are all the event says.
   */
  stated?: { account: readonly Stated[]; region: readonly Stated[] };
  /** The event's `source`, where it has one (EventBridge, a Lambda alarm action). */
  source?: string | null;
};

/** Why an event is refused: its reason and what it says; null when it is shown to be the brain's. */
export type Refusal = {
  reason: Extract<Reason, "ForeignAccountOrRegion" | "ForeignSource">;
  message: string;
};

/** Why an event the brain cannot show is its own is refused; null when it is the brain's. */
export function foreignOrigin(config: BrainConfig, origin: Origin): Refusal | null {
  if (origin.source != null && origin.source !== CLOUDWATCH_SOURCE) {
    return {
      reason: "ForeignSource",
      message: `source ${JSON.stringify(origin.source)} is not ${CLOUDWATCH_SOURCE}`,
    };
  }
  const stated = origin.stated ?? {
    account: origin.account === null ? [] : [{ field: "", says: origin.account, reads: origin.account }],
    region: origin.region === null ? [] : [{ field: "", says: origin.region, reads: origin.region }],
  };
  const message =
    mismatch("account", "an account id", config.account, stated.account) ??
    mismatch("region", "a region code", config.region, stated.region);
  return message === null ? null : { reason: "ForeignAccountOrRegion", message };
}

function mismatch(
  what: "account" | "region",
  readable: string,
  served: string | undefined,
  stated: readonly Stated[],
): string | null {
  if (!served) return null;
  if (stated.length === 0) return `the event names no ${what}; the brain serves ${served}`;
  for (const { field, says, reads } of stated) {
    const where = field ? ` (${field})` : "";
    if (reads === null) return `${what} ${JSON.stringify(says)}${where} is not ${readable}`;
    if (reads !== served) return `${what} ${reads}${where} is not the brain's ${served}`;
  }
  return null;
}
