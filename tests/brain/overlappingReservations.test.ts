/**
 * Two taken decisions for one target overlapping: the second reserves while the first's AWS call
 * is still out. Each reservation is its own; when the first's invocation dies, its reservation
 * expires and its decision is settled, whatever the second did.
 */
import { describe, expect, it } from "vitest";
import type { AlarmChange } from "../../shared/brain/handleAlarm.js";
import { virtwayConfig } from "../support/config.js";
import { simulatedWorld, stateChange } from "../support/world.js";

const config = virtwayConfig();

describe("overlapping reservations", () => {
  it("the first's invocation dies while the second applies: its reservation expires and its decision is settled", async () => {
    let hang = true;
    const { ledger, alarm } = simulatedWorld({
      start: { "virtway-readers": { capacity: 2 } },
      // The first readers call never comes back (the invocation dies during it).
      onApply: (target) => {
        if (!hang || target.id !== "virtway-readers") return undefined;
        hang = false;
        return new Promise(() => {});
      },
    });
    const send = (
      alarmName: string,
      s: number,
      value: number | null,
      state: AlarmChange["state"] = "ALARM",
    ) => alarm(stateChange(alarmName, s, value, state), { invocationId: `inv-${s}` });

    void send("virtway-readers-cpu-high-70", 0, 72); // reserves 2 → 3, then hangs
    while (((await ledger.read("virtway-readers"))?.reservations.length ?? 0) === 0)
      await new Promise((r) => setTimeout(r, 5));
    // 391 connections: the +2 step, counted from 2: 2 → 4, one more than the first asked.
    const [second] = await send("virtway-readers-connections-high", 1, 391);
    expect(second).toMatchObject({ status: "applied", from: 3, to: 4 });
    const during = await ledger.read("virtway-readers");
    expect(during?.reservations.map((r) => ({ from: r.from, to: r.to }))).toEqual([{ from: 2, to: 3 }]);

    // Long after the first's reservation expired, any decision settles it.
    const timeout = config.settings.reservationTimeoutSeconds;
    await send("virtway-readers-connections-high", timeout + 60, null, "OK");
    expect((await ledger.read("virtway-readers"))?.reservations).toEqual([]);
    const records = await ledger.decisions("virtway-readers");
    expect(
      records
        .filter((r) => r.status === "expired")
        .map((r) => ({ from: r.from, to: r.to, reason: r.reason })),
    ).toEqual([{ from: 2, to: 3, reason: "ReservationExpired" }]);
    expect(records.some((r) => r.status === "reserved")).toBe(false);
  });
});
