/**
 * The functions parse their envelopes on zod/mini (envelopes.ts); Powertools Parser's schemas, on
 * classic zod, are the reference they are held to: every sample payload under events/ and every
 * payload the evaluator writes is accepted by both and read the same, and a broken envelope is
 * refused by both at the same fields.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  EventBridgeSchema,
  SnsNotificationSchema,
  SnsRecordSchema,
  SnsSchema,
} from "@aws-lambda-powertools/parser/schemas";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EventBridgeEnvelope, SnsEnvelope } from "../../../shared/adapters/events/envelopes.js";
import { evaluateRecords } from "../../../shared/offline/evaluation/evaluator.js";
import { eventBridgeEventFor, snsEventFor } from "../../../shared/offline/evaluation/payloads.js";
import { readStreams } from "../../../shared/offline/streams/readStream.js";
import { virtwayConfig } from "../../support/config.js";

/** Powertools' SnsSchema with the leniencies envelopes.ts documents (AWS's examples carry them). */
const PowertoolsSns = SnsSchema.extend({
  Records: z
    .array(
      SnsRecordSchema.extend({
        EventVersion: z.string().optional(),
        EventSubscriptionArn: z.string().optional(),
        Sns: SnsNotificationSchema.extend({
          TopicArn: z.string().optional(),
          MessageId: z.string().optional(),
          Timestamp: z.string().optional(),
          UnsubscribeUrl: z.string().optional(),
          UnsubscribeURL: z.string().optional(),
          SigningCertUrl: z.string().optional(),
          SigningCertURL: z.string().optional(),
        }),
      }),
    )
    .nonempty(),
});

const samples = (dir: string): [string, unknown][] =>
  readdirSync(join("events", dir)).map((f) => [
    `events/${dir}/${f}`,
    JSON.parse(readFileSync(join("events", dir, f), "utf8")),
  ]);

const config = virtwayConfig();
const ctx = { account: "123456789012", region: "eu-west-1" };
const { stateChanges } = await evaluateRecords(
  config.alarms,
  readStreams(["events/streams/avalanche.jsonl"]),
);
const alarmOf = (name: string) =>
  config.alarms.find((a) => a.AlarmName === name) as (typeof config.alarms)[0];
const evaluated = (kind: "sns" | "eventbridge"): [string, unknown][] =>
  stateChanges.flatMap((c, i) => {
    const event =
      kind === "sns" ? snsEventFor(c, alarmOf(c.alarm), ctx) : eventBridgeEventFor(c, alarmOf(c.alarm), ctx);
    return event ? [[`evaluated ${kind} #${i} (${c.alarm} → ${c.to})`, event] as [string, unknown]] : [];
  });

const SNS = [...samples("sns"), ...evaluated("sns")];
const EVENTBRIDGE = [
  ...samples("eventbridge"),
  ["events/tick.json", JSON.parse(readFileSync("events/tick.json", "utf8"))] as [string, unknown],
  ...evaluated("eventbridge"),
];

const pathsOf = (issues: readonly { path: PropertyKey[] }[]) => issues.map((i) => i.path.join("."));

describe("the functions' envelopes, held to Powertools Parser's schemas", () => {
  it("are given samples and evaluated payloads of each kind", () => {
    expect(SNS.length).toBeGreaterThan(15);
    expect(EVENTBRIDGE.length).toBeGreaterThan(15);
  });

  it.each(SNS)("SNS: %s is accepted by both, read the same", (_, payload) => {
    const ours = SnsEnvelope.safeParse(payload);
    const theirs = PowertoolsSns.safeParse(payload);
    expect(ours.error?.issues).toBeUndefined();
    expect(theirs.error?.issues).toBeUndefined();
    expect(ours.data).toEqual(theirs.data);
  });

  it.each(EVENTBRIDGE)("EventBridge: %s is accepted by both, read the same", (_, payload) => {
    const ours = EventBridgeEnvelope.safeParse(payload);
    const theirs = EventBridgeSchema.safeParse(payload);
    expect(ours.error?.issues).toBeUndefined();
    expect(theirs.error?.issues).toBeUndefined();
    expect(ours.data).toEqual(theirs.data);
  });

  const [, sns] = SNS[0] as [string, any];
  const [, eventBridge] = EVENTBRIDGE[0] as [string, any];
  const broken: [string, z.ZodType, { safeParse(x: unknown): { error?: { issues: any[] } } }, unknown][] = [
    ["SNS, no records", PowertoolsSns, SnsEnvelope, { Records: [] }],
    [
      "SNS, a Message that is no string and no Type",
      PowertoolsSns,
      SnsEnvelope,
      { Records: [{ ...sns.Records[0], Sns: { ...sns.Records[0].Sns, Message: 7, Type: undefined } }] },
    ],
    [
      "SNS, another source",
      PowertoolsSns,
      SnsEnvelope,
      { Records: [{ ...sns.Records[0], EventSource: "aws:sqs" }] },
    ],
    [
      "EventBridge, no detail-type, account a number",
      EventBridgeSchema,
      EventBridgeEnvelope,
      { ...eventBridge, "detail-type": undefined, account: 123456789012 },
    ],
    [
      "EventBridge, resources not an array",
      EventBridgeSchema,
      EventBridgeEnvelope,
      { ...eventBridge, resources: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x" },
    ],
  ];
  it.each(broken)("%s: refused by both at the same fields", (_, theirs, ours, payload) => {
    const expected = theirs.safeParse(payload).error?.issues ?? [];
    expect(expected.length).toBeGreaterThan(0);
    expect(pathsOf(ours.safeParse(payload).error?.issues ?? [])).toEqual(pathsOf(expected));
  });
});
