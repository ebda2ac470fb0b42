import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AWS_INTEGER_MAX, DAY_SECONDS } from "../../../shared/core/config/schema.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { virtwayJson } from "../../support/config.js";

/** The deployed example, brain.config.json. */
const example = JSON.parse(readFileSync(new URL("../../../brain.config.json", import.meta.url), "utf8"));

/** A copy of the tests' Virtway configuration, changed by `edit`. */
function variant(edit: (c: any) => void): unknown {
  const copy = virtwayJson();
  edit(copy);
  return copy;
}

const readers = (c: any) => c.targets.find((t: any) => t.id === "virtway-readers");
const acu = (c: any) => c.targets.find((t: any) => t.id === "virtway-acu-floor");
const frontend = (c: any) => c.targets.find((t: any) => t.id === "virtway-frontend");
const policy = (t: any, name: string) => t.policies.find((p: any) => p.PolicyName === name);
const alarm = (c: any, name: string) => c.alarms.find((a: any) => a.AlarmName === name);
const stepsOf = (t: any, name: string) => policy(t, name).StepScalingPolicyConfiguration.StepAdjustments;

describe("validate: brain.config.json", () => {
  it("accepts the Virtway example with no problem", () => {
    const result = validateConfig(example);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.settings.maxEventAgeSeconds).toBe(900);
      expect(result.config.settings.decisionRetentionDays).toBe(30);
      expect(result.config.settings.maxPayloadBytes).toBe(262144);
    }
  });
});

