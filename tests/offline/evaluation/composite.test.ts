import { describe, expect, it } from "vitest";
import type { AlarmStateValue } from "../../../shared/core/alarms/alarmRule.js";
import type { CompositeAlarm } from "../../../shared/core/config/schema.js";
import { applySuppressor, evaluateComposites } from "../../../shared/offline/evaluation/composite.js";
import { AlarmEvaluator, evaluateRecords } from "../../../shared/offline/evaluation/evaluator.js";
import type { StateChange } from "../../../shared/offline/evaluation/stateChange.js";
import { alarm, MINUTE, record, T0 } from "./support.js";

/** A child's state change at minute `t` (a bare one: what composites read of it). */
function change(name: string, t: number, to: AlarmStateValue, from: AlarmStateValue = "OK"): StateChange {
  const at = new Date(T0 + t * MINUTE).toISOString();
  return {
    alarm: name,
    alarmType: "metric",
    at,
    atMs: T0 + t * MINUTE,
    from,
    to,
    value: null,
    datapoints: [],
    reason: "",
    reasonData: {},
    previous: { state: from, reason: "", at, reasonData: null },
    actionsSuppressedBy: null,
    actionsAt: at,
    account: null,
    region: null,
  };
}

const composite = (AlarmRule: string, fields: Partial<CompositeAlarm> = {}): CompositeAlarm => ({
  AlarmName: "c",
  AlarmRule,
  ...fields,
});

function run(rule: string, children: StateChange[], fields: Partial<CompositeAlarm> = {}, endMinute = 60) {
  const changesOf = new Map<string, StateChange[]>();
  for (const c of children) changesOf.set(c.alarm, [...(changesOf.get(c.alarm) ?? []), c]);
  return evaluateComposites([composite(rule, fields)], changesOf, {
    account: "123456789012",
    region: "eu-west-1",
    endMs: T0 + endMinute * MINUTE,
  });
}
/** Each change's minute after 19:00 and its states from and to. */
const states = (changes: StateChange[]) =>
  changes.map((c) => ({ minute: (c.atMs - T0) / MINUTE, from: c.from, to: c.to }));

