/**
 * The envelopes Lambda receives the alarm payloads in, on zod/mini: Powertools Parser's
 * EventBridgeSchema and SnsSchema field for field, in their order, so that a payload either accepts
 * reads the same and its problems come in the same order. The functions parse on zod/mini for their
 * bundle's size and cold start (README, "Dependencies"); tests/adapters/events/envelopes.test.ts
 * holds these to Powertools' schemas on every sample payload.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/parser/#built-in-schemas
 */
import * as z from "zod/mini";

/** Powertools' EventBridgeSchema (`time` as a string: each event's own schema reads it). */
export const EventBridgeEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  "detail-type": z.string(),
  detail: z.unknown(),
  "replay-name": z.optional(z.string()),
});

/**
 * Powertools' SnsNotificationSchema with the fields the brain does not use made lenient, so that
 * AWS's examples pass (they carry `"UnsubscribeURL": "EXAMPLE"` where Powertools wants a URL in
 * `UnsubscribeUrl`). https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
const SnsNotification = z.object({
  Subject: z.nullish(z.string()),
  TopicArn: z.optional(z.string()),
  UnsubscribeUrl: z.optional(z.string()),
  UnsubscribeURL: z.optional(z.string()),
  SigningCertUrl: z.optional(z.string()),
  SigningCertURL: z.optional(z.string()),
  Type: z.literal("Notification"),
  MessageAttributes: z.optional(z.record(z.string(), z.object({ Type: z.string(), Value: z.string() }))),
  Message: z.string(),
  MessageId: z.optional(z.string()),
  Signature: z.optional(z.string()),
  SignatureVersion: z.optional(z.string()),
  Timestamp: z.optional(z.string()),
});

/** Powertools' SnsSchema (its SnsRecordSchema's EventVersion and EventSubscriptionArn optional). */
export const SnsEnvelope = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal("aws:sns"),
        EventVersion: z.optional(z.string()),
        EventSubscriptionArn: z.optional(z.string()),
        Sns: SnsNotification,
      }),
    )
    .check(z.minLength(1)),
});
