/**
 * Coexistence records, when the alarm function and the tick both switch native scale-in off after
 * one scale-out: whichever writes last, the ledger keeps what was switched off, so that the restore
 * switches it back on.
 */
import { describe, expect, it } from "vitest";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { coexist } from "../../shared/brain/coexist.js";
import type { NativeScaling } from "../../shared/brain/ports/nativeScaling.js";
import type { NativeChange } from "../../shared/core/deciders/coexistence.js";
import { initialState } from "../../shared/core/engine/targetState.js";
import { virtwayConfig } from "../support/config.js";

const config = virtwayConfig();
const readers = config.targets.find((t) => t.id === "virtway-readers")!;
const now = new Date("2026-11-23T19:00:30.000Z");

/** Native scaling whose suspend runs `meanwhile` (another invocation) before it answers. */
function nativeScaling(answers: NativeChange[], meanwhile: () => Promise<void> = async () => {}) {
  let calls = 0;
  const port: NativeScaling = {
    async suspendReplicaScaleIn() {
      calls++;
      if (calls === 1) await meanwhile();
      return answers.shift() ?? { done: [], error: null };
    },
    resumeReplicaScaleIn: async () => ({ done: [], error: null }),
    disableGroupScaleIn: async () => ({ done: [], error: null }),
    restoreGroupScaleIn: async () => ({ done: [], error: null }),
  };
  return port;
}

describe("coexist: two invocations suspending after one scale-out", () => {
  it("keeps the scalable target the other one switched off, when it writes last having found it already off", async () => {
    const ledger = new MemoryLedger();
    const cooling = {
      ...initialState("virtway-readers", { min: 1, max: 8 }, 3),
      cooldowns: [
        {
          layer: "readers-cpu-step-70",
          direction: "out" as const,
          startedAt: "2026-11-23T19:00:00.000Z",
          endsAt: "2026-11-23T19:05:00.000Z",
          baseline: 2,
          desired: 3,
        },
      ],
      version: 1,
    };
    await ledger.write(cooling, 0, []);
    // The tick reads first; while its call is out, the alarm function suspends and records it.
    // The tick's own call then finds scale-in already suspended: it touched nothing.
    const alarm = () =>
      coexist(
        { ledger },
        nativeScaling([{ done: ["cluster:virtway-aurora"], error: null }]),
        readers,
        now,
        "alarm",
      ).then(() => undefined);
    const tick = nativeScaling([{ done: [], error: null }], alarm);
    await coexist({ ledger }, tick, readers, now, "tick");
    expect((await ledger.read("virtway-readers"))?.nativeScaleIn).toEqual({
      since: now.toISOString(),
      scalableTarget: "cluster:virtway-aurora",
      policies: [],
    });
  });
});
