/**
 * Tiers in order (rule 9, docs/rules.md), through the tick's and the alarm function's real paths,
 * the ledger on dynalite, the simulated account answering RDS, EC2 Auto Scaling, CloudWatch and
 * SSM: a group's scale-out held to what the readers available allow, the readers asked for room,
 * the scale-out released once they are available, and the pool sizes and readers signal published
 * where they change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchMetricSource } from "../../shared/adapters/cloudWatch.js";
import { createLedgerTable, DynamoDBLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { SsmParameters } from "../../shared/adapters/ssmParameters.js";
import { shrinkPoolsFirst } from "../../shared/brain/connectionPools.js";
import { handleTick } from "../../shared/brain/handleTick.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { validateConfig } from "../../shared/core/config/validate.js";
import { simulateCloudWatch } from "../../shared/offline/simulation/cloudWatch.js";
import { virtwayJson } from "../support/config.js";
import { decisionSummary } from "../support/decisions.js";
import { type Dynalite, startDynalite } from "../support/dynalite.js";
import { at, simulatedWorld, stateChange } from "../support/world.js";

const POOL = "/surge-brain/connections/virtway-aurora/virtway-api/pool-size";
const SIGNAL = "/surge-brain/connections/virtway-aurora/readers";

/**
 * The Virtway configuration with a budget: readers of 200 connections (their parameter group's),
 * 10 reserved, RDS Proxy allowed 50 % (100 a reader); the API through it, 150 a pool, 50 at least:
 * two API instances per available reader.
 */
function budgeted(): BrainConfig {
  const json = virtwayJson();
  json.connectionBudgets = [
    {
      DBClusterIdentifier: "virtway-aurora",
      MaxConnections: 200,
      ReservedConnections: 10,
      DBProxy: { DBProxyName: "virtway-proxy", ConnectionPoolConfiguration: { MaxConnectionsPercent: 50 } },
      groups: [{ target: "virtway-api", via: "proxy", maxPoolSize: 150, minPoolSize: 50 }],
    },
  ];
  const result = validateConfig(json);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const apiCpu = {
  Namespace: "AWS/EC2",
  MetricName: "CPUUtilization",
  Dimensions: [{ Name: "AutoScalingGroupName", Value: "virtway-api-tomcat" }],
};

let dynamo: Dynalite;
let tables = 0;
beforeAll(async () => {
  dynamo = await startDynalite({ maxAttempts: 2 });
});
afterAll(() => dynamo.stop());

async function world(start: Record<string, { capacity: number }>) {
  const table = `budget-${++tables}`;
  await createLedgerTable(dynamo.client, table);
  const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: table, retentionDays: 30 });
  const config = budgeted();
  let parameters: SsmParameters | undefined;
  const w = simulatedWorld({
    config,
    ledger,
    start,
    // The alarms publish through the same Parameter Store as the tick (the account's SSM).
    get parameters() {
      return parameters;
    },
  });
  parameters = new SsmParameters(w.clients.ssm);
  const cloudWatch = simulateCloudWatch(w.account);
  const ports = {
    ledger,
    actuatorFor: w.actuatorFor,
    metrics: new CloudWatchMetricSource(w.clients.cloudWatch),
    nativeScaling: null,
    parameters,
  };
  let n = 0;
  const tick = async (s: number) => {
    w.setNow(at(s));
    const result = await handleTick({ ports, config, now: at(s), invocationId: `tick-${++n}` });
    return result.decisions.filter((d) => d.target === "virtway-api" || d.target === "virtway-readers");
  };
  const parameter = (name: string) => w.account.parameters.get(name)?.value;
  const puts = (from = 0) =>
    w.account.calls
      .slice(from)
      .filter(
        (c) =>
          c.command === "PutParameter" ||
          c.command === "CreateDBInstance" ||
          c.command === "SetDesiredCapacity",
      )
      .map((c) =>
        `${c.command} ${c.command === "PutParameter" ? `${(c.input as { Name: string }).Name.split("/").at(-1)}=${(c.input as { Value: string }).Value}` : ""}`.trim(),
      );
  return { ...w, cloudWatch, tick, parameter, puts, ledger };
}

