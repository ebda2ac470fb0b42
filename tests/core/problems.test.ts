import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issuesAt, jsonPath, problemsFromZod, type Wording } from "../../shared/core/problems.js";

/** The problems of `raw` against `schema`, parsed as the payload parsers parse (input reported). */
function problems(schema: z.ZodType, raw: unknown, wording: Wording = "zod") {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) throw new Error("expected issues");
  return problemsFromZod(result.error.issues, { wording });
}
const paths = (found: { path: string }[]) => found.map((p) => p.path);

describe("jsonPath", () => {
  it.each([
    [[], "$"],
    [["targets", 0, "MinCapacity"], "$.targets[0].MinCapacity"],
    [["Records", 1, "Sns", "Message"], "$.Records[1].Sns.Message"],
    [["detail-type"], '$["detail-type"]'],
  ] as const)("%j is %s", (path, expected) => {
    expect(jsonPath(path)).toBe(expected);
  });
});

describe("a union that matched no branch", () => {
  const MetricAlarm = z.strictObject({
    AlarmName: z.string(),
    MetricName: z.string(),
    Threshold: z.number(),
    Period: z.number(),
  });
  const CompositeAlarm = z.strictObject({ AlarmName: z.string(), AlarmRule: z.string() });
  const Alarm = z.union([MetricAlarm, CompositeAlarm]);
  const mistyped = { AlarmName: "cpu-high", MetricName: 1, Threshold: "70", Period: "60" };

  it.each(["zod", "plain"] as const)(
    "is reported by the branch whose fields it has, not by the one with fewer issues (%s wording)",
    (wording) => {
      // The metric alarm: three mistyped values (3). The composite alarm: three unknown fields and
      // a missing AlarmRule, each weighing double (8).
      expect(paths(problems(Alarm, mistyped, wording))).toEqual(["$.MetricName", "$.Threshold", "$.Period"]);
    },
  );

  it("weighs a missing field double: three mistyped values fit better than two missing fields", () => {
    const Schema = z.union([
      z.object({ Namespace: z.string(), MetricName: z.string() }),
      z.object({ Threshold: z.number(), Period: z.number(), EvaluationPeriods: z.number() }),
    ]);
    const raw = { Threshold: "70", Period: "60", EvaluationPeriods: "3" };
    expect(paths(problems(Schema, raw, "plain"))).toEqual(["$.Threshold", "$.Period", "$.EvaluationPeriods"]);
    expect(problems(Schema, raw, "plain")[0]?.message).toBe(
      'wrong value type: expected a number, got a string ("70")',
    );
  });

  it("between branches that fit equally, takes the first", () => {
    const Threshold = z.object({ Threshold: z.union([z.number(), z.string(), z.null()]) });
    expect(problems(Threshold, { Threshold: {} }, "plain")).toEqual([
      {
        severity: "error",
        path: "$.Threshold",
        message: "wrong value type: expected a number, got an object",
      },
    ]);
  });

  it("gives the same paths without the input reported (the configuration's parse)", () => {
    const result = Alarm.safeParse(mistyped);
    if (result.success) throw new Error("expected issues");
    expect(issuesAt(result.error.issues, ["alarms", 0]).map(({ path }) => jsonPath(path))).toEqual([
      "$.alarms[0].MetricName",
      "$.alarms[0].Threshold",
      "$.alarms[0].Period",
    ]);
  });

  it("of a discriminator, names the values it takes", () => {
    const Target = z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("aurora-readers") }),
      z.object({ kind: z.literal("aurora-capacity") }),
      z.object({ kind: z.literal("asg") }),
    ]);
    const Policy = z.discriminatedUnion("PolicyType", [
      z.object({ PolicyType: z.literal("StepScaling") }),
      z.object({ PolicyType: z.literal("TargetTrackingScaling") }),
    ]);
    expect(problems(Target, { kind: "ec2" })).toEqual([
      {
        severity: "error",
        path: "$.kind",
        message: 'kind must be "aurora-readers", "aurora-capacity" or "asg"',
      },
    ]);
    expect(problems(Policy, {})).toEqual([
      {
        severity: "error",
        path: "$.PolicyType",
        message: 'PolicyType must be "StepScaling" or "TargetTrackingScaling"',
      },
    ]);
  });
});

describe("problems", () => {
  it("name each unknown field at its own path", () => {
    const Schema = z.strictObject({ targets: z.array(z.strictObject({ MinCapacity: z.number() })) });
    expect(problems(Schema, { targets: [{ MinCapacity: 1, MaxCapcity: 2, Kind: "asg" }] })).toEqual([
      {
        severity: "error",
        path: "$.targets[0].MaxCapcity",
        message: "unknown field (AWS's shapes are case-sensitive)",
      },
      {
        severity: "error",
        path: "$.targets[0].Kind",
        message: "unknown field (AWS's shapes are case-sensitive)",
      },
    ]);
  });

  it("start at the prefix", () => {
    const result = z.object({ AlarmName: z.string() }).safeParse({}, { reportInput: true });
    if (result.success) throw new Error("expected issues");
    expect(
      problemsFromZod(result.error.issues, { prefix: ["Records", 0, "Sns", "Message"], wording: "plain" }),
    ).toEqual([
      {
        severity: "error",
        path: "$.Records[0].Sns.Message.AlarmName",
        message: "missing (expected a string)",
      },
    ]);
  });

  describe("worded", () => {
    const Schema = z.object({
      Threshold: z.number().optional(),
      NewStateValue: z.enum(["OK", "ALARM"]).optional(),
      Records: z.array(z.string()).nonempty().optional(),
      state: z.object({}).optional(),
    });
    const Required = z.object({ state: z.object({}) });
    it.each([
      [
        { Threshold: "70" },
        "Invalid input: expected number, received string",
        'wrong value type: expected a number, got a string ("70")',
      ],
      [
        { state: null },
        "Invalid input: expected object, received null",
        "wrong value type: expected an object, got null",
      ],
      [
        { NewStateValue: "FIRING" },
        'Invalid option: expected one of "OK"|"ALARM"',
        'expected "OK", "ALARM", got a string ("FIRING")',
      ],
      [{ Records: [] }, "Too small: expected array to have >=1 items", "must not be empty"],
    ])("%j: zod's own, or plain", (raw, zod, plain) => {
      expect(problems(Schema, raw, "zod")[0]?.message).toBe(zod);
      expect(problems(Schema, raw, "plain")[0]?.message).toBe(plain);
    });

    it("a missing field: zod's own, or plain", () => {
      expect(problems(Required, {}, "zod")[0]?.message).toBe(
        "Invalid input: expected object, received undefined",
      );
      expect(problems(Required, {}, "plain")[0]?.message).toBe("missing (expected an object)");
    });
  });
});
