/**
 * The uncoordinated baseline, rule by rule, on a tiny stand-in world whose capacity arrives only
 * when the test says so. Every expected capacity is worked out in the comment beside it.
 */
import { describe, expect, it } from "vitest";
import type { AlarmStateValue } from "../../../shared/core/alarms/alarmRule.js";
import { type BrainConfig, BrainConfigSchema } from "../../../shared/core/config/schema.js";
import type { StateChange } from "../../../shared/offline/evaluation/stateChange.js";
import { NativePolicies } from "../../../shared/offline/replay/native.js";
import type { ReplayDecision, ReplayWorld } from "../../../shared/offline/replay/types.js";

const T0 = Date.parse("2026-11-23T19:00:00.000Z");
const m = (k: number) => T0 + k * 60_000;
const iso = (k: number) => new Date(m(k)).toISOString();

/**
 * Capacity set by a policy is on its way until serve(): a reader being created, an instance
 * launching or warming up. A scale-in is in effect at once.
 */
class StandInWorld implements ReplayWorld {
  readonly actuatorFor = undefined as never;
  readonly metrics = undefined as never;
  readonly parameters = undefined as never;
  private readonly capacities = new Map<string, number>();
  private readonly serving = new Map<string, number>();
  constructor(start: Record<string, number>) {
    for (const [id, n] of Object.entries(start)) {
      this.capacities.set(id, n);
      this.serving.set(id, n);
    }
  }
  advanceTo(): void {}
  publish(): void {}
  inService(id: string): number {
    return this.serving.get(id) ?? 0;
  }
  capacity(id: string): number {
    return this.capacities.get(id) ?? 0;
  }
  set(id: string, capacity: number): void {
    this.capacities.set(id, capacity);
    if (capacity < this.inService(id)) this.serving.set(id, capacity);
  }
  /** Everything on its way is now in service. */
  serve(id: string): void {
    this.serving.set(id, this.capacity(id));
  }
}

const metricAlarm = (AlarmName: string, Threshold: number, ComparisonOperator = "GreaterThanThreshold") => ({
  AlarmName,
  Namespace: "AWS/RDS",
  MetricName: "CPUUtilization",
  Statistic: "Average",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold,
  ComparisonOperator,
});

const ALARMS = [
  metricAlarm("cpu-high", 70),
  metricAlarm("cpu-low", 20, "LessThanThreshold"),
  metricAlarm("cpu-50", 50),
  { AlarmName: "pressure", AlarmRule: 'ALARM("cpu-high") AND ALARM("cpu-50")' },
];

const step = (
  PolicyName: string,
  alarms: string[],
  StepAdjustments: object[],
  extra: Record<string, unknown> = {},
) => ({
  PolicyName,
  PolicyType: "StepScaling",
  Alarms: alarms,
  StepScalingPolicyConfiguration: { AdjustmentType: "ChangeInCapacity", StepAdjustments, ...extra },
});

const tracking = (PolicyName: string, TargetValue: number, extra: Record<string, unknown> = {}) => ({
  PolicyName,
  PolicyType: "TargetTrackingScaling",
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue,
    PredefinedMetricSpecification: { PredefinedMetricType: "RDSReaderAverageCPUUtilization" },
    ...extra,
  },
});

const readers = (policies: object[], MinCapacity = 1, MaxCapacity = 20) => ({
  id: "readers",
  kind: "aurora-readers",
  DBClusterIdentifier: "db",
  MinCapacity,
  MaxCapacity,
  policies,
  schedules: [],
});

const group = (policies: object[], MinCapacity = 1, MaxCapacity = 40) => ({
  id: "group",
  kind: "asg",
  AutoScalingGroupName: "web",
  MinCapacity,
  MaxCapacity,
  policies,
  schedules: [],
});

const configOf = (...targets: object[]): BrainConfig => BrainConfigSchema.parse({ alarms: ALARMS, targets });

