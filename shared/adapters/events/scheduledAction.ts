/**
 * The `schedule` function's payload: the Input of an EventBridge Scheduler schedule, one per
 * scheduled action (the project's own shape, README "Scheduled actions"). Scheduler fills the
 * context attributes `<aws.scheduler.scheduled-time>`, `<aws.scheduler.schedule-arn>` and
 * `<aws.scheduler.execution-id>` when it invokes the function
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 *
 * @example
 * ```json
 * {
 *   "source": "surge-brain.schedule",
 *   "target": "virtway-readers",
 *   "action": "readers-before-thursday-event",
 *   "scheduledTime": "2026-11-26T17:30:00Z",
 *   "scheduleArn": "arn:aws:scheduler:eu-west-1:123456789012:schedule/surge-brain/virtway-readers.readers-before-thursday-event",
 *   "executionId": "d32c5kddcf5bb8c3"
 * }
 * ```
 */
import * as z from "zod/mini";
import { parseOrThrow, timestampField } from "./fields.js";
import { type StatedOrigin, statedOrigin } from "./identity.js";

/** The `source` that tells the brain's scheduled-action payload from every other. */
export const SCHEDULE_SOURCE = "surge-brain.schedule";

export const ScheduledActionEventSchema = z.object({
  source: z.literal(SCHEDULE_SOURCE),
  /** The target's id in the configuration. */
  target: z.string().check(z.minLength(1), z.maxLength(63)),
  /** Its ScheduledActionName (or a calendar event's derived action). */
  action: z.string().check(z.minLength(1), z.maxLength(256)),
  scheduledTime: timestampField("scheduled time"),
  scheduleArn: z.optional(z.string().check(z.minLength(1), z.maxLength(1600))),
  executionId: z.optional(z.string().check(z.maxLength(128))),
});

export type ScheduledActionEvent = {
  target: string;
  action: string;
  scheduledTime: string;
  scheduleArn: string | null;
  executionId: string | null;
  /** What the schedule's ARN says of the account and region, for the origin check. */
  stated: StatedOrigin;
};

export function parseScheduledActionEvent(raw: unknown): ScheduledActionEvent {
  const event = parseOrThrow(ScheduledActionEventSchema, raw, "the scheduled action");
  return {
    target: event.target,
    action: event.action,
    scheduledTime: event.scheduledTime,
    scheduleArn: event.scheduleArn ?? null,
    executionId: event.executionId ?? null,
    stated: statedOrigin({
      account: ["account", undefined],
      region: ["region", undefined],
      arn: ["scheduleArn", event.scheduleArn],
    }),
  };
}
