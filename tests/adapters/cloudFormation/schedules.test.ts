/**
 * The EventBridge Scheduler schedules generated from the configuration: one per scheduled action
 * still to run, configured or derived from the calendar, each invoking the schedule function with
 * the payload its parser reads; and the role Scheduler assumes.
 */
import { describe, expect, it } from "vitest";
import {
  SCHEDULE_GROUP_ID,
  SCHEDULER_ROLE_ID,
  scheduleId,
  scheduleInput,
  scheduleName,
  scheduleResources,
} from "../../../shared/adapters/cloudFormation/schedules.js";
import type { Resource, Statement } from "../../../shared/adapters/cloudFormation/template.js";
import { parseScheduledActionEvent } from "../../../shared/adapters/events/scheduledAction.js";
import type { BrainConfig } from "../../../shared/core/config/schema.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { ConfigError } from "../../../shared/core/errors.js";
import { calendarActionsOf } from "../../../shared/core/schedules/calendar.js";
import { virtwayJson } from "../../support/config.js";

const BEFORE_EVENT = Date.parse("2026-11-20T00:00:00Z");
const AFTER_EVENT = Date.parse("2026-11-24T00:00:00Z");
const spec = (now: number) => ({
  group: "surge-brain-prod",
  functionId: "ScheduleLambdaFunction",
  failureQueue: "ScheduleFailureQueue",
  now,
});

/** The fixture with the avalanche's event on its calendar, every target sized for it, and `edit` applied. */
function configWith(edit: (json: any) => void = () => {}): BrainConfig {
  const json = virtwayJson();
  json.calendar = [
    {
      name: "virtway-avalanche",
      start: "2026-11-23T20:00:00",
      end: "2026-11-23T20:15:00",
      timeZone: "Europe/Madrid",
      peakAudience: 8000,
    },
  ];
  for (const target of json.targets) target.audience = { perUnit: 1000 };
  edit(json);
  const checked = validateConfig(json);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked.config;
}

const schedulesOf = (resources: Record<string, Resource>) =>
  Object.values(resources).filter((r) => r.Type === "AWS::Scheduler::Schedule");
const target = (schedule: Resource) => schedule.Properties.Target as Record<string, unknown>;
/** What Scheduler sends: the Input with its context attributes filled. */
const delivered = (input: string) =>
  JSON.parse(
    input
      .replace("<aws.scheduler.scheduled-time>", "2026-11-26T17:30:00Z")
      .replace(
        "<aws.scheduler.schedule-arn>",
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/surge-brain-prod/x",
      )
      .replace("<aws.scheduler.execution-id>", "d32c5kddcf5bb8c3"),
  );