// Indices in the Virtway configuration: targets[0] readers, [1] ACU floor, [2] front end, [3] API;
// alarms[0] is the 70% CPU alarm, alarms[4] the composite. Policies of the readers: [0] target
// tracking 30%, [1] step 70, [2] step 85, [3] connections, [4] latency, [5] composite, [6] low CPU.
const broken: { name: string; edit: (c: any) => void; path: string; message: RegExp }[] = [
  {
    name: "MinCapacity above MaxCapacity",
    edit: (c) => (readers(c).MinCapacity = 9),
    path: "$.targets[0].MinCapacity",
    message: /MinCapacity 9 is greater than MaxCapacity 8/,
  },
  {
    name: "more than 15 Aurora replicas",
    edit: (c) => (readers(c).MaxCapacity = 16),
    path: "$.targets[0].MaxCapacity",
    message: /at most 15 replicas/,
  },
  {
    name: "a scheduled action above 15 replicas",
    edit: (c) => (readers(c).schedules[0].ScalableTargetAction.MaxCapacity = 20),
    path: "$.targets[0].schedules[0].ScalableTargetAction.MaxCapacity",
    message: /at most 15 replicas/,
  },
  {
    name: "ACU above 256",
    edit: (c) => (acu(c).AcuMaximum = 300),
    path: "$.targets[1].AcuMaximum",
    message: /outside 0–256/,
  },
  {
    name: "ACU not in steps of 0.5",
    edit: (c) => (acu(c).MinCapacity = 1.25),
    path: "$.targets[1].MinCapacity",
    message: /not a multiple of 0\.5/,
  },
  {
    name: "negative ACU",
    edit: (c) => (acu(c).schedules[0].ScalableTargetAction.MinCapacity = -1),
    path: "$.targets[1].schedules[0].ScalableTargetAction.MinCapacity",
    message: /Too small|>=0/i,
  },
  {
    name: "AcuMaximum under 1",
    edit: (c) => {
      acu(c).AcuMaximum = 0.5;
      acu(c).MinCapacity = 0;
      acu(c).MaxCapacity = 0.5;
    },
    path: "$.targets[1].AcuMaximum",
    message: /at least 1/,
  },
  {
    name: "AcuMaximum under the target's MaxCapacity",
    edit: (c) => (acu(c).AcuMaximum = 8),
    path: "$.targets[1].AcuMaximum",
    message: /under the target's MaxCapacity 16/,
  },
  {
    name: "a step policy naming an alarm that is not in alarms",
    edit: (c) => (policy(readers(c), "readers-cpu-step-70").Alarms = ["virtway-readers-cpu-hihg-70"]),
    path: "$.targets[0].policies[1].Alarms[0]",
    message: /"virtway-readers-cpu-hihg-70" is not in alarms/,
  },
  {
    name: "overlapping step intervals",
    edit: (c) => (stepsOf(readers(c), "readers-connections-step")[1].MetricIntervalLowerBound = 60),
    path: "$.targets[0].policies[3].StepScalingPolicyConfiguration.StepAdjustments[1]",
    message: /overlaps step 0/,
  },
  {
    name: "a gap between step intervals",
    edit: (c) => (stepsOf(readers(c), "readers-connections-step")[1].MetricIntervalLowerBound = 100),
    path: "$.targets[0].policies[3].StepScalingPolicyConfiguration.StepAdjustments[1]",
    message: /leaves a gap after step 0 \(80 to 100\)/,
  },
  {
    name: "two steps open at the upper end",
    edit: (c) => delete stepsOf(readers(c), "readers-connections-step")[0].MetricIntervalUpperBound,
    path: "$.targets[0].policies[3].StepScalingPolicyConfiguration.StepAdjustments[1]",
    message: /more than one step is open at the upper end/,
  },
  {
    name: "two steps open at the lower end",
    edit: (c) =>
      stepsOf(readers(c), "readers-cpu-low-step").push({
        MetricIntervalUpperBound: -5,
        ScalingAdjustment: -2,
      }),
    path: "$.targets[0].policies[6].StepScalingPolicyConfiguration.StepAdjustments[1]",
    message: /more than one step is open at the lower end/,
  },
  {
    name: "a step without either bound on a metric alarm",
    edit: (c) => delete stepsOf(readers(c), "readers-cpu-step-70")[0].MetricIntervalLowerBound,
    path: "$.targets[0].policies[1].StepScalingPolicyConfiguration.StepAdjustments[0]",
    message: /needs a lower or an upper bound/,
  },
  {
    name: "a step policy on a composite alarm with more than one step",
    edit: (c) =>
      stepsOf(readers(c), "readers-pressure-step").push({
        MetricIntervalLowerBound: 0,
        ScalingAdjustment: 3,
      }),
    path: "$.targets[0].policies[5].StepScalingPolicyConfiguration.StepAdjustments",
    message: /composite alarm has one step/,
  },
  {
    name: "a target-tracking policy without a metric",
    edit: (c) =>
      delete policy(readers(c), "readers-cpu-target-30").TargetTrackingScalingPolicyConfiguration
        .PredefinedMetricSpecification,
    path: "$.targets[0].policies[0].TargetTrackingScalingPolicyConfiguration",
    message: /no metric/,
  },
  {
    name: "a predefined metric that does not fit the target's kind",
    edit: (c) =>
      (policy(
        readers(c),
        "readers-cpu-target-30",
      ).TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType =
        "ASGAverageCPUUtilization"),
    path: "$.targets[0].policies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType",
    message: /does not fit a aurora-readers target/,
  },
  {
    name: "ALBRequestCountPerTarget without a ResourceLabel",
    edit: (c) =>
      delete policy(frontend(c), "frontend-requests-target-1000").TargetTrackingScalingPolicyConfiguration
        .PredefinedMetricSpecification.ResourceLabel,
    path: "$.targets[2].policies[1].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel",
    message: /needs the ResourceLabel/,
  },
  {
    name: "a cron expression with five fields",
    edit: (c) => (readers(c).schedules[0].Schedule = "cron(30 18 ? * THU)"),
    path: "$.targets[0].schedules[0].Schedule",
    message: /has 5 fields; AWS takes six/,
  },
  {
    name: "a cron expression with both day fields set",
    edit: (c) => (readers(c).schedules[0].Schedule = "cron(30 18 * * THU *)"),
    path: "$.targets[0].schedules[0].Schedule",
    message: /exactly one of day-of-month and day-of-week must be "\?"/,
  },
  {
    name: "a cron field out of range",
    edit: (c) => (readers(c).schedules[0].Schedule = "cron(30 25 ? * THU *)"),
    path: "$.targets[0].schedules[0].Schedule",
    message: /cron\(30 25 \? \* THU \*\)/,
  },
  // AWS's cron grammar, field by field:
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
  ...(
    [
      ["cron(x y ? * THU *)", /minutes field: "x" is not a number 0-59/],
      ["cron(30 y ? * THU *)", /hours field: "y" is not a number 0-23/],
      ["cron(30 18 ? * FOO *)", /day-of-week field: "FOO" is not 1-7 or SUN-SAT/],
      ["cron(30 18 ? FOO THU *)", /month field: "FOO" is not 1-12 or JAN-DEC/],
      ["cron(30 18 ? 13 THU *)", /month field: 13 is outside 1-12/],
      ["cron(30 18 32 * ? *)", /day-of-month field: 32 is outside 1-31/],
      ["cron(30 18 0 * ? *)", /day-of-month field: 0 is outside 1-31/],
      ["cron(30 18 ? * 8 *)", /day-of-week field: 8 is outside 1-7/],
      ["cron(60 18 ? * THU *)", /minutes field: 60 is outside 0-59/],
      ["cron(30 18 ? * THU 1969)", /year field: 1969 is outside 1970-2199/],
      ["cron(30 18 ? * THU 2200)", /year field: 2200 is outside 1970-2199/],
      ["cron(30 18 ? * THU x)", /year field: "x" is not a number 1970-2199/],
      ["cron(30 ? ? * THU *)", /hours field: "\?" is only for day-of-month and day-of-week/],
      ["cron(30 18 ? * MON/2 *)", /day-of-week field: "\/" is not taken in day-of-week/],
      ["cron(30 18 ? L THU *)", /month field: "L" is not 1-12 or JAN-DEC/],
      ["cron(30 18 ? * 5W *)", /day-of-week field: "5W" is not 1-7 or SUN-SAT/],
      ["cron(30 18 ? * 3#1,6#3 *)", /day-of-week field: "#" takes one day .* alone in the field/],
      ["cron(30 18 ? * 3#6 *)", /day-of-week field: "3#6": a month has a 1st to a 5th/],
      ["cron(0/0 18 ? * THU *)", /minutes field: the increment in "0\/0" must be a whole number 1-59/],
      ["cron(30 18-x ? * THU *)", /hours field: "x" is not a number 0-23/],
      ["cron(30 18,,19 ? * THU *)", /hours field: an empty item in a list/],
    ] as const
  ).map(([schedule, message]) => ({
    name: `the cron expression ${schedule}`,
    edit: (c: any) => (readers(c).schedules[0].Schedule = schedule),
    path: "$.targets[0].schedules[0].Schedule",
    message,
  })),
  {
    name: "an at() that is not a date",
    edit: (c) => (readers(c).schedules[0].Schedule = "at(2026-02-30T18:30:00)"),
    path: "$.targets[0].schedules[0].Schedule",
    message: /not a real date/,
  },
  {
    name: "a rate() with a wrong unit",
    edit: (c) => (readers(c).schedules[0].Schedule = "rate(5 weeks)"),
    path: "$.targets[0].schedules[0].Schedule",
    message: /not a schedule expression/,
  },
  {
    name: "a rate() of 1 in the plural",
    edit: (c) => (readers(c).schedules[0].Schedule = "rate(1 hours)"),
    path: "$.targets[0].schedules[0].Schedule",
    message: /use "hour" for 1/,
  },
  {
    name: "a Timezone that is not an IANA zone",
    edit: (c) => (readers(c).schedules[0].Timezone = "Madrid Time"),
    path: "$.targets[0].schedules[0].Timezone",
    message: /not an IANA time zone/,
  },
  {
    name: "a missing policies",
    edit: (c) => delete frontend(c).policies,
    path: "$.targets[2].policies",
    message: /expected array/,
  },
  {
    name: "a missing schedules",
    edit: (c) => delete acu(c).schedules,
    path: "$.targets[1].schedules",
    message: /expected array/,
  },
  {
    name: "an unknown field in an alarm (a typo)",
    edit: (c) => {
      const a = alarm(c, "virtway-readers-cpu-high-70");
      a.Treshold = a.Threshold;
      delete a.Threshold;
    },
    path: "$.alarms[0].Treshold",
    message: /unknown field/,
  },
  {
    name: "an unknown field in a target",
    edit: (c) => (readers(c).MaxCapcity = 8),
    path: "$.targets[0].MaxCapcity",
    message: /unknown field/,
  },
  {
    name: "an unknown field at the top",
    edit: (c) => (c.setting = {}),
    path: "$.setting",
    message: /unknown field/,
  },
  {
    name: "an unknown field in settings",
    edit: (c) => (c.settings = { maxEventAge: 60 }),
    path: "$.settings.maxEventAge",
    message: /unknown field/,
  },
  {
    name: "an unknown target kind",
    edit: (c) => (readers(c).kind = "aurora-replicas"),
    path: "$.targets[0].kind",
    message: /kind must be "aurora-readers", "aurora-capacity" or "asg"/,
  },
  {
    name: "a wrong value type",
    edit: (c) => (alarm(c, "virtway-readers-cpu-high-70").Threshold = "70"),
    path: "$.alarms[0].Threshold",
    message: /expected number/,
  },
  {
    name: "a composite alarm naming an unknown alarm",
    edit: (c) =>
      (alarm(c, "virtway-readers-pressure").AlarmRule = "ALARM(nope) OR ALARM(virtway-readers-latency-high)"),
    path: "$.alarms[4].AlarmRule",
    message: /refers to "nope"/,
  },
  {
    name: "composite alarms in a cycle (pressure → echo → pressure)",
    edit: (c) => {
      alarm(c, "virtway-readers-pressure").AlarmRule = "ALARM(virtway-readers-latency-high) OR ALARM(echo)";
      c.alarms.push({ AlarmName: "echo", AlarmRule: "ALARM(virtway-readers-pressure)" });
    },
    path: "$.alarms[4].AlarmRule",
    message: /cycle of composite alarms \(virtway-readers-pressure → echo → virtway-readers-pressure\)/,
  },
  {
    name: "two targets on one group",
    edit: (c) => {
      c.targets[3].AutoScalingGroupName = frontend(c).AutoScalingGroupName;
    },
    path: "$.targets[3].AutoScalingGroupName",
    message: /the target "virtway-frontend" already scales the group "virtway-frontend-php"/,
  },
  {
    name: "two readers targets on one cluster",
    edit: (c) => {
      c.targets.push({ ...structuredClone(readers(c)), id: "virtway-readers-again" });
    },
    path: "$.targets[4].DBClusterIdentifier",
    message: /the target "virtway-readers" already scales the readers of "virtway-aurora"/,
  },
  {
    name: "a composite alarm rule that does not parse",
    edit: (c) => (alarm(c, "virtway-readers-pressure").AlarmRule = "ALARM(a) AND"),
    path: "$.alarms[4].AlarmRule",
    message: /does not parse/,
  },
  {
    name: "DatapointsToAlarm above EvaluationPeriods",
    edit: (c) => (alarm(c, "virtway-readers-cpu-low").DatapointsToAlarm = 11),
    path: "$.alarms[5].DatapointsToAlarm",
    message: /must not exceed EvaluationPeriods/,
  },
  {
    name: "two targets with one id",
    edit: (c) => (frontend(c).id = "virtway-readers"),
    path: "$.targets[2].id",
    message: /already has the id/,
  },
  {
    name: "a ResourceId copied from another cluster",
    edit: (c) => (policy(readers(c), "readers-cpu-step-70").ResourceId = "cluster:other-db"),
    path: "$.targets[0].policies[1].ResourceId",
    message: /expected "cluster:virtway-aurora"/,
  },
  {
    name: "an account id that is not 12 digits",
    edit: (c) => (c.account = "12345"),
    path: "$.account",
    message: /12-digit/,
  },
  {
    name: "a replay demandPerUnit that is not positive",
    edit: (c) => (readers(c).replay = { demandPerUnit: 0 }),
    path: "$.targets[0].replay.demandPerUnit",
    message: /expected number to be >0/,
  },
  {
    name: "a replay demandPerUnit that is not a number",
    edit: (c) => (frontend(c).replay = { demandPerUnit: "1000" }),
    path: "$.targets[2].replay.demandPerUnit",
    message: /number/,
  },
  {
    name: "an unknown field in replay (a typo)",
    edit: (c) => (acu(c).replay = { demandPerUnits: 2 }),
    path: "$.targets[1].replay.demandPerUnits",
    message: /unknown field/,
  },
];

