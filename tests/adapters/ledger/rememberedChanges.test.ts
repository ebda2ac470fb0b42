/**
 * Rule 6's memory is bounded (MAX_REMEMBERED_STATE_CHANGES in shared/core/engine/targetState.ts):
 * many distinct state changes of one alarm with the longest name AWS allows, all within
 * `maxEventAgeSeconds` at its maximum, through the alarm path onto dynalite. The state item stays
 * far under DynamoDB's 400 KB item limit and every write succeeds.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { STATE_SORT_KEY, targetKey } from "../../../shared/brain/ports/ledger.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { MAX_REMEMBERED_STATE_CHANGES } from "../../../shared/core/engine/targetState.js";
import { virtwayJson } from "../../support/config.js";
import { type Dynalite, startDynalite } from "../../support/dynalite.js";
import { at, simulatedWorld, stateChange } from "../../support/world.js";

const TABLE = "remembered-changes";
/** DynamoDB's item size limit. */
const ITEM_LIMIT = 400 * 1024;

/** 255 characters, 235 of them three bytes in UTF-8: the longest key an AlarmName makes. */
const LONG_NAME = `virtway-readers-cpu-${"ア".repeat(235)}`;

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, TABLE);
});
afterAll(() => dynamo.stop());

describe("the state changes a target remembers, at the limit, on dynalite", () => {
  it("600 distinct changes of a 255-character alarm within a day: the item stays small, every write succeeds", async () => {
    expect(LONG_NAME.length).toBe(255);
    const json = JSON.parse(
      JSON.stringify(virtwayJson()).replaceAll("virtway-readers-cpu-high-70", LONG_NAME),
    );
    json.settings = { ...json.settings, maxEventAgeSeconds: 86_400 };
    const checked = validateConfig(json);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: TABLE, retentionDays: 30 });
    const world = simulatedWorld({
      config: checked.config,
      ledger,
      start: { "virtway-readers": { capacity: 2 } },
    });

    const changes = 600;
    for (let i = 0; i < changes; i++) {
      const [result] = await world.alarm(
        stateChange(LONG_NAME, i * 10, null, i % 2 === 0 ? "OK" : "INSUFFICIENT_DATA"),
      );
      expect(result).toMatchObject({ status: "recorded", reason: "AlarmStateRecorded" });
    }

    const state = await ledger.read("virtway-readers");
    const seen = Object.keys(state?.seen ?? {});
    expect(seen).toHaveLength(MAX_REMEMBERED_STATE_CHANGES);
    // The most recent are the ones kept.
    expect(seen).toContain(`${LONG_NAME}@${at((changes - 1) * 10).toISOString()}`);
    expect(seen).not.toContain(`${LONG_NAME}@${at(0).toISOString()}`);
    // What the remembered changes take: each key and time in UTF-8, the arithmetic of
    // MAX_REMEMBERED_STATE_CHANGES (at most 814 bytes an entry).
    const seenBytes = Object.entries(state?.seen ?? {}).reduce(
      (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    expect(seenBytes).toBeGreaterThan(MAX_REMEMBERED_STATE_CHANGES * 770);
    expect(seenBytes).toBeLessThanOrEqual(MAX_REMEMBERED_STATE_CHANGES * 814);
    // The whole item as the table holds it; its JSON (type tags, quotes) over-counts its size.
    const item = await dynamo.client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: targetKey("virtway-readers") }, sk: { S: STATE_SORT_KEY } },
      }),
    );
    expect(Buffer.byteLength(JSON.stringify(item.Item))).toBeLessThan(ITEM_LIMIT);

    // The newest change delivered again is still a duplicate.
    const [again] = await world.alarm(stateChange(LONG_NAME, (changes - 1) * 10, null, "OK"), {
      at: at(changes * 10),
    });
    expect(again).toMatchObject({ reason: "DuplicateStateChange" });
    // 600 state changes, each with its claim and its completion besides its read and write.
  }, 120_000);
});
