import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { commitDecision } from "../../../shared/brain/applyDecision.js";
import { coordinate } from "../../../shared/core/coordination/coordinate.js";
import { decideOnAlarm } from "../../../shared/core/deciders/alarmDecision.js";
import { provisioningSecondsOf } from "../../../shared/core/deciders/targets.js";
import { initialState, readyCapacity, stateChangeKey } from "../../../shared/core/engine/targetState.js";
import { targetTracking } from "../../../shared/core/policies/targetTracking.js";
import { virtwayConfig } from "../../support/config.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { simulatedWorld } from "../../support/world.js";

const config = virtwayConfig();
const readers = config.targets.find((t) => t.id === "virtway-readers")!;
const trackingPolicy = readers.policies.find((p) => p.PolicyType === "TargetTrackingScaling")!;
if (trackingPolicy.PolicyType !== "TargetTrackingScaling")
  throw new Error("the example has a target-tracking policy");
const NOW = new Date("2026-11-23T19:01:40.000Z");
let dynamo: Dynalite;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, "concurrent");
});
afterAll(() => dynamo.stop());

describe("50 concurrent decisions for one target, against dynalite", () => {
  it("end at exactly the capacity the rules allow, each real change applied at most once, the rest held back with a reason", async () => {
    const { account, actuatorFor } = simulatedWorld({
      start: { "virtway-readers": { capacity: 2 } },
      now: NOW,
    });
    const init = () => initialState("virtway-readers", { min: 1, max: 8 }, 2);
    const change70 = {
      alarmName: "virtway-readers-cpu-high-70",
      state: "ALARM" as const,
      stateChangedAt: "2026-11-23T19:01:08.123Z",
      value: 72,
      actionsSuppressedBy: null,
    };
    const change85 = {
      alarmName: "virtway-readers-cpu-high-85",
      state: "ALARM" as const,
      stateChangedAt: "2026-11-23T19:01:38.456Z",
      value: 90,
      actionsSuppressedBy: null,
    };

    // 20 deliveries of the 70% change and 20 of the 85% change (SNS, EventBridge, Lambda's retries),
    // and 10 target-tracking runs seeing CPU at 50% against a target of 30%.
    const invocations = Array.from({ length: 50 }, (_, i) => {
      // Each invocation is its own Lambda container: its own ledger client.
      const ports = {
        ledger: new DynamoDBLedger({ client: dynamo.client, tableName: "concurrent", retentionDays: 30 }),
        actuatorFor,
      };
      const decisionId = `inv-${i}`;
      if (i % 5 === 4) {
        return commitDecision({
          ports,
          target: readers,
          now: NOW,
          reservationTimeoutSeconds: 900,
          init,
          decide: (state) => {
            const proposal = targetTracking(
              trackingPolicy,
              readyCapacity(state),
              [50, 50, 50],
              config.settings.targetTracking,
            );
            const c = coordinate({
              decisionId,
              now: NOW,
              state,
              proposals: "desired" in proposal ? [proposal] : [],
              hardMax: 15,
              provisioningSeconds: provisioningSecondsOf(readers, config.settings),
              scaleInStabilizationSeconds: 300,
              fullView: true,
            });
            return { ...c, act: c.decision.outcome === "scale-out" || c.decision.outcome === "scale-in" };
          },
        });
      }
      const signal = i % 2 === 0 ? change70 : change85;
      return commitDecision({
        ports,
        target: readers,
        now: NOW,
        reservationTimeoutSeconds: 900,
        init,
        decide: (state) => ({
          ...decideOnAlarm({
            config,
            target: readers,
            state,
            signal,
            now: NOW,
            decisionId: `${decisionId}:${signal.alarmName}`,
          }),
          trigger: stateChangeKey(signal.alarmName, signal.stateChangedAt),
        }),
      });
    });
    const records = (await Promise.all(invocations)).map((committed) => committed.record);

    const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: "concurrent", retentionDays: 30 });
    const state = await ledger.read("virtway-readers");
    // Whatever the order: the +2 step counts from 2, target tracking asks ceil(2 × 50 / 30) = 4.
    expect(state).toMatchObject({ capacity: 4, reservations: [] });
    const created = account.mutatingCalls().filter((c) => c.command === "CreateDBInstance");
    expect(created).toHaveLength(2);

    const applied = records.filter((r) => r.status === "applied");
    expect(applied.reduce((sum, r) => sum + (r.to - r.from), 0)).toBe(2);
    // Each real change acts at most once.
    const appliedTriggers = applied.flatMap((r) => (r.trigger ? [r.trigger] : []));
    expect(new Set(appliedTriggers).size).toBe(appliedTriggers.length);
    const held = records.filter((r) => r.status !== "applied");
    expect(held.length).toBe(50 - applied.length);
    for (const r of held) {
      expect(r.status).toBe("held");
      expect(["DuplicateStateChange", "CooldownRepeat", "CapacityInFlight", "NoChange"]).toContain(r.reason);
    }
    // Every one of the 50 is in the log, once, but the duplicates, which write nothing (rule 6).
    const duplicates = records.filter((r) => r.reason === "DuplicateStateChange");
    expect(duplicates.length).toBeGreaterThan(0);
    const log = await ledger.decisions("virtway-readers", { limit: 100 });
    expect(log.map((r) => r.id).sort()).toEqual(
      records
        .filter((r) => r.reason !== "DuplicateStateChange")
        .map((r) => r.id)
        .sort(),
    );
  });
});
