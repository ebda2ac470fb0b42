/** One refusal of another account's or region's events, for the alarm's state changes and the tick's rule. */
import { describe, expect, it } from "vitest";
import { handleTick, type TickPorts } from "../../shared/brain/handleTick.js";
import { foreignOrigin } from "../../shared/brain/origin.js";
import { virtwayConfig } from "../support/config.js";

const config = virtwayConfig();
const brain = { ...config, account: "123456789012", region: "eu-west-1" };

describe("foreignOrigin", () => {
  it("refuses another account, then another region, and says which", () => {
    expect(foreignOrigin(brain, { account: "999999999999", region: "us-east-1" })).toBe(
      "account 999999999999 is not the brain's 123456789012",
    );
    expect(foreignOrigin(brain, { account: "123456789012", region: "us-east-1" })).toBe(
      "region us-east-1 is not the brain's eu-west-1",
    );
  });

  it("takes what the event does not name, or the brain does not set, as the brain's own", () => {
    expect(foreignOrigin(brain, { account: "123456789012", region: "eu-west-1" })).toBeNull();
    expect(foreignOrigin(brain, { account: null, region: null })).toBeNull();
    expect(
      foreignOrigin({ ...brain, account: undefined, region: undefined }, { account: "1", region: "r" }),
    ).toBeNull();
  });
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
