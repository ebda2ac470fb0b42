/**
 * The storm, small, with a fixed seed: concurrent deliveries over targets of all three kinds
 * (twins, Lambda's retries, escalations, OK changes, the tick in the middle) through the real
 * handlers against one dynalite and the simulated account. What every target must end at is
 * computed here from the configuration's step adjustments, apart from the brain's code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStorm, type StormRun } from "../../cli/bench/storm.js";
import { planStorm, SMALL_STORM } from "../../cli/bench/stormPlan.js";
import type { Target } from "../../shared/core/config/schema.js";
import { stateChangeKey } from "../../shared/core/engine/targetState.js";
import { mulberry32 } from "../../shared/offline/random.js";

const plan = planStorm(SMALL_STORM);
let run: StormRun;
beforeAll(async () => {
  run = await runStorm(plan, { random: mulberry32(SMALL_STORM.seed) });
}, 60_000);
afterAll(() => run?.close());

const alarmChanges = plan.changes.filter((c) => c.to === "ALARM");

/**
 * Rules 1–3: every change counts from the capacity before the first scale-out (the storm's minute
 * is within every cooldown), the largest step wins, within MaxCapacity. An ACU floor whose
 * cluster's readers were added stands at its MaxCapacity (the vertical buffer).
 */
function expectedCapacity(target: Target): number {
  if (target.kind === "aurora-capacity") {
    const readers = plan.config.targets.find(
      (t) => t.kind === "aurora-readers" && t.DBClusterIdentifier === target.DBClusterIdentifier,
    ) as Target;
    return expectedCapacity(readers) > readers.MinCapacity ? target.MaxCapacity : target.MinCapacity;
  }
  let largest = 0;
  for (const policy of target.policies) {
    if (policy.PolicyType !== "StepScaling") continue;
    const threshold = (name: string) =>
      (plan.config.alarms.find((a) => a.AlarmName === name) as { Threshold: number }).Threshold;
    for (const change of alarmChanges.filter((c) => policy.Alarms.includes(c.alarm))) {
      const above = (change.value as number) - threshold(change.alarm);
      const step = policy.StepScalingPolicyConfiguration.StepAdjustments.find(
        (s) =>
          (s.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY) <= above &&
          above < (s.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY),
      );
      largest = Math.max(largest, step?.ScalingAdjustment ?? 0);
    }
  }
  return Math.min(target.MaxCapacity, target.MinCapacity + largest);
}

describe("a small storm through the real handlers", () => {
  it("has every kind of target, twins, retries, escalations, OK changes and a tick", () => {
    expect(new Set(plan.config.targets.map((t) => t.kind))).toEqual(
      new Set(["aurora-readers", "aurora-capacity", "asg"]),
    );
    const deliveries = plan.invocations.filter((i) => i.kind === "alarm");
    expect(deliveries.length).toBeGreaterThanOrEqual(SMALL_STORM.deliveries);
    expect(deliveries.filter((d) => d.retry).length).toBeGreaterThan(0);
    expect(plan.changes.filter((c) => c.to === "OK").length).toBeGreaterThan(0);
    expect(plan.invocations.filter((i) => i.kind === "tick")).toHaveLength(1);
    // An escalation: a group's alarm in ALARM again with a larger step than before.
    expect(
      plan.config.targets.some((t) => t.kind === "asg" && expectedCapacity(t) === t.MinCapacity + 3),
    ).toBe(true);
  });

  it("no invocation failed", () => {
    expect(run.outcomes.filter((o) => !o.ok).map((o) => `${o.id}: ${o.error}`)).toEqual([]);
  });

  it("every target ends at exactly the capacity the rules allow, in the ledger and in the account", async () => {
    for (const target of plan.config.targets) {
      const state = await run.ledger.read(target.id);
      expect({ target: target.id, capacity: state?.capacity }).toEqual({
        target: target.id,
        capacity: expectedCapacity(target),
      });
    }
    for (const target of plan.config.targets) {
      const observed = await run.actuatorFor(target).observe();
      expect({ target: target.id, capacity: observed.capacity }).toEqual({
        target: target.id,
        capacity: expectedCapacity(target),
      });
    }
  });

  it("every state change is in the decision log once; no reservation is left", async () => {
    for (const target of plan.config.targets) {
      const log = await run.ledger.decisions(target.id, { limit: 1000 });
      const triggers = log.flatMap((r) => (r.trigger && !r.trigger.startsWith("tick@") ? [r.trigger] : []));
      expect(triggers.length).toBe(new Set(triggers).size);
      const answered = plan.changes.filter((c) =>
        target.policies.some((p) => p.PolicyType === "StepScaling" && p.Alarms.includes(c.alarm)),
      );
      for (const change of answered) expect(triggers).toContain(stateChangeKey(change.alarm, change.at));
      expect(log.filter((r) => r.status === "reserved")).toEqual([]);
      expect((await run.ledger.read(target.id))?.reservations).toEqual([]);
    }
  });

  it("no AWS change is made twice: one mutating call per applied decision (per reader, for readers), each asking something new", async () => {
    const calls = run.account.mutatingCalls();
    const applied = [];
    for (const target of plan.config.targets) {
      applied.push(
        ...(await run.ledger.decisions(target.id, { limit: 1000 })).filter((r) => r.status === "applied"),
      );
    }
    const kindOf = (id: string) => plan.config.targets.find((t) => t.id === id)?.kind;
    const expectedCalls = applied.reduce(
      (sum, r) => sum + (kindOf(r.target) === "aurora-readers" ? Math.abs(r.to - r.from) : 1),
      0,
    );
    expect(calls).toHaveLength(expectedCalls);
    const keys = calls.map((c) => JSON.stringify(c.input));
    expect(new Set(keys).size).toBe(keys.length);
    for (const target of plan.config.targets) {
      const delta = applied
        .filter((r) => r.target === target.id)
        .reduce((sum, r) => sum + (r.to - r.from), 0);
      expect(target.MinCapacity + delta).toBe(expectedCapacity(target));
    }
  });
});
