import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../shared/adapters/events/parseEvent.js";
import { decisionSummary } from "../support/decisions.js";
import { run } from "./run.js";

const CONFIG = "tests/fixtures/virtway.config.json";
const VIAS = ["sns", "eventbridge", "lambda"] as const;
const DELIVERY = { sns: "sns", eventbridge: "eventbridge", lambda: "lambda-action" } as const;
const dir = mkdtempSync(join(tmpdir(), "brain-event-"));

/** `event alarm <name> ...` on the tests' configuration: the payload, parsed from standard output. */
async function event(name: string, ...options: string[]) {
  const { code, out, err } = await run("event", "alarm", name, "--config", CONFIG, ...options);
  expect(code, err).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

/** The one state change the alarm function's parser reads from a payload. */
function parsed(payload: unknown) {
  const result = parseEvent(payload);
  if (result.type !== "alarm-state-change") throw new Error(`not a state change: ${result.type}`);
  expect(result.changes).toHaveLength(1);
  return result.changes[0]!;
}

type Invoked = { decisions: Parameters<typeof decisionSummary>[0][] };

/** The payload through `invoke alarm --json`: the function's real handler, on the payload's own clock. */
async function invoke(payload: unknown): Promise<Invoked["decisions"]> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(payload));
  const { code, out, err } = await run("invoke", "alarm", file, "--config", CONFIG, "--json");
  expect(code, err).toBe(0);
  return (JSON.parse(out) as Invoked).decisions;
}