function change(alarm: string, k: number, value: number | null, to: AlarmStateValue = "ALARM"): StateChange {
  return {
    alarm,
    alarmType: alarm === "pressure" ? "composite" : "metric",
    at: iso(k),
    atMs: m(k),
    from: to === "ALARM" ? "OK" : "ALARM",
    to,
    value,
    datapoints: [],
    reason: "",
    reasonData: {},
    previous: { state: "OK", reason: "", at: iso(k - 1), reasonData: null },
    actionsSuppressedBy: null,
    actionsAt: iso(k),
    account: null,
    region: null,
  };
}

const NONE = new Set<string>();
const brief = (d: ReplayDecision) => `${d.at.slice(11, 16)} ${d.policy} ${d.from}→${d.to}`;

describe("step scaling on Application Auto Scaling (Aurora replicas)", () => {
  it("acts on ALARM from the current capacity, and not on OK", () => {
    const world = new StandInWorld({ readers: 2 });
    const native = new NativePolicies(
      configOf(readers([step("up", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }])])),
      world,
    );
    expect(native.onStateChange(change("cpu-high", 0, 75, "OK"))).toEqual([]);
    // 2 + 1 = 3
    expect(native.onStateChange(change("cpu-high", 0, 75))).toEqual([
      { at: iso(0), target: "readers", policy: "up", from: 2, to: 3, reason: "StepScaling", blockedBy: null },
    ]);
    expect(world.capacity("readers")).toBe(3);
  });

  it("picks the step by the breach's size relative to the threshold", () => {
    const world = new StandInWorld({ readers: 2 });
    const steps = [
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
    ];
    const native = new NativePolicies(configOf(readers([step("up", ["cpu-high"], steps)])), world);
    // 85 − 70 = 15 lies in [10, +∞): +3, 2 → 5
    expect(native.onStateChange(change("cpu-high", 0, 85)).map(brief)).toEqual(["19:00 up 2→5"]);
  });

  it("PercentChangeInCapacity with MinAdjustmentMagnitude, and ExactCapacity", () => {
    const world = new StandInWorld({ readers: 1 });
    const config = configOf(
      readers([
        step("double", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 100 }], {
          AdjustmentType: "PercentChangeInCapacity",
          MinAdjustmentMagnitude: 2,
        }),
        step("six", ["cpu-50"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 6 }], {
          AdjustmentType: "ExactCapacity",
        }),
      ]),
    );
    const native = new NativePolicies(config, world);
    // 100 % of 1 is 1, at least MinAdjustmentMagnitude 2: 1 → 3
    expect(native.onStateChange(change("cpu-high", 0, 75)).map(brief)).toEqual(["19:00 double 1→3"]);
    world.serve("readers");
    // ExactCapacity 6 from 3
    expect(native.onStateChange(change("cpu-50", 1, 55)).map(brief)).toEqual(["19:01 six 3→6"]);
  });

  it("bounds the capacity by MinCapacity, MaxCapacity and Aurora's 15 replicas, and does nothing at a bound", () => {
    const world = new StandInWorld({ readers: 12 });
    const config = configOf(
      readers(
        [
          step("up5", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 5 }]),
          step("down20", ["cpu-low"], [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -20 }]),
        ],
        2,
        20,
      ),
    );
    const native = new NativePolicies(config, world);
    // 12 + 5 = 17, above the 15 replicas a cluster holds (MaxCapacity 20 is higher): 15
    expect(native.onStateChange(change("cpu-high", 0, 75)).map(brief)).toEqual(["19:00 up5 12→15"]);
    world.serve("readers");
    // 15 − 20 = −5, MinCapacity 2
    expect(native.onStateChange(change("cpu-low", 1, 10)).map(brief)).toEqual(["19:01 down20 15→2"]);
    world.serve("readers");
    // at MinCapacity, after the 300 s default cooldown: nothing to do, no decision
    expect(native.onMinute(m(7), new Set(["cpu-low"]), () => null)).toEqual([]);
  });

  it("runs again every minute the alarm stays in ALARM, after the activity completes and the cooldown ends", () => {
    const world = new StandInWorld({ readers: 2 });
    const config = configOf(
      readers([
        step("up", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }], { Cooldown: 300 }),
      ]),
    );
    const native = new NativePolicies(config, world);
    const decisions = native.onStateChange(change("cpu-high", 0, 75));
    const inAlarm = new Set(["cpu-high"]);
    for (let k = 0; k <= 20; k++) {
      // The reader asked for at 19:00 is available at 19:08.
      if (k === 8) world.serve("readers");
      if (k === 16) world.serve("readers");
      decisions.push(...native.onMinute(m(k), inAlarm, () => null));
    }
    // 19:00 2 → 3; in progress until 19:08, then Cooldown 300 s: again at 19:13, 3 → 4; that reader
    // is available at 19:16, the next at 19:21 (outside the loop).
    expect(decisions.map(brief)).toEqual(["19:00 up 2→3", "19:13 up 3→4"]);
  });

  it("during its scale-out cooldown, a larger step adds only the difference (AWS's example: +2, then +3 adds 1)", () => {
    const world = new StandInWorld({ readers: 8 });
    const steps = [
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 2 },
      { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
    ];
    const native = new NativePolicies(configOf(readers([step("up", ["cpu-high"], steps)])), world);
    // 75 − 70 = 5: +2, 8 → 10
    const decisions = native.onStateChange(change("cpu-high", 0, 75));
    world.serve("readers");
    const inAlarm = new Set(["cpu-high"]);
    // 19:01, 75: +2 from the 8 before the cooldown is 10, nothing new
    decisions.push(
      ...native.onMinute(
        m(1),
        inAlarm,
        () => null,
        () => 75,
      ),
    );
    // 19:02, 90: +3 from 8 is 11: adds the difference, 10 → 11
    decisions.push(
      ...native.onMinute(
        m(2),
        inAlarm,
        () => null,
        () => 90,
      ),
    );
    // 19:03, 90 again: 11 already
    decisions.push(
      ...native.onMinute(
        m(3),
        inAlarm,
        () => null,
        () => 90,
      ),
    );
    expect(decisions.map(brief)).toEqual(["19:00 up 8→10", "19:02 up 10→11"]);
  });

  it("re-runs a step policy with the value of its alarm's last ALARM when no newer value is given", () => {
    const world = new StandInWorld({ readers: 2 });
    const steps = [
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
    ];
    const config = configOf(readers([step("up", ["cpu-high"], steps, { Cooldown: 60 })]));
    const native = new NativePolicies(config, world);
    // 85 − 70 = 15: +3, 2 → 5
    const decisions = native.onStateChange(change("cpu-high", 0, 85));
    world.serve("readers");
    // completed at 19:01, Cooldown 60 s: 19:02 runs again with 85: +3, 5 → 8
    for (let k = 1; k <= 2; k++) decisions.push(...native.onMinute(m(k), new Set(["cpu-high"]), () => null));
    expect(decisions.map(brief)).toEqual(["19:00 up 2→5", "19:02 up 5→8"]);
  });

  it("blocks its own scale-ins for its cooldown; a scale-out on the target ends that cooldown", () => {
    const world = new StandInWorld({ readers: 6 });
    const config = configOf(
      readers([
        step("down", ["cpu-low"], [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }], {
          Cooldown: 600,
        }),
        step("up", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }], { Cooldown: 600 }),
      ]),
    );
    const native = new NativePolicies(config, world);
    const low = new Set(["cpu-low"]);
    // 19:00 6 → 5; Cooldown 600 s: no scale-in until 19:10, then 5 → 4
    const decisions = native.onStateChange(change("cpu-low", 0, 10));
    for (let k = 1; k <= 10; k++) decisions.push(...native.onMinute(m(k), low, () => null));
    expect(decisions.map(brief)).toEqual(["19:00 down 6→5", "19:10 down 5→4"]);

    // 19:11 cpu-high: 4 → 5 at once, and the scale-in cooldown of 19:10 stops: cpu-low scales in at 19:12
    const after = native.onStateChange(change("cpu-high", 11, 75));
    world.serve("readers");
    after.push(...native.onStateChange(change("cpu-low", 12, 10)));
    expect(after.map(brief)).toEqual(["19:11 up 4→5", "19:12 down 5→4"]);
  });

  it("leaves out what AWS cannot run: a composite alarm's policy, an ACU floor (unless includeNonNative)", () => {
    const floor = {
      id: "floor",
      kind: "aurora-capacity",
      DBClusterIdentifier: "db",
      AcuMaximum: 64,
      MinCapacity: 2,
      MaxCapacity: 16,
      policies: [step("floor-up", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 4 }])],
      schedules: [],
    };
    const config = configOf(readers([step("both", ["pressure"], [{ ScalingAdjustment: 2 }])]), floor);
    const world = new StandInWorld({ readers: 2, floor: 2 });
    const native = new NativePolicies(config, world);
    expect(native.onStateChange(change("pressure", 0, null))).toEqual([]);
    expect(native.onStateChange(change("cpu-high", 0, 75))).toEqual([]);
    expect(native.onMinute(m(1), new Set(["pressure", "cpu-high"]), () => null)).toEqual([]);

    const everything = new NativePolicies(config, new StandInWorld({ readers: 2, floor: 2 }), {
      includeNonNative: true,
    });
    // the composite's only step: 2 + 2 = 4; the floor: 2 + 4 = 6 ACU
    expect(everything.onStateChange(change("pressure", 0, null)).map(brief)).toEqual(["19:00 both 2→4"]);
    expect(everything.onStateChange(change("cpu-high", 0, 75)).map(brief)).toEqual(["19:00 floor-up 2→6"]);
  });
});