describe("the schedules", () => {
  const config = configWith();

  it("one per configured action and per calendar action, in the stack's schedule group", () => {
    const resources = scheduleResources(config, spec(BEFORE_EVENT));
    const schedules = schedulesOf(resources);
    const derived = config.targets.flatMap((t) => calendarActionsOf(config, t));
    expect(derived.length).toBeGreaterThan(0);
    expect(schedules).toHaveLength(8 + derived.length);
    expect(resources[SCHEDULE_GROUP_ID]).toEqual({
      Type: "AWS::Scheduler::ScheduleGroup",
      Properties: { Name: "surge-brain-prod" },
    });
    for (const s of schedules) expect(s.Properties.GroupName).toEqual({ Ref: SCHEDULE_GROUP_ID });
    const expressions = schedules.map((s) => s.Properties.ScheduleExpression);
    for (const { action } of derived) expect(expressions).toContain(action.Schedule);
  });

  it("a configured cron: its expression and time zone, no flexible window, the function as target", () => {
    const resources = scheduleResources(config, spec(BEFORE_EVENT));
    const readers = resources[scheduleId("virtway-readers.readers-before-thursday-event")];
    expect(readers?.Properties).toMatchObject({
      Name: "virtway-readers.readers-before-thursday-event",
      ScheduleExpression: "cron(30 18 ? * THU *)",
      ScheduleExpressionTimezone: "Europe/Madrid",
      FlexibleTimeWindow: { Mode: "OFF" },
      State: "ENABLED",
      Target: {
        Arn: { "Fn::GetAtt": ["ScheduleLambdaFunction", "Arn"] },
        RoleArn: { "Fn::GetAtt": [SCHEDULER_ROLE_ID, "Arn"] },
        RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": ["ScheduleFailureQueue", "Arn"] } },
      },
    });
    expect(readers?.Properties).not.toHaveProperty("StartDate");
  });

  it("each Input is the payload the schedule function parses, naming its target and action", () => {
    for (const schedule of schedulesOf(scheduleResources(config, spec(BEFORE_EVENT)))) {
      const input = target(schedule).Input as string;
      expect(input).toContain('"scheduledTime":"<aws.scheduler.scheduled-time>"');
      const event = parseScheduledActionEvent(delivered(input));
      const owner = config.targets.find((t) => t.id === event.target);
      expect(owner, input).toBeDefined();
      expect(
        [...(owner?.schedules ?? []), ...calendarActionsOf(config, owner as never).map((c) => c.action)].map(
          (a) => a.ScheduledActionName,
        ),
      ).toContain(event.action);
      expect(Date.parse(event.scheduledTime)).toBe(Date.parse("2026-11-26T17:30:00Z"));
      expect(event.stated.region).toEqual([{ field: "scheduleArn", reads: "eu-west-1", says: "eu-west-1" }]);
    }
  });

  it("leaves out the actions that run no more: the calendar's past event, an at() past, an EndTime past", () => {
    const past = configWith((json) => {
      json.targets[0].schedules.push(
        {
          ScheduledActionName: "once",
          Schedule: "at(2026-11-21T09:00:00)",
          ScalableTargetAction: { MinCapacity: 2 },
        },
        {
          ScheduledActionName: "ended",
          Schedule: "cron(0 9 * * ? *)",
          EndTime: "2026-11-22T00:00:00Z",
          ScalableTargetAction: { MinCapacity: 2 },
        },
      );
    });
    const names = (now: number) =>
      schedulesOf(scheduleResources(past, spec(now))).map((s) => s.Properties.Name);
    expect(names(BEFORE_EVENT)).toEqual(
      expect.arrayContaining(["virtway-readers.once", "virtway-readers.ended"]),
    );
    const after = names(AFTER_EVENT);
    expect(after).toHaveLength(8);
    expect(after).not.toContain("virtway-readers.once");
    expect(after).not.toContain("virtway-readers.ended");
  });

  it("a one-time action has no StartDate or EndDate; a recurring one has them in UTC; a rate() no time zone", () => {
    const bounded = configWith((json) => {
      json.targets[0].schedules = [
        {
          ScheduledActionName: "weekdays",
          Schedule: "cron(0 8 ? * MON-FRI *)",
          Timezone: "Europe/Madrid",
          StartTime: "2026-11-01T09:00:00+01:00",
          EndTime: "2027-01-31T23:00:00Z",
          ScalableTargetAction: { MinCapacity: 2 },
        },
        {
          ScheduledActionName: "hourly",
          Schedule: "rate(1 hour)",
          StartTime: "2026-11-01T00:00:00Z",
          ScalableTargetAction: { MaxCapacity: 8 },
        },
        {
          ScheduledActionName: "launch",
          Schedule: "at(2026-12-24T18:00:00)",
          Timezone: "America/New_York",
          StartTime: "2026-11-01T00:00:00Z",
          ScalableTargetAction: { MinCapacity: 4 },
        },
      ];
    });
    const resources = scheduleResources(bounded, spec(BEFORE_EVENT));
    const props = (action: string) => resources[scheduleId(`virtway-readers.${action}`)]?.Properties;
    expect(props("weekdays")).toMatchObject({
      ScheduleExpressionTimezone: "Europe/Madrid",
      StartDate: "2026-11-01T08:00:00Z",
      EndDate: "2027-01-31T23:00:00Z",
    });
    expect(props("hourly")).toMatchObject({
      ScheduleExpression: "rate(1 hour)",
      StartDate: "2026-11-01T00:00:00Z",
    });
    expect(props("hourly")).not.toHaveProperty("ScheduleExpressionTimezone");
    expect(props("launch")).toMatchObject({
      ScheduleExpression: "at(2026-12-24T18:00:00)",
      ScheduleExpressionTimezone: "America/New_York",
    });
    expect(props("launch")).not.toHaveProperty("StartDate");
    expect(props("launch")).not.toHaveProperty("EndDate");
  });

  it("refuses two actions whose schedules would take one logical id, naming both", () => {
    const clash = configWith((json) => {
      json.targets[0].schedules.push(
        {
          ScheduledActionName: "peak-a",
          Schedule: "cron(0 9 * * ? *)",
          ScalableTargetAction: { MinCapacity: 2 },
        },
        {
          ScheduledActionName: "peak_a",
          Schedule: "cron(0 10 * * ? *)",
          ScalableTargetAction: { MinCapacity: 2 },
        },
      );
    });
    expect(() => scheduleResources(clash, spec(BEFORE_EVENT))).toThrow(ConfigError);
    expect(() => scheduleResources(clash, spec(BEFORE_EVENT))).toThrow(
      /"virtway-readers\.peak_a" and "virtway-readers\.peak-a"/,
    );
  });
});

