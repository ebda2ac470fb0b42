/**
 * bench's `apiCallsPerDecision`, and the target behind it, on the real `alarm` handler, dynalite
 * and the simulated account: the calls each delivery makes as the clients send them, split at its
 * AWS call. Before the AWS call of a taken decision: at most one ledger read and two conditional
 * writes (the state change's claim, the target's state with its reservation); after it, only the
 * outcome's writes and no read.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callName, countCalls, splitAtAction } from "../../cli/bench/apiCalls.js";
import { callsPerPath } from "../../cli/bench/decision.js";
import {
  alarmChange,
  BENCH_START,
  type DecisionScene,
  HIGH,
  startDecisionScene,
} from "../../cli/bench/decisionScenario.js";
import { withStdoutDiscarded } from "../../cli/stdout.js";

let scene: DecisionScene;
beforeEach(async () => {
  scene = await startDecisionScene();
});
afterEach(() => scene.close());

/** One delivery's calls, split at its AWS call, each as a short name. */
async function deliver(
  change: ReturnType<typeof alarmChange>,
  requestId: string,
  via: "sns" | "eventbridge" = "sns",
) {
  scene.trace.reset();
  const result = await withStdoutDiscarded(() => scene.deliver({ change, via, requestId }));
  const { before, action, after } = splitAtAction(scene.trace.calls);
  return {
    result,
    before: before.map(callName),
    action: action && callName(action),
    after: after.map(callName),
    counts: { before: countCalls(before), after: countCalls(after) },
  };
}

describe("the calls of an alarm delivery, counted at the clients", () => {
  it("a taken scale-out: the claim, one read and the reservation before SetDesiredCapacity; the outcome's writes after, no read", async () => {
    // The first scale-out of a window: the group is new to the ledger (its capacity asked of AWS)
    // and native scale-in is switched off after it (coexistence), on the state just written.
    const first = await deliver(alarmChange(HIGH, BENCH_START, 2000), "first");
    expect(first.result.decisions[0]).toMatchObject({ status: "applied", from: 2, to: 3 });
    expect(first.before).toEqual([
      "PutItem? CLAIM",
      "GetItem STATE",
      "Auto Scaling DescribeAutoScalingGroups",
      "PutItem? STATE",
    ]);
    expect(first.action).toBe("Auto Scaling SetDesiredCapacity");
    expect(first.after).toEqual([
      "PutItem? STATE",
      "Auto Scaling DescribePolicies",
      "PutItem? STATE",
      "UpdateItem? CLAIM",
    ]);

    // Past the cooldown, with the instance due: its readiness asked of AWS, and the outbox's
    // settled records drained into the log by the outcome's write.
    const taken = await deliver(alarmChange(HIGH, BENCH_START + 300_000, 2100), "taken");
    expect(taken.result.decisions[0]).toMatchObject({ status: "applied", from: 3, to: 4 });
    expect(taken.before).toEqual([
      "PutItem? CLAIM",
      "GetItem STATE",
      "Auto Scaling DescribeAutoScalingGroups",
      "PutItem? STATE",
    ]);
    expect(taken.action).toBe("Auto Scaling SetDesiredCapacity");
    expect(taken.after).toEqual(["BatchWriteItem", "PutItem? STATE", "UpdateItem? CLAIM"]);

    for (const { counts } of [first, taken]) {
      expect(counts.before.ledgerReads).toBeLessThanOrEqual(1);
      expect(counts.before.conditionalWrites).toBeLessThanOrEqual(2);
      expect(counts.before.ledgerWrites).toBe(counts.before.conditionalWrites);
      expect(counts.after.ledgerReads).toBe(0);
    }
  });

  it("a held-back change and a twin: no AWS call; the twin touches nothing but its refused claim", async () => {
    const change = alarmChange(HIGH, BENCH_START, 2000);
    await deliver(change, "first");
    const twin = await deliver(change, "twin", "eventbridge");
    expect(twin.result.decisions[0]).toMatchObject({ target: null, reason: "DuplicateStateChange" });
    expect(twin.before).toEqual(["PutItem? CLAIM"]);
    expect(twin.action).toBeNull();

    const held = await deliver(alarmChange(HIGH, BENCH_START + 10_000, 2400), "held");
    expect(held.result.decisions[0]).toMatchObject({ status: "held", reason: "CooldownRepeat" });
    expect(held.before).toEqual(["PutItem? CLAIM", "GetItem STATE", "PutItem? STATE", "UpdateItem? CLAIM"]);
    expect(held.action).toBeNull();
  });

  it("bench's figure counts each path as the trace shows it", async () => {
    const figure = await withStdoutDiscarded(() => callsPerPath(scene));
    expect(figure).toEqual({
      taken: {
        ledgerReads: 1,
        ledgerWrites: 5,
        conditionalWrites: 4,
        awsCalls: 2,
        before: { ledgerReads: 1, ledgerWrites: 2, conditionalWrites: 2, awsCalls: 1 },
        after: { ledgerReads: 0, ledgerWrites: 3, conditionalWrites: 2, awsCalls: 0 },
      },
      heldBack: { ledgerReads: 1, ledgerWrites: 3, conditionalWrites: 3, awsCalls: 0 },
      duplicate: { ledgerReads: 0, ledgerWrites: 1, conditionalWrites: 1, awsCalls: 0 },
    });
  });
});