describe("step scaling on EC2 Auto Scaling (groups): no cooldown, instance warm-up", () => {
  // as-scaling-simple-step.html's example: threshold 50, steps [0,10) 0 %, [10,20) 10 %, [20,+∞) 30 %.
  const steps = [
    { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 0 },
    { MetricIntervalLowerBound: 10, MetricIntervalUpperBound: 20, ScalingAdjustment: 10 },
    { MetricIntervalLowerBound: 20, ScalingAdjustment: 30 },
  ];
  const config = configOf(
    group([step("web-out", ["cpu-50"], steps, { AdjustmentType: "PercentChangeInCapacity", Cooldown: 600 })]),
  );

  it("counts from the instances not warming up: AWS's 10 → 11 → (62: nothing) → (70: 13)", () => {
    const world = new StandInWorld({ group: 10 });
    const native = new NativePolicies(config, world);
    const inAlarm = new Set(["cpu-50"]);
    // 60: 10 % of 10 = 1, 10 → 11
    const decisions = native.onStateChange(change("cpu-50", 0, 60));
    // 62 while the instance warms up: 10 % of the 10 not warming is 11, the group's 11 already
    decisions.push(
      ...native.onMinute(
        m(1),
        inAlarm,
        () => null,
        () => 62,
      ),
    );
    // 70: 30 % of 10 = 3, 13 > 11: adds 2
    decisions.push(
      ...native.onMinute(
        m(2),
        inAlarm,
        () => null,
        () => 70,
      ),
    );
    // 19:03 InService, still 70, but 19:02's datapoint did not measure them: from 10, 13 again
    world.serve("group");
    for (const k of [3, 4])
      decisions.push(
        ...native.onMinute(
          m(k),
          inAlarm,
          () => null,
          () => 70,
        ),
      );
    // 19:04 measured (no Cooldown for step policies on a group, its 600 s ignored):
    // 30 % of 13 = 3.9, rounded down to 3: 13 → 16
    expect(decisions.map(brief)).toEqual([
      "19:00 web-out 10→11",
      "19:02 web-out 11→13",
      "19:04 web-out 13→16",
    ]);
  });

  it("scales in every minute the alarm stays in ALARM, but not while instances warm up, and once a minute", () => {
    const world = new StandInWorld({ group: 6 });
    const native = new NativePolicies(
      configOf(
        group([step("web-in", ["cpu-low"], [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }])]),
      ),
      world,
    );
    const low = new Set(["cpu-low"]);
    // 19:00 the state change: 6 → 5; the same minute's re-run does not act twice
    const decisions = native.onStateChange(change("cpu-low", 0, 10));
    decisions.push(...native.onMinute(m(0), low, () => null));
    // 19:01 5 → 4, 19:02 4 → 3
    decisions.push(...native.onMinute(m(1), low, () => null));
    decisions.push(...native.onMinute(m(2), low, () => null));
    // an instance launching (set by hand to 4, one on its way): no scale-in while it warms up
    world.set("group", 4);
    decisions.push(...native.onMinute(m(3), low, () => null));
    expect(decisions.map(brief)).toEqual(["19:00 web-in 6→5", "19:01 web-in 5→4", "19:02 web-in 4→3"]);
  });
});