describe("composite alarms (Create_Composite_Alarm.html)", () => {
  const cpu = (t: number, to: AlarmStateValue) => change("CPUUtilizationTooHigh", t, to);
  const disk = (t: number, to: AlarmStateValue) => change("DiskReadOpsTooHigh", t, to);
  const deploy = (t: number, to: AlarmStateValue) => change("DeploymentInProgress", t, to);
  const net = (t: number, to: AlarmStateValue) => change("NetworkOutTooHigh", t, to);

  it.each([
    {
      name: "ALARM(a) AND ALARM(b): ALARM only while both are",
      rule: "ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)",
      children: [cpu(1, "OK"), disk(1, "OK"), cpu(2, "ALARM"), disk(3, "ALARM"), cpu(5, "OK")],
      want: [
        { minute: 1, from: "INSUFFICIENT_DATA", to: "OK" },
        { minute: 3, from: "OK", to: "ALARM" },
        { minute: 5, from: "ALARM", to: "OK" },
      ],
    },
    {
      name: "ALARM(a) AND NOT ALARM(b): quiet during a deployment",
      rule: "ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)",
      children: [deploy(1, "ALARM"), cpu(2, "ALARM"), deploy(4, "OK")],
      want: [
        { minute: 1, from: "INSUFFICIENT_DATA", to: "OK" },
        { minute: 4, from: "OK", to: "ALARM" },
      ],
    },
    {
      name: "(ALARM(a) OR ALARM(b)) AND OK(c)",
      rule: '(ALARM("CPUUtilizationTooHigh") OR ALARM("DiskReadOpsTooHigh")) AND OK("NetworkOutTooHigh")',
      children: [net(1, "OK"), disk(2, "ALARM"), net(3, "ALARM"), net(4, "OK")],
      want: [
        { minute: 1, from: "INSUFFICIENT_DATA", to: "OK" },
        { minute: 2, from: "OK", to: "ALARM" },
        { minute: 3, from: "ALARM", to: "OK" },
        { minute: 4, from: "OK", to: "ALARM" },
      ],
    },
    {
      name: "INSUFFICIENT_DATA(a): a child that has not reported yet",
      rule: "INSUFFICIENT_DATA(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)",
      children: [disk(1, "OK"), cpu(2, "OK")],
      want: [
        { minute: 1, from: "INSUFFICIENT_DATA", to: "ALARM" },
        { minute: 2, from: "ALARM", to: "OK" },
      ],
    },
    {
      name: "TRUE and FALSE",
      rule: "ALARM(CPUUtilizationTooHigh) AND TRUE OR FALSE",
      children: [cpu(1, "ALARM"), cpu(2, "OK")],
      want: [
        { minute: 1, from: "INSUFFICIENT_DATA", to: "ALARM" },
        { minute: 2, from: "ALARM", to: "OK" },
      ],
    },
    {
      name: "children changing at one instant are applied together",
      rule: "ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)",
      children: [cpu(1, "ALARM"), disk(1, "ALARM")],
      want: [{ minute: 1, from: "INSUFFICIENT_DATA", to: "ALARM" }],
    },
    {
      name: "an alarm by ARN",
      rule: "ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:CPUUtilizationTooHigh)",
      children: [cpu(1, "ALARM")],
      want: [{ minute: 1, from: "INSUFFICIENT_DATA", to: "ALARM" }],
    },
    { name: "no child ever changes: nothing", rule: "ALARM(Unknown)", children: [cpu(1, "ALARM")], want: [] },
  ])("$name", ({ rule, children, want }) => {
    expect(states(run(rule, children).changes)).toEqual(want);
  });

  it("gives AWS's reason and triggeringAlarms: the child that moved, then those already in ALARM", () => {
    const { changes } = run("ALARM(a) AND ALARM(b)", [change("b", 1, "ALARM"), change("a", 2, "ALARM")]);
    const alarmChange = changes.find((c) => c.to === "ALARM");
    expect(alarmChange?.reason).toBe(
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a transitioned to ALARM at Monday 23 November, 2026 19:02:00 UTC",
    );
    expect(alarmChange?.reasonData).toEqual({
      triggeringAlarms: [
        {
          arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a",
          state: { value: "ALARM", timestamp: "2026-11-23T19:02:00.000+0000" },
        },
        {
          arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b",
          state: { value: "ALARM", timestamp: "2026-11-23T19:01:00.000+0000" },
        },
      ],
    });
    expect(alarmChange).toMatchObject({ value: null, alarmType: "composite", actionsAt: alarmChange?.at });
  });

  it("evaluates composites of composites after the composites they name", () => {
    const changesOf = new Map([["a", [change("a", 1, "ALARM")]]]);
    const { changes } = evaluateComposites(
      [composite("ALARM(inner)", { AlarmName: "outer" }), composite("ALARM(a)", { AlarmName: "inner" })],
      changesOf,
      { account: null, region: null, endMs: T0 + 10 * MINUTE },
    );
    expect(changes.map((c) => ({ alarm: c.alarm, to: c.to }))).toEqual([
      { alarm: "inner", to: "ALARM" },
      { alarm: "outer", to: "ALARM" },
    ]);
    expect(changes[1]?.reason).toBe("inner transitioned to ALARM at Monday 23 November, 2026 19:01:00 UTC");
  });

  it("reports a cycle, which CloudWatch stops evaluating, and a rule that does not parse", () => {
    const { changes, unsupported } = evaluateComposites(
      [
        composite("ALARM(y)", { AlarmName: "x" }),
        composite("ALARM(x) OR ALARM(a)", { AlarmName: "y" }),
        composite("ALARM(a", { AlarmName: "broken" }),
      ],
      new Map([["a", [change("a", 1, "ALARM")]]]),
      { account: null, region: null, endMs: T0 },
    );
    expect(changes).toEqual([]);
    expect(unsupported.map((u) => u.message)).toEqual([
      'broken: not evaluated: AlarmRule does not parse: expected ")" at the end of the rule',
      "y: not evaluated: its AlarmRule is part of a cycle of composite alarms, which CloudWatch stops evaluating",
      "x: not evaluated: its AlarmRule is part of a cycle of composite alarms, which CloudWatch stops evaluating",
    ]);
  });
});

