/**
 * The replay KPIs on small hand-made timelines. Each timeline is a row of minutes from 19:00;
 * the expected values are worked out in the comments (m3 is the minute 19:03).
 */
import { describe, expect, it } from "vitest";
import type { AsgTarget, AuroraCapacityTarget } from "../../../shared/core/config/schema.js";
import { demandPerUnitOf, kpisOf } from "../../../shared/offline/replay/kpis.js";
import { MINUTE_MS, type MinuteSample, type ReplayDecision } from "../../../shared/offline/replay/types.js";

const T0 = Date.parse("2026-03-05T19:00:00Z");
const at = (minute: number) => T0 + minute * MINUTE_MS;

const group: AsgTarget = {
  kind: "asg",
  id: "api",
  AutoScalingGroupName: "virtway-api",
  MinCapacity: 1,
  MaxCapacity: 10,
  policies: [],
  schedules: [],
};

const floor: AuroraCapacityTarget = {
  kind: "aurora-capacity",
  id: "acu-floor",
  DBClusterIdentifier: "virtway-aurora",
  AcuMaximum: 32,
  MinCapacity: 0.5,
  MaxCapacity: 16,
  policies: [],
  schedules: [],
};

/**
 * One sample a minute: demand and units in service per minute, served = inService × perUnit;
 * capacity is what is in service unless given (units still provisioning on top).
 */
function timeline(
  demand: readonly (number | null)[],
  inService: readonly number[],
  { capacity, perUnit = 100 }: { capacity?: readonly number[]; perUnit?: number } = {},
): MinuteSample[] {
  return demand.map((d, m) => {
    const units = inService[m] as number;
    return {
      at: at(m),
      demand: d,
      served: units * perUnit,
      inService: units,
      capacity: capacity?.[m] ?? units,
    };
  });
}

function decision(minute: number, from: number, to: number, blockedBy: string | null = null): ReplayDecision {
  return {
    at: new Date(at(minute)).toISOString(),
    target: "api",
    policy: "api-requests-high",
    from,
    to,
    reason: "hand-made",
    blockedBy,
  };
}

describe("under-provisioned seconds and time to capacity", () => {
  // 100 per unit.
  //   minute    m0   m1   m2   m3   m4   m5   m6   m7
  //   demand   100  250  350  380  300  200  450  300
  //   units      2    2    3    3    4    4    4    4
  //   served   200  200  300  300  400  400  400  400
  //   short          x    x    x              x
  const samples = timeline([100, 250, 350, 380, 300, 200, 450, 300], [2, 2, 3, 3, 4, 4, 4, 4]);

  it("counts every minute demand exceeded what was in service, 60 s each, across shortages", () => {
    // m1, m2, m3 and m6: 4 minutes × 60 = 240 s.
    expect(kpisOf(group, samples, []).underProvisionedSeconds).toBe(240);
  });

  it("times the first shortage only: from its first minute to the first minute covered again", () => {
    // First short at m1; m4 is the first covered minute after it: 3 minutes = 180 s (m6 is a later shortage).
    expect(kpisOf(group, samples, []).timeToCapacitySeconds).toBe(180);
  });

  it("demand equal to what is served is not a shortage, even when the product is off by a rounding error", () => {
    // 400 against 4 × 100: equal. 1.1 against 11 × 0.1 = 1.1000000000000001: equal within rounding.
    const exact = timeline([400, 400], [4, 4]);
    expect(kpisOf(group, exact, []).underProvisionedSeconds).toBe(0);
    const rounded = timeline([1.1, 1.1], [11, 11], { perUnit: 0.1 });
    expect(kpisOf(group, rounded, []).underProvisionedSeconds).toBe(0);
    expect(kpisOf(group, rounded, []).timeToCapacitySeconds).toBeNull();
  });

  it("never short: 0 seconds and no time to capacity", () => {
    const k = kpisOf(group, timeline([100, 200, 300], [3, 3, 3]), []);
    expect(k.underProvisionedSeconds).toBe(0);
    expect(k.timeToCapacitySeconds).toBeNull();
  });

  it("short till the end: the time counts to the end of the recording's last minute", () => {
    //   demand 100 300 300; units 2 2 2 (200 served): short m1 and m2, never covered again.
    //   From m1 (19:01) to the end of m2 (19:03): 120 s; 2 short minutes: 120 s.
    const k = kpisOf(group, timeline([100, 300, 300], [2, 2, 2]), []);
    expect(k.underProvisionedSeconds).toBe(120);
    expect(k.timeToCapacitySeconds).toBe(120);
  });

  it("a minute without demand is neither short nor covered", () => {
    //   demand 300 null 300 100; units 2 (200 served): short m0 and m2, m1 has no demand, m3 covered.
    //   From m0 to m3: 180 s; 2 short minutes: 120 s.
    const k = kpisOf(group, timeline([300, null, 300, 100], [2, 2, 2, 2]), []);
    expect(k.underProvisionedSeconds).toBe(120);
    expect(k.timeToCapacitySeconds).toBe(180);
  });

  it("no capacity in service and some demand is short; no demand at all is not", () => {
    //   demand 50 0; units 0 0 (0 served): m0 short (50 > 0), m1 covered (0 ≤ 0): 60 s, 60 s.
    const k = kpisOf(group, timeline([50, 0], [0, 0]), []);
    expect(k.underProvisionedSeconds).toBe(60);
    expect(k.timeToCapacitySeconds).toBe(60);
  });
});

