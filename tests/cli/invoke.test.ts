import { describe, expect, it } from "vitest";
import { VIRTWAY_CONFIG } from "../support/config.js";
import { decisionSummary } from "../support/decisions.js";
import { run } from "./run.js";

type Invoked = {
  decisions: {
    target: string | null;
    reason: string;
    status?: string;
    from?: number;
    to?: number;
    policy?: string | null;
    alarm?: string;
  }[];
  calls: { service: string; command: string; input: Record<string, unknown> }[];
};

/** `invoke alarm <files> --json`, parsed; stdout must be exactly one JSON object. */
async function invoke(...files: string[]): Promise<Invoked & { code: number; err: string }> {
  const { code, out, err } = await run(
    "invoke",
    "alarm",
    ...files.map((f) => `events/${f}`),
    "--config",
    VIRTWAY_CONFIG,
    "--json",
  );
  return { ...(JSON.parse(out) as Invoked), code, err };
}

const mutating = (calls: Invoked["calls"]) => calls.filter((c) => !c.command.startsWith("Describe"));
/** A decision's summary, its status "ignored" when it has none. */
const summary = (d: Invoked["decisions"][number]) => ({
  ...decisionSummary(d),
  status: d.status ?? "ignored",
});
type Summary = ReturnType<typeof summary>;

const readerTags = (decision: string) => [
  { Key: "surge-brain:managed", Value: "true" },
  { Key: "surge-brain:target", Value: "virtway-readers" },
  { Key: "surge-brain:decision", Value: decision },
];

describe("invoke alarm on the Virtway readers", () => {
  it("72% → +1 reader: one CreateDBInstance, exactly as AWS would receive it", async () => {
    const { code, decisions, calls } = await invoke("sns/readers-cpu-70.json");
    expect(code).toBe(0);
    // The ACU floor carries the load while the reader provisions (the vertical buffer).
    expect(decisions.map(summary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
    ]);
    expect(mutating(calls)).toEqual([
      {
        service: "RDS",
        command: "CreateDBInstance",
        input: {
          DBInstanceIdentifier: "virtway-aurora-surge-20261123t190108-2",
          DBClusterIdentifier: "virtway-aurora",
          Engine: "aurora-postgresql",
          DBInstanceClass: "db.serverless",
          PromotionTier: 15,
          // As the writer is: the simulated writer is private, on the engine's default parameter group.
          PubliclyAccessible: false,
          DBParameterGroupName: "default.aurora-postgresql16",
          Tags: readerTags("virtway-readers:virtway-readers-cpu-high-70@2026-11-23T19:01:08.123Z:invoke-1"),
        },
      },
      {
        service: "RDS",
        command: "ModifyDBCluster",
        input: {
          DBClusterIdentifier: "virtway-aurora",
          ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
          ApplyImmediately: true,
        },
      },
    ]);
    expect(calls.map((c) => c.command)).toContain("DescribeDBInstances");
  });

  it("90% → +2 readers; the ACU floor's own step (+100%) and its buffer are one decision, the buffer's 16", async () => {
    const { decisions, calls } = await invoke("eventbridge/readers-cpu-85.json");
    expect(decisions.map(summary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 3 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
    ]);
    expect(decisions[1]?.policy).toBe("vertical-buffer");
    expect(mutating(calls).map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "CreateDBInstance",
      "ModifyDBCluster",
    ]);
    expect(mutating(calls)[2]!.input).toEqual({
      DBClusterIdentifier: "virtway-aurora",
      ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
      ApplyImmediately: true,
    });
  });

  it("the 70% alarm, then the 85% alarm 30 s later → +1, then +1 more", async () => {
    const { decisions, calls } = await invoke("sns/readers-cpu-70.json", "sns/readers-cpu-85.json");
    expect(decisions.filter((d) => d.target === "virtway-readers").map(summary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 2, to: 3 },
    ]);
    expect(mutating(calls).filter((c) => c.command === "CreateDBInstance")).toHaveLength(2);
  });

  it("the same state change through SNS then EventBridge → acts once", async () => {
    const { decisions, calls } = await invoke("sns/readers-cpu-70.json", "eventbridge/readers-cpu-70.json");
    expect(decisions.map(summary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
      { target: null, status: "ignored", reason: "DuplicateStateChange" },
    ]);
    expect(mutating(calls).map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
  });

  it("the 70% alarm again after a brief OK while the reader provisions → nothing", async () => {
    const { decisions, calls } = await invoke(
      "sns/readers-cpu-70.json",
      "sns/readers-cpu-70-ok.json",
      "eventbridge/readers-cpu-70-again.json",
    );
    expect(decisions.map(summary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
      { target: "virtway-readers", status: "recorded", reason: "AlarmStateRecorded", from: 2, to: 2 },
      { target: "virtway-readers", status: "held", reason: "CooldownRepeat", from: 2, to: 2 },
    ]);
    expect(mutating(calls).map((c) => c.command)).toEqual(["CreateDBInstance", "ModifyDBCluster"]);
  });

  it("the low-CPU alarm after the cooldowns → one reader removed, the brain's newest", async () => {
    const { decisions, calls } = await invoke(
      "sns/readers-cpu-70.json",
      "sns/readers-cpu-85.json",
      "sns/readers-cpu-low.json",
    );
    expect(decisions.at(-1)).toMatchObject({
      target: "virtway-readers",
      status: "applied",
      reason: "ScaleIn",
      from: 3,
      to: 2,
    });
    expect(mutating(calls).at(-1)).toEqual({
      service: "RDS",
      command: "DeleteDBInstance",
      input: { DBInstanceIdentifier: "virtway-aurora-surge-20261123t190138-3" },
    });
  });
});