describe("tiers in order: the connection budget", () => {
  it("holds an API scale-out past the budget, asks for a reader, and releases it once the reader is available", async () => {
    const w = await world({ "virtway-readers": { capacity: 1 }, "virtway-api": { capacity: 2 } });
    w.cloudWatch.set(apiCpu, "Average", 140);
    // ceil(2 × 140/70) = 4 API instances wanted; one reader allows 100 / 50 = 2.
    const first = await w.tick(0);
    expect(first.map(decisionSummary)).toEqual([
      { target: "virtway-readers", status: "recorded", reason: "NoData", from: 1, to: 1 },
      { target: "virtway-api", status: "held", reason: "ConnectionBudget", from: 2, to: 4 },
    ]);
    expect(first[1]?.message).toMatch(
      /the connection budget allows 2 instance\(s\) with the readers available; 4 wanted/,
    );
    // 2 × 150 wanted through a proxy allowing 100: 50 each.
    expect(w.parameter(POOL)).toBe("50");
    expect(JSON.parse(w.parameter(SIGNAL) ?? "{}")).toEqual({
      availableReaders: 1,
      since: "2026-11-23T19:00:00.000Z",
    });
    expect((await w.ledger.read("virtway-api"))?.connectionWant).toEqual({
      capacity: 4,
      since: "2026-11-23T19:00:00.000Z",
    });

    // A minute later the readers are asked for the room: 4 × 50 needs 2 readers. The API stays
    // held, quietly, and nothing is written again to Parameter Store.
    const calls = w.account.calls.length;
    const second = await w.tick(60);
    expect(second.map(decisionSummary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
      { target: "virtway-api", status: "held", reason: "ConnectionBudget", from: 2, to: 4 },
    ]);
    expect(second[0]?.layer).toBe("connection-budget");
    expect(w.puts(calls)).toEqual(["CreateDBInstance"]);

    // Still provisioning: the reader counts for nothing.
    w.cloudWatch.set(apiCpu, "Average", 140);
    const provisioning = await w.tick(480);
    expect(provisioning.find((d) => d.target === "virtway-api")?.reason).toBe("ConnectionBudget");

    // 19:09: the reader is available (8 minutes); the same tick releases the API and tells the pools.
    const released = w.account.calls.length;
    const third = await w.tick(540);
    expect(third.map(decisionSummary)).toContainEqual({
      target: "virtway-api",
      status: "applied",
      reason: "ScaleOut",
      from: 2,
      to: 4,
    });
    expect(w.puts(released)).toEqual([
      "SetDesiredCapacity",
      'PutParameter readers={"availableReaders":2,"since":"2026-11-23T19:09:00.000Z"}',
    ]);
    // 4 × 150 against 200: still 50 each, so the pool size's parameter is left alone.
    expect(w.parameter(POOL)).toBe("50");
    expect((await w.ledger.read("virtway-api"))?.connectionWant).toBeUndefined();
  });

  it("cuts a scale-out to what the budget allows when it allows some of it", async () => {
    const w = await world({ "virtway-readers": { capacity: 2 }, "virtway-api": { capacity: 2 } });
    w.cloudWatch.set(apiCpu, "Average", 210);
    // ceil(2 × 210/70) = 6 wanted; two readers allow 4.
    const [readers, api] = await w.tick(0);
    expect(readers?.reason).not.toBe("ScaleOut");
    expect(api && decisionSummary(api)).toEqual({
      target: "virtway-api",
      status: "applied",
      reason: "ConnectionBudget",
      from: 2,
      to: 4,
    });
    expect((await w.ledger.read("virtway-api"))?.connectionWant?.capacity).toBe(6);
  });

  it("holds an alarm's step scale-out too, counting the readers the ledger has", async () => {
    const w = await world({ "virtway-readers": { capacity: 1 }, "virtway-api": { capacity: 2 } });
    await w.tick(0);
    const results = await w.alarm(stateChange("virtway-api-requests-high", 30, 2500));
    const api = results.find((r) => "target" in r && r.target === "virtway-api");
    expect(api && "status" in api ? decisionSummary(api) : api).toMatchObject({
      target: "virtway-api",
      status: "held",
      reason: "ConnectionBudget",
      from: 2,
    });
    expect(w.mutating().filter((c) => c.command === "SetDesiredCapacity")).toEqual([]);
  });

  it("shrinks the pools before the readers go: PutParameter, then DeleteDBInstance", async () => {
    const w = await world({ "virtway-readers": { capacity: 1 }, "virtway-api": { capacity: 4 } });
    const readers = w.config.targets.find((t) => t.id === "virtway-readers");
    if (!readers) throw new Error("no readers");
    const parameters = new SsmParameters(w.clients.ssm);
    // A reader the brain created (only those it removes), available 8 minutes later.
    await w.actuatorFor(readers).apply({ decisionId: "d-out", from: 1, to: 2, at: at(0) });
    w.setNow(at(540));
    const view = { availableReaders: 2, capacityOf: (id: string) => (id === "virtway-api" ? 4 : 0) };
    const from = w.account.calls.length;
    await shrinkPoolsFirst(w.actuatorFor(readers), readers, w.config, parameters, view).apply({
      decisionId: "d-in",
      from: 2,
      to: 1,
      at: at(540),
    });
    expect(
      w.account
        .mutatingCalls()
        .filter((c) => w.account.calls.indexOf(c) >= from)
        .map((c) => c.command),
    ).toEqual(["PutParameter", "PutParameter", "DeleteDBInstance"]);
    // 4 × 150 against one reader's 100 through the proxy: 25 each, before the reader goes.
    expect(w.parameter(POOL)).toBe("25");
    expect(JSON.parse(w.parameter(SIGNAL) ?? "{}").availableReaders).toBe(1);
  });

  it("an alarm's scale-in of the readers stops at what the groups' connections need", async () => {
    const w = await world({ "virtway-readers": { capacity: 1 }, "virtway-api": { capacity: 2 } });
    w.cloudWatch.set(apiCpu, "Average", 140);
    await w.tick(0);
    await w.tick(60);
    await w.tick(540);
    // The API at 4 (4 × 50 needs both readers); the readers' low-CPU alarm asks for one less.
    const results = await w.alarm(stateChange("virtway-readers-cpu-low", 2400, 10), { at: at(2400) });
    const readers = results.find((r) => "target" in r && r.target === "virtway-readers");
    expect(readers && "status" in readers ? decisionSummary(readers) : readers).toMatchObject({
      target: "virtway-readers",
      status: "held",
      reason: "ConnectionBudget",
    });
    expect(w.mutating().filter((c) => c.command === "DeleteDBInstance")).toEqual([]);
  });

  it("an alarm's scale-in of the readers shrinks the pools first, then removes the reader", async () => {
    const w = await world({ "virtway-readers": { capacity: 1 }, "virtway-api": { capacity: 2 } });
    const readers = w.config.targets.find((t) => t.id === "virtway-readers");
    if (!readers) throw new Error("no readers");
    // A reader the brain created (only those it removes), available 8 minutes later; the tick
    // adopts it and sizes the pools on two readers: 2 × 150 against 200, 100 each.
    await w.actuatorFor(readers).apply({ decisionId: "d-out", from: 1, to: 2, at: at(0) });
    await w.tick(540);
    await w.tick(600);
    expect(w.parameter(POOL)).toBe("100");
    const from = w.account.calls.length;
    await w.alarm(stateChange("virtway-readers-cpu-low", 2400, 10), { at: at(2400) });
    const sent = w.account.calls
      .slice(from)
      .filter((c) => c.command === "PutParameter" || c.command === "DeleteDBInstance");
    expect(sent.map((c) => c.command)).toEqual(["PutParameter", "PutParameter", "DeleteDBInstance"]);
    // On the one reader that stays: 2 × 150 against 100, 50 each, before the other goes.
    expect(w.parameter(POOL)).toBe("50");
  });
});
