import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../shared/core/config/validate.js";
import { decisionSummary } from "../support/decisions.js";
import { run } from "./run.js";

/** The AWS CLI's output for one setup (scripts/aws-cli-fixtures.py): v1 prints epoch seconds, v2 ISO-8601. */
const FIXTURES = "tests/fixtures/aws-cli";
const FILES = [
  "describe-alarms.json",
  "describe-scalable-targets.json",
  "describe-scaling-policies.json",
  "describe-scheduled-actions.json",
  "describe-auto-scaling-groups.json",
  "autoscaling-describe-policies.json",
  "autoscaling-describe-scheduled-actions.json",
];
const fixture = (version: string, file: string) => join(FIXTURES, version, file);
const dir = mkdtempSync(join(tmpdir(), "brain-import-"));

/** A fixture changed by `edit`, written to a file of its own. */
function edited(file: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(readFileSync(fixture("v2", file), "utf8"));
  edit(doc);
  const out = join(dir, `${Math.random().toString(36).slice(2)}-${file}`);
  writeFileSync(out, JSON.stringify(doc));
  return out;
}

async function imported(...files: string[]) {
  const { code, out, err } = await run("import", ...files);
  expect(code, err).toBe(0);
  return { config: JSON.parse(out) as any, notes: err.trim().split("\n") };
}

/** What a configuration holds, by name. */
const outline = (config: any) => ({
  account: config.account,
  region: config.region,
  alarms: config.alarms.map((a: any) => a.AlarmName),
  targets: config.targets.map((t: any) => ({
    id: t.id,
    kind: t.kind,
    resource: t.DBClusterIdentifier ?? t.AutoScalingGroupName,
    bounds: [t.MinCapacity, t.MaxCapacity],
    policies: t.policies.map((p: any) => `${p.PolicyType} ${p.PolicyName} ${p.Alarms ?? ""}`.trim()),
    schedules: t.schedules.map((s: any) => `${s.ScheduledActionName} ${s.StartTime}..${s.EndTime}`),
  })),
});

