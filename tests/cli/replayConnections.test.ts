/**
 * The `connections` scenario (events/scenarios/connections/): an API whose scale-out would want
 * 2 × 150 connections and more through an RDS Proxy allowing 100 a reader. Replayed through the
 * brain's functions, no connection is refused and every new reader carries connections within a
 * minute of becoming available; AWS's native policies alone run the proxy out of connections.
 */
import { describe, expect, it } from "vitest";
import { functionsOn } from "../../cli/commands/replay.js";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { replay } from "../../shared/offline/replay/replay.js";
import type { ReplayMode } from "../../shared/offline/replay/types.js";
import type { SimulatedConnections } from "../../shared/offline/simulation/connections.js";
import { readStreamBatches } from "../../shared/offline/streams/readStream.js";

const DIR = "events/scenarios/connections";
const { config } = loadConfig(`${DIR}/brain.config.json`);

async function run(mode: ReplayMode) {
  let connections: SimulatedConnections | null = null;
  const result = await replay(config, readStreamBatches([`${DIR}/connections.jsonl`]), {
    mode,
    seed: 1,
    functionsOn: (world) => functionsOn(config, world, new MemoryLedger()),
    onConnections: (c) => {
      connections = c;
    },
  });
  return { result, samples: (connections as SimulatedConnections | null)?.samplesOf("orders-db") ?? [] };
}

describe("replay: the connections scenario", () => {
  it("the brain refuses no connection; the native baseline refuses some", async () => {
    const brain = await run("coordinated");
    const native = await run("uncoordinated");
    expect(brain.result.targets["orders-readers"]?.connectionsRefused).toBe(0);
    expect(native.result.targets["orders-readers"]?.connectionsRefused).toBeGreaterThan(1000);
    // The API's scale-out waited for the readers: held, then released.
    const api = brain.result.decisions.filter((d) => d.target === "orders-api");
    expect(api.some((d) => d.reason === "ConnectionBudget" && d.blockedBy === "connection-budget")).toBe(
      true,
    );
    expect(brain.result.targets["orders-api"]?.maxCapacity).toBe(8);
    // Connections never exceed what the available readers allow.
    expect(brain.samples.every((s) => s.open <= s.budget)).toBe(true);
  }, 60_000);

  it("each new reader carries connections within a minute of becoming available", async () => {
    const { samples } = await run("coordinated");
    const first = new Set(Object.keys(samples[0]?.perReader ?? {}));
    const arrivals = new Map<string, number>();
    for (const s of samples)
      for (const reader of Object.keys(s.perReader))
        if (!first.has(reader) && !arrivals.has(reader)) arrivals.set(reader, s.at);
    expect(arrivals.size).toBe(3);
    for (const [reader, availableAt] of arrivals) {
      const carrying = samples.find((s) => s.at >= availableAt && (s.perReader[reader] ?? 0) > 0);
      expect(carrying, reader).toBeDefined();
      expect((carrying?.at ?? Number.POSITIVE_INFINITY) - availableAt).toBeLessThanOrEqual(60_000);
    }
  }, 60_000);
});