describe("capacity-hours and max capacity", () => {
  it("sums what the target is set to, in service or still provisioning, per minute over 60", () => {
    // 60 minutes set to 2, then 30 minutes set to 3 of which one is still provisioning (2 in service):
    // (60 × 2 + 30 × 3) / 60 = 210 / 60 = 3.5 instance-hours; the most it was set to: 3.
    const units = [...Array(60).fill(2), ...Array(30).fill(2)];
    const capacity = [...Array(60).fill(2), ...Array(30).fill(3)];
    const k = kpisOf(group, timeline(Array(90).fill(100), units, { capacity }), []);
    expect(k.capacityHours).toBe(3.5);
    expect(k.maxCapacity).toBe(3);
  });

  it("an ACU floor: the floor's ACU-hours", () => {
    // 60 minutes at 0.5 ACU, 30 at 2 ACU: 0.5 × 1 h + 2 × 0.5 h = 1.5 ACU-hours; the highest floor 2.
    const acu = [...Array(60).fill(0.5), ...Array(30).fill(2)];
    const k = kpisOf(floor, timeline(Array(90).fill(1), acu, { perUnit: 1 }), []);
    expect(k.capacityHours).toBe(1.5);
    expect(k.maxCapacity).toBe(2);
  });

  it("no demand at all: capacity is still paid for, and nothing else is measured", () => {
    // 120 minutes at 3 instances: 6 instance-hours.
    const k = kpisOf(group, timeline(Array(120).fill(null), Array(120).fill(3)), []);
    expect(k).toEqual({
      underProvisionedSeconds: 0,
      capacityHours: 6,
      actions: 0,
      scaleOuts: 0,
      scaleIns: 0,
      flaps: 0,
      blocked: 0,
      maxCapacity: 3,
      timeToCapacitySeconds: null,
      scaleInLagSeconds: null,
    });
  });

  it("no samples: zeros and nulls", () => {
    const k = kpisOf(group, [], []);
    expect([k.capacityHours, k.maxCapacity, k.timeToCapacitySeconds, k.scaleInLagSeconds]).toEqual([
      0,
      0,
      null,
      null,
    ]);
  });
});

describe("actions, scale-outs, scale-ins, blocked", () => {
  it("counts the decisions that changed the target by direction, and those held back", () => {
    const decisions = [
      decision(0, 2, 4), // acted: scale-out
      decision(1, 4, 5, "rule 3: repetition during the cooldown"), // blocked
      decision(2, 4, 4), // not blocked, but no change: not an action
      decision(20, 4, 3), // acted: scale-in
      decision(21, 3, 2, "rule 4: scale-in cooldown"), // blocked
      decision(40, 3, 6), // acted: scale-out
    ];
    const k = kpisOf(group, [], decisions);
    // Actions: m0, m20, m40 = 3; out: m0, m40 = 2; in: m20 = 1; blocked: m1, m21 = 2.
    expect([k.actions, k.scaleOuts, k.scaleIns, k.blocked]).toEqual([3, 2, 1, 2]);
  });
});

describe("flaps", () => {
  it("a scale-in exactly 10 minutes after a scale-out is a flap", () => {
    expect(kpisOf(group, [], [decision(0, 2, 4), decision(10, 4, 2)]).flaps).toBe(1);
  });

  it("11 minutes after is not", () => {
    expect(kpisOf(group, [], [decision(0, 2, 4), decision(11, 4, 2)]).flaps).toBe(0);
  });

  it("counts changes of direction only, each against the previous action", () => {
    const decisions = [
      decision(0, 2, 3), // out
      decision(3, 3, 4), // out: same direction, not a flap
      decision(8, 4, 3), // in, 5 minutes after the out at m3: flap 1
      decision(12, 3, 5), // out, 4 minutes after the in at m8: flap 2
      decision(30, 5, 4), // in, 18 minutes after: not a flap
      decision(41, 4, 3), // in: same direction
    ];
    expect(kpisOf(group, [], decisions).flaps).toBe(2);
  });

  it("a blocked decision is not an action: neither a flap nor the previous action", () => {
    const decisions = [
      decision(0, 2, 4), // out
      decision(5, 4, 3, "rule 4: scale-out cooldown"), // blocked in: not a flap
      decision(15, 4, 3), // in, 15 minutes after the out at m0 (the blocked one does not count): not a flap
    ];
    expect(kpisOf(group, [], decisions).flaps).toBe(0);
  });
});