describe("import: the AWS CLI's output of every describe call, to a configuration validate accepts", () => {
  for (const version of ["v1", "v2"]) {
    it(`${version}: targets from the scalable targets and groups, policies, schedules, the alarms naming the policies`, async () => {
      const { config, notes } = await imported(...FILES.map((f) => fixture(version, f)));
      const checked = validateConfig(config);
      expect(checked.problems).toEqual([]);
      expect(checked.ok).toBe(true);
      expect(outline(config)).toEqual({
        account: "123456789012",
        region: "eu-west-1",
        alarms: [
          "virtway-readers-cpu-high-70",
          "virtway-frontend-requests-high",
          "virtway-api-requests-high",
        ],
        targets: [
          {
            id: "virtway-aurora-readers",
            kind: "aurora-readers",
            resource: "virtway-aurora",
            bounds: [1, 8],
            policies: [
              "StepScaling readers-cpu-step-70 virtway-readers-cpu-high-70",
              "TargetTrackingScaling readers-cpu-target-30",
            ],
            schedules: ["readers-evening-floor 2026-11-01T00:00:00Z..2027-03-31T22:00:00Z"],
          },
          {
            id: "virtway-frontend-php",
            kind: "asg",
            resource: "virtway-frontend-php",
            bounds: [2, 20],
            policies: ["StepScaling frontend-requests-step virtway-frontend-requests-high"],
            schedules: [],
          },
          {
            id: "virtway-api-tomcat",
            kind: "asg",
            resource: "virtway-api-tomcat",
            bounds: [2, 16],
            policies: [
              "StepScaling api-requests-simple virtway-api-requests-high",
              "TargetTrackingScaling api-cpu-target-70",
            ],
            schedules: [],
          },
        ],
      });
      const text = notes.join("\n");
      for (const expected of [
        /scalable target table\/virtway-sessions \(dynamodb:table:WriteCapacityUnits\): not carried over/,
        /policy readers-pressure-step \(cluster:virtway-aurora\): not carried over: no alarm names it in its actions/,
        /policy sessions-writes-target-70 \(table\/virtway-sessions\): not carried over with its scalable target/,
        /scheduled action frontend-weekly-vote \(virtway-frontend-php\): not carried over: .*Unix cron/,
        /alarm TargetTracking-table\/virtway-sessions-AlarmHigh-[^:]*: left out: target-tracking policy sessions-writes-target-70's own alarm/,
        /alarm virtway-billing-high: left out: its actions name no policy carried over/,
        /alarm virtway-readers-pressure: left out/,
      ])
        expect(text).toMatch(expected);
      expect(notes.every((n) => n.startsWith("import: "))).toBe(true);
    });
  }

  it("v1's epoch seconds and v2's ISO-8601 give the same configuration", async () => {
    const v1 = await imported(...FILES.map((f) => fixture("v1", f)));
    const v2 = await imported(...FILES.map((f) => fixture("v2", f)));
    expect(v1.config).toEqual(v2.config);
  });

  it("EC2 Auto Scaling's flat policies nested: the step's warm-up as its cooldown, a simple policy as one step on its alarm's side", async () => {
    const { config } = await imported(...FILES.map((f) => fixture("v2", f)));
    const [, frontend, api] = config.targets;
    expect(frontend.policies[0].StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: "ChangeInCapacity",
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 400, ScalingAdjustment: 2 },
        { MetricIntervalLowerBound: 400, ScalingAdjustment: 3 },
      ],
      MetricAggregationType: "Average",
      Cooldown: 180,
    });
    expect(api.policies[0].StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: "ChangeInCapacity",
      StepAdjustments: [{ ScalingAdjustment: 2, MetricIntervalLowerBound: 0 }],
      Cooldown: 120,
    });
    expect(api.policies[1].TargetTrackingScalingPolicyConfiguration).toEqual({
      PredefinedMetricSpecification: { PredefinedMetricType: "ASGAverageCPUUtilization" },
      TargetValue: 70,
      ScaleOutCooldown: 120,
    });
    // The alarms as PutMetricAlarm takes them: no state, no empty lists standing for none.
    const math = config.alarms.find((a: any) => a.AlarmName === "virtway-api-requests-high");
    expect(Object.keys(math).sort()).toEqual(
      [
        "AlarmName",
        "AlarmActions",
        "ActionsEnabled",
        "OKActions",
        "InsufficientDataActions",
        "EvaluationPeriods",
        "Threshold",
        "ComparisonOperator",
        "Metrics",
      ].sort(),
    );
  });

  it("a simple policy on an alarm that breaches below its threshold scales below it", async () => {
    const alarms = edited("describe-alarms.json", (doc) => {
      const a = doc.MetricAlarms.find((x: any) => x.AlarmName === "virtway-api-requests-high");
      a.ComparisonOperator = "LessThanThreshold";
    });
    const { config } = await imported(
      alarms,
      fixture("v2", "describe-auto-scaling-groups.json"),
      fixture("v2", "autoscaling-describe-policies.json"),
    );
    const api = config.targets.find((t: any) => t.id === "virtway-api-tomcat");
    expect(api.policies[0].StepScalingPolicyConfiguration.StepAdjustments).toEqual([
      { ScalingAdjustment: 2, MetricIntervalUpperBound: 0 },
    ]);
  });

  it("what validate refuses is left out with its reason, and the rest is written", async () => {
    const schedules = edited("describe-scheduled-actions.json", (doc) => {
      doc.ScheduledActions[0].Schedule = "cron(0 45 18 ? * MON-FRI *)";
    });
    const targets = edited("describe-scalable-targets.json", (doc) => {
      doc.ScalableTargets[0].MaxCapacity = 20;
    });
    const { config, notes } = await imported(
      targets,
      schedules,
      fixture("v2", "describe-scaling-policies.json"),
      fixture("v2", "describe-alarms.json"),
    );
    expect(validateConfig(config).ok).toBe(true);
    expect(config.targets[0].schedules).toEqual([]);
    expect(config.targets[0].MaxCapacity).toBe(15);
    expect(notes.join("\n")).toMatch(
      /scheduled action readers-evening-floor \(virtway-aurora-readers\): not carried over: cron\(0 45 18 \? \* MON-FRI \*\) has 7 fields.*\(\$\.targets\[0\]\.schedules\[0\]\.Schedule\)/,
    );
    expect(notes.join("\n")).toMatch(/MaxCapacity 20 lowered to 15/);
  });

  it("--out writes the file, named for an editor by $schema, and validate accepts it", async () => {
    const out = join(dir, "imported.json");
    const {
      code,
      out: stdout,
      err,
    } = await run("import", ...FILES.map((f) => fixture("v1", f)), "--out", out);
    expect(code, err).toBe(0);
    expect(stdout).toBe("");
    expect(err).toContain(`${out}: 3 targets, 3 alarms`);
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(existsSync(join(dir, written.$schema))).toBe(true);
    const validate = await run("validate", "--config", out);
    expect(validate.code, validate.err).toBe(0);
  });

  it("the configuration acts: an alarm's payload for now, through invoke, adds a reader", async () => {
    const config = join(dir, "acting.json");
    expect((await run("import", ...FILES.map((f) => fixture("v2", f)), "--out", config)).code).toBe(0);
    const payload = join(dir, "cpu-70.json");
    const made = await run(
      "event",
      "alarm",
      "virtway-readers-cpu-high-70",
      "--config",
      config,
      "--out",
      payload,
    );
    expect(made.code, made.err).toBe(0);
    const { code, out, err } = await run("invoke", "alarm", payload, "--config", config, "--json");
    expect(code, err).toBe(0);
    // The imported scheduled action (MinCapacity 3 from its first run, 2026-11-02) is in force
    // for a target the ledger has never seen, so the reader the alarm asks for lands inside it.
    expect(JSON.parse(out).decisions.map(decisionSummary)).toEqual([
      { target: "virtway-aurora-readers", status: "applied", reason: "BoundsMoved", from: 1, to: 3 },
    ]);
  });
});

