/**
 * One contract, two adapters: the in-memory ledger is held to exactly what DynamoDB (dynalite)
 * does. Each case gets a fresh ledger (DynamoDB: a fresh table on one dynalite per adapter).
 */
import { randomUUID } from "node:crypto";
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { MemoryLedger } from "../../../shared/adapters/ledger/memory.js";
import type { DecisionRecord, Ledger } from "../../../shared/brain/ports/ledger.js";
import type { TargetState } from "../../../shared/core/engine/targetState.js";
import { LedgerConflictError } from "../../../shared/core/errors.js";
import { startDynalite } from "../../support/dynalite.js";

/** A log item as stored, reduced to what the contract checks. */
type RawLogItem = { sk: string; id: string; expiresAt: number };
type Harness = { ledger: Ledger; logItems(target: string): Promise<RawLogItem[]> };
type Adapter = {
  name: string;
  start(): Promise<{ make(retentionDays: number): Promise<Harness>; stop(): Promise<void> }>;
};

const memory: Adapter = {
  name: "memory",
  start: async () => ({
    make: async (retentionDays) => {
      const ledger = new MemoryLedger({ retentionDays });
      return {
        ledger,
        logItems: async (target) =>
          ledger.logItems(target).map(({ sk, id, expiresAt }) => ({ sk, id, expiresAt })),
      };
    },
    stop: async () => {},
  }),
};

const dynamodb: Adapter = {
  name: "dynamodb (dynalite)",
  start: async () => {
    const db = await startDynalite();
    return {
      make: async (retentionDays) => {
        const tableName = `ledger-${randomUUID()}`;
        await createLedgerTable(db.client, tableName);
        const ledger = new DynamoDBLedger({ client: db.client, tableName, retentionDays });
        // The raw items, in DynamoDB's own attribute-value form: what TTL will look at.
        const logItems = async (target: string) => {
          const { Items = [] } = await db.client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: "pk = :pk AND begins_with(sk, :d)",
              ExpressionAttributeValues: { ":pk": { S: `TARGET#${target}` }, ":d": { S: "DECISION#" } },
            }),
          );
          return Items.map((item) => ({
            sk: item.sk!.S!,
            id: item.id!.S!,
            expiresAt: Number(item.expiresAt!.N),
          }));
        };
        return { ledger, logItems };
      },
      stop: db.stop,
    };
  },
};

const T = "virtway-readers";
const base = Date.parse("2024-05-01T19:00:00.000Z");
const iso = (seconds: number) => new Date(base + seconds * 1000).toISOString();

function state(version: number, over: Partial<TargetState> = {}): TargetState {
  return {
    target: T,
    capacity: 2,
    inFlight: [],
    bounds: { min: 1, max: 15, source: "config", since: null },
    cooldowns: [],
    alarms: {},
    seen: {},
    scaleIn: null,
    paused: false,
    reservations: [],
    version,
    ...over,
  };
}

/** The n-th decision: n seconds after base, ids sortable. */
function record(n: number, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id: `d${String(n).padStart(4, "0")}`,
    at: iso(n),
    target: T,
    policy: "readers-cpu-step-70",
    from: 2,
    to: 3,
    outcome: "held",
    reason: "CooldownRepeat",
    message: "the same scale-out again during its cooldown",
    blockedBy: "cooldown",
    status: "held",
    trigger: `virtway-readers-cpu-high-70@${iso(n)}`,
    layer: "readers-cpu-step-70",
    ...over,
  };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const ids = (records: readonly DecisionRecord[]) => records.map((r) => r.id);

/** Writes versions 1..n, each with the given records. */
async function writeAll(ledger: Ledger, batches: DecisionRecord[][]): Promise<void> {
  for (const [i, records] of batches.entries()) await ledger.write(state(i + 1), i, records);
}