describe("validate: a target's replay settings", () => {
  it("accepts replay.demandPerUnit on every kind of target, and an empty replay", () => {
    const result = validateConfig(
      variant((c) => {
        readers(c).replay = { demandPerUnit: 45 };
        acu(c).replay = { demandPerUnit: 0.5 };
        frontend(c).replay = { demandPerUnit: 1200 };
        c.targets[3].replay = {};
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.targets.map((t) => t.replay)).toEqual([
        { demandPerUnit: 45 },
        { demandPerUnit: 0.5 },
        { demandPerUnit: 1200 },
        {},
      ]);
    }
  });
});

describe("validate: one target per resource", () => {
  it("accepts a cluster's readers and its ACU floor as two targets: two resources of one cluster", () => {
    const config = virtwayJson();
    expect(readers(config).DBClusterIdentifier).toBe(acu(config).DBClusterIdentifier);
    expect(validateConfig(config).ok).toBe(true);
  });

  it("reports both composite alarms of a cycle, each at its own rule", () => {
    const result = validateConfig(
      variant((c) => {
        alarm(c, "virtway-readers-pressure").AlarmRule = "ALARM(echo)";
        c.alarms.push({ AlarmName: "echo", AlarmRule: "ALARM(virtway-readers-pressure) AND TRUE" });
      }),
    );
    expect(result.problems.filter((p) => /cycle/.test(p.message)).map((p) => p.path)).toEqual([
      "$.alarms[4].AlarmRule",
      "$.alarms[8].AlarmRule",
    ]);
  });
});

describe("validate rejects", () => {
  it.each(broken)("$name, naming $path", ({ edit, path, message }) => {
    const result = validateConfig(variant(edit));
    expect(result.ok).toBe(false);
    const errors = result.problems.filter((p) => p.severity === "error");
    expect(errors).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
  });

  it("lists every problem, not just the first", () => {
    const result = validateConfig(
      variant((c) => {
        readers(c).MinCapacity = 9;
        acu(c).AcuMaximum = 8;
        readers(c).schedules[0].Timezone = "Nowhere";
      }),
    );
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "$.targets[0].MinCapacity",
        "$.targets[1].AcuMaximum",
        "$.targets[0].schedules[0].Timezone",
      ]),
    );
  });
});