/** Runs minutes from..to with one metric value a minute per policy; returns the decisions. */
function minutes(
  native: NativePolicies,
  from: number,
  to: number,
  value: (k: number, policy: string) => number | null,
  options: {
    inAlarm?: (k: number) => ReadonlySet<string>;
    alarmValue?: (alarm: string) => number | null;
    before?: (k: number) => void;
  } = {},
): ReplayDecision[] {
  const out: ReplayDecision[] = [];
  for (let k = from; k <= to; k++) {
    options.before?.(k);
    const inAlarm = options.inAlarm?.(k) ?? NONE;
    out.push(...native.onMinute(m(k), inAlarm, (_, p) => value(k, p.PolicyName), options.alarmValue));
  }
  return out;
}

describe("target tracking with AWS's managed alarms", () => {
  it("scales out after 3 of 3 datapoints above the target: ceil(capacity × metric / target)", () => {
    const world = new StandInWorld({ readers: 4 });
    const native = new NativePolicies(configOf(readers([tracking("cpu-50", 50)])), world);
    // 19:00 60, 19:01 40 (breaks the run), 19:02..19:04 60: the third in a row at 19:04,
    // ceil(4 × 60 / 50) = ceil(4.8) = 5
    const decisions = minutes(native, 0, 4, (k) => (k === 1 ? 40 : 60));
    expect(decisions).toEqual([
      {
        at: iso(4),
        target: "readers",
        policy: "cpu-50",
        from: 4,
        to: 5,
        reason: "TargetTrackingScaleOut",
        blockedBy: null,
      },
    ]);
  });

  it("scales in after 15 of 15 below 90 % of the target, once per ScaleInCooldown", () => {
    const world = new StandInWorld({ readers: 10 });
    const native = new NativePolicies(
      configOf(readers([tracking("cpu-50", 50, { ScaleInCooldown: 300 })])),
      world,
    );
    // 90 % of 50 is 45: 19:00..19:14 at 20 are 15 below, at 19:14 ceil(10 × 20 / 50) = 4;
    // still 20 afterwards: blocked until 19:19, then ceil(4 × 20 / 50) = 2
    const decisions = minutes(native, 0, 19, () => 20);
    expect(decisions.map((d) => `${brief(d)} ${d.reason}`)).toEqual([
      "19:14 cpu-50 10→4 TargetTrackingScaleIn",
      "19:19 cpu-50 4→2 TargetTrackingScaleIn",
    ]);
  });

  it("does not scale in at 90 % of the target or with DisableScaleIn", () => {
    const at45 = new NativePolicies(
      configOf(readers([tracking("cpu-50", 50)])),
      new StandInWorld({ readers: 10 }),
    );
    // 45 is not below 45
    expect(minutes(at45, 0, 20, () => 45)).toEqual([]);
    const disabled = new NativePolicies(
      configOf(readers([tracking("cpu-50", 50, { DisableScaleIn: true })])),
      new StandInWorld({ readers: 10 }),
    );
    expect(minutes(disabled, 0, 20, () => 5)).toEqual([]);
  });

  it("during ScaleOutCooldown counts from the capacity before the scale-out: only a larger ask adds", () => {
    const world = new StandInWorld({ readers: 4 });
    const native = new NativePolicies(
      configOf(readers([tracking("cpu-50", 50, { ScaleOutCooldown: 300 })])),
      world,
    );
    // 19:02 third minute at 100: ceil(4 × 100 / 50) = 8
    // 19:03 the readers are available, still 100: from 4 it is 8 again, nothing
    // 19:04 150, in the cooldown: ceil(4 × 150 / 50) = 12, 8 → 12
    const decisions = minutes(native, 0, 4, (k) => (k < 4 ? 100 : 150), {
      before: (k) => (k === 3 ? world.serve("readers") : undefined),
    });
    expect(decisions.map(brief)).toEqual(["19:02 cpu-50 4→8", "19:04 cpu-50 8→12"]);
  });

  it("waits while any Aurora replica is being created, then counts from every replica", () => {
    // Aurora Auto Scaling scales only when all the cluster's replicas are available: a floor raised
    // from 1 to 5 leaves 4 being created, and the CPU one reader measured is not multiplied by 5.
    const world = new StandInWorld({ readers: 1 });
    world.set("readers", 5);
    const native = new NativePolicies(configOf(readers([tracking("cpu-30", 30)])), world);
    // 19:02..19:05 at 60 on the one reader: 3 of 3 above 30, but 4 replicas are creating
    expect(minutes(native, 0, 5, () => 60)).toEqual([]);
    world.serve("readers");
    // 19:06, all 5 available, still 60 (the alarm stays in ALARM): ceil(5 × 60 / 30) = 10
    expect(minutes(native, 6, 6, () => 60).map(brief)).toEqual(["19:06 cpu-30 5→10"]);
  });

  it("bounds a scale-out by Aurora's 15 replicas", () => {
    const native = new NativePolicies(
      configOf(readers([tracking("cpu-50", 50)])),
      new StandInWorld({ readers: 10 }),
    );
    // ceil(10 × 100 / 50) = 20, MaxCapacity 20, but 15 replicas at most
    expect(minutes(native, 0, 2, () => 100).map(brief)).toEqual(["19:02 cpu-50 10→15"]);
  });

  it("several policies on one target: out if any, in only when every one with scale-in agrees", () => {
    const config = configOf(
      readers([
        tracking("cpu-50", 50),
        tracking("conn-100", 100),
        tracking("never-in", 10, { DisableScaleIn: true }),
      ]),
    );
    const world = new StandInWorld({ readers: 10 });
    const native = new NativePolicies(config, world);
    // cpu at 20 (below 45) for 15 minutes, but connections at 95 (not below 90): no scale-in;
    // never-in at 5 has scale-in disabled and has no say
    const value = (k: number, p: string) => (p === "cpu-50" ? 20 : p === "conn-100" ? (k < 15 ? 95 : 50) : 5);
    // connections drop to 50 at 19:15: below 90 only from then on, 15 in a row at 19:29:
    // cpu ceil(10 × 20 / 50) = 4, connections ceil(10 × 50 / 100) = 5: the larger, 5
    expect(minutes(native, 0, 29, value).map(brief)).toEqual(["19:29 conn-100 10→5"]);
  });

  it("on a group: an instance counts once a datapoint measured it, the minute after it is InService", () => {
    const world = new StandInWorld({ group: 2 });
    world.set("group", 4);
    const native = new NativePolicies(configOf(group([tracking("web-cpu", 50)])), world);
    // 19:02 3 of 3 at 75 on the 2 in service: ceil(2 × 75 / 50) = 3, which the 4 asked for cover
    // 19:03 the 2 new instances are InService, but 19:02's datapoint did not measure them: 3 again
    // 19:04 19:03's datapoint measured 4, still 75: ceil(4 × 75 / 50) = 6
    const out = minutes(native, 0, 4, () => 75, { before: (k) => k === 3 && world.serve("group") });
    expect(out.map(brief)).toEqual(["19:04 web-cpu 4→6"]);
  });

  it("on a group: no cooldown; counts from the instances not warming up, no scale-in while they do", () => {
    const world = new StandInWorld({ group: 4 });
    const native = new NativePolicies(
      configOf(group([tracking("web-cpu", 50, { ScaleOutCooldown: 600 })])),
      world,
    );
    // 19:02 ceil(4 × 75 / 50) = 6; 19:03 at 100, still 4 in service: ceil(4 × 100 / 50) = 8, 6 → 8
    // (ScaleOutCooldown is Application Auto Scaling's, not used for a group)
    const out = minutes(native, 0, 3, (k) => (k < 3 ? 75 : 100));
    expect(out.map(brief)).toEqual(["19:02 web-cpu 4→6", "19:03 web-cpu 6→8"]);
    // 19:04..19:18 at 10: 15 below 45 at 19:18, but the instances are still warming up: nothing;
    // they are in service at 19:19: ceil(8 × 10 / 50) = 2
    const scaleIn = minutes(native, 4, 19, () => 10, { before: (k) => k === 19 && world.serve("group") });
    expect(scaleIn.map(brief)).toEqual(["19:19 web-cpu 8→2"]);
  });

  it("a minute without a datapoint, or a minute the driver skipped, breaks the window", () => {
    const config = configOf(readers([tracking("cpu-50", 50)]));
    const native = new NativePolicies(config, new StandInWorld({ readers: 4 }));
    expect(minutes(native, 0, 3, (k) => (k === 1 ? null : 80))).toEqual([]);
    const skipped = new NativePolicies(config, new StandInWorld({ readers: 4 }));
    const decisions = [0, 2, 3, 4].flatMap((k) => skipped.onMinute(m(k), NONE, () => 80));
    // 19:01 is missing: 19:02, 19:03, 19:04 are the first 3 in a row, ceil(4 × 80 / 50) = ceil(6.4) = 7
    expect(decisions.map(brief)).toEqual(["19:04 cpu-50 4→7"]);
  });
});

