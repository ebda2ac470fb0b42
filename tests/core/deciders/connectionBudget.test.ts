import { describe, expect, it } from "vitest";
import { connectionReadersLayer } from "../../../shared/core/deciders/connectionBudget.js";
import type { Proposal } from "../../../shared/core/engine/decision.js";
import { initialState } from "../../../shared/core/engine/targetState.js";

const scaleIn = (desired: number): Proposal => ({
  layer: "readers-cpu-target-30",
  kind: "target-tracking",
  direction: "in",
  desired,
  reason: "TargetTrackingScaleIn",
  message: "CPU under the target",
  cooldownSeconds: 300,
});

describe("the readers' connection-budget layer (rule 9)", () => {
  const state = (capacity: number) => initialState("readers", { min: 1, max: 15 }, capacity);

  it("raises a scale-in to the readers the groups need", () => {
    const { proposals, abstentions } = connectionReadersLayer(2, state(4), [scaleIn(1)]);
    expect(proposals.map((p) => [p.layer, p.direction, p.desired])).toEqual([
      ["readers-cpu-target-30", "in", 2],
    ]);
    expect(abstentions).toEqual([]);
  });

  it("drops a scale-in that would go under them, with its reason", () => {
    const { proposals, abstentions } = connectionReadersLayer(3, state(3), [scaleIn(2)]);
    expect(proposals).toEqual([]);
    expect(abstentions.map((a) => a.reason)).toEqual(["ConnectionBudget"]);
  });

  it("asks for the readers missing, and leaves a scale-in above them alone", () => {
    const { proposals } = connectionReadersLayer(3, state(2), []);
    expect(proposals.map((p) => [p.layer, p.direction, p.desired, p.reason])).toEqual([
      ["connection-budget", "out", 3, "ConnectionBudget"],
    ]);
    expect(connectionReadersLayer(1, state(3), [scaleIn(2)]).proposals.map((p) => p.desired)).toEqual([2]);
  });
});
