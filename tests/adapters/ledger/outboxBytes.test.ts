/**
 * The outbox bounded in bytes as well as in records, on dynalite (which refuses an item past
 * DynamoDB's 400 KB, as DynamoDB does): records at their largest (names of 255 characters of three
 * bytes each, AWS errors and messages of hundreds of kilobytes) are cut to RECORD_MAX_BYTES; a
 * few large settled records drain the outbox before a hundred are reached; and reservations piling
 * up, which no drain may move, reach OUTBOX_MAX_BYTES and no further: the write past it is
 * refused with OutboxFullError, never with DynamoDB's ValidationException.
 */
import { randomUUID } from "node:crypto";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import {
  boundedRecord,
  type DecisionRecord,
  OUTBOX_MAX_BYTES,
  RECORD_MAX_BYTES,
  recordBytes,
  STATE_SORT_KEY,
  targetKey,
} from "../../../shared/brain/ports/ledger.js";
import { MAX_REMEMBERED_STATE_CHANGES, type TargetState } from "../../../shared/core/engine/targetState.js";
import { OutboxFullError } from "../../../shared/core/errors.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";

/** DynamoDB's item size limit. */
const ITEM_LIMIT = 400 * 1024;
const T = "virtway-readers";
/** 255 characters, 235 of them three bytes in UTF-8. */
const long = (prefix: string) => `${prefix}${"ア".repeat(255 - prefix.length)}`;
const base = Date.parse("2026-11-23T19:00:00.000Z");
const iso = (n: number) => new Date(base + n * 1000).toISOString();

function state(version: number): TargetState {
  // The remembered state changes at their largest too: the item's other bounded part.
  const seen = Object.fromEntries(
    Array.from({ length: MAX_REMEMBERED_STATE_CHANGES }, (_, i) => [
      `${long(`alarm-${i}-`)}@${iso(i)}`,
      iso(i),
    ]),
  );
  return {
    target: T,
    capacity: 2,
    inFlight: [],
    bounds: { min: 1, max: 15, source: "config", since: null },
    cooldowns: [],
    alarms: {},
    seen,
    scaleIn: null,
    paused: false,
    reservations: [],
    version,
  };
}

/** A record at its largest: every name 255 characters, a message and an AWS error of 300 KB. */
function huge(n: number, status: DecisionRecord["status"]): DecisionRecord {
  return {
    id: `d${String(n).padStart(5, "0")}`,
    at: iso(n),
    target: T,
    policy: long("policy-"),
    from: 2,
    to: 3,
    outcome: "scale-out",
    reason: "StepAdjustment",
    message: "ア".repeat(100_000),
    blockedBy: long("blocked-"),
    status,
    error: `ThrottlingException: ${'\u0000"'.repeat(150_000)}`,
    trigger: `${long("alarm-")}@${iso(n)}`,
    layer: long("layer-"),
  };
}

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

async function freshLedger() {
  const tableName = `outbox-${randomUUID()}`;
  await createLedgerTable(dynamo.client, tableName);
  const ledger = new DynamoDBLedger({ client: dynamo.client, tableName, retentionDays: 30 });
  const itemBytes = async () => {
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: targetKey(T) }, sk: { S: STATE_SORT_KEY } },
      }),
    );
    // Its JSON (type tags, quotes) over-counts what DynamoDB counts.
    return { bytes: Buffer.byteLength(JSON.stringify(Item)), outbox: Item?.outbox?.L?.length ?? 0 };
  };
  return { ledger, tableName, itemBytes };
}

describe("a record at its largest", () => {
  it(`is cut to ${RECORD_MAX_BYTES} bytes: its message and error, each marked where cut`, () => {
    const record = huge(1, "failed");
    expect(recordBytes(record)).toBeGreaterThan(500_000);
    const kept = boundedRecord(record);
    expect(recordBytes(kept)).toBeLessThanOrEqual(RECORD_MAX_BYTES);
    expect(recordBytes(kept)).toBeGreaterThan(RECORD_MAX_BYTES - 256);
    expect(kept.message.endsWith("…")).toBe(true);
    expect(kept.error?.startsWith("ThrottlingException: ")).toBe(true);
    expect({ ...kept, message: record.message, error: record.error }).toEqual(record);
  });

  it("is kept whole when it fits", () => {
    const record = { ...huge(1, "held"), message: "the same scale-out again during its cooldown" };
    delete record.error;
    expect(boundedRecord(record)).toBe(record);
  });
});

describe("the outbox in bytes, on dynalite", () => {
  it("dynalite refuses an item past 400 KB, as DynamoDB does", async () => {
    const { tableName } = await freshLedger();
    await expect(
      dynamo.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: "x" }, sk: { S: "y" }, blob: { S: "x".repeat(ITEM_LIMIT + 1) } },
        }),
      ),
    ).rejects.toThrow(/Item size has exceeded the maximum allowed size/);
  });

  it("a few large settled records drain it long before a hundred", async () => {
    const { ledger, itemBytes } = await freshLedger();
    let drained = 0;
    for (let v = 0; v < 20; v++) drained += (await ledger.write(state(v + 1), v, [huge(v, "held")])).drained;
    expect(drained).toBeGreaterThan(0);
    expect((await itemBytes()).outbox).toBeLessThan(20);
    expect((await ledger.decisions(T)).map((r) => r.id)).toHaveLength(20);
  });

  it("reservations piling up reach the bound and stop there: OutboxFullError, the item under 400 KB", async () => {
    const { ledger, itemBytes } = await freshLedger();
    let version = 0;
    let refused: unknown = null;
    for (let n = 0; n < 200 && refused === null; n++) {
      try {
        await ledger.write(state(version + 1), version, [huge(n, "reserved")]);
        version++;
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toBeInstanceOf(OutboxFullError);
    const { bytes, outbox } = await itemBytes();
    expect(outbox).toBe(version);
    // At the bound: one more record would pass it.
    expect(outbox * (RECORD_MAX_BYTES - 16)).toBeGreaterThan(OUTBOX_MAX_BYTES - RECORD_MAX_BYTES);
    expect(bytes).toBeLessThan(ITEM_LIMIT);
    // The refused write changed nothing.
    expect((await ledger.read(T))?.version).toBe(version);
  }, 30_000);
});
