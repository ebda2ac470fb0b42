/**
 * Datapoints DynamoDB's marshaller refuses as JavaScript numbers (above 2^53, Number.MAX_SAFE_INTEGER)
 * are real CloudWatch values (byte counts): the alarm still acts, and its value is stored and read
 * back, through the alarm function's path on dynalite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { at, simulatedWorld, stateChange } from "../../support/world.js";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

describe("an alarm's datapoint beyond 2^53", () => {
  it.each([2 ** 53 + 2, 2 ** 60, 1e20, 1.5e100])(
    "%s is stored and read back, and the alarm acts",
    async (value) => {
      const tableName = `extreme-${String(value).replace(/[^\w]/g, "_")}`;
      await createLedgerTable(dynamo.client, tableName);
      const ledger = new DynamoDBLedger({ client: dynamo.client, tableName, retentionDays: 30 });
      const world = simulatedWorld({ ledger, start: { "virtway-readers": { capacity: 1 } } });
      const target = "virtway-readers";
      const decisions = await world.alarm(stateChange("virtway-readers-cpu-high-70", 68, value), {
        at: at(70),
      });
      expect(decisions.find((d) => d.target === target)).toMatchObject({ status: "applied" });
      const state = await new DynamoDBLedger({ client: dynamo.client, tableName, retentionDays: 30 }).read(
        target,
      );
      expect(state?.alarms["virtway-readers-cpu-high-70"]?.value).toBe(value);
    },
  );
});