function ledgerContract(adapter: Adapter): void {
  let env: Awaited<ReturnType<Adapter["start"]>>;
  beforeAll(async () => {
    env = await adapter.start();
  });
  afterAll(() => env.stop());
  const fresh = (retentionDays = 30) => env.make(retentionDays);

  it("reads null for a target never seen, with no decisions", async () => {
    const { ledger } = await fresh();
    expect(await ledger.read(T)).toBeNull();
    expect(await ledger.decisions(T)).toEqual([]);
  });

  it("creates with expectedVersion 0; a second create conflicts", async () => {
    const { ledger } = await fresh();
    await ledger.write(state(1), 0, []);
    expect(await ledger.read(T)).toEqual(state(1));
    const second = ledger.write(state(1, { capacity: 9 }), 0, [record(1)]);
    await expect(second).rejects.toBeInstanceOf(LedgerConflictError);
    await expect(second).rejects.toMatchObject({
      name: "LedgerConflictError",
      target: T,
      expectedVersion: 0,
    });
    expect(await ledger.read(T)).toEqual(state(1));
    expect(await ledger.decisions(T)).toEqual([]);
  });

  it("refuses a stale version with LedgerConflictError and leaves the item as it was", async () => {
    const { ledger } = await fresh();
    await writeAll(ledger, [[record(1)], [record(2)]]);
    const stale = ledger.write(state(2, { capacity: 7 }), 1, [record(3)]);
    await expect(stale).rejects.toBeInstanceOf(LedgerConflictError);
    expect(await ledger.read(T)).toEqual(state(2));
    expect(ids(await ledger.decisions(T))).toEqual(["d0001", "d0002"]);
    // The winner's next write still lands.
    await ledger.write(state(3, { capacity: 3 }), 2, [record(3)]);
    expect((await ledger.read(T))?.capacity).toBe(3);
  });

  it("refuses a write whose version is not expectedVersion + 1, or with too many records", async () => {
    const { ledger } = await fresh();
    await expect(ledger.write(state(2), 0, [])).rejects.toBeInstanceOf(RangeError);
    await expect(
      ledger.write(
        state(1),
        0,
        range(1, 26).map((n) => record(n)),
      ),
    ).rejects.toBeInstanceOf(RangeError);
    expect(await ledger.read(T)).toBeNull();
  });

  it("returns the outbox's records from decisions() in time order", async () => {
    const { ledger } = await fresh();
    // Appended out of time order on purpose: decisions() orders by time, then id.
    await writeAll(ledger, [[record(1), record(3)], [record(2)], [record(4), record(5)]]);
    const decisions = await ledger.decisions(T);
    expect(ids(decisions)).toEqual(["d0001", "d0002", "d0003", "d0004", "d0005"]);
    expect(decisions[1]).toEqual(record(2));
  });

  it("drains the outbox into the log on an outcome; each decision still appears once, in order", async () => {
    const h = await fresh();
    const { ledger } = h;
    const reserved = record(4, {
      outcome: "scale-out",
      reason: "ScaleOut",
      blockedBy: null,
      status: "reserved",
    });
    const applied = { ...reserved, status: "applied" as const };
    await writeAll(ledger, [[record(1), record(2)], [record(3)], [reserved]]);
    expect((await ledger.decisions(T)).map((r) => r.status)).toEqual(["held", "held", "held", "reserved"]);
    const result = await ledger.write(state(4, { capacity: 3 }), 3, [applied]);
    // The three settled records moved; the applied one replaced the reservation's record.
    expect(result).toEqual({ drained: 3, outbox: 1 });
    expect((await h.logItems(T)).map((i) => i.id)).toEqual(["d0001", "d0002", "d0003"]);
    const decisions = await ledger.decisions(T);
    expect(ids(decisions)).toEqual(["d0001", "d0002", "d0003", "d0004"]);
    expect(decisions[3]).toEqual(applied);
    expect(decisions[0]).toEqual(record(1));
    // The next outcome drains the applied one too.
    await ledger.write(state(5), 4, [
      record(5, { status: "failed", error: "InsufficientDBInstanceCapacity" }),
    ]);
    expect((await h.logItems(T)).map((i) => i.id)).toEqual(["d0001", "d0002", "d0003", "d0004"]);
    expect(ids(await ledger.decisions(T))).toEqual(["d0001", "d0002", "d0003", "d0004", "d0005"]);
  });

  it("an expired reservation's record replaces its `reserved` one without a drain; the next outcome drains it", async () => {
    const h = await fresh();
    const { ledger } = h;
    const reserved = record(2, {
      outcome: "scale-out",
      reason: "ScaleOut",
      blockedBy: null,
      status: "reserved",
    });
    const expired = { ...reserved, status: "expired" as const, reason: "ReservationExpired" as const };
    await writeAll(ledger, [[record(1)], [reserved]]);
    // Released by a later held decision: its own record and the settled one, one write, no drain.
    expect(await ledger.write(state(3), 2, [expired, record(3)])).toEqual({ drained: 0, outbox: 3 });
    expect(await h.logItems(T)).toEqual([]);
    expect((await ledger.decisions(T)).map((r) => ({ id: r.id, status: r.status }))).toEqual([
      { id: "d0001", status: "held" },
      { id: "d0002", status: "expired" },
      { id: "d0003", status: "held" },
    ]);
    await ledger.write(state(4), 3, [record(4, { status: "applied" })]);
    expect((await h.logItems(T)).map((i) => i.id)).toEqual(["d0001", "d0002", "d0003"]);
    expect((await ledger.decisions(T)).find((r) => r.id === "d0002")).toEqual(expired);
  });

  it("drains the oldest 25 when the outbox would pass 100 records", async () => {
    const h = await fresh();
    const { ledger } = h;
    await writeAll(
      ledger,
      [range(1, 25), range(26, 25), range(51, 25), range(76, 25)].map((b) => b.map((n) => record(n))),
    );
    expect(await h.logItems(T)).toEqual([]);
    const result = await ledger.write(state(5), 4, [record(101)]);
    expect(result).toEqual({ drained: 25, outbox: 76 });
    expect((await h.logItems(T)).map((i) => i.id)).toEqual(ids(range(1, 25).map((n) => record(n))));
    expect(ids(await ledger.decisions(T, { limit: 1000 }))).toEqual(ids(range(1, 101).map((n) => record(n))));
  });

  it("returns the newest `limit` decisions, oldest first, across log and outbox", async () => {
    const { ledger } = await fresh();
    await writeAll(
      ledger,
      [range(1, 25), range(26, 25), range(51, 25), range(76, 25), [101]].map((b) => b.map((n) => record(n))),
    );
    expect(ids(await ledger.decisions(T, { limit: 3 }))).toEqual(["d0099", "d0100", "d0101"]);
    expect(ids(await ledger.decisions(T, { limit: 80 }))).toEqual(ids(range(22, 80).map((n) => record(n))));
    expect(await ledger.decisions(T)).toHaveLength(100);
    expect(await ledger.decisions(T, { limit: 0 })).toEqual([]);
  });

  it("stamps log items with expiresAt = at + decisionRetentionDays, in epoch seconds", async () => {
    const h = await fresh(7);
    const r = record(1, { at: "2024-05-01T19:00:00.750Z" });
    await h.ledger.write(state(1), 0, [r]);
    await h.ledger.write(state(2), 1, [record(2, { status: "applied" })]);
    const [item] = await h.logItems(T);
    expect(item).toEqual({
      sk: "DECISION#2024-05-01T19:00:00.750Z#d0001",
      id: "d0001",
      expiresAt: Math.floor(Date.parse(r.at) / 1000) + 7 * 86_400,
    });
  });

  it("claims a state change once: the twin is refused, the owner's retry is not, until it completes", async () => {
    const { ledger } = await fresh();
    const key = "virtway-readers-cpu-high-70@2024-05-01T19:00:00.000Z";
    const claim = (owner: string, seconds: number) => ({
      key,
      owner,
      now: new Date(base + seconds * 1000),
      inProgressUntil: new Date(base + (seconds + 60) * 1000),
      keepUntil: new Date(base + 900_000),
    });
    expect(await ledger.claimStateChange(claim("sns", 1))).toBe(true);
    expect(await ledger.claimStateChange(claim("eventbridge", 2))).toBe(false);
    // Lambda's retry keeps the request id: the claim in progress is its own.
    expect(await ledger.claimStateChange(claim("sns", 3))).toBe(true);
    // Another owner's settling changes nothing.
    await ledger.settleStateChange(key, "eventbridge", "released");
    expect(await ledger.claimStateChange(claim("eventbridge", 4))).toBe(false);
    await ledger.settleStateChange(key, "sns", "completed");
    expect(await ledger.claimStateChange(claim("sns", 5))).toBe(false);
    expect(await ledger.claimStateChange(claim("retry", 6))).toBe(false);
    // Past keepUntil the item is as good as gone (TTL deletes it in its own time).
    expect(await ledger.claimStateChange(claim("late", 901))).toBe(true);
    expect(await ledger.targets()).toEqual([]);
  });

  it("a released claim is free; one in progress past inProgressUntil is taken over", async () => {
    const { ledger } = await fresh();
    const key = "virtway-frontend-requests-high@2024-05-01T19:00:00.000Z";
    const claim = (owner: string, seconds: number) => ({
      key,
      owner,
      now: new Date(base + seconds * 1000),
      inProgressUntil: new Date(base + (seconds + 30) * 1000),
      keepUntil: new Date(base + 900_000),
    });
    expect(await ledger.claimStateChange(claim("first", 0))).toBe(true);
    await ledger.settleStateChange(key, "first", "released");
    expect(await ledger.claimStateChange(claim("second", 1))).toBe(true);
    // "second" dies without settling: before 31 s its claim stands, after it is presumed dead.
    expect(await ledger.claimStateChange(claim("third", 30))).toBe(false);
    expect(await ledger.claimStateChange(claim("third", 31))).toBe(true);
    // The dead one's late completion does not take the claim back.
    await ledger.settleStateChange(key, "second", "completed");
    expect(await ledger.claimStateChange(claim("third", 32))).toBe(true);
  });

  it("lists every target with a state item", async () => {
    const { ledger } = await fresh();
    expect(await ledger.targets()).toEqual([]);
    for (const target of ["virtway-frontend", "virtway-acu-floor", "virtway-readers"]) {
      await ledger.write({ ...state(1), target }, 0, [{ ...record(1), target }]);
    }
    // A drained log does not make a target of its own.
    await ledger.write(state(2), 1, [record(2, { status: "applied" })]);
    expect(await ledger.targets()).toEqual(["virtway-acu-floor", "virtway-frontend", "virtway-readers"]);
  });

  it("round-trips the state exactly, and hands out what callers cannot change behind its back", async () => {
    const { ledger } = await fresh();
    const full = state(1, {
      capacity: 4.5,
      inFlight: [
        {
          decisionId: "d0007",
          delta: 2,
          requestedAt: iso(7),
          expectedReadyAt: iso(487),
          resources: ["virtway-aurora-surge-20240501t190007-3", "virtway-aurora-surge-20240501t190007-4"],
        },
        { decisionId: "d0009", delta: -1, requestedAt: iso(9), expectedReadyAt: iso(9) },
      ],
      bounds: { min: 3, max: 8, source: "readers-before-thursday-event", since: iso(-900) },
      cooldowns: [
        {
          layer: "readers-cpu-step-70",
          direction: "out",
          startedAt: iso(7),
          endsAt: iso(67),
          baseline: 2,
          desired: 3,
        },
      ],
      alarms: {
        "virtway-readers-cpu-high-70": { state: "ALARM", since: iso(6), value: 0.0031 },
        "virtway-readers-pressure": { state: "OK", since: iso(-60), suppressed: true },
        "": { state: "INSUFFICIENT_DATA", since: iso(0) },
      },
      seen: { [`virtway-readers-cpu-high-70@${iso(6)}`]: iso(906) },
      scaleIn: { since: iso(3), desired: 2 },
      paused: true,
      reservations: [
        {
          decisionId: "d0010",
          layer: "readers-cpu-step-70",
          from: 4,
          to: 5,
          at: iso(10),
          expiresAt: iso(70),
        },
      ],
    });
    await ledger.write(full, 0, []);
    const read = await ledger.read(T);
    expect(read).toStrictEqual(full);
    // A copy of its own, or frozen (memory's): changing it either changes nothing or is refused.
    const change = (what: () => void) => {
      try {
        what();
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
      }
    };
    change(() => read!.inFlight.pop());
    change(() => {
      read!.alarms["virtway-readers-cpu-high-70"]!.state = "OK";
    });
    full.capacity = 99;
    expect(await ledger.read(T)).toEqual({ ...full, capacity: 4.5 });
  });
}

describe.each([memory, dynamodb])("ledger contract: $name", ledgerContract);
