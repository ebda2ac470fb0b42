/**
 * Two taken decisions for one target overlapping: the second reserves while the first's AWS call
 * is still out. Each reservation is its own; when the first's invocation dies, its reservation
 * expires and its decision is settled, whatever the second did.
 */
import { describe, expect, it } from "vitest";
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../../shared/adapters/aws/clients.js";
import { MemoryLedger } from "../../shared/adapters/ledger/memory.js";
import { type AlarmChange, handleAlarmChange } from "../../shared/brain/handleAlarm.js";
import type { ActuatorFor } from "../../shared/brain/ports/actuator.js";
import { SimulatedAccount } from "../../shared/offline/simulation/account.js";
import { virtwayConfig } from "../support/config.js";

const config = virtwayConfig();
const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000);

describe("overlapping reservations", () => {
  it("the first's invocation dies while the second applies: its reservation expires and its decision is settled", async () => {
    let now = at(0);
    const account = SimulatedAccount.forConfig(config, () => now, { "virtway-readers": { capacity: 2 } });
    const clients = createAwsClients({
      region: "eu-west-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    account.attach(clients);
    const real = actuatorsOn(clients);
    const ledger = new MemoryLedger();
    let hang = true;
    // The first readers call never comes back (the invocation dies during it).
    const actuatorFor: ActuatorFor = (target) => {
      const actuator = real(target);
      return {
        observe: () => actuator.observe(),
        apply: (change) => {
          if (hang && target.id === "virtway-readers") {
            hang = false;
            return new Promise(() => {});
          }
          return actuator.apply(change);
        },
      };
    };
    const send = (
      alarmName: string,
      s: number,
      value: number | null,
      state: AlarmChange["state"] = "ALARM",
    ) => {
      now = at(s);
      return handleAlarmChange({
        ports: { ledger, actuatorFor },
        config,
        change: {
          account: null,
          region: null,
          alarmName,
          state,
          stateChangedAt: at(s).toISOString(),
          value,
          actionsSuppressedBy: null,
        },
        now,
        invocationId: `inv-${s}`,
        initialCapacity: async (t) => (await actuatorFor(t).observe()).capacity,
      });
    };

    void send("virtway-readers-cpu-high-70", 0, 72); // reserves 2 → 3, then hangs
    while (((await ledger.read("virtway-readers"))?.reservations.length ?? 0) === 0)
      await new Promise((r) => setTimeout(r, 5));
    // 391 connections: the +2 step, counted from 2: 2 → 4, one more than the first asked.
    const [second] = await send("virtway-readers-connections-high", 1, 391);
    expect(second).toMatchObject({ status: "applied", from: 3, to: 4 });
    const during = await ledger.read("virtway-readers");
    expect(during?.reservations.map((r) => [r.from, r.to])).toEqual([[2, 3]]);

    // Long after the first's reservation expired, any decision settles it.
    const timeout = config.settings.reservationTimeoutSeconds;
    await send("virtway-readers-connections-high", timeout + 60, null, "OK");
    expect((await ledger.read("virtway-readers"))?.reservations).toEqual([]);
    const records = await ledger.decisions("virtway-readers");
    expect(records.filter((r) => r.status === "expired").map((r) => [r.from, r.to, r.reason])).toEqual([
      [2, 3, "ReservationExpired"],
    ]);
    expect(records.some((r) => r.status === "reserved")).toBe(false);
  });
});
