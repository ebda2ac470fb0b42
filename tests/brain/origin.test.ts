/**
 * The refusal of events the brain cannot show are its own (another account or region, one it cannot
 * read, another source), for the alarm's state changes and the tick's rule.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AlarmStateChange } from "../../shared/adapters/events/alarmStateChange.js";
import { parseEvent } from "../../shared/adapters/events/parseEvent.js";
import { handleTick, type TickPorts } from "../../shared/brain/handleTick.js";
import { foreignOrigin, type Refusal } from "../../shared/brain/origin.js";
import { virtwayConfig } from "../support/config.js";
import { simulatedWorld } from "../support/world.js";

const config = virtwayConfig();
const brain = { ...config, account: "123456789012", region: "eu-west-1" };

describe("foreignOrigin", () => {
  it("refuses another account, then another region, and says which", () => {
    expect(foreignOrigin(brain, { account: "999999999999", region: "us-east-1" })).toEqual({
      reason: "ForeignAccountOrRegion",
      message: "account 999999999999 is not the brain's 123456789012",
    });
    expect(foreignOrigin(brain, { account: "123456789012", region: "us-east-1" })).toEqual({
      reason: "ForeignAccountOrRegion",
      message: "region us-east-1 is not the brain's eu-west-1",
    });
  });

  it("refuses what the event does not name when the brain names it; takes anything when the brain names nothing", () => {
    expect(foreignOrigin(brain, { account: "123456789012", region: "eu-west-1" })).toBeNull();
    expect(foreignOrigin(brain, { account: null, region: null })).toEqual({
      reason: "ForeignAccountOrRegion",
      message: "the event names no account; the brain serves 123456789012",
    });
    expect(foreignOrigin({ ...brain, account: undefined }, { account: null, region: null })).toEqual({
      reason: "ForeignAccountOrRegion",
      message: "the event names no region; the brain serves eu-west-1",
    });
    expect(
      foreignOrigin({ ...brain, account: undefined, region: undefined }, { account: "1", region: "r" }),
    ).toBeNull();
    expect(
      foreignOrigin({ ...brain, account: undefined, region: undefined }, { account: null, region: null }),
    ).toBeNull();
  });
});

// --- what a payload states, parsed as the alarm function parses it -----------------------------

const sample = (file: string): any => JSON.parse(readFileSync(`events/${file}`, "utf8"));
const FOREIGN_ARN = "arn:aws:cloudwatch:us-east-1:999999999999:alarm:virtway-readers-cpu-high-70";

/** The SNS sample with its alarm notification changed by `edit`. */
function snsWith(edit: (message: Record<string, unknown>) => void): unknown {
  const event = sample("sns/readers-cpu-70.json");
  const message = JSON.parse(event.Records[0].Sns.Message);
  edit(message);
  event.Records[0].Sns.Message = JSON.stringify(message);
  return event;
}

const eventBridgeWith = (fields: Record<string, unknown>): unknown => ({
  ...sample("eventbridge/readers-cpu-70.json"),
  ...fields,
});

const lambdaActionWith = (fields: Record<string, unknown>): unknown => ({
  ...sample("lambda-action/frontend-requests-high.json"),
  ...fields,
});

function onlyChange(raw: unknown): AlarmStateChange {
  const parsed = parseEvent(raw);
  if (parsed.type !== "alarm-state-change" || parsed.changes.length !== 1)
    throw new Error("one change expected");
  return parsed.changes[0] as AlarmStateChange;
}