type Call = Invoked["calls"][number];

/** The CreateDBInstance AWS needs for the brain's `n`th reader, created for `alarm`'s change at `at`. */
const createReader = (at: string, n: number, alarm: string): Call => ({
  service: "RDS",
  command: "CreateDBInstance",
  input: {
    // Identifiers: 1-63 letters, digits or hyphens, starting with a letter (RDS stores them lowercase).
    DBInstanceIdentifier: `virtway-aurora-surge-${at.slice(0, 19).replace(/[-:]/g, "").toLowerCase()}-${n}`,
    DBClusterIdentifier: "virtway-aurora",
    Engine: "aurora-postgresql",
    DBInstanceClass: "db.serverless",
    PromotionTier: 15,
    PubliclyAccessible: false,
    DBParameterGroupName: "default.aurora-postgresql16",
    Tags: readerTags(`virtway-readers:${alarm}@${at}:invoke-1`),
  },
});

const setDesired = (group: string, desired: number): Call => ({
  service: "Auto Scaling",
  command: "SetDesiredCapacity",
  input: { AutoScalingGroupName: group, DesiredCapacity: desired, HonorCooldown: false },
});

/** What the brain reads to learn a target's capacity: the cluster and its instances, or the group. */
const READS = {
  readers: [
    { service: "RDS", command: "DescribeDBClusters", input: { DBClusterIdentifier: "virtway-aurora" } },
    {
      service: "RDS",
      command: "DescribeDBInstances",
      input: { Filters: [{ Name: "db-cluster-id", Values: ["virtway-aurora"] }] },
    },
  ],
  api: [
    {
      service: "Auto Scaling",
      command: "DescribeAutoScalingGroups",
      input: { AutoScalingGroupNames: ["virtway-api-tomcat"] },
    },
  ],
  frontend: [
    {
      service: "Auto Scaling",
      command: "DescribeAutoScalingGroups",
      input: { AutoScalingGroupNames: ["virtway-frontend-php"] },
    },
  ],
} satisfies Record<string, Call[]>;

/** Before creating readers, the brain reads the writer, whose access and parameter group they copy. */
const WRITER_READ: Call = {
  service: "RDS",
  command: "DescribeDBInstances",
  input: { DBInstanceIdentifier: "virtway-aurora-writer" },
};

/** After a scale-out, coexistence looks for native policies to keep from scaling in (none here). */
const NATIVE_LOOK: Record<keyof typeof READS, Call> = {
  readers: {
    service: "Application Auto Scaling",
    command: "DescribeScalableTargets",
    input: {
      ServiceNamespace: "rds",
      ResourceIds: ["cluster:virtway-aurora"],
      ScalableDimension: "rds:cluster:ReadReplicaCount",
    },
  },
  api: {
    service: "Auto Scaling",
    command: "DescribePolicies",
    input: { AutoScalingGroupName: "virtway-api-tomcat", PolicyTypes: ["TargetTrackingScaling"] },
  },
  frontend: {
    service: "Auto Scaling",
    command: "DescribePolicies",
    input: { AutoScalingGroupName: "virtway-frontend-php", PolicyTypes: ["TargetTrackingScaling"] },
  },
};

/** New readers take minutes: the cluster's ACU floor goes to its MaxCapacity (16) at once. */
const BUFFER_RAISED: Summary = {
  target: "virtway-acu-floor",
  status: "applied",
  reason: "ScaleOut",
  from: 1,
  to: 16,
};
const RAISE_FLOOR: Call = {
  service: "RDS",
  command: "ModifyDBCluster",
  input: {
    DBClusterIdentifier: "virtway-aurora",
    ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
    ApplyImmediately: true,
  },
};

const distinct = (calls: Call[]) =>
  [...new Set(calls.map((c) => JSON.stringify(c)))].map((c) => JSON.parse(c));

