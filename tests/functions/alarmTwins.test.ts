/**
 * Rule 6 under contention, through the alarm function's real handler (its middy chain) against
 * dynalite and the simulated account: the SNS and EventBridge twins of one state change, and
 * Lambda's retries, delivered at once. One of them claims the change (its own conditional item);
 * the others are acknowledged without touching any target's state, whatever the order.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { dryRun, type FunctionWorld } from "../../cli/dryRun.js";
import { lambdaContext } from "../../cli/lambdaContext.js";
import { withStdoutDiscarded } from "../../cli/stdout.js";
import { alarmFunction } from "../../functions/alarm.js";
import type { FunctionResult } from "../../functions/lib/result.js";
import { fullJitter } from "../../shared/brain/transact.js";
import { mulberry32 } from "../../shared/offline/random.js";
import { virtwayConfig } from "../support/config.js";

const EVENTS = fileURLToPath(new URL("../../events/", import.meta.url));
const payload = (file: string): unknown => JSON.parse(readFileSync(`${EVENTS}${file}`, "utf8"));
const NOW = new Date("2026-11-23T19:01:40.000Z");
const MUTATING = /^(Create|Delete|Modify|Set)/;

let world: FunctionWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

/** Deliveries started together, each after its own delay (ms), each its own invocation. */
async function deliver(
  w: FunctionWorld,
  deliveries: { file: string; requestId: string; delayMs: number }[],
  seed: number,
): Promise<{ results: FunctionResult[]; conflicts: number }> {
  let conflicts = 0;
  const jitter = fullJitter({ random: mulberry32(seed) });
  const deps = {
    ...w.deps,
    ports: {
      ...w.deps.ports,
      backoff: (attempt: number) => {
        conflicts++;
        return jitter(attempt);
      },
    },
  };
  const handler = alarmFunction(() => deps);
  const results = await withStdoutDiscarded(() =>
    Promise.all(
      deliveries.map(async ({ file, requestId, delayMs }) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return handler(payload(file), lambdaContext("alarm", requestId));
      }),
    ),
  );
  return { results, conflicts };
}

const mutating = (w: FunctionWorld) =>
  w
    .calls()
    .filter((c) => MUTATING.test(c.command))
    .map((c) => c.command);

describe("the 85% alarm's SNS and EventBridge twins delivered at once", () => {
  // Which twin starts first, and how far apart: every one wins in some of them.
  const orderings = [
    { sns: 0, eventbridge: 0 },
    { sns: 0, eventbridge: 1 },
    { sns: 1, eventbridge: 0 },
    { sns: 0, eventbridge: 5 },
    { sns: 5, eventbridge: 0 },
    { sns: 3, eventbridge: 3 },
  ];

  it.each(orderings)(
    "SNS after $sns ms, EventBridge after $eventbridge ms: two readers and the floor at 16, once; the twin acknowledged",
    async (delays) => {
      world = await dryRun(virtwayConfig(), { "virtway-readers": { capacity: 2 } }, NOW);
      const { results } = await deliver(
        world,
        [
          { file: "sns/readers-cpu-85.json", requestId: "sns-1", delayMs: delays.sns },
          {
            file: "eventbridge/readers-cpu-85.json",
            requestId: "eventbridge-1",
            delayMs: delays.eventbridge,
          },
        ],
        delays.sns * 10 + delays.eventbridge,
      );
      const all = results.flatMap((r) => r.decisions);
      const applied = all.filter((d) => "status" in d && d.status === "applied");
      expect(applied.map((d) => `${d.target} → ${"to" in d ? d.to : null}`).sort()).toEqual([
        "virtway-acu-floor → 16",
        "virtway-readers → 4",
      ]);
      expect(all.filter((d) => d.reason === "DuplicateStateChange")).toEqual([
        expect.objectContaining({ target: null, outcome: "ignored" }),
      ]);
      expect(mutating(world).sort()).toEqual(["CreateDBInstance", "CreateDBInstance", "ModifyDBCluster"]);
      const ledger = world.deps.ports.ledger;
      expect(await ledger.read("virtway-acu-floor")).toMatchObject({ capacity: 16, reservations: [] });
      expect(await ledger.read("virtway-readers")).toMatchObject({ capacity: 4, reservations: [] });
      // The state change in each target's log once; nothing of the twin.
      const logged = [
        ...(await ledger.decisions("virtway-readers")),
        ...(await ledger.decisions("virtway-acu-floor")),
      ];
      expect(logged.map((r) => `${r.target} ${r.status} ${r.reason}`).sort()).toEqual([
        "virtway-acu-floor applied ScaleOut",
        "virtway-readers applied ScaleOut",
      ]);
    },
  );

  it("ten deliveries (twins and Lambda's retries of both) of three changes: each change acts once, no invocation fails", async () => {
    world = await dryRun(virtwayConfig(), { "virtway-readers": { capacity: 1 } }, NOW);
    const files = ["sns/readers-cpu-70.json", "eventbridge/readers-cpu-70.json", "sns/readers-cpu-85.json"];
    const deliveries = Array.from({ length: 10 }, (_, i) => ({
      file: files[i % 3] as string,
      // A retry keeps the request id of the invocation it repeats.
      requestId: `request-${i % 5}`,
      delayMs: (i * 7) % 4,
    }));
    // Promise.all: any invocation that failed would fail the test here.
    const { results } = await deliver(world, deliveries, 42);
    const all = results.flatMap((r) => r.decisions);
    // The 70% change (+1) and the 85% change (+2) count from 1 (rule 3): 3 readers; the floor at 16.
    expect(await world.deps.ports.ledger.read("virtway-readers")).toMatchObject({
      capacity: 3,
      reservations: [],
    });
    expect(await world.deps.ports.ledger.read("virtway-acu-floor")).toMatchObject({ capacity: 16 });
    expect(mutating(world).filter((c) => c === "CreateDBInstance")).toHaveLength(2);
    expect(mutating(world).filter((c) => c === "ModifyDBCluster")).toHaveLength(1);
    expect(all.filter((d) => d.reason === "DuplicateStateChange").length).toBeGreaterThanOrEqual(5);
  });
});

describe("conflicts back off with full jitter", () => {
  it("draws each wait from the random source given, up to a cap that doubles from 10 ms to 1 s", async () => {
    const draws: number[] = [];
    const slept: number[] = [];
    const random = () => {
      draws.push(1);
      return 1;
    };
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      slept.push(ms);
      return original(fn, 0);
    }) as typeof setTimeout;
    try {
      const backoff = fullJitter({ random });
      for (const attempt of [1, 2, 3, 7, 12]) await backoff(attempt);
    } finally {
      globalThis.setTimeout = original;
    }
    expect(draws).toHaveLength(5);
    expect(slept).toEqual([20, 40, 80, 1000, 1000]);
    // Uniform between 0 and the cap: a draw of 0.25 waits a quarter of it.
    const quarter: number[] = [];
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      quarter.push(ms);
      return original(fn, 0);
    }) as typeof setTimeout;
    try {
      await fullJitter({ random: () => 0.25 })(3);
    } finally {
      globalThis.setTimeout = original;
    }
    expect(quarter).toEqual([20]);
  });
});
