/**
 * The ledger's cost per decision on the alarm path (docs/ledger.md, "Reads and writes per
 * decision"), counted at the DynamoDB client against dynalite: every attempt the SDK sends, split
 * at the AWS call.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import type { AlarmChange } from "../../../shared/brain/handleAlarm.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { at, simulatedWorld, stateChange } from "../../support/world.js";

const TABLE = "alarm-path-budget";

type Call = { operation: string; conditional: boolean; body: string };

/** Every attempt the client sends: its operation, and whether it is a conditional write. */
function recordOperations(client: DynamoDBClient): { calls: Call[]; remove(): void } {
  const calls: Call[] = [];
  const name = "alarmPathBudgetCalls";
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const body = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : request.body;
      calls.push({
        operation: request.headers?.["x-amz-target"]?.split(".")[1] ?? "?",
        conditional: typeof body === "string" && body.includes('"ConditionExpression"'),
        body: typeof body === "string" ? body : "",
      });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name },
  );
  return { calls, remove: () => void client.middlewareStack.remove(name) };
}

const READS = new Set(["GetItem", "Query", "Scan"]);
const WRITES = new Set(["PutItem", "BatchWriteItem", "UpdateItem", "DeleteItem"]);
const count = (calls: readonly Call[]) => ({
  reads: calls.filter((c) => READS.has(c.operation)).length,
  conditionalWrites: calls.filter((c) => c.conditional).length,
  writes: calls.filter((c) => WRITES.has(c.operation)).length,
});

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, TABLE);
});
afterAll(() => dynamo.stop());

describe("the alarm path's reads and writes per decision, on dynalite", () => {
  it("taken: 1 read + 1 conditional write before the AWS call, ≤ 2 writes after; OK: 1 read + ≤ 1 write; a duplicate: one refused claim and nothing on the targets", async () => {
    const recorder = recordOperations(dynamo.client);
    // Where the readers' AWS call falls in the ledger's traffic.
    let atApply: number | null = null;
    const world = simulatedWorld({
      start: { "virtway-readers": { capacity: 2 } },
      onApply: (target) => {
        if (target.id === "virtway-readers") atApply = recorder.calls.length;
        return undefined;
      },
    });

    const decide = async (change: AlarmChange, seconds: number) => {
      recorder.calls.length = 0;
      atApply = null;
      // Each invocation its own container: its own ledger instance, nothing remembered.
      const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: TABLE, retentionDays: 30 });
      const results = await world.alarm(change, { at: at(seconds), ledger });
      // The readers' decision; the ACU floor's buffer, raised by the same change, is a decision of
      // its own on its own item (its key `TARGET#<id>`), counted apart.
      const ofTarget = (id: string) => (c: Call) => c.body.includes(`TARGET#${id}"`);
      const split = recorder.calls
        .slice(0, atApply ?? recorder.calls.length)
        .filter(ofTarget("virtway-readers")).length;
      const readers = recorder.calls.filter(ofTarget("virtway-readers"));
      return {
        results,
        before: count(readers.slice(0, split)),
        after: count(readers.slice(split)),
        floor: count(recorder.calls.filter(ofTarget("virtway-acu-floor"))),
        // The state change's own item (CHANGE#<key>): its claim, then its completion.
        claim: recorder.calls.filter((c) => c.body.includes('"CHANGE#')).map((c) => c.operation),
        calls: readers,
      };
    };

    try {
      // A target the ledger has never seen: 72% on the 70% alarm adds a reader.
      const first = await decide(stateChange("virtway-readers-cpu-high-70", 0, 72, "ALARM"), 2);
      expect(first.results[0]).toMatchObject({ status: "applied", from: 2, to: 3 });
      expect(first.claim).toEqual(["PutItem", "UpdateItem"]);
      expect(first.before).toEqual({ reads: 1, conditionalWrites: 1, writes: 1 });
      expect(first.after.reads).toBe(0);
      expect(first.after.writes).toBeLessThanOrEqual(2);
      // The floor's buffer: one read, one conditional write before its call, one after.
      expect(first.results[1]).toMatchObject({ target: "virtway-acu-floor", status: "applied", to: 16 });
      expect(first.floor.reads).toBe(1);
      expect(first.floor.conditionalWrites).toBe(2);
      expect(first.floor.writes).toBeLessThanOrEqual(3);

      // The same state change again (EventBridge after SNS).
      const duplicate = await decide(stateChange("virtway-readers-cpu-high-70", 0, 72, "ALARM"), 3);
      // One conditional write on the change's own item, refused; the targets' items untouched.
      expect(duplicate.results[0]).toMatchObject({ target: null, reason: "DuplicateStateChange" });
      expect(duplicate.claim).toEqual(["PutItem"]);
      expect(duplicate.before).toEqual({ reads: 0, conditionalWrites: 0, writes: 0 });
      expect(duplicate.after).toEqual({ reads: 0, conditionalWrites: 0, writes: 0 });
      expect(duplicate.floor).toEqual({ reads: 0, conditionalWrites: 0, writes: 0 });

      // An OK.
      const ok = await decide(stateChange("virtway-readers-cpu-high-70", 60, null, "OK"), 62);
      expect(ok.results[0]).toMatchObject({ status: "recorded", reason: "AlarmStateRecorded" });
      expect(ok.before.reads).toBe(1);
      expect(ok.before.writes).toBeLessThanOrEqual(1);
      expect(ok.after).toEqual({ reads: 0, conditionalWrites: 0, writes: 0 });

      // Taken again, with settled records in the outbox: the outcome write drains them.
      const second = await decide(stateChange("virtway-readers-connections-high", 120, 391, "ALARM"), 122);
      expect(second.results[0]).toMatchObject({ status: "applied", reason: "ScaleOut" });
      expect(second.before).toEqual({ reads: 1, conditionalWrites: 1, writes: 1 });
      expect(second.after.reads).toBe(0);
      expect(second.after.writes).toBe(2);
      expect(second.calls.map((c) => c.operation).slice(-2)).toEqual(["BatchWriteItem", "PutItem"]);
    } finally {
      recorder.remove();
    }
  });
});