/** Each payload the brain cannot show is its own, and the refusal it gets with account and region configured. */
const REFUSED: [string, () => unknown, Refusal][] = [
  [
    "EventBridge: account EXAMPLE",
    () => eventBridgeWith({ account: "EXAMPLE" }),
    { reason: "ForeignAccountOrRegion", message: 'account "EXAMPLE" (account) is not an account id' },
  ],
  [
    "EventBridge: an 11-digit account",
    () => eventBridgeWith({ account: "12345678901" }),
    { reason: "ForeignAccountOrRegion", message: 'account "12345678901" (account) is not an account id' },
  ],
  [
    "EventBridge: region US-EAST-1",
    () => eventBridgeWith({ region: "US-EAST-1" }),
    { reason: "ForeignAccountOrRegion", message: 'region "US-EAST-1" (region) is not a region code' },
  ],
  [
    "EventBridge: our account, another account's alarm ARN",
    () => eventBridgeWith({ resources: [FOREIGN_ARN] }),
    {
      reason: "ForeignAccountOrRegion",
      message: "account 999999999999 (resources) is not the brain's 123456789012",
    },
  ],
  [
    "EventBridge: our account and region, an ARN of our account in another region",
    () => eventBridgeWith({ resources: [FOREIGN_ARN.replace("999999999999", "123456789012")] }),
    {
      reason: "ForeignAccountOrRegion",
      message: "region us-east-1 (resources) is not the brain's eu-west-1",
    },
  ],
  [
    "EventBridge: an alarm ARN that is no ARN",
    () => eventBridgeWith({ resources: ["arn:EXAMPLE:alarm:x"] }),
    {
      reason: "ForeignAccountOrRegion",
      message: 'account "arn:EXAMPLE:alarm:x" (resources) is not an account id',
    },
  ],
  [
    "SNS: neither account nor ARN",
    () =>
      snsWith((m) => {
        delete m.AWSAccountId;
        delete m.AlarmArn;
      }),
    {
      reason: "ForeignAccountOrRegion",
      message: "the event names no account; the brain serves 123456789012",
    },
  ],
  [
    "SNS: account ACCOUNT_NUMBER, our ARN",
    () => snsWith((m) => Object.assign(m, { AWSAccountId: "ACCOUNT_NUMBER" })),
    {
      reason: "ForeignAccountOrRegion",
      message: 'account "ACCOUNT_NUMBER" (AWSAccountId) is not an account id',
    },
  ],
  [
    "SNS: our account, another account's AlarmArn",
    () => snsWith((m) => Object.assign(m, { AlarmArn: FOREIGN_ARN })),
    {
      reason: "ForeignAccountOrRegion",
      message: "account 999999999999 (AlarmArn) is not the brain's 123456789012",
    },
  ],
  [
    "SNS: a Region display name the brain cannot read",
    () => snsWith((m) => Object.assign(m, { Region: "EXAMPLE" })),
    { reason: "ForeignAccountOrRegion", message: 'region "EXAMPLE" (Region) is not a region code' },
  ],
  [
    "Lambda alarm action: our account, another account's alarmArn",
    () => lambdaActionWith({ alarmArn: FOREIGN_ARN }),
    {
      reason: "ForeignAccountOrRegion",
      message: "account 999999999999 (alarmArn) is not the brain's 123456789012",
    },
  ],
  [
    "EventBridge: a source other than aws.cloudwatch",
    () => eventBridgeWith({ source: "virtway.app" }),
    { reason: "ForeignSource", message: 'source "virtway.app" is not aws.cloudwatch' },
  ],
  [
    "Lambda alarm action: a source other than aws.cloudwatch",
    () => lambdaActionWith({ source: "virtway.app" }),
    { reason: "ForeignSource", message: 'source "virtway.app" is not aws.cloudwatch' },
  ],
];

describe("a payload that cannot show it is the brain's", () => {
  it.each(REFUSED)("%s: refused with its reason", (_name, payload, refusal) => {
    expect(foreignOrigin(brain, onlyChange(payload()))).toEqual(refusal);
  });

  it.each(REFUSED.filter(([, , r]) => r.reason === "ForeignAccountOrRegion"))(
    "%s: taken when the configuration names no account or region",
    (_name, payload) => {
      expect(
        foreignOrigin({ ...brain, account: undefined, region: undefined }, onlyChange(payload())),
      ).toBeNull();
    },
  );

  it("the samples in events/ are the brain's", () => {
    for (const file of [
      "sns/readers-cpu-70.json",
      "eventbridge/readers-cpu-70.json",
      "lambda-action/frontend-requests-high.json",
    ]) {
      expect(foreignOrigin(brain, onlyChange(sample(file)))).toBeNull();
    }
  });

  it.each(REFUSED)(
    "%s: through the alarm function's path, no AWS call and no ledger write",
    async (_name, payload, refusal) => {
      const world = simulatedWorld({ config: brain, start: { "virtway-readers": { capacity: 2 } } });
      const change = onlyChange(payload());
      const results = await world.alarm(change);
      expect(results).toEqual([
        { at: change.stateChangedAt, target: null, alarm: change.alarmName, outcome: "ignored", ...refusal },
      ]);
      expect(world.account.calls).toEqual([]);
      expect(await world.ledger.targets()).toEqual([]);
    },
  );
});

describe("handleTick from another account's rule", () => {
  const untouched = () => {
    throw new Error("nothing is asked of a port");
  };
  const ports = { ledger: { read: untouched }, actuatorFor: untouched } as unknown as TickPorts;

  it("is acknowledged with its reason, nothing read, nothing decided", async () => {
    const rule = "arn:aws:events:eu-west-1:999999999999:rule/elsewhere";
    const result = await handleTick({
      ports,
      config: brain,
      now: new Date("2026-11-23T19:00:00.000Z"),
      invocationId: "inv-1",
      origin: { rule, account: "999999999999", region: "eu-west-1" },
    });
    expect(result).toEqual({
      decisions: [],
      quiet: [],
      problems: [],
      ignored: {
        reason: "ForeignAccountOrRegion",
        message: `the rule ${rule}: account 999999999999 is not the brain's 123456789012`,
      },
    });
  });
});