describe("event alarm: payloads in AWS's shapes, read back by the alarm function's parser", () => {
  const cases = [
    { alarm: "virtway-readers-cpu-high-70", type: "metric", value: 77 },
    { alarm: "virtway-readers-latency-high", type: "metric", value: 0.0033 },
    { alarm: "virtway-api-requests-high", type: "metric-math", value: 1980 },
    { alarm: "virtway-readers-pressure", type: "composite", value: null },
  ] as const;
  for (const via of VIAS) {
    for (const { alarm, type, value } of cases) {
      it(`${alarm} (${type}) via ${via}: stamped now, in ALARM, its datapoint beyond the threshold`, async () => {
        const before = Date.now();
        const change = parsed(await event(alarm, "--via", via));
        const at = Date.parse(change.stateChangedAt);
        expect(at).toBeGreaterThanOrEqual(before - 1);
        expect(at).toBeLessThanOrEqual(Date.now());
        expect(change).toMatchObject({
          delivery: DELIVERY[via],
          alarmName: alarm,
          alarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarm}`,
          account: "123456789012",
          region: "eu-west-1",
          alarmType: type,
          state: "ALARM",
          previousState: "OK",
          value,
        });
      });
    }
  }

  it("--state, --value and --at are what the payload says, by every delivery", async () => {
    for (const via of VIAS) {
      const ok = parsed(
        await event(
          "virtway-readers-cpu-high-70",
          "--via",
          via,
          "--state",
          "OK",
          "--value",
          "41.5",
          "--at",
          "2026-11-23T19:05:00Z",
        ),
      );
      expect(ok).toMatchObject({ state: "OK", previousState: "ALARM", value: 41.5, threshold: 70 });
      expect(ok.stateChangedAt).toBe("2026-11-23T19:05:00.000Z");
      const missing = parsed(
        await event("virtway-readers-cpu-low", "--via", via, "--state", "INSUFFICIENT_DATA"),
      );
      expect(missing).toMatchObject({ state: "INSUFFICIENT_DATA", value: null });
    }
  });

  it("an alarm of M out of N lists the M breaching datapoints, newest first, in the periods before the change", async () => {
    const payload = (await event(
      "virtway-readers-cpu-high-70",
      "--via",
      "eventbridge",
      "--at",
      "2026-11-23T19:02:45Z",
    )) as {
      detail: { state: { reason: string; reasonData: string } };
    };
    expect(payload.detail.state.reason).toBe(
      "Threshold Crossed: 1 out of the last 1 datapoints [77.0 (23/11/26 19:01:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).",
    );
    expect(JSON.parse(payload.detail.state.reasonData)).toMatchObject({
      queryDate: "2026-11-23T19:02:45.000+0000",
      recentDatapoints: [77],
      threshold: 70,
    });
  });

  it("--out writes the payload to a file and says so on standard error", async () => {
    const file = join(dir, "out.json");
    const { code, out, err } = await run(
      "event",
      "alarm",
      "virtway-readers-cpu-high-85",
      "--config",
      CONFIG,
      "--out",
      file,
    );
    expect(code).toBe(0);
    expect(out).toBe("");
    expect(err).toContain(`${file}: ALARM of virtway-readers-cpu-high-85 via sns`);
    expect(parsed(JSON.parse(readFileSync(file, "utf8"))).alarmName).toBe("virtway-readers-cpu-high-85");
  });
});

describe("event alarm: acted on by the alarm function (invoke)", () => {
  it("each delivery of the 70% CPU alarm adds one reader, the ACU floor raised while it provisions", async () => {
    for (const via of VIAS) {
      const decisions = await invoke(await event("virtway-readers-cpu-high-70", "--via", via));
      expect(decisions.map(decisionSummary)).toEqual([
        { target: "virtway-readers", status: "applied", reason: "ScaleOut", from: 1, to: 2 },
        { target: "virtway-acu-floor", status: "applied", reason: "ScaleOut", from: 1, to: 16 },
      ]);
    }
  });

  it("--value picks the step: 10% over the front end's threshold adds 2, 500 over it adds 3", async () => {
    const first = await invoke(await event("virtway-frontend-requests-high", "--via", "lambda"));
    expect(first.map(decisionSummary)).toEqual([
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 2, to: 4 },
    ]);
    const second = await invoke(
      await event("virtway-frontend-requests-high", "--via", "lambda", "--value", "2300"),
    );
    expect(second.map(decisionSummary)).toEqual([
      { target: "virtway-frontend", status: "applied", reason: "ScaleOut", from: 2, to: 5 },
    ]);
  });

  it("a composite alarm's state change, by EventBridge, runs the step policy that answers it", async () => {
    const decisions = await invoke(await event("virtway-readers-pressure", "--via", "eventbridge"));
    expect(decisions.map(decisionSummary)[0]).toEqual({
      target: "virtway-readers",
      status: "applied",
      reason: "ScaleOut",
      from: 1,
      to: 3,
    });
  });
});

describe("event alarm: misuse is refused before anything is written", () => {
  const refused = [
    {
      args: ["nope"],
      message: /no alarm named "nope" in the configuration \(it has virtway-readers-cpu-high-70, /,
    },
    {
      args: ["virtway-readers-cpu-high-70", "--state", "alarm"],
      message: /--state alarm: use one of ALARM, OK, INSUFFICIENT_DATA/,
    },
    {
      args: ["virtway-readers-cpu-high-70", "--via", "sqs"],
      message: /--via sqs: use one of sns, eventbridge, lambda/,
    },
    { args: ["virtway-readers-cpu-high-70", "--value", "lots"], message: /--value lots is not a number/ },
    {
      args: ["virtway-readers-cpu-high-70", "--at", "yesterday"],
      message: /--at yesterday is not an ISO-8601 time/,
    },
    { args: ["virtway-readers-cpu-high-70", "--at", "2026-11-23T19:00:00"], message: /with its zone/ },
    {
      args: ["virtway-readers-cpu-high-70", "--value", "50"],
      message:
        /--value 50 does not breach virtway-readers-cpu-high-70's threshold \(GreaterThanThreshold 70\)/,
    },
    {
      args: ["virtway-readers-cpu-high-70", "--state", "OK", "--value", "90"],
      message: /--value 90 breaches/,
    },
    { args: ["virtway-readers-pressure", "--value", "3"], message: /a composite alarm has no datapoint/ },
    {
      args: ["virtway-readers-cpu-low", "--state", "INSUFFICIENT_DATA", "--value", "3"],
      message: /drop --value/,
    },
  ];
  for (const { args, message } of refused) {
    it(`${args.join(" ")}: exit 2, naming the problem`, async () => {
      const file = join(dir, "never.json");
      const { code, out, err } = await run("event", "alarm", ...args, "--config", CONFIG, "--out", file);
      expect(code).toBe(2);
      expect(out).toBe("");
      expect(err).toMatch(message);
      expect(() => readFileSync(file)).toThrow();
    });
  }

  it("--out in a folder that does not exist: exit 1, naming it", async () => {
    const out = join(dir, "no-such-folder", "payload.json");
    const { code, err } = await run(
      "event",
      "alarm",
      "virtway-readers-cpu-high-70",
      "--config",
      CONFIG,
      "--out",
      out,
    );
    expect(code).toBe(1);
    expect(err).toContain(`${out}: cannot write:`);
  });

  it("a broken configuration: exit 1, naming the file", async () => {
    const { code, err } = await run("event", "alarm", "x", "--config", "no-such.json");
    expect(code).toBe(1);
    expect(err).toContain("no-such.json");
  });

  it("--help on event and event alarm", async () => {
    expect((await run("event", "--help")).out).toContain("alarm [options] <AlarmName>");
    const help = await run("event", "alarm", "--help");
    expect(help.code).toBe(0);
    for (const o of ["--state", "--value", "--via", "--at", "--config", "--out"])
      expect(help.out).toContain(o);
  });
});