describe("validate accepts AWS's cron grammar", () => {
  it.each([
    "cron(30 18 ? * THU *)",
    "cron(0/15 * * * ? *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 10,14 * * ? *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 9 ? * 6L *)",
    "cron(0 9 ? * L *)",
    "cron(0 9 L * ? *)",
    "cron(0 9 3W * ? *)",
    "cron(0 9 */5 * ? *)",
    "cron(0 9 ? JAN-MAR,OCT mon-fri 2026-2030)",
    "cron(0 9 1 JAN/3 ? 2026/2)",
  ])("%s", (schedule) => {
    const result = validateConfig(variant((c) => (readers(c).schedules[0].Schedule = schedule)));
    expect(result.problems).toEqual([]);
  });
});

describe("validate lists every problem when shapes are wrong too", () => {
  const paths = (raw: unknown) => validateConfig(raw).problems.map((p) => `${p.severity} ${p.path}`);

  it.each<[string, (c: any) => void, string[]]>([
    [
      // A metric alarm with three mistyped values is no composite alarm missing its AlarmRule.
      "three mistyped values of a metric alarm, named as such",
      (c) => {
        const a = alarm(c, "virtway-readers-cpu-high-70");
        a.EvaluationPeriods = "1";
        a.Period = "60";
        a.Threshold = "70";
      },
      ["error $.alarms[0].Period", "error $.alarms[0].EvaluationPeriods", "error $.alarms[0].Threshold"],
    ],
    [
      "a mistyped field of a target beside a policy naming a missing alarm and a bad schedule of it",
      (c) => {
        readers(c).MaxCapacity = "8";
        policy(readers(c), "readers-cpu-step-70").Alarms = ["no-such-alarm"];
        readers(c).schedules[0].Schedule = "cron(0 0 * * * *)";
      },
      [
        "error $.targets[0].MaxCapacity",
        "error $.targets[0].policies[1].Alarms[0]",
        "error $.targets[0].schedules[0].Schedule",
      ],
    ],
    [
      "a typo, a missing schedules and MinCapacity above MaxCapacity",
      (c) => {
        alarm(c, "virtway-readers-cpu-high-70").Treshold = 70;
        delete acu(c).schedules;
        readers(c).MinCapacity = 9;
      },
      ["error $.targets[1].schedules", "error $.alarms[0].Treshold", "error $.targets[0].MinCapacity"],
    ],
    [
      "a missing schedules and MinCapacity above MaxCapacity on one target",
      (c) => {
        delete acu(c).schedules;
        acu(c).MinCapacity = 20;
      },
      ["error $.targets[1].schedules", "error $.targets[1].MinCapacity"],
    ],
    [
      "a policy of the wrong shape beside a policy with overlapping steps",
      (c) => {
        policy(readers(c), "readers-cpu-step-70").StepScalingPolicyConfiguration.Cooldown = "300";
        stepsOf(readers(c), "readers-connections-step")[1].MetricIntervalLowerBound = 60;
      },
      [
        "error $.targets[0].policies[1].StepScalingPolicyConfiguration.Cooldown",
        "error $.targets[0].policies[3].StepScalingPolicyConfiguration.StepAdjustments[1]",
      ],
    ],
    [
      "an alarm of the wrong shape beside one with too many datapoints, and the warning of a third",
      (c) => {
        alarm(c, "virtway-readers-cpu-high-70").EvaluationPeriods = "1";
        alarm(c, "virtway-readers-cpu-low").DatapointsToAlarm = 11;
        alarm(c, "virtway-readers-cpu-high-85").Period = 30;
      },
      [
        "error $.alarms[0].EvaluationPeriods",
        "warning $.alarms[1].Period",
        "error $.alarms[5].DatapointsToAlarm",
      ],
    ],
    [
      "a schedule of the wrong shape beside a cron that does not parse",
      (c) => {
        readers(c).schedules[0].ScalableTargetAction.MinCapacity = "3";
        readers(c).schedules[1].Schedule = "cron(30 21 ? * FOO *)";
      },
      [
        "error $.targets[0].schedules[0].ScalableTargetAction.MinCapacity",
        "error $.targets[0].schedules[1].Schedule",
      ],
    ],
    [
      "an unknown target kind beside the bounds of another target",
      (c) => {
        readers(c).kind = "aurora-replicas";
        frontend(c).MinCapacity = 30;
      },
      ["error $.targets[0].kind", "error $.targets[2].MinCapacity"],
    ],
  ])("%s", (_name, edit, expected) => {
    expect(paths(variant(edit)).sort()).toEqual([...expected].sort());
  });

  it("does not report a reference to an alarm that is itself of the wrong shape", () => {
    const problems = validateConfig(
      variant((c) => (alarm(c, "virtway-readers-cpu-high-70").Threshold = "70")),
    ).problems;
    expect(problems.map((p) => p.path)).toEqual(["$.alarms[0].Threshold"]);
  });
});