describe("scale-in lag", () => {
  // 100 per unit; MinCapacity 1. need = ceil(demand / 100).
  //   minute    m0   m1   m2   m3   m4   m5   m6   m7
  //   demand   200  400  600  500  300  300  300  300      peak at m2
  //   need       2    4    6    5    3    3    3    3
  //   units      2    4    6    6    6    6    4    3
  //   surplus    0    0    0    1    3    3    1    0      first whole unit after the peak: m3
  const demand = [200, 400, 600, 500, 300, 300, 300, 300];
  const units = [2, 4, 6, 6, 6, 6, 4, 3];

  it("from the first minute after the peak with a whole unit too many, to the first scale-in after it", () => {
    // A scale-in at m1 came before the surplus and does not count; the one at m6 does: m3 → m6 = 180 s.
    const decisions = [decision(0, 2, 4), decision(1, 4, 3), decision(6, 6, 4), decision(7, 4, 3)];
    expect(kpisOf(group, timeline(demand, units), decisions).scaleInLagSeconds).toBe(180);
  });

  it("a scale-in in the very minute the surplus appears has no lag", () => {
    expect(kpisOf(group, timeline(demand, units), [decision(3, 6, 5)]).scaleInLagSeconds).toBe(0);
  });

  it("a blocked scale-in does not end the wait", () => {
    // Blocked at m4; acted at m6: m3 → m6 = 180 s.
    const decisions = [decision(4, 6, 5, "rule 4: stabilisation window"), decision(6, 6, 4)];
    expect(kpisOf(group, timeline(demand, units), decisions).scaleInLagSeconds).toBe(180);
  });

  it("a surplus never scaled in counts to the end of the recording", () => {
    // No scale-in at all: from m3 (19:03) to the end of m7 (19:08): 300 s.
    expect(kpisOf(group, timeline(demand, units), []).scaleInLagSeconds).toBe(300);
  });

  it("less than a whole unit too many is no surplus", () => {
    //   demand 200 600 550 450; need 2 6 6 5; units 2 6 6 6: 450 needs 4.5, so 5: surplus 1 at m3.
    //   Without m3: 550 on 6 units needs 5.5, so 6: no surplus.
    expect(kpisOf(group, timeline([200, 600, 550, 450], [2, 6, 6, 6]), []).scaleInLagSeconds).toBe(60);
    expect(kpisOf(group, timeline([200, 600, 550], [2, 6, 6]), []).scaleInLagSeconds).toBeNull();
  });

  it("none needed: capacity follows demand down, or stays at MinCapacity", () => {
    expect(kpisOf(group, timeline([200, 600, 300], [2, 6, 3]), []).scaleInLagSeconds).toBeNull();
    // MinCapacity 4: after the peak 100 needs 1, but the floor is 4; 4 in service is no surplus.
    const atFloor = { ...group, MinCapacity: 4 };
    expect(kpisOf(atFloor, timeline([200, 600, 100, 100], [4, 6, 4, 4]), []).scaleInLagSeconds).toBeNull();
  });

  it("a surplus at the peak itself is not measured; the first minute after it is", () => {
    //   demand 100 300 200; units 5 5 5: need 1 3 2; the peak is m1 (surplus 2 there, not counted);
    //   m2's surplus 3 starts the wait; scale-in at m2: 0 s.
    const k = kpisOf(group, timeline([100, 300, 200], [5, 5, 5]), [decision(2, 5, 2)]);
    expect(k.scaleInLagSeconds).toBe(0);
  });

  it("no demand at all: no peak, nothing measured", () => {
    expect(kpisOf(group, timeline([null, null], [5, 5]), []).scaleInLagSeconds).toBeNull();
  });
});

describe("demand per unit", () => {
  it("is read back from served / inService where something is in service", () => {
    // m0 has nothing in service; m1: 240 served by 3 units = 80 per unit.
    expect(demandPerUnitOf(timeline([10, 10], [0, 3], { perUnit: 80 }))).toBe(80);
    expect(demandPerUnitOf(timeline([10], [0]))).toBeNull();
  });
});
