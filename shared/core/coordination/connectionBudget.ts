/**
 * Step 2b of the pipeline (coordinate.ts), tiers in order (rule 9, docs/rules.md): a group's
 * scale-out that would take the application tier past the database's connection budget is held to
 * the capacity the budget allows (core/connections/poolSizes.ts, capacityWithinBudget) until the
 * readers it needs are available. What it wanted is remembered (TargetState.connectionWant) so that
 * the cluster's readers are asked for room. Pure.
 */
import type { Proposal } from "../engine/decision.js";
import type { AfterScaleOut, Chosen, Step, Verdict } from "./steps.js";

/** The layer name that holds a decision back for the budget (blockedBy). */
export const CONNECTION_BUDGET = "connection-budget";

export type Budgeted = {
  step: Step<AfterScaleOut>;
  /** The capacity the scale-out wanted, when the budget limited it. */
  wanted?: number;
};

/**
 * A winning scale-out above `cap` is cut to it, or held when the cap leaves no room above the
 * capacity; any other step passes through. What it wants is counted within the bounds' `max`
 * (step 4 clamps it there anyway: the budget holds nothing the bounds would not allow).
 */
export function holdToConnectionBudget(
  step: Step<AfterScaleOut>,
  capacity: number,
  cap: number | undefined,
  max: number,
): Budgeted {
  if (cap === undefined || !("passOn" in step) || !("scaleOut" in step.passOn)) return { step };
  const chosen: Chosen = step.passOn.scaleOut;
  const wanted = Math.min(chosen.desired, max);
  if (wanted <= cap) return { step };
  const why = `the connection budget allows ${cap} instance(s) with the readers available; ${wanted} wanted`;
  if (cap > capacity) {
    const proposal: Proposal = { ...chosen.proposal, desired: cap };
    return {
      step: {
        passOn: { scaleOut: { ...chosen, proposal, desired: cap, message: `${chosen.message}; ${why}` } },
      },
      wanted,
    };
  }
  const verdict: Verdict = {
    outcome: "held",
    reason: "ConnectionBudget",
    to: capacity,
    proposal: chosen.proposal,
    message: `${chosen.proposal.layer} asks for ${wanted}; ${why}: held until the readers are available`,
    blockedBy: CONNECTION_BUDGET,
  };
  return { step: { verdict }, wanted };
}
