/**
 * A conditional write that DynamoDB applied but whose reply was lost (a timeout, a 500 on the way
 * back): the SDK retries it, and the retry's condition fails against the write itself. On
 * dynalite, with the fault injected after the call in front of it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { initialState } from "../../../shared/core/engine/targetState.js";
import { LedgerConflictError } from "../../../shared/core/errors.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { conditional, injectFault, throttling } from "../../support/dynamoFaults.js";
import { simulatedWorld, stateChange } from "../../support/world.js";

const TABLE = "lost-reply";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, TABLE);
});
afterAll(() => dynamo.stop());

const ledgerOn = () => new DynamoDBLedger({ client: dynamo.client, tableName: TABLE, retentionDays: 30 });

describe("a write whose reply was lost", () => {
  it("is the ledger's own write, not a conflict: the write succeeds, once", async () => {
    const ledger = ledgerOn();
    const first = { ...initialState("lost-1", { min: 1, max: 8 }, 2), version: 1 };
    await ledger.write(first, 0, []);
    const fault = injectFault(dynamo.client, {
      operation: "PutItem",
      when: conditional,
      times: 1,
      afterApplied: true,
      error: throttling,
    });
    try {
      await ledger.write({ ...first, capacity: 3, version: 2 }, 1, []);
    } finally {
      fault.remove();
    }
    expect(fault.failed).toBe(1);
    expect(fault.seen).toBe(2);
    expect(await ledgerOn().read("lost-1")).toMatchObject({ capacity: 3, version: 2 });
  });

  it("another decision's write is still a conflict", async () => {
    const ledger = ledgerOn();
    const first = { ...initialState("lost-2", { min: 1, max: 8 }, 2), version: 1 };
    await ledger.write(first, 0, []);
    await ledgerOn().write({ ...first, capacity: 4, version: 2 }, 1, []);
    await expect(ledger.write({ ...first, capacity: 3, version: 2 }, 1, [])).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
  });

  it("on the alarm path: the reservation's reply lost, the reader is still created, once", async () => {
    const now = new Date("2026-11-23T19:00:02.000Z");
    const { account, alarm } = simulatedWorld({ start: { "virtway-readers": { capacity: 2 } }, now });
    const fault = injectFault(dynamo.client, {
      operation: "PutItem",
      when: (input) => conditional(input) && JSON.stringify(input).includes("TARGET#virtway-readers"),
      times: 1,
      afterApplied: true,
      error: throttling,
    });
    try {
      const [readers] = await alarm(stateChange("virtway-readers-cpu-high-70", 0, 72), {
        at: now,
        ledger: ledgerOn(),
      });
      expect(readers).toMatchObject({ target: "virtway-readers", status: "applied", from: 2, to: 3 });
    } finally {
      fault.remove();
    }
    expect(account.mutatingCalls().filter((c) => c.command === "CreateDBInstance")).toHaveLength(1);
    expect(await ledgerOn().read("virtway-readers")).toMatchObject({ capacity: 3, reservations: [] });
  });
});