const CONNECTIONS = "2026-11-23T19:02:10.250Z";
const LATENCY = "2026-11-23T19:02:12.500Z";
const PRESSURE = "2026-11-23T19:02:12.731Z";
const CPU_70 = "2026-11-23T19:01:08.123Z";
const CPU_70_AGAIN = "2026-11-23T19:04:08.321Z";

describe("invoke alarm on every other sample: its decisions and exactly its calls", () => {
  it.each<[string, Summary[], keyof typeof READS, Call[]]>([
    // 320 connections is 40 over 280: the +1 step [0, 80).
    [
      "sns/readers-connections-high.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(CONNECTIONS, 2, "virtway-readers-connections-high"), RAISE_FLOOR],
    ],
    [
      "eventbridge/readers-connections-high.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(CONNECTIONS, 2, "virtway-readers-connections-high"), RAISE_FLOOR],
    ],
    // 0.0038 s over 0.003 s: the one step, +1.
    [
      "sns/readers-latency-high.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(LATENCY, 2, "virtway-readers-latency-high"), RAISE_FLOOR],
    ],
    [
      "eventbridge/readers-latency-high.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(LATENCY, 2, "virtway-readers-latency-high"), RAISE_FLOOR],
    ],
    // The composite alarm's one step, +2: two readers.
    [
      "sns/readers-pressure.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 3 }, BUFFER_RAISED],
      "readers",
      [
        createReader(PRESSURE, 2, "virtway-readers-pressure"),
        createReader(PRESSURE, 3, "virtway-readers-pressure"),
        RAISE_FLOOR,
      ],
    ],
    [
      "eventbridge/readers-pressure.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 3 }, BUFFER_RAISED],
      "readers",
      [
        createReader(PRESSURE, 2, "virtway-readers-pressure"),
        createReader(PRESSURE, 3, "virtway-readers-pressure"),
        RAISE_FLOOR,
      ],
    ],
    // Suppressed by CloudWatch (WaitPeriod): recorded, nothing changed.
    [
      "eventbridge/readers-pressure-suppressed.json",
      [{ target: "virtway-readers", status: "recorded", reason: "ActionsSuppressed", from: 1, to: 1 }],
      "readers",
      [],
    ],
    [
      "sns/readers-cpu-70-ok.json",
      [{ target: "virtway-readers", status: "recorded", reason: "AlarmStateRecorded", from: 1, to: 1 }],
      "readers",
      [],
    ],
    [
      "eventbridge/readers-cpu-70-ok.json",
      [{ target: "virtway-readers", status: "recorded", reason: "AlarmStateRecorded", from: 1, to: 1 }],
      "readers",
      [],
    ],
    // Alone, on an empty ledger, the second 70% alarm acts like the first.
    [
      "sns/readers-cpu-70-again.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(CPU_70_AGAIN, 2, "virtway-readers-cpu-high-70"), RAISE_FLOOR],
    ],
    [
      "eventbridge/readers-cpu-70-again.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(CPU_70_AGAIN, 2, "virtway-readers-cpu-high-70"), RAISE_FLOOR],
    ],
    [
      "eventbridge/readers-cpu-70.json",
      [{ target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 }, BUFFER_RAISED],
      "readers",
      [createReader(CPU_70, 2, "virtway-readers-cpu-high-70"), RAISE_FLOOR],
    ],
    // At MinCapacity 1 a scale-in is held by the floor (rule 5): no call changes anything.
    [
      "sns/readers-cpu-low.json",
      [{ target: "virtway-readers", status: "held", reason: "AtMinCapacity", from: 1, to: 0 }],
      "readers",
      [],
    ],
    [
      "eventbridge/readers-cpu-low.json",
      [{ target: "virtway-readers", status: "held", reason: "AtMinCapacity", from: 1, to: 0 }],
      "readers",
      [],
    ],
    // Metric math: 2,300 per host is 500 over 1,800: the +3 step, from the group's 2 to 5.
    [
      "sns/api-requests-high.json",
      [{ target: "virtway-api", status: "applied", reason: "ScaleOut", from: 2, to: 5 }],
      "api",
      [setDesired("virtway-api-tomcat", 5)],
    ],
    [
      "eventbridge/api-requests-high.json",
      [{ target: "virtway-api", status: "applied", reason: "ScaleOut", from: 2, to: 5 }],
      "api",
      [setDesired("virtway-api-tomcat", 5)],
    ],
    // The function itself as the alarm's action: 2,000 is 200 over 1,800: the +2 step.
    [
      "lambda-action/frontend-requests-high.json",
      [{ target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 2, to: 4 }],
      "frontend",
      [setDesired("virtway-frontend-php", 4)],
    ],
  ])("%s", async (file, expected, reads, changes) => {
    const { code, decisions, calls } = await invoke(file);
    expect(code).toBe(0);
    expect(decisions.map(summary)).toEqual(expected);
    expect(mutating(calls)).toEqual(changes);
    const creates = changes.some((c) => c.command === "CreateDBInstance");
    const scalesOut = changes.length > 0;
    expect(distinct(calls.filter((c) => c.command.startsWith("Describe")))).toEqual([
      ...READS[reads],
      ...(creates ? [WRITER_READ] : []),
      ...(scalesOut ? [NATIVE_LOOK[reads]] : []),
    ]);
  });

  it("the 85% alarm through SNS: two readers and the ACU floor of the same cluster", async () => {
    const at = "2026-11-23T19:01:38.456Z";
    const { decisions, calls } = await invoke("sns/readers-cpu-85.json");
    expect(decisions.map(summary)).toEqual([
      { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 3 },
      { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
    ]);
    expect(mutating(calls)).toEqual([
      createReader(at, 2, "virtway-readers-cpu-high-85"),
      createReader(at, 3, "virtway-readers-cpu-high-85"),
      {
        service: "RDS",
        command: "ModifyDBCluster",
        input: {
          DBClusterIdentifier: "virtway-aurora",
          ServerlessV2ScalingConfiguration: { MinCapacity: 16, MaxCapacity: 32 },
          ApplyImmediately: true,
        },
      },
    ]);
  });

  it("a group's scale-out is SetDesiredCapacity without honouring the group's cooldown", async () => {
    const { calls } = await invoke("lambda-action/frontend-requests-high.json");
    expect(mutating(calls)).toEqual([
      {
        service: "Auto Scaling",
        command: "SetDesiredCapacity",
        input: { AutoScalingGroupName: "virtway-frontend-php", DesiredCapacity: 4, HonorCooldown: false },
      },
    ]);
  });

  it("a Configuration Change event is acknowledged and ignored, with no call", async () => {
    const { code, out, err } = await run(
      "invoke",
      "alarm",
      "events/eventbridge/configuration-change.json",
      "--config",
      VIRTWAY_CONFIG,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/acknowledged: .*Configuration Change/);
    expect(err).not.toMatch(/CreateDBInstance/);
    const json = await invoke("eventbridge/configuration-change.json");
    expect(json.decisions).toEqual([]);
    expect(json.calls).toEqual([]);
  });
});

describe("invoke alarm on malformed payloads", () => {
  it.each([
    ["malformed/not-json.txt", /not a payload/],
    ["malformed/sns-message-not-alarm.json", /\$\.Records\[0\]\.Sns\.Message/],
    ["malformed/unknown-shape.json", /no known event shape/],
    ["malformed/wrong-value-type.json", /\$\.detail\.state\.reasonData/],
    ["malformed/no-state-change-time.json", /\$\.Records\[0\]\.Sns\.Message\.StateChangeTime/],
  ])("%s → exit 1 naming the file and the problem, no call", async (file, problem) => {
    const { code, out, err } = await run(
      "invoke",
      "alarm",
      `events/${file}`,
      "--config",
      VIRTWAY_CONFIG,
      "--json",
    );
    expect(code).toBe(1);
    expect(err).toContain(`events/${file}`);
    expect(err).toMatch(problem);
    expect(JSON.parse(out)).toEqual({ decisions: [], calls: [] });
  });
});

describe("invoke: the command line", () => {
  it("--now sets the clock for every payload", async () => {
    // 20 minutes after the change: older than settings.maxEventAgeSeconds (900 s), so refused.
    const { code, out } = await run(
      "invoke",
      "alarm",
      "events/sns/readers-cpu-70.json",
      "--now",
      "2026-11-23T19:21:08Z",
      "--json",
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).decisions).toEqual([
      expect.objectContaining({ target: null, reason: "StaleEvent" }),
    ]);
  });

  it("--state sets the simulated account's starting capacity", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const file = join(mkdtempSync("/tmp/brain-state-"), "state.json");
    writeFileSync(file, JSON.stringify({ "virtway-readers": { capacity: 4 } }));
    const { out } = await run(
      "invoke",
      "alarm",
      "events/sns/readers-cpu-70.json",
      "--state",
      file,
      "--config",
      VIRTWAY_CONFIG,
      "--json",
    );
    expect(JSON.parse(out).decisions[0]).toMatchObject({ from: 4, to: 5 });
    writeFileSync(file, JSON.stringify({ "virtway-nope": { capacity: 4 } }));
    const wrong = await run("invoke", "alarm", "events/sns/readers-cpu-70.json", "--state", file);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/virtway-nope: no target has this id/);
  });

  it("an unknown function, a bad --now or a missing file is misuse (exit 2)", async () => {
    expect((await run("invoke", "nope", "events/tick.json")).code).toBe(2);
    expect((await run("invoke", "alarm", "events/tick.json", "--now", "yesterday")).code).toBe(2);
    expect((await run("invoke", "alarm")).code).toBe(2);
  });
});
