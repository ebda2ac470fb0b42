/**
 * The EventBridge Scheduler schedules that invoke the `schedule` function: one
 * `AWS::Scheduler::Schedule` per scheduled action of every target, those configured and those the
 * event calendar derives (shared/core/schedules/actions.ts), in one schedule group, with the role
 * Scheduler assumes to invoke the function.
 *
 * - Scheduler takes Application Auto Scaling's expressions as they are: `at(yyyy-mm-ddThh:mm:ss)`,
 *   six-field `cron(...)`, `rate(value unit)`, evaluated in `ScheduleExpressionTimezone`
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). StartDate and
 *   EndDate bound a recurring schedule and are ignored for a one-time one
 *   (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
 * - The Input is the function's payload (shared/adapters/events/scheduledAction.ts), with the
 *   context attributes Scheduler fills at each run: the scheduled time, the schedule's ARN, the
 *   execution id (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 * - An action that runs no more after `now` (an `at()` past, an EndTime past) gets no schedule: its
 *   bounds are in force already (boundsInForce.ts), and a one-time schedule in the past has
 *   nothing left to run. The tick applies any run a schedule missed, so the two need not agree
 *   to the second (a `rate()` without StartTime, say, which Scheduler counts from its creation).
 * - Resource shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html
 */
import { createHash } from "node:crypto";
import type { BrainConfig, ScheduledAction } from "../../core/config/schema.js";
import { ConfigError } from "../../core/errors.js";
import { scheduledActionsOf } from "../../core/schedules/actions.js";
import { nextRunAfter } from "../../core/schedules/runs.js";
import { SCHEDULE_SOURCE } from "../events/scheduledAction.js";
import { arn, getAtt, pascal, policyDocument, type Resource, type Resources, ref } from "./template.js";

export const SCHEDULE_GROUP_ID = "ScheduleGroup";
export const SCHEDULER_ROLE_ID = "SchedulerRole";

/** How long Scheduler retries an invocation Lambda refused: past 15 minutes the tick has applied the run. */
export const SCHEDULER_RETRY = { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 185 } as const;

export type ScheduleSpec = {
  /** The schedule group's name: `<service>-<stage>`. */
  group: string;
  /** The function the schedules invoke, by its logical id. */
  functionId: string;
  /** Its failure queue's logical id: the schedules' dead-letter queue too. */
  failureQueue: string;
  /** Packaging time, epoch ms: actions that run no more get no schedule. */
  now: number;
};

/** A schedule's name: letters, digits, `-`, `_`, `.`, at most 64 (Scheduler's Name). */
const NAME = /^[0-9A-Za-z_.-]{1,64}$/;

/** `<target>.<action>` when Scheduler accepts it; otherwise its accepted characters and a hash of it. */
export function scheduleName(target: string, action: string): string {
  const name = `${target}.${action}`;
  if (NAME.test(name)) return name;
  const hash = createHash("sha256").update(`${target}\0${action}`).digest("hex").slice(0, 8);
  return `${name.replace(/[^0-9A-Za-z_.-]+/g, "-").slice(0, 55)}-${hash}`;
}

export const scheduleId = (name: string) => `Schedule${pascal(name)}`;

/** The Input Scheduler sends the function: the target, the action, and the run's context. */
export function scheduleInput(target: string, action: string): string {
  return JSON.stringify({
    source: SCHEDULE_SOURCE,
    target,
    action,
    scheduledTime: "<aws.scheduler.scheduled-time>",
    scheduleArn: "<aws.scheduler.schedule-arn>",
    executionId: "<aws.scheduler.execution-id>",
  });
}

const utc = (time: string) => new Date(time).toISOString().replace(".000Z", "Z");

/** The schedule group, the role and one schedule per action still to run. */
export function scheduleResources(config: BrainConfig, spec: ScheduleSpec): Resources {
  const schedules: Resources = {};
  const names = new Map<string, string>();
  config.targets.forEach((target, t) => {
    for (const action of scheduledActionsOf(config, target)) {
      if (nextRunAfter(action, spec.now) === null) continue;
      const name = scheduleName(target.id, action.ScheduledActionName);
      const id = scheduleId(name);
      const clash = names.get(id);
      if (clash !== undefined)
        throw new ConfigError("brain.config.json", [
          {
            severity: "error",
            path: `$.targets[${t}]`,
            message: `the schedules "${name}" and "${clash}" make the same logical id ${id} (letters and digits only): rename an action or a target`,
          },
        ]);
      names.set(id, name);
      schedules[id] = schedule(name, target.id, action, spec);
    }
  });
  return {
    [SCHEDULE_GROUP_ID]: { Type: "AWS::Scheduler::ScheduleGroup", Properties: { Name: spec.group } },
    [SCHEDULER_ROLE_ID]: schedulerRole(spec),
    ...schedules,
  };
}

function schedule(name: string, target: string, action: ScheduledAction, spec: ScheduleSpec): Resource {
  const recurring = !action.Schedule.startsWith("at(");
  const zoned = !action.Schedule.startsWith("rate(");
  return {
    Type: "AWS::Scheduler::Schedule",
    Properties: {
      Name: name,
      GroupName: ref(SCHEDULE_GROUP_ID),
      Description: `surge-brain: ${target}'s scheduled action ${action.ScheduledActionName}`.slice(0, 512),
      ScheduleExpression: action.Schedule,
      // Application Auto Scaling's Timezone applies to at() and cron() only; UTC without one.
      ...(zoned ? { ScheduleExpressionTimezone: action.Timezone ?? "UTC" } : {}),
      ...(recurring && action.StartTime ? { StartDate: utc(action.StartTime) } : {}),
      ...(recurring && action.EndTime ? { EndDate: utc(action.EndTime) } : {}),
      FlexibleTimeWindow: { Mode: "OFF" },
      State: "ENABLED",
      Target: {
        Arn: getAtt(spec.functionId, "Arn"),
        RoleArn: getAtt(SCHEDULER_ROLE_ID, "Arn"),
        Input: scheduleInput(target, action.ScheduledActionName),
        RetryPolicy: SCHEDULER_RETRY,
        DeadLetterConfig: { Arn: getAtt(spec.failureQueue, "Arn") },
      },
    },
  };
}

/**
 * The role Scheduler assumes: for this account's schedule group only (confused deputy
 * prevention, https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html),
 * it may invoke the schedule function and send what it could not deliver to the failure queue
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
 */
function schedulerRole(spec: ScheduleSpec): Resource {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: "EventBridge Scheduler's, to invoke surge-brain's schedule function",
      AssumeRolePolicyDocument: policyDocument([
        {
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") },
            // The group's ARN, never a schedule's: that is what Scheduler states as the source.
            ArnEquals: { "aws:SourceArn": arn("scheduler", `schedule-group/${spec.group}`) },
          },
        },
      ]),
      Policies: [
        {
          PolicyName: "scheduler",
          PolicyDocument: policyDocument([
            {
              Sid: "Invoke",
              Effect: "Allow",
              Action: "lambda:InvokeFunction",
              Resource: getAtt(spec.functionId, "Arn"),
            },
            {
              Sid: "DeadLetters",
              Effect: "Allow",
              Action: "sqs:SendMessage",
              Resource: getAtt(spec.failureQueue, "Arn"),
            },
          ]),
        },
      ],
    },
  };
}