describe("policies side by side: they fight", () => {
  const config = configOf(
    readers([
      tracking("cpu-50", 50, { ScaleInCooldown: 300, ScaleOutCooldown: 300 }),
      step("cpu-high-step", ["cpu-high"], [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }], {
        Cooldown: 300,
      }),
      step("cpu-low-step", ["cpu-low"], [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -2 }], {
        Cooldown: 300,
      }),
    ]),
  );

  it("target tracking scales in, the step policy scales out three minutes later: a flap", () => {
    const world = new StandInWorld({ readers: 10 });
    const native = new NativePolicies(config, world);
    // 19:00..19:14 reader CPU at 20: target tracking ceil(10 × 20 / 50) = 4 at 19:14
    const decisions = minutes(native, 0, 16, () => 20);
    // 19:17 a spike: cpu-high goes to ALARM at 75, the step policy adds 2: 4 → 6, three minutes
    // after the scale-in: a direction change within 10 minutes, the baseline's side of the comparison.
    decisions.push(...native.onStateChange(change("cpu-high", 17, 75)));
    expect(decisions.map((d) => `${brief(d)} ${d.reason}`)).toEqual([
      "19:14 cpu-50 10→4 TargetTrackingScaleIn",
      "19:17 cpu-high-step 4→6 StepScaling",
    ]);
  });

  it("a step scale-in is not blocked by target tracking, which scales out again (API_PutScalingPolicy.html)", () => {
    const world = new StandInWorld({ readers: 4 });
    const native = new NativePolicies(config, world);
    // 19:00 cpu-low ALARM: 4 → 2, though target tracking (metric at 40, within its band) is not ready to scale in
    const decisions = native.onStateChange(change("cpu-low", 0, 15));
    // with half the readers the CPU doubles to 80: target tracking's 3 of 3 at 19:03,
    // ceil(2 × 80 / 50) = 4
    decisions.push(...minutes(native, 1, 3, () => 80));
    expect(decisions.map(brief)).toEqual(["19:00 cpu-low-step 4→2", "19:03 cpu-50 2→4"]);
  });

  it("in the same minute the largest capacity wins: the scale-out, not the scale-in", () => {
    const world = new StandInWorld({ readers: 10 });
    const native = new NativePolicies(config, world);
    // 19:14 target tracking would scale in to 4, and cpu-high (in ALARM at 75) would add 2:
    // only 10 → 12 happens
    const decisions = minutes(native, 0, 14, () => 20, {
      inAlarm: (k) => (k === 14 ? new Set(["cpu-high"]) : NONE),
      alarmValue: () => 75,
    });
    expect(decisions.map(brief)).toEqual(["19:14 cpu-high-step 10→12"]);
  });
});