describe("a schedule's name", () => {
  const valid = /^[0-9A-Za-z_.-]{1,64}$/;

  it("is <target>.<action> when Scheduler accepts it", () => {
    expect(scheduleName("virtway-readers", "readers-before-thursday-event")).toBe(
      "virtway-readers.readers-before-thursday-event",
    );
  });

  it("is made acceptable and kept apart by a hash otherwise: a calendar action's colons, a long name", () => {
    const raise = scheduleName("virtway-readers", "calendar:virtway-avalanche:raise");
    const release = scheduleName("virtway-readers", "calendar:virtway-avalanche:release");
    expect(raise).toMatch(/^virtway-readers\.calendar-virtway-avalanche-raise-[0-9a-f]{8}$/);
    expect(release).not.toBe(raise);
    const long = (n: number) => scheduleName("t".repeat(63), `${"a".repeat(200)}${n}`);
    for (const name of [raise, release, long(1), long(2)]) expect(name).toMatch(valid);
    expect(long(1)).not.toBe(long(2));
  });

  it("its Input is a JSON object whose context attributes Scheduler fills", () => {
    expect(JSON.parse(scheduleInput("t", "a"))).toEqual({
      source: "surge-brain.schedule",
      target: "t",
      action: "a",
      scheduledTime: "<aws.scheduler.scheduled-time>",
      scheduleArn: "<aws.scheduler.schedule-arn>",
      executionId: "<aws.scheduler.execution-id>",
    });
  });
});

const GROUP_ARN =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own syntax
  "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/surge-brain-prod";

describe("the role Scheduler assumes", () => {
  const role = scheduleResources(configWith(), spec(BEFORE_EVENT))[SCHEDULER_ROLE_ID] as Resource;
  const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
  const statements = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );

  it("is Scheduler's, for this account's schedule group only", () => {
    expect(trust).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
          ArnEquals: {
            "aws:SourceArn": {
              "Fn::Sub": GROUP_ARN,
            },
          },
        },
      },
    ]);
  });

  it("may invoke the schedule function and send to its failure queue, nothing else", () => {
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ["lambda:InvokeFunction", { "Fn::GetAtt": ["ScheduleLambdaFunction", "Arn"] }],
      ["sqs:SendMessage", { "Fn::GetAtt": ["ScheduleFailureQueue", "Arn"] }],
    ]);
  });
});
