/**
 * The ledger's faults on the alarm and tick paths, each injected by SDK middleware in front of
 * dynalite (inside the SDK's retry loop, so that transient ones are retried as against AWS), with
 * the scaling calls going to the simulated account. Where the ledger cannot be read or written,
 * the brain does not act blind: the invocation fails before any AWS call, and Lambda's retry (or
 * the twin) acts once the ledger answers again.
 */
import {
  DynamoDBServiceException,
  InternalServerError,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import { createLedgerTable, DynamoDBLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { handleTick } from "../../shared/brain/handleTick.js";
import { type Dynalite, startDynalite } from "../support/dynalite.js";
import { claimWrite, conditional, injectFault, throttling } from "../support/dynamoFaults.js";
import { at, simulatedWorld, stateChange } from "../support/world.js";

let dynamo: Dynalite;
let tables = 0;
beforeAll(async () => {
  // Two attempts per call: a fault injected once is retried and passes; throughout, it surfaces.
  dynamo = await startDynalite({ maxAttempts: 2 });
});
afterAll(() => dynamo.stop());

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const itemTooLarge = () =>
  new DynamoDBServiceException({
    name: "ValidationException",
    $fault: "client",
    message: "Item size has exceeded the maximum allowed size",
    ...meta(400),
  });
const tableMissing = () =>
  new ResourceNotFoundException({ message: "Requested resource not found", ...meta(400) });
const accessDenied = () =>
  new DynamoDBServiceException({
    name: "AccessDeniedException",
    $fault: "client",
    message: "User is not authorized to perform: dynamodb:GetItem",
    ...meta(400),
  });
const timeout = () =>
  Object.assign(new Error("Connection timed out after 1000 ms"), { name: "TimeoutError" });
const connectionReset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
const internal = () => new InternalServerError({ message: "Internal server error", ...meta(500) });

/** A fresh table, the simulated account, and a ledger per invocation (each its own container). */
async function world() {
  const table = `ledger-faults-${++tables}`;
  await createLedgerTable(dynamo.client, table);
  const w = simulatedWorld({ start: { "virtway-readers": { capacity: 1 } } });
  const ledger = () => new DynamoDBLedger({ client: dynamo.client, tableName: table, retentionDays: 30 });
  const change = stateChange("virtway-readers-cpu-high-70", 0, 72);
  const send = (invocationId: string) => w.alarm(change, { at: at(2), ledger: ledger(), invocationId });
  return { ...w, ledger, send };
}

describe("the ledger's faults on the alarm path", () => {
  const throughout = [
    {
      name: "ResourceNotFoundException (the table is gone) on every call",
      operation: undefined,
      error: tableMissing,
      message: /Requested resource not found/,
    },
    {
      name: "AccessDeniedException on GetItem",
      operation: "GetItem",
      error: accessDenied,
      message: /not authorized/,
    },
    { name: "timeouts on GetItem", operation: "GetItem", error: timeout, message: /timed out/ },
    {
      name: "throttling of the state change's claim",
      operation: "PutItem",
      when: claimWrite,
      error: throttling,
      message: /throughput/,
    },
  ];

  it.each(throughout)(
    "$name: the invocation fails before any AWS call; once the ledger answers, the change acts once",
    async (fault) => {
      const w = await world();
      const injected = injectFault(dynamo.client, {
        ...(fault.operation ? { operation: fault.operation } : {}),
        ...(fault.when ? { when: fault.when } : {}),
        error: fault.error,
      });
      await expect(w.send("inv-1")).rejects.toThrow(fault.message);
      injected.remove();
      expect(injected.failed).toBeGreaterThan(0);
      // Not even a Describe: nothing is decided on a state that could not be read.
      expect(w.account.calls).toEqual([]);
      // Lambda's retry (or the twin) claims the change afresh.
      const [readers] = await w.send("inv-2");
      expect(readers).toMatchObject({ status: "applied", from: 1, to: 2 });
      expect(w.mutating().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
    },
  );

  it("an item too large (ValidationException) on the reservation's write: no AWS change, the claim released", async () => {
    const w = await world();
    const injected = injectFault(dynamo.client, {
      operation: "PutItem",
      when: conditional,
      error: itemTooLarge,
    });
    await expect(w.send("inv-1")).rejects.toThrow(/Item size has exceeded/);
    injected.remove();
    // ValidationException is not retried: one attempt.
    expect(injected.failed).toBe(1);
    expect(w.mutating()).toEqual([]);
    expect(await w.ledger().read("virtway-readers")).toBeNull();
    const [readers] = await w.send("inv-2");
    expect(readers).toMatchObject({ status: "applied", from: 1, to: 2 });
    expect(w.mutating().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
  });

  const transient = [
    { name: "a timeout", error: timeout },
    { name: "a connection reset (ECONNRESET)", error: connectionReset },
    { name: "an InternalServerError (500)", error: internal },
    { name: "throttling", error: throttling },
  ];

  it.each(transient)(
    "$name on the state's write, once: the SDK retries it and the change acts once",
    async (fault) => {
      const w = await world();
      const injected = injectFault(dynamo.client, {
        operation: "PutItem",
        when: conditional,
        times: 1,
        error: fault.error,
      });
      const [readers] = await w.send("inv-1");
      injected.remove();
      expect(injected.failed).toBe(1);
      expect(readers).toMatchObject({ status: "applied", from: 1, to: 2 });
      expect(w.mutating().map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
      expect(await w.ledger().read("virtway-readers")).toMatchObject({ capacity: 2, reservations: [] });
    },
  );
});

describe("the ledger's faults on the tick path", () => {
  it.each([
    { name: "AccessDeniedException", error: accessDenied },
    { name: "ResourceNotFoundException", error: tableMissing },
    { name: "throttling throughout", error: throttling },
  ])("$name on reading the targets' state: the tick fails before any AWS call", async (fault) => {
    const w = await world();
    await w.send("inv-1");
    const before = w.account.calls.length;
    const injected = injectFault(dynamo.client, { operation: "GetItem", error: fault.error });
    const tick = handleTick({
      ports: {
        ledger: w.ledger(),
        actuatorFor: w.actuatorFor,
        metrics: new CloudWatchMetricSource(w.clients.cloudWatch),
        nativeScaling: null,
      },
      config: w.config,
      now: at(60),
      invocationId: "tick-1",
    });
    await expect(tick).rejects.toThrow();
    injected.remove();
    expect(w.account.calls.slice(before)).toEqual([]);
  });
});