describe("import: unreadable input names the file and writes nothing", () => {
  const refused: { name: string; file: () => string; message: RegExp }[] = [
    { name: "no such file", file: () => join(dir, "missing.json"), message: /missing\.json: no such file/ },
    {
      name: "not JSON",
      file: () => {
        const f = join(dir, "text.json");
        writeFileSync(f, "MetricAlarms:");
        return f;
      },
      message: /text\.json: not JSON/,
    },
    {
      name: "another call's output",
      file: () =>
        edited("describe-alarms.json", (doc) => {
          doc.DBClusters = [];
          delete doc.MetricAlarms;
          delete doc.CompositeAlarms;
        }),
      message: /not the output of a describe call import reads: aws cloudwatch describe-alarms, /,
    },
    {
      name: "a field of the wrong type",
      file: () =>
        edited("describe-scalable-targets.json", (doc) => {
          doc.ScalableTargets[0].MinCapacity = "1";
        }),
      message: /\$\.ScalableTargets\[0\]\.MinCapacity/,
    },
  ];
  for (const { name, file, message } of refused) {
    it(`${name}: exit 1`, async () => {
      const out = join(dir, `never-${name.replace(/\W/g, "")}.json`);
      const {
        code,
        out: stdout,
        err,
      } = await run("import", file(), fixture("v2", "describe-auto-scaling-groups.json"), "--out", out);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(err).toMatch(message);
      expect(err).toContain("nothing written");
      expect(existsSync(out)).toBe(false);
    });
  }

  it("--out in a folder that does not exist: exit 1, naming it, nothing left behind", async () => {
    const out = join(dir, "no-such-folder", "brain.config.json");
    const { code, err } = await run("import", ...FILES.map((f) => fixture("v2", f)), "--out", out);
    expect(code).toBe(1);
    expect(err).toContain(`${out}: cannot write:`);
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
  });

  it("alarms alone make no target: exit 1, saying what to give", async () => {
    const { code, out, err } = await run("import", fixture("v2", "describe-alarms.json"));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/no target: give the describe-scalable-targets output/);
  });

  it("--help", async () => {
    const { code, out } = await run("import", "--help");
    expect(code).toBe(0);
    expect(out).toContain("describe-scaling-policies");
    expect(out).toContain("--out <file>");
  });
});
