/**
 * A crash between the reservation and the outcome, on dynalite: the invocation's outcome write
 * never lands (throttled through the SDK's retries, then the invocation is gone). Once the
 * reservation has expired, the next decision releases it and settles its decision under its own
 * id, within the write budget, and the next outcome write drains it into the log.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import type { AlarmChange } from "../../../shared/brain/handleAlarm.js";
import type { DecisionRecord } from "../../../shared/brain/ports/ledger.js";
import { virtwayConfig } from "../../support/config.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { conditional, injectFault, recordCalls, throttling } from "../../support/dynamoFaults.js";
import { at, simulatedWorld, stateChange } from "../../support/world.js";

const config = virtwayConfig();
const TABLE = "alarm-path-crash";
const TARGET = "virtway-readers";
const timeout = config.settings.reservationTimeoutSeconds;

let dynamo: Dynalite;
beforeAll(async () => {
  // Two attempts per call, so that the throttled outcome write gives up quickly.
  dynamo = await startDynalite({ maxAttempts: 2 });
  await createLedgerTable(dynamo.client, TABLE);
});
afterAll(() => dynamo.stop());

describe("a crash between reservation and outcome", () => {
  it("the next decision after reservationTimeoutSeconds settles the old record as expired, releases the reservation, and the capacity is right", async () => {
    const world = simulatedWorld({ start: { [TARGET]: { capacity: 1 } } });
    const ledgerOn = () => new DynamoDBLedger({ client: dynamo.client, tableName: TABLE, retentionDays: 30 });
    // Each invocation its own container: its own ledger instance.
    const send = (change: AlarmChange, seconds: number) =>
      world.alarm(change, { at: at(seconds), ledger: ledgerOn() });
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    const stateItem = async () =>
      (
        await documents.send(
          new GetCommand({
            TableName: TABLE,
            Key: { pk: `TARGET#${TARGET}`, sk: "STATE" },
            ConsistentRead: true,
          }),
        )
      ).Item!;
    const logItems = async () =>
      ((
        await documents.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues: { ":pk": `TARGET#${TARGET}`, ":prefix": "DECISION#" },
            ConsistentRead: true,
          }),
        )
      ).Items ?? []) as DecisionRecord[];

    // 1. 72% on the 70% alarm: reserved, CreateDBInstance made, the outcome write never lands.
    let conditionalWrites = 0;
    const fault = injectFault(dynamo.client, {
      operation: "PutItem",
      when: (input) => conditional(input) && ++conditionalWrites > 1,
      error: throttling,
    });
    await expect(send(stateChange("virtway-readers-cpu-high-70", 0, 72, "ALARM"), 2)).rejects.toThrow(
      /provisioned throughput/,
    );
    fault.remove();
    expect(world.account.mutatingCalls().map((c) => c.command)).toEqual(["CreateDBInstance"]);
    const crashed = await stateItem();
    const reservation = (crashed.reservations as { decisionId: string; from: number; to: number }[])[0]!;
    expect(reservation).toMatchObject({ from: 1, to: 2 });
    expect((crashed.outbox as DecisionRecord[]).map((r) => ({ id: r.id, status: r.status }))).toEqual([
      { id: reservation.decisionId, status: "reserved" },
    ]);

    // 2. Before the reservation expires, it still stands.
    await send(stateChange("virtway-readers-cpu-high-70", 60, null, "OK"), 62);
    expect((await stateItem()).reservations).toMatchObject([{ decisionId: reservation.decisionId }]);

    // 3. Past reservationTimeoutSeconds, the next decision (an OK: 1 read, 1 write, between the
    //    state change's claim and its completion) settles it.
    const calls = recordCalls(dynamo.client);
    const [ok] = await send(
      stateChange("virtway-readers-cpu-high-70", timeout + 10, null, "OK"),
      timeout + 12,
    );
    calls.remove();
    expect(ok).toMatchObject({ status: "recorded", reason: "AlarmStateRecorded" });
    expect(calls.calls).toEqual(["PutItem", "GetItem", "PutItem", "UpdateItem"]);
    const released = await stateItem();
    expect(released.reservations).toEqual([]);
    // The reader was created: the capacity the reservation counted stands.
    expect(released.capacity).toBe(2);
    const settled = (released.outbox as DecisionRecord[]).filter((r) => r.id === reservation.decisionId);
    expect(settled).toEqual([
      expect.objectContaining({
        id: reservation.decisionId,
        at: at(2).toISOString(),
        status: "expired",
        reason: "ReservationExpired",
        outcome: "scale-out",
        from: 1,
        to: 2,
        layer: "readers-cpu-step-70",
      }),
    ]);
    expect(settled[0]!.message).toMatch(/recorded no outcome by .*: released at/);

    // 4. The next taken decision's outcome write drains it into the log, out of the outbox.
    const [out] = await send(
      stateChange("virtway-readers-connections-high", timeout + 60, 391, "ALARM"),
      timeout + 62,
    );
    expect(out).toMatchObject({ status: "applied", reason: "ScaleOut", from: 2, to: 4 });
    const after = await stateItem();
    expect(after).toMatchObject({ capacity: 4, reservations: [] });
    expect((after.outbox as DecisionRecord[]).some((r) => r.id === reservation.decisionId)).toBe(false);
    const logged = (await logItems()).filter((r) => r.id === reservation.decisionId);
    expect(logged.map((r) => r.status)).toEqual(["expired"]);
    // Nothing of the crashed decision is left pending anywhere.
    expect((await ledgerOn().decisions(TARGET)).filter((r) => r.status === "reserved")).toEqual([]);
    expect((await world.actuatorFor(config.targets.find((t) => t.id === TARGET)!).observe()).capacity).toBe(
      4,
    );
  });
});
