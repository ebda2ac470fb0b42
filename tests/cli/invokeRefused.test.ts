/**
 * An event the brain cannot show is its own, through the functions as the command line runs them:
 * acknowledged (exit 0) with its reason, logged as a refusal, counted in `Refused`, no AWS call.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger, metrics } from "../../functions/lib/observability.js";
import { run } from "./run.js";

const sample = (file: string): any => JSON.parse(readFileSync(`events/${file}`, "utf8"));

function written(name: string, payload: unknown): string {
  const file = join(mkdtempSync("/tmp/brain-refused-"), name);
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

/** The `Refused` counts added, and the warnings logged, while `work` runs. */
async function observed(work: () => Promise<{ code: number; out: string }>) {
  const added = vi.spyOn(metrics, "addMetric");
  const warned = vi.spyOn(logger, "warn");
  const result = await work();
  return {
    ...result,
    refused: added.mock.calls.filter(([name]) => name === "Refused").map(([, , value]) => value),
    warnings: warned.mock.calls.map(([message]) => String(message)),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("invoke on an event not shown to be the brain's", () => {
  it.each([
    [
      "an EventBridge state change from account EXAMPLE",
      { ...sample("eventbridge/readers-cpu-70.json"), account: "EXAMPLE" },
      'ForeignAccountOrRegion: account "EXAMPLE" (account) is not an account id',
    ],
    [
      "an EventBridge state change whose source is not CloudWatch",
      { ...sample("eventbridge/readers-cpu-70.json"), source: "virtway.app" },
      'ForeignSource: source "virtway.app" is not aws.cloudwatch',
    ],
  ])("alarm: %s is refused, logged and counted, with no call", async (_name, payload, why) => {
    const file = written("event.json", payload);
    const { code, out, refused, warnings } = await observed(() => run("invoke", "alarm", file, "--json"));
    expect(code).toBe(0);
    const { decisions, calls } = JSON.parse(out);
    expect(calls).toEqual([]);
    expect(decisions.map((d: { reason: string; message: string }) => `${d.reason}: ${d.message}`)).toEqual([
      why,
    ]);
    expect(refused).toEqual([1]);
    expect(warnings).toEqual([`refused: ${why}`]);
  });

  it("an event of the brain's own is not counted as refused", async () => {
    const { code, refused, warnings } = await observed(() =>
      run("invoke", "alarm", "events/eventbridge/readers-cpu-70.json", "--json"),
    );
    expect(code).toBe(0);
    expect(refused).toEqual([]);
    expect(warnings.filter((w) => w.startsWith("refused:"))).toEqual([]);
  });

  it("tick: a rule of another account is refused, logged and counted, with no call", async () => {
    const tick = sample("tick.json");
    tick.resources = ["arn:aws:events:eu-west-1:999999999999:rule/elsewhere"];
    const file = written("tick.json", tick);
    const { code, out, refused, warnings } = await observed(() => run("invoke", "tick", file, "--json"));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ decisions: [], calls: [] });
    expect(refused).toEqual([1]);
    expect(warnings).toEqual([
      "refused: ForeignAccountOrRegion: the rule arn:aws:events:eu-west-1:999999999999:rule/elsewhere: account 999999999999 (resources[0]) is not the brain's 123456789012",
    ]);
  });

  it("tick: a Scheduled Event naming no rule is checked on its envelope: another account's is refused", async () => {
    const tick = sample("tick.json");
    tick.resources = [];
    tick.account = "999999999999";
    const file = written("tick-norule.json", tick);
    const { code, out, refused, warnings } = await observed(() => run("invoke", "tick", file, "--json"));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ decisions: [], calls: [] });
    expect(refused).toEqual([1]);
    expect(warnings).toEqual([
      "refused: ForeignAccountOrRegion: the rule (none named): account 999999999999 (account) is not the brain's 123456789012",
    ]);
  });

  it("tick: a Scheduled Event naming no rule, from the brain's own account and region, runs", async () => {
    const tick = sample("tick.json");
    tick.resources = [];
    const file = written("tick-own.json", tick);
    const { code, refused } = await observed(() => run("invoke", "tick", file, "--json"));
    expect(code).toBe(0);
    expect(refused).toEqual([]);
  });
});
