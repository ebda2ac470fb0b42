/**
 * withState against dynalite: contention, faults injected in front of DynamoDB by SDK middleware,
 * crashes between the writes of one decision, the cost per decision, pause and resume.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../../shared/adapters/ledger/dynamodb.js";
import { MemoryLedger } from "../../../shared/adapters/ledger/memory.js";
import type { DecisionRecord, Ledger } from "../../../shared/brain/ports/ledger.js";
import { expiredReservations, pause, pauseAll, withState } from "../../../shared/brain/transact.js";
import { initialState, type TargetState } from "../../../shared/core/engine/targetState.js";
import { LedgerConflictError } from "../../../shared/core/errors.js";
import { type Dynalite, dynamoClient, startDynalite } from "../../support/dynalite.js";
import {
  conditional,
  conditionalCheckFailed,
  injectFault,
  recordCalls,
  throttling,
} from "../../support/dynamoFaults.js";

const T = "virtway-readers";
const init = () => initialState(T, { min: 1, max: 15 }, 2);
const now = new Date("2024-05-01T19:00:00.000Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function record(id: string, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id,
    at: now.toISOString(),
    target: T,
    policy: "readers-cpu-step-70",
    from: 2,
    to: 3,
    outcome: "held",
    reason: "CapacityInFlight",
    message: "the capacity asked for is already provisioning",
    blockedBy: "in-flight",
    status: "held",
    ...over,
  };
}

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

async function table(
  client: DynamoDBClient = db.client,
): Promise<{ name: string; ledger: () => DynamoDBLedger }> {
  const name = `ledger-${randomUUID()}`;
  await createLedgerTable(db.client, name);
  return { name, ledger: () => new DynamoDBLedger({ client, tableName: name, retentionDays: 30 }) };
}

describe("withState under contention", () => {
  const adapters: { name: string; make: () => Promise<() => Ledger> }[] = [
    { name: "dynamodb (dynalite)", make: async () => (await table()).ledger },
    {
      name: "memory",
      make: async () => {
        const shared = new MemoryLedger();
        return () => shared;
      },
    },
  ];

  it.each(adapters)(
    "$name: 50 concurrent decisions: nothing lost, nothing applied twice",
    async ({ make }) => {
      const ledgerFor = await make();
      // One ledger per call, as 50 Lambda invocations would have; every tenth is an outcome, so
      // drains race with the rest.
      const runs = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          withState(ledgerFor(), T, init, (state) => ({
            next: { ...state, capacity: state.capacity + 1 },
            records: [
              record(`d${String(i).padStart(2, "0")}`, {
                from: state.capacity,
                to: state.capacity + 1,
                status: i % 10 === 9 ? "applied" : "held",
              }),
            ],
            result: state.capacity + 1,
          })),
        ),
      );
      const ledger = ledgerFor();
      const final = await ledger.read(T);
      expect(final?.capacity).toBe(2 + 50);
      expect(final?.version).toBe(50);
      // Each call saw a different capacity: every increment was decided on the one before it.
      expect(new Set(runs.map((r) => r.result)).size).toBe(50);
      expect(runs.reduce((sum, r) => sum + r.attempts, 0)).toBeGreaterThan(50);
      const decisions = await ledger.decisions(T);
      expect(decisions).toHaveLength(50);
      expect(new Set(decisions.map((d) => d.id)).size).toBe(50);
      expect(decisions.map((d) => d.from).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => 2 + i),
      );
    },
  );

  it("gives up with LedgerConflictError after maxAttempts", async () => {
    const ledger = new MemoryLedger();
    await ledger.write({ ...init(), version: 1 }, 0, []);
    // Someone always writes between this caller's read and its write.
    const racing: Ledger = {
      read: (t) => ledger.read(t),
      write: async (next, expected, records) => {
        const current = (await ledger.read(T))!;
        await ledger.write({ ...current, version: current.version + 1 }, current.version, []);
        return ledger.write(next, expected, records);
      },
      decisions: (t, o) => ledger.decisions(t, o),
      targets: () => ledger.targets(),
      claimStateChange: (c) => ledger.claimStateChange(c),
      settleStateChange: (k, o, outcome) => ledger.settleStateChange(k, o, outcome),
    };
    const step = (s: TargetState) => ({ next: { ...s, capacity: 9 }, records: [], result: null });
    const run = withState(racing, T, init, step, { maxAttempts: 3, backoff: async () => {} });
    await expect(run).rejects.toMatchObject({ name: "LedgerConflictError", attempts: 3 });
    expect((await ledger.read(T))?.capacity).toBe(2);
  });
});

describe("faults in front of DynamoDB", () => {
  it("surfaces throttling of the conditional write after the SDK's retries; the state is unchanged", async () => {
    const client = dynamoClient(db.endpoint, { maxAttempts: 2 });
    try {
      const { ledger } = await table(client);
      await withState(ledger(), T, init, (s) => ({ next: s, records: [record("d1")], result: null }));
      const fault = injectFault(client, { operation: "PutItem", when: conditional, error: throttling });
      const run = withState(ledger(), T, init, (s) => ({
        next: { ...s, capacity: 3 },
        records: [record("d2")],
        result: null,
      }));
      await expect(run).rejects.toMatchObject({ name: "ProvisionedThroughputExceededException" });
      expect(fault.failed).toBe(2); // the first attempt and the SDK's one retry
      fault.remove();
      const stored = await ledger().read(T);
      expect(stored).toEqual({ ...init(), version: 1 });
      expect((await ledger().decisions(T)).map((d) => d.id)).toEqual(["d1"]);
    } finally {
      client.destroy();
    }
  });

  it("re-reads and decides again when the conditional check fails", async () => {
    const client = dynamoClient(db.endpoint);
    try {
      const { ledger } = await table(client);
      const fault = injectFault(client, {
        operation: "PutItem",
        when: conditional,
        times: 1,
        error: conditionalCheckFailed,
      });
      const run = await withState(ledger(), T, init, (s) => ({
        next: { ...s, capacity: s.capacity + 1 },
        records: [record("d1")],
        result: s.capacity + 1,
      }));
      expect(run).toMatchObject({ result: 3, attempts: 2 });
      expect(fault.failed).toBe(1);
      expect((await ledger().read(T))?.capacity).toBe(3);
    } finally {
      client.destroy();
    }
  });

  it("keeps the outbox when the log's BatchWriteItem fails: the decision still commits", async () => {
    const client = dynamoClient(db.endpoint, { maxAttempts: 1 });
    try {
      const { ledger } = await table(client);
      await ledger().write({ ...init(), version: 1 }, 0, [record("d1")]);
      const fault = injectFault(client, { operation: "BatchWriteItem", error: throttling });
      const result = await ledger().write({ ...init(), capacity: 3, version: 2 }, 1, [
        record("d2", { status: "applied" }),
      ]);
      expect(result).toEqual({ drained: 0, outbox: 2 });
      expect(fault.failed).toBe(1);
      fault.remove();
      expect((await ledger().decisions(T)).map((d) => ({ id: d.id, status: d.status }))).toEqual([
        { id: "d1", status: "held" },
        { id: "d2", status: "applied" },
      ]);
    } finally {
      client.destroy();
    }
  });

  it("loses nothing to a crash between the drain and the state write", async () => {
    const client = dynamoClient(db.endpoint, { maxAttempts: 1 });
    try {
      const { ledger } = await table(client);
      const reserved = record("d3", {
        outcome: "scale-out",
        reason: "ScaleOut",
        blockedBy: null,
        status: "reserved",
      });
      await ledger().write({ ...init(), version: 1 }, 0, [record("d1"), record("d2")]);
      await ledger().write({ ...init(), version: 2 }, 1, [reserved]);
      // The log takes d1 and d2, then the state write dies: they are in both places now.
      const fault = injectFault(client, { operation: "PutItem", when: conditional, error: throttling });
      const dying = ledger().write({ ...init(), capacity: 3, version: 3 }, 2, [
        { ...reserved, status: "applied" },
      ]);
      await expect(dying).rejects.toMatchObject({ name: "ProvisionedThroughputExceededException" });
      fault.remove();
      const seen = await ledger().decisions(T);
      expect(seen.map((d) => ({ id: d.id, status: d.status }))).toEqual([
        { id: "d1", status: "held" },
        { id: "d2", status: "held" },
        { id: "d3", status: "reserved" },
      ]);
      // The retry commits; every decision still appears once.
      await ledger().write({ ...init(), capacity: 3, version: 3 }, 2, [{ ...reserved, status: "applied" }]);
      expect((await ledger().decisions(T)).map((d) => ({ id: d.id, status: d.status }))).toEqual([
        { id: "d1", status: "held" },
        { id: "d2", status: "held" },
        { id: "d3", status: "applied" },
      ]);
    } finally {
      client.destroy();
    }
  });
});

describe("a taken decision, end to end", () => {
  const reserve = (at: Date) => (s: TargetState) => {
    const id = `step-70@${at.toISOString()}`;
    const reservation = {
      decisionId: id,
      layer: "readers-cpu-step-70",
      from: s.capacity,
      to: s.capacity + 1,
      at: at.toISOString(),
      expiresAt: later(60).toISOString(),
    };
    const decision = record(id, {
      at: at.toISOString(),
      outcome: "scale-out",
      reason: "ScaleOut",
      blockedBy: null,
      status: "reserved",
    });
    return { next: { ...s, reservations: [reservation] }, records: [decision], result: decision };
  };

  it("costs one read and one write before the AWS call, two writes after, one read for nothing", async () => {
    const { ledger: ledgerFor } = await table();
    // One instance for the invocation, as a handler holds it: it remembers the outbox it wrote.
    const ledger = ledgerFor();
    const calls = recordCalls(db.client);
    try {
      await withState(ledger, T, init, (s) => ({ next: s, records: [record("held-1")], result: null }));
      expect(calls.calls.splice(0)).toEqual(["GetItem", "PutItem"]);

      const reserved = await withState(ledger, T, init, reserve(now));
      expect(calls.calls.splice(0)).toEqual(["GetItem", "PutItem"]);
      // ... the AWS call ...
      await withState(
        ledger,
        T,
        init,
        (s) => ({
          next: { ...s, capacity: s.capacity + 1, reservations: [] },
          records: [{ ...reserved.result, status: "applied" as const }],
          result: null,
        }),
        { state: reserved.state },
      );
      expect(calls.calls.splice(0)).toEqual(["BatchWriteItem", "PutItem"]);

      const nothing = await withState(ledger, T, init, () => ({ next: null, records: [], result: null }));
      expect(calls.calls.splice(0)).toEqual(["GetItem"]);
      expect(nothing.written).toBeNull();
    } finally {
      calls.remove();
    }
    const decisions = await ledger.decisions(T);
    expect(decisions.map((d) => d.status)).toEqual(["held", "applied"]);
    expect((await ledger.read(T))?.capacity).toBe(3);
  });

  it("leaves a crash between reservation and outcome visible, and reconcilable, to the next reader", async () => {
    const { ledger } = await table();
    const reserved = await withState(ledger(), T, init, reserve(now));
    // The invocation dies here: no AWS call reported, no outcome written.
    const seen = await ledger().read(T);
    expect(expiredReservations(seen!, later(30))).toEqual([]); // still within its time
    expect(expiredReservations(seen!, later(60))).toEqual(reserved.state.reservations);
    expect((await ledger().decisions(T)).map((d) => d.status)).toEqual(["reserved"]);

    // What the engine does with it: clear the reservation, settle the decision as failed.
    const reconciled = await withState(ledger(), T, init, (s) => {
      const expired = expiredReservations(s, later(90));
      if (expired.length === 0) return { next: null, records: [], result: false };
      return {
        next: { ...s, reservations: [] },
        records: [{ ...reserved.result, status: "failed" as const, error: "reservation expired" }],
        result: true,
      };
    });
    expect(reconciled.result).toBe(true);
    const after = await ledger().read(T);
    expect(after?.reservations).toEqual([]);
    expect(after?.capacity).toBe(2);
    expect((await ledger().decisions(T)).map((d) => ({ id: d.id, status: d.status }))).toEqual([
      { id: reserved.result.id, status: "failed" },
    ]);
  });
});

describe("pause and resume", () => {
  it("pauses a target never seen, records it, and writes nothing when already paused", async () => {
    const { ledger } = await table();
    const first = await pause(ledger(), T, true, now, init);
    expect(first).toEqual({ target: T, paused: true, changed: true, version: 1 });
    expect((await ledger().read(T))?.paused).toBe(true);
    const again = await pause(ledger(), T, true, later(5), init);
    expect(again).toEqual({ target: T, paused: true, changed: false, version: 1 });
    const [decision] = await ledger().decisions(T);
    expect(decision).toMatchObject({ reason: "OperatorRequest", status: "recorded", layer: "operator" });
  });

  it("pauses and resumes --all: the ledger's targets and the configured ones", async () => {
    const { ledger } = await table();
    const initFor = (target: string) => initialState(target, { min: 1, max: 4 }, 1);
    await withState(
      ledger(),
      "virtway-api",
      () => initFor("virtway-api"),
      (s) => ({
        next: s,
        records: [],
        result: null,
      }),
    );
    const paused = await pauseAll(ledger(), true, now, { targets: [T, "virtway-frontend"], init: initFor });
    expect(paused.map((p) => ({ target: p.target, changed: p.changed }))).toEqual([
      { target: "virtway-api", changed: true },
      { target: "virtway-frontend", changed: true },
      { target: T, changed: true },
    ]);
    const resumed = await pauseAll(ledger(), false, later(60), { init: initFor });
    expect(resumed.every((r) => r.changed && !r.paused)).toBe(true);
    for (const target of await ledger().targets()) expect((await ledger().read(target))?.paused).toBe(false);
  });
});

describe("createLedgerTable", () => {
  it("creates the table once and reports that dynalite has no TTL", async () => {
    const name = `ledger-${randomUUID()}`;
    expect(await createLedgerTable(db.client, name)).toEqual({ created: true, timeToLive: false });
    expect(await createLedgerTable(db.client, name)).toEqual({ created: false, timeToLive: false });
  });

  it("is a LedgerConflictError, not a retryable SDK error, that a lost race raises", async () => {
    const { ledger } = await table();
    await ledger().write({ ...init(), version: 1 }, 0, []);
    await expect(ledger().write({ ...init(), version: 1 }, 0, [])).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
  });
});