describe("actions suppression: the examples of Create_Composite_Alarm.html#Create_Composite_Alarm_Suppression", () => {
  // "In the following examples, WaitPeriod is configured as 2 time units, and ExtensionPeriod is
  // configured as 3 time units." One time unit is a minute here.
  const periods = { ActionsSuppressorWaitPeriod: 120, ActionsSuppressorExtensionPeriod: 180 };
  const at = (t: number | null) => (t === null ? null : new Date(T0 + t * MINUTE).toISOString());
  const suppressor = (t: number, to: AlarmStateValue) => change("suppressor", t, to);

  function suppress(composites: [number, AlarmStateValue][], suppressorChanges: StateChange[], end = 20) {
    const changes = composites.map(([t, to]) => ({ ...change("c", t, to), alarmType: "composite" as const }));
    applySuppressor(periods, changes, suppressorChanges, T0 + end * MINUTE);
    return changes.map((c) => ({
      to: c.to,
      actionsSuppressedBy: c.actionsSuppressedBy,
      actionsAt: c.actionsAt,
    }));
  }

  it.each([
    {
      name: "1: actions are not suppressed after WaitPeriod (they run when it expires, at t4)",
      composite: [[2, "ALARM"]] as [number, AlarmStateValue][],
      suppressor: [],
      want: [{ to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: at(4) }],
    },
    {
      name: "2: the suppressor goes into ALARM before WaitPeriod expires: suppressed",
      composite: [[2, "ALARM"]] as [number, AlarmStateValue][],
      suppressor: [suppressor(3, "ALARM")],
      want: [{ to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: null }],
    },
    {
      name: "3: the composite changes back within WaitPeriod: a new one starts, actions at t5",
      composite: [
        [2, "ALARM"],
        [3, "OK"],
      ] as [number, AlarmStateValue][],
      suppressor: [],
      want: [
        { to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: null },
        { to: "OK", actionsSuppressedBy: "WaitPeriod", actionsAt: at(5) },
      ],
    },
    {
      name: "4: the suppressor is already in ALARM",
      composite: [[2, "ALARM"]] as [number, AlarmStateValue][],
      suppressor: [suppressor(1, "ALARM")],
      want: [{ to: "ALARM", actionsSuppressedBy: "Alarm", actionsAt: null }],
    },
    {
      name: "5: actions run after ExtensionPeriod (suppressor ALARM t3, OK t6, actions at t9)",
      composite: [[2, "ALARM"]] as [number, AlarmStateValue][],
      suppressor: [suppressor(3, "ALARM"), suppressor(6, "OK")],
      want: [{ to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: at(9) }],
    },
    {
      name: "6: the composite changes during ExtensionPeriod: discarded, a new WaitPeriod from t7 to t9",
      composite: [
        [2, "ALARM"],
        [7, "OK"],
      ] as [number, AlarmStateValue][],
      suppressor: [suppressor(3, "ALARM"), suppressor(6, "OK")],
      want: [
        { to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: null },
        { to: "OK", actionsSuppressedBy: "WaitPeriod", actionsAt: at(9) },
      ],
    },
  ])("example $name", ({ composite: c, suppressor: s, want }) => {
    expect(suppress(c, s)).toEqual(want);
  });

  it("leaves actions pending when the recording ends before the wait does", () => {
    expect(suppress([[2, "ALARM"]], [], 3)).toEqual([
      { to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: null },
    ]);
  });

  it("with a WaitPeriod of 0 holds nothing while the suppressor is OK", () => {
    const changes = [{ ...change("c", 2, "ALARM"), alarmType: "composite" as const }];
    applySuppressor({ ActionsSuppressorWaitPeriod: 0 }, changes, [], T0 + 10 * MINUTE);
    expect(
      changes.map((c) => ({ actionsSuppressedBy: c.actionsSuppressedBy, actionsAt: c.actionsAt })),
    ).toEqual([{ actionsSuppressedBy: null, actionsAt: at(2) }]);
  });

  it("end to end: a composite with a suppressor over a recording", async () => {
    const connections = alarm({ AlarmName: "connections-high", MetricName: "Connections", Threshold: 280 });
    const latency = alarm({ AlarmName: "latency-high", MetricName: "Latency", Threshold: 0.003 });
    const maintenance = alarm({ AlarmName: "maintenance", MetricName: "Maintenance", Threshold: 0 });
    const pressure: CompositeAlarm = {
      AlarmName: "pressure",
      AlarmRule: 'ALARM("connections-high") AND ALARM("latency-high")',
      ActionsSuppressor: "maintenance",
      ...periods,
    };
    const s = (metricName: string) => ({ metricName });
    const records = [
      record(0, 100, s("Connections")),
      record(0, 0.001, s("Latency")),
      record(0, 0, s("Maintenance")),
      record(1, 320, s("Connections")),
      record(1, 0.004, s("Latency")),
      record(1, 0, s("Maintenance")),
      record(2, 330, s("Connections")),
      record(2, 0.004, s("Latency")),
      record(2, 1, s("Maintenance")), // maintenance starts within the wait: actions suppressed
      record(3, 100, s("Connections")),
      record(3, 0.001, s("Latency")),
      record(3, 1, s("Maintenance")),
    ];
    const { stateChanges } = await evaluateRecords([pressure, connections, latency, maintenance], records);
    const p = stateChanges.filter((c) => c.alarm === "pressure");
    expect(
      p.map((c) => ({
        at: c.at.slice(11, 16),
        from: c.from,
        to: c.to,
        actionsSuppressedBy: c.actionsSuppressedBy,
        actionsAt: c.actionsAt?.slice(11, 16) ?? null,
      })),
    ).toEqual([
      {
        at: "19:01",
        from: "INSUFFICIENT_DATA",
        to: "OK",
        actionsSuppressedBy: "WaitPeriod",
        actionsAt: null,
      },
      { at: "19:02", from: "OK", to: "ALARM", actionsSuppressedBy: "WaitPeriod", actionsAt: null },
      { at: "19:04", from: "ALARM", to: "OK", actionsSuppressedBy: "Alarm", actionsAt: null },
    ]);
  });

  it("a change is released when the state changes; its actionsAt is set on it when the wait ends", () => {
    const maintenance = alarm({ AlarmName: "maintenance", MetricName: "Maintenance", Threshold: 0 });
    const c: CompositeAlarm = {
      AlarmName: "c",
      AlarmRule: "ALARM(load-high)",
      ActionsSuppressor: "maintenance",
      ...periods,
    };
    const evaluator = new AlarmEvaluator([c, alarm(), maintenance]);
    const minute = (t: number) => [record(t, 80), record(t, 0, { metricName: "Maintenance" })];
    for (const r of [...minute(0), ...minute(1)]) evaluator.push(r);
    const released = evaluator.take();
    expect(released.map((x) => ({ at: x.at.slice(11, 16), alarm: x.alarm, to: x.to }))).toEqual([
      { at: "19:01", alarm: "load-high", to: "ALARM" },
      { at: "19:01", alarm: "maintenance", to: "OK" },
      { at: "19:01", alarm: "c", to: "ALARM" },
    ]);
    const change = released[2] as StateChange;
    expect(change).toMatchObject({ actionsSuppressedBy: "WaitPeriod", actionsAt: null });
    for (const r of [...minute(2), ...minute(3), ...minute(4)]) evaluator.push(r);
    evaluator.finish();
    // The wait (2 minutes from 19:01) ended within the recording: the actions ran at 19:03.
    expect(change.actionsAt).toBe(at(3));
  });
});
