/**
 * The EventBridge "Scheduled Event" that the one-minute rule sends to `tick`: EventBridge's
 * envelope (Powertools Parser's EventBridgeSchema, envelopes.ts) with its source and detail-type
 * fixed. Its `time` is the minute the rule fired at, which is the clock of a dry run; `resources`
 * names the rule.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-scheduled-events.html (example as in
 * https://github.com/aws/aws-lambda-rust-runtime/blob/main/lambda-events/src/fixtures/example-eventbridge-schedule.json)
 */
import * as z from "zod/mini";
import { EventBridgeEnvelope } from "./envelopes.js";
import { parseOrThrow, timestampField, writtenTimestamp } from "./fields.js";
import { type StatedOrigin, statedOrigin } from "./identity.js";

/**
 * @example
 * ```json
 * {
 *   "version": "0",
 *   "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
 *   "detail-type": "Scheduled Event",
 *   "source": "aws.events",
 *   "account": "123456789012",
 *   "time": "2026-11-23T19:02:00Z",
 *   "region": "eu-west-1",
 *   "resources": ["arn:aws:events:eu-west-1:123456789012:rule/surge-brain-dev-TickEventsRuleSchedule1-1K7Q2ZP9XH3VB"],
 *   "detail": {}
 * }
 * ```
 */
export const ScheduledEventSchema = z.extend(EventBridgeEnvelope, {
  "detail-type": z.literal("Scheduled Event"),
  source: z.literal("aws.events"),
  time: timestampField("scheduled time"),
});

/**
 * The scheduled time, the rules, and what the event says of its account and region: the envelope's
 * `account` and `region` and the rule ARN's (identity.ts), for the tick's origin check.
 */
export function parseScheduledEvent(raw: unknown): {
  time: string;
  ruleArns: string[];
  stated: StatedOrigin;
} {
  const event = asWritten(raw) ?? parseOrThrow(ScheduledEventSchema, raw, "the Scheduled Event");
  return { time: event.time, ruleArns: event.resources, stated: ruleOrigin(event) };
}

/** What the last Scheduled Event said of its origin: the rule sends the same every minute. */
let lastOrigin: { account: string; region: string; arn: string | undefined; stated: StatedOrigin } | null =
  null;

/** What the event says of its account and region, read once per rule, account and region. */
function ruleOrigin(event: { account: string; region: string; resources: string[] }): StatedOrigin {
  const arn = event.resources[0];
  const last = lastOrigin;
  if (last && last.account === event.account && last.region === event.region && last.arn === arn)
    return last.stated;
  const stated = statedOrigin({
    account: ["account", event.account],
    region: ["region", event.region],
    arn: ["resources[0]", arn],
  });
  // Shared by the events that say the same: nobody changes it.
  for (const said of [...stated.account, ...stated.region]) Object.freeze(said);
  Object.freeze(stated.account);
  Object.freeze(stated.region);
  lastOrigin = { account: event.account, region: event.region, arn, stated: Object.freeze(stated) };
  return stated;
}

type ScheduledEvent = Pick<
  z.output<typeof ScheduledEventSchema>,
  "time" | "account" | "region" | "resources"
>;

/**
 * The fields the tick reads from a Scheduled Event as EventBridge writes it (every field of the
 * schema there, of its type, the time in EventBridge's own form), read directly: the schema reads
 * every minute's event to the same values (tests/adapters/events/scheduledEvent.test.ts holds the
 * two together). Null for anything else, which the schema then reads, or refuses with its problems.
 */
function asWritten(raw: unknown): ScheduledEvent | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const event = raw as Record<string, unknown>;
  const { version, id, account, region, time, resources } = event;
  if (event["detail-type"] !== "Scheduled Event" || event.source !== "aws.events") return null;
  if (typeof version !== "string" || typeof id !== "string") return null;
  if (typeof account !== "string" || typeof region !== "string" || typeof time !== "string") return null;
  const replayName = event["replay-name"];
  if (replayName !== undefined && typeof replayName !== "string") return null;
  if (event.detail === undefined || !Array.isArray(resources)) return null;
  for (let i = 0; i < resources.length; i++) if (typeof resources[i] !== "string") return null;
  const iso = writtenTimestamp(time);
  return iso === null ? null : { time: iso, account, region, resources: [...(resources as string[])] };
}