describe("validate warns", () => {
  it("of a period under 60 s on an AWS namespace, and still accepts the file", () => {
    const result = validateConfig(variant((c) => (alarm(c, "virtway-readers-cpu-high-70").Period = 10)));
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "$.alarms[0].Period",
        message: expect.stringMatching(/once a minute/),
      }),
    ]);
  });

  it("and lists the warning beside the errors of a file that fails", () => {
    const result = validateConfig(
      variant((c) => {
        alarm(c, "virtway-readers-cpu-high-70").Period = 30;
        readers(c).MinCapacity = 9;
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => `${p.severity} ${p.path}`)).toEqual([
      "warning $.alarms[0].Period",
      "error $.targets[0].MinCapacity",
    ]);
  });

  it("not of a 10 s period on a custom namespace", () => {
    const result = validateConfig(
      variant((c) => {
        const a = alarm(c, "virtway-readers-cpu-high-70");
        a.Namespace = "Virtway/App";
        a.Period = 10;
      }),
    );
    expect(result.problems).toEqual([]);
  });
});

// Each bound: just over it is refused, naming the field; at it, accepted. Front end = targets[2],
// an EC2 Auto Scaling group; readers' policies[0] is target tracking, [1] a step policy.
const bounds: { field: string; path: string; max: number; set: (c: any, v: number) => void }[] = [
  ...(
    [
      ["maxEventAgeSeconds", DAY_SECONDS],
      ["decisionRetentionDays", 3650],
      ["maxPayloadBytes", 6_291_456],
      ["scaleInStabilizationSeconds", DAY_SECONDS],
      ["defaultCooldownSeconds", AWS_INTEGER_MAX],
      ["readerProvisioningSeconds", DAY_SECONDS],
      ["instanceWarmupSeconds", DAY_SECONDS],
      ["reservationTimeoutSeconds", DAY_SECONDS],
    ] as const
  ).map(([field, max]) => ({
    field,
    path: `$.settings.${field}`,
    max,
    set: (c: any, v: number) => (c.settings = { ...c.settings, [field]: v }),
  })),
  ...(["scaleOutDatapoints", "scaleInDatapoints"] as const).map((field) => ({
    field,
    path: `$.settings.targetTracking.${field}`,
    max: 1440,
    set: (c: any, v: number) => (c.settings = { ...c.settings, targetTracking: { [field]: v } }),
  })),
  {
    field: "StepScalingPolicyConfiguration.Cooldown",
    path: "$.targets[0].policies[1].StepScalingPolicyConfiguration.Cooldown",
    max: AWS_INTEGER_MAX,
    set: (c, v) => (readers(c).policies[1].StepScalingPolicyConfiguration.Cooldown = v),
  },
  ...(["ScaleOutCooldown", "ScaleInCooldown"] as const).map((field) => ({
    field,
    path: `$.targets[0].policies[0].TargetTrackingScalingPolicyConfiguration.${field}`,
    max: AWS_INTEGER_MAX,
    set: (c: any, v: number) => (readers(c).policies[0].TargetTrackingScalingPolicyConfiguration[field] = v),
  })),
  {
    field: "MaxCapacity",
    path: "$.targets[2].MaxCapacity",
    max: AWS_INTEGER_MAX,
    set: (c, v) => (frontend(c).MaxCapacity = v),
  },
  {
    field: "MinCapacity",
    path: "$.targets[2].MinCapacity",
    max: AWS_INTEGER_MAX,
    set: (c, v) => {
      frontend(c).MinCapacity = v;
      frontend(c).MaxCapacity = Math.max(v, AWS_INTEGER_MAX);
    },
  },
];

describe("validate bounds every setting, cooldown and capacity", () => {
  it.each(bounds)("$field: $max accepted, one more refused at $path", ({ path, max, set }) => {
    const at = validateConfig(variant((c) => set(c, max)));
    expect(at.problems.filter((p) => p.severity === "error")).toEqual([]);
    const over = validateConfig(variant((c) => set(c, max + 1)));
    expect(over.ok).toBe(false);
    expect(over.problems).toContainEqual(expect.objectContaining({ path, severity: "error" }));
  });
});
