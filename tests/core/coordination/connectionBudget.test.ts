import { describe, expect, it } from "vitest";
import { holdToConnectionBudget } from "../../../shared/core/coordination/connectionBudget.js";
import type { AfterScaleOut, Step } from "../../../shared/core/coordination/steps.js";
import type { Proposal } from "../../../shared/core/engine/decision.js";

const proposal: Proposal = {
  layer: "api-cpu-target-70",
  kind: "target-tracking",
  direction: "out",
  desired: 6,
  reason: "TargetTrackingScaleOut",
  message: "CPU above 70 %",
  cooldownSeconds: 60,
};
const scaleOut: Step<AfterScaleOut> = {
  passOn: { scaleOut: { direction: "out", proposal, desired: 6, message: "CPU above 70 %" } },
};

describe("step 2b: the connection budget (rule 9)", () => {
  it.each([
    // [name, cap, bounds max, the desired passed on or the verdict's reason, wanted remembered]
    ["no budget: passes through", undefined, 10, 6, undefined],
    ["within the budget: passes through", 8, 10, 6, undefined],
    ["past the budget, room above the capacity: cut to the cap", 4, 10, 4, 6],
    ["past the budget, no room: held", 2, 10, "ConnectionBudget", 6],
    ["the bounds stop it first: what it wants counts within them", 4, 5, 4, 5],
    ["the bounds allow no more than the budget: nothing to hold", 4, 4, 6, undefined],
  ] as const)("%s", (_, cap, max, outcome, wanted) => {
    const budgeted = holdToConnectionBudget(scaleOut, 2, cap, max);
    expect(budgeted.wanted).toBe(wanted);
    if ("verdict" in budgeted.step) {
      expect(budgeted.step.verdict).toMatchObject({
        outcome: "held",
        reason: outcome,
        to: 2,
        blockedBy: "connection-budget",
      });
      expect(budgeted.step.verdict.message).toMatch(/the connection budget allows 2 instance\(s\)/);
    } else if ("scaleOut" in budgeted.step.passOn) {
      expect(budgeted.step.passOn.scaleOut.desired).toBe(outcome);
      expect(budgeted.step.passOn.scaleOut.proposal.desired).toBe(outcome);
    } else throw new Error("a scale-out became a scale-in");
  });

  it("leaves a scale-in alone", () => {
    const scaleIn: Step<AfterScaleOut> = {
      passOn: { scaleIn: { ...proposal, direction: "in", desired: 1 } },
    };
    expect(holdToConnectionBudget(scaleIn, 2, 0, 10)).toEqual({ step: scaleIn });
  });
});
