/**
 * A crash between the reservation and the outcome, on dynalite: the invocation's outcome write
 * never lands (throttled through the SDK's retries, then the invocation is gone). Once the
 * reservation has expired, the next decision releases it and settles its decision under its own
 * id, within the write budget, and the next outcome write drains it into the log.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actuatorsOn } from "../../../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../../../shared/adapters/aws/clients.js";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { type AlarmChange, handleAlarmChange } from "../../../shared/brain/handleAlarm.js";
import type { DecisionRecord } from "../../../shared/brain/ports/ledger.js";
import { SimulatedAccount } from "../../../shared/offline/simulation/account.js";
import { virtwayConfig } from "../../support/config.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { conditional, injectFault, recordCalls, throttling } from "../../support/dynamoFaults.js";

const config = virtwayConfig();
const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000);
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
    let now = at(0);
    const account = SimulatedAccount.forConfig(config, () => now, { [TARGET]: { capacity: 1 } });
    const clients = createAwsClients({
      region: "eu-west-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    account.attach(clients);
    const actuatorFor = actuatorsOn(clients);
    let n = 0;
    const send = (change: Omit<AlarmChange, "account" | "region">, seconds: number) => {
      now = at(seconds);
      return handleAlarmChange({
        ports: {
          ledger: new DynamoDBLedger({ client: dynamo.client, tableName: TABLE, retentionDays: 30 }),
          actuatorFor,
        },
        config,
        change: { account: null, region: null, ...change },
        now,
        invocationId: `inv-${++n}`,
        initialCapacity: async (t) => (await actuatorFor(t).observe()).capacity,
      });
    };
    const alarm = (alarmName: string, s: number, value: number | null, state: AlarmChange["state"]) => ({
      alarmName,
      state,
      stateChangedAt: at(s).toISOString(),
      value,
      actionsSuppressedBy: null,
    });
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
    await expect(send(alarm("virtway-readers-cpu-high-70", 0, 72, "ALARM"), 2)).rejects.toThrow(
      /provisioned throughput/,
    );
    fault.remove();
    expect(account.mutatingCalls().map((c) => c.command)).toEqual(["CreateDBInstance"]);
    const crashed = await stateItem();
    const reservation = (crashed.reservations as { decisionId: string; from: number; to: number }[])[0]!;
    expect(reservation).toMatchObject({ from: 1, to: 2 });
    expect((crashed.outbox as DecisionRecord[]).map((r) => [r.id, r.status])).toEqual([
      [reservation.decisionId, "reserved"],
    ]);

    // 2. Before the reservation expires, it still stands.
    await send(alarm("virtway-readers-cpu-high-70", 60, null, "OK"), 62);
    expect((await stateItem()).reservations).toMatchObject([{ decisionId: reservation.decisionId }]);

    // 3. Past reservationTimeoutSeconds, the next decision (an OK: 1 read, 1 write) settles it.
    const calls = recordCalls(dynamo.client);
    const [ok] = await send(alarm("virtway-readers-cpu-high-70", timeout + 10, null, "OK"), timeout + 12);
    calls.remove();
    expect(ok).toMatchObject({ status: "recorded", reason: "AlarmStateRecorded" });
    expect(calls.calls).toEqual(["GetItem", "PutItem"]);
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
      alarm("virtway-readers-connections-high", timeout + 60, 391, "ALARM"),
      timeout + 62,
    );
    expect(out).toMatchObject({ status: "applied", reason: "ScaleOut", from: 2, to: 4 });
    const after = await stateItem();
    expect(after).toMatchObject({ capacity: 4, reservations: [] });
    expect((after.outbox as DecisionRecord[]).some((r) => r.id === reservation.decisionId)).toBe(false);
    const logged = (await logItems()).filter((r) => r.id === reservation.decisionId);
    expect(logged.map((r) => r.status)).toEqual(["expired"]);
    // Nothing of the crashed decision is left pending anywhere.
    const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: TABLE, retentionDays: 30 });
    expect((await ledger.decisions(TARGET)).filter((r) => r.status === "reserved")).toEqual([]);
    expect((await actuatorFor(config.targets.find((t) => t.id === TARGET)!).observe()).capacity).toBe(4);
  });
});
