import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EvaluateJson } from "../../cli/commands/evaluate.js";
import { main } from "../../cli/main.js";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { virtwayJson } from "../support/config.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "brain-evaluate-"));
function write(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** `evaluate <files> --json`: standard output must be exactly one JSON object. */
async function evaluate(...args: string[]) {
  const { code, out, err } = await run("evaluate", ...args, "--json");
  return { code, err, json: JSON.parse(out) as EvaluateJson };
}
/** Each change's minute (HH:MM), alarm, states from and to, and value. */
const brief = (json: EvaluateJson) =>
  json.stateChanges.map((c) => ({
    at: c.at.slice(11, 16),
    alarm: c.alarm,
    from: c.from,
    to: c.to,
    value: c.value,
  }));

describe("brain evaluate on the bundled streams", () => {
  it("the avalanche (Metric Streams JSON lines): the 70% and 85% alarms fire during the spike, connections, latency and their composite too, and the low-CPU alarm after the event", async () => {
    const { code, json } = await evaluate("events/streams/avalanche.jsonl");
    expect(code).toBe(0);
    expect(json.skipped).toBe(0);
    const changes = brief(json).filter(({ from }) => from !== "INSUFFICIENT_DATA");
    expect(changes).toEqual([
      { at: "19:01", alarm: "virtway-readers-cpu-high-70", from: "OK", to: "ALARM", value: 76.5 },
      { at: "19:01", alarm: "virtway-readers-connections-high", from: "OK", to: "ALARM", value: 316.3 },
      { at: "19:01", alarm: "virtway-frontend-requests-high", from: "OK", to: "ALARM", value: 2327 },
      { at: "19:01", alarm: "virtway-api-requests-high", from: "OK", to: "ALARM", value: 2320 },
      { at: "19:02", alarm: "virtway-readers-cpu-high-85", from: "OK", to: "ALARM", value: 91.1 },
      { at: "19:02", alarm: "virtway-readers-latency-high", from: "OK", to: "ALARM", value: 0.00383 },
      { at: "19:02", alarm: "virtway-readers-pressure", from: "OK", to: "ALARM", value: null },
      { at: "19:04", alarm: "virtway-api-requests-high", from: "ALARM", to: "OK", value: 1647.66666666667 },
      { at: "19:05", alarm: "virtway-readers-cpu-high-85", from: "ALARM", to: "OK", value: 82.8 },
      { at: "19:05", alarm: "virtway-frontend-requests-high", from: "ALARM", to: "OK", value: 1663 },
      { at: "19:07", alarm: "virtway-readers-latency-high", from: "ALARM", to: "OK", value: 0.00283 },
      { at: "19:07", alarm: "virtway-readers-pressure", from: "ALARM", to: "OK", value: null },
      { at: "19:10", alarm: "virtway-readers-cpu-high-70", from: "ALARM", to: "OK", value: 63.7 },
      { at: "19:10", alarm: "virtway-readers-connections-high", from: "ALARM", to: "OK", value: 263.6 },
      { at: "19:28", alarm: "virtway-readers-cpu-low", from: "OK", to: "ALARM", value: 12 },
    ]);
    // Every configured alarm starts INSUFFICIENT_DATA and leaves it with the first period, at 18:46.
    expect(brief(json).filter(({ from }) => from === "INSUFFICIENT_DATA")).toHaveLength(8);
    expect(json.stateChanges[0]?.at).toBe("2026-11-23T18:46:00.000Z");
  });

  it("the get-metric-data document: the readers' alarms, at the same times", async () => {
    const { code, json } = await evaluate("events/streams/avalanche-readers.json");
    expect(code).toBe(0);
    expect(
      brief(json)
        .filter(({ from }) => from !== "INSUFFICIENT_DATA")
        .map(({ at, alarm, to }) => ({ at, alarm, to })),
    ).toEqual([
      { at: "19:01", alarm: "virtway-readers-cpu-high-70", to: "ALARM" },
      { at: "19:01", alarm: "virtway-readers-connections-high", to: "ALARM" },
      { at: "19:02", alarm: "virtway-readers-cpu-high-85", to: "ALARM" },
      { at: "19:02", alarm: "virtway-readers-latency-high", to: "ALARM" },
      { at: "19:02", alarm: "virtway-readers-pressure", to: "ALARM" },
      { at: "19:05", alarm: "virtway-readers-cpu-high-85", to: "OK" },
      { at: "19:07", alarm: "virtway-readers-latency-high", to: "OK" },
      { at: "19:07", alarm: "virtway-readers-pressure", to: "OK" },
      { at: "19:10", alarm: "virtway-readers-cpu-high-70", to: "OK" },
      { at: "19:10", alarm: "virtway-readers-connections-high", to: "OK" },
      { at: "19:28", alarm: "virtway-readers-cpu-low", to: "ALARM" },
    ]);
  });

  it("the CSV: the TV vote fires the front end's and the API's request alarms for two minutes", async () => {
    const { code, json } = await evaluate("events/streams/tv-vote.csv");
    expect(code).toBe(0);
    expect(brief(json)).toEqual([
      {
        at: "20:01",
        alarm: "virtway-frontend-requests-high",
        from: "INSUFFICIENT_DATA",
        to: "OK",
        value: 281,
      },
      { at: "20:01", alarm: "virtway-api-requests-high", from: "INSUFFICIENT_DATA", to: "OK", value: 504 },
      { at: "20:11", alarm: "virtway-frontend-requests-high", from: "OK", to: "ALARM", value: 2905 },
      { at: "20:11", alarm: "virtway-api-requests-high", from: "OK", to: "ALARM", value: 6511 },
      { at: "20:13", alarm: "virtway-frontend-requests-high", from: "ALARM", to: "OK", value: 894 },
      { at: "20:13", alarm: "virtway-api-requests-high", from: "ALARM", to: "OK", value: 859.6 },
    ]);
  });

  it("several files are one recording", async () => {
    const { json } = await evaluate("events/streams/avalanche-readers.json", "events/streams/tv-vote.csv");
    expect(json.stateChanges.map((c) => c.alarm)).toContain("virtway-readers-cpu-low");
    expect(json.stateChanges.map((c) => c.alarm)).toContain("virtway-api-requests-high");
    expect(json.stateChanges.map((c) => c.at)).toEqual([...json.stateChanges.map((c) => c.at)].sort());
  });
});

describe("brain evaluate's output", () => {
  it("--json: exactly one JSON object with stateChanges and skipped, and nothing else on standard output", async () => {
    const { code, out, err } = await run("evaluate", "events/streams/tv-vote.csv", "--json");
    expect(code).toBe(0);
    const parsed = JSON.parse(out);
    expect(Object.keys(parsed)).toEqual(["stateChanges", "skipped"]);
    expect(Object.keys(parsed.stateChanges[0])).toEqual(["at", "alarm", "from", "to", "value"]);
    expect(parsed.stateChanges[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // The summary goes to standard error.
    expect(err).toContain("160 records from 1 file: 3 series, 0 used by no alarm (ignored)");
  });

  it("without --json: a table, a row per change (time, alarm, from, to, the value rounded with its unit, what decided it)", async () => {
    const { code, out } = await run("evaluate", "events/streams/avalanche.jsonl");
    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "TIME                      ALARM                             FROM               TO                        VALUE  DECIDED BY",
    );
    expect(lines).toContain(
      "2026-11-23T19:01:00.000Z  virtway-readers-cpu-high-70       OK                 ALARM                    76.5 %  the datapoint at 19:00:00",
    );
    // Sum of requests over the period, 1647.666…: rounded; latency in seconds, shown in ms.
    expect(lines).toContain(
      "2026-11-23T19:04:00.000Z  virtway-api-requests-high         ALARM              OK                      1647.67  the datapoint at 19:03:00",
    );
    expect(lines).toContain(
      "2026-11-23T19:02:00.000Z  virtway-readers-latency-high      OK                 ALARM                   3.83 ms  the datapoint at 19:01:00",
    );
    expect(lines).toContain(
      "2026-11-23T19:02:00.000Z  virtway-readers-pressure          OK                 ALARM                         —  virtway-readers-latency-high went ALARM",
    );
    expect(lines).toHaveLength(24);
  });

  it("counts the series no alarm uses (EC2 CPU, RequestCountPerTarget by load balancer and target group)", async () => {
    const { err } = await run("evaluate", "events/streams/avalanche.jsonl", "--json");
    expect(err).toContain("405 records from 1 file: 9 series, 3 used by no alarm (ignored)");
  });

  it("reports bad lines as file:line: reason on standard error, counts them, and uses the rest (exit 0)", async () => {
    const file = write("partly-bad.csv", [
      "timestamp,namespace,metric,dimensions,value",
      "2026-11-23T19:00:00Z,AWS/ApplicationELB,RequestCountPerTarget,TargetGroup=targetgroup/virtway-frontend/943f017f100becff,2000",
      "not,a,row",
      "2026-11-23T19:01:00Z,AWS/ApplicationELB,RequestCountPerTarget,TargetGroup=targetgroup/virtway-frontend/943f017f100becff,1000",
    ]);
    const { code, json, err } = await evaluate(file);
    expect(code).toBe(0);
    expect(json.skipped).toBe(1);
    expect(err).toContain(`${file}:3: timestamp "not" is not ISO-8601 with a zone or epoch milliseconds`);
    expect(brief(json)).toEqual([
      {
        at: "19:01",
        alarm: "virtway-frontend-requests-high",
        from: "INSUFFICIENT_DATA",
        to: "ALARM",
        value: 2000,
      },
      { at: "19:02", alarm: "virtway-frontend-requests-high", from: "ALARM", to: "OK", value: 1000 },
    ]);
  });

  it("says when the configured alarms have nothing to say", async () => {
    const file = write("other.csv", ["timestamp,namespace,metric,value", "2026-11-23T19:00:00Z,App,Other,1"]);
    const { code, out, err } = await run("evaluate", file);
    expect(code).toBe(0);
    expect(out.trim()).toBe("no state changes");
    expect(err).toContain("1 series, 1 used by no alarm (ignored)");
  });

  it("warns about alarms it cannot evaluate offline, and evaluates the rest", async () => {
    const config = virtwayJson() as { alarms: Record<string, unknown>[] };
    config.alarms.push({
      AlarmName: "api-requests-anomaly",
      Metrics: [
        {
          Id: "m1",
          MetricStat: {
            Metric: { Namespace: "AWS/ApplicationELB", MetricName: "RequestCount" },
            Period: 60,
            Stat: "Sum",
          },
          ReturnData: true,
        },
        { Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData: false },
      ],
      EvaluationPeriods: 1,
      ThresholdMetricId: "ad1",
      ComparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
    });
    const file = join(dir, "with-anomaly.json");
    writeFileSync(file, JSON.stringify(config));
    const { code, json, err } = await evaluate("events/streams/tv-vote.csv", "--config", file);
    expect(code).toBe(0);
    expect(err).toContain(
      "warning: api-requests-anomaly: not evaluated: anomaly detection is not supported offline",
    );
    expect(json.stateChanges).toHaveLength(6);
  });
});

describe("brain evaluate prints the changes as they are decided", () => {
  /** The command line with standard output and standard error in one log, in the order written. */
  async function logged(...argv: string[]) {
    const log: { to: "out" | "err"; text: string }[] = [];
    const code = await main(argv, {
      out: (text) => log.push({ to: "out", text }),
      err: (text) => log.push({ to: "err", text }),
    });
    const out = log.flatMap((l) => (l.to === "out" ? [l.text.endsWith("\n") ? l.text : `${l.text}\n`] : []));
    return { code, log, out: out.join("") };
  }
  // Half an hour of the front end's requests, crossing 1,800 a minute every minute, and a bad last
  // line: it is reported when the reader reaches it, 10 minutes (the reorder window) of records
  // after the first changes were decided.
  const rows = Array.from({ length: 31 }, (_, m) => {
    const at = new Date(Date.UTC(2026, 10, 23, 19, m)).toISOString();
    return `${at},AWS/ApplicationELB,RequestCountPerTarget,TargetGroup=targetgroup/virtway-frontend/943f017f100becff,${m % 2 ? 1000 : 2000}`;
  });
  const file = write("half-hour.csv", ["timestamp,namespace,metric,dimensions,value", ...rows, "not,a,row"]);
  const lastLine = `${file}:33:`;

  it("text: the first lines come out before the reader has reached the end of the file", async () => {
    const { code, log } = await logged("evaluate", file);
    expect(code).toBe(0);
    const firstOut = log.findIndex((l) => l.to === "out");
    const lastRead = log.findIndex((l) => l.to === "err" && l.text.startsWith(lastLine));
    expect(firstOut).toBeGreaterThanOrEqual(0);
    expect(lastRead).toBeGreaterThan(firstOut);
    expect(log[firstOut]?.text).toMatch(/^TIME +ALARM +FROM +TO +VALUE +DECIDED BY$/);
    expect(log[firstOut + 1]?.text).toMatch(
      /^2026-11-23T19:01:00\.000Z {2}virtway-frontend-requests-high +INSUFFICIENT_DATA {2}ALARM +2000 {2}the datapoint at 19:00:00$/,
    );
    // Every change is printed once, in time order: one a minute.
    const lines = log
      .filter((l) => l.to === "out")
      .slice(1)
      .map((l) => l.text.slice(0, 24));
    expect(lines).toEqual(rows.map((_, m) => new Date(Date.UTC(2026, 10, 23, 19, m + 1)).toISOString()));
  });

  it("--json: the object is opened before the end of the file is read, and is still exactly one JSON object", async () => {
    const { code, log, out } = await logged("evaluate", file, "--json");
    expect(code).toBe(0);
    const firstOut = log.findIndex((l) => l.to === "out");
    const lastRead = log.findIndex((l) => l.to === "err" && l.text.startsWith(lastLine));
    expect(lastRead).toBeGreaterThan(firstOut);
    expect(log.filter((l) => l.to === "out").length).toBeGreaterThan(2);
    const json = JSON.parse(out) as EvaluateJson;
    expect(json.skipped).toBe(1);
    expect(json.stateChanges).toHaveLength(31);
    // The text JSON.stringify gives for the whole object, as when it was printed in one piece.
    expect(out).toBe(`${JSON.stringify(json, null, 2)}\n`);
  });

  /** A day after the half hour: opened only when the recording reaches it. */
  const nextDay = (name: string) =>
    write(name, [
      "timestamp,namespace,metric,dimensions,value",
      "2026-11-24T19:00:00Z,AWS/ApplicationELB,RequestCountPerTarget,TargetGroup=targetgroup/virtway-frontend/943f017f100becff,2000",
    ]);
  /** The command line, with `later` deleted as soon as the first thing is printed. */
  async function deletingAfterFirstOut(later: string, ...argv: string[]) {
    let out = "";
    let err = "";
    const code = await main(argv, {
      out: (text) => {
        if (out === "") rmSync(later);
        out += text.endsWith("\n") ? text : `${text}\n`;
      },
      err: (text) => {
        err += text.endsWith("\n") ? text : `${text}\n`;
      },
    });
    return { code, out, err };
  }

  it("--json: a file failing part way, after changes were printed, still leaves exactly one JSON object, with the error (exit 1)", async () => {
    const later = nextDay("next-day.csv");
    const { code, out, err } = await deletingAfterFirstOut(later, "evaluate", file, later, "--json");
    expect(code).toBe(1);
    const problem = `${later}: cannot read the file: no such file`;
    expect(err).toContain(problem);
    const json = JSON.parse(out) as EvaluateJson;
    expect(out).toBe(`${JSON.stringify(json, null, 2)}\n`);
    expect(Object.keys(json)).toEqual(["stateChanges", "skipped", "error"]);
    expect(json.error).toBe(problem);
    expect(json.skipped).toBe(1);
    // The changes printed before the failure: the first ones of the half hour, in order.
    const whole = JSON.parse((await logged("evaluate", file, "--json")).out) as EvaluateJson;
    expect(json.stateChanges.length).toBeGreaterThan(0);
    expect(json.stateChanges).toEqual(whole.stateChanges.slice(0, json.stateChanges.length));
  });

  it("text: a file failing part way ends the lines already printed, the error on standard error (exit 1)", async () => {
    const later = nextDay("next-day-text.csv");
    const { code, out, err } = await deletingAfterFirstOut(later, "evaluate", file, later);
    expect(code).toBe(1);
    expect(err).toContain(`${later}: cannot read the file: no such file`);
    expect(out).toMatch(
      /^TIME +ALARM +FROM +TO +VALUE +DECIDED BY\n2026-11-23T19:01:00\.000Z {2}virtway-frontend-requests-high +INSUFFICIENT_DATA {2}ALARM /,
    );
    expect(out).not.toContain("no state changes");
  });

  it("--json with no change: an empty array, and skipped", async () => {
    const other = write("no-change.csv", [
      "timestamp,namespace,metric,value",
      "2026-11-23T19:00:00Z,App,Other,1",
    ]);
    const { out } = await logged("evaluate", other, "--json");
    expect(out).toBe(`${JSON.stringify({ stateChanges: [], skipped: 0 }, null, 2)}\n`);
  });

  const { config } = loadConfig("brain.config.json");
  const order = new Map(config.alarms.map((a, i) => [a.AlarmName, i]));
  const composite = new Set(config.alarms.flatMap((a) => ("AlarmRule" in a ? [a.AlarmName] : [])));
  const streams = readdirSync("events/streams").filter((f) => !f.endsWith(".md"));

  it.each(streams)(
    "events/streams/%s: the whole object as JSON.stringify prints it, in time order, the text one line per change",
    async (name) => {
      const path = `events/streams/${name}`;
      const { out } = await logged("evaluate", path, "--json");
      const json = JSON.parse(out) as EvaluateJson;
      expect(out).toBe(`${JSON.stringify(json, null, 2)}\n`);
      expect(json.stateChanges.length).toBeGreaterThan(0);
      const key = (c: EvaluateJson["stateChanges"][number]) =>
        [c.at, composite.has(c.alarm) ? 1 : 0, order.get(c.alarm) ?? -1] as const;
      const sorted = [...json.stateChanges].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2];
      });
      expect(json.stateChanges).toEqual(sorted);
      const text = await logged("evaluate", path);
      expect(text.out.trimEnd().split("\n")).toEqual([
        expect.stringMatching(/^TIME +ALARM +FROM +TO +VALUE +DECIDED BY$/),
        ...json.stateChanges.map((c) => expect.stringMatching(`^${c.at}  ${c.alarm} +${c.from} +${c.to} `)),
      ]);
      // One column each: every row's ALARM, FROM, TO and VALUE end where the header's do.
      const [header = "", ...rows] = text.out.trimEnd().split("\n");
      const from = header.indexOf("FROM");
      const valueEnd = header.indexOf("VALUE") + "VALUE".length - 1;
      for (const row of rows) {
        expect(row.slice(from - 2, from + 1)).toMatch(/^ {2}\S$/);
        expect(row.slice(valueEnd, valueEnd + 3)).toMatch(/^\S {2}$/);
      }
    },
  );
});

describe("brain evaluate's exit status", () => {
  it("1, naming the file, when a file is not a stream; nothing on standard output", async () => {
    const file = write("notes.txt", ["these are my notes", "not metrics"]);
    const { code, out, err } = await run("evaluate", "events/streams/tv-vote.csv", file, "--json");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain(`${file}: not a metric stream: no line is a metric record`);
  });

  it("1, naming the file, when it is missing", async () => {
    const { code, out, err } = await run("evaluate", "events/streams/nope.jsonl");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("events/streams/nope.jsonl: cannot read the file: no such file");
  });

  it("1 on a configuration with errors", async () => {
    const config = write("bad-config.json", ['{ "alarms": [], "targets": [] }']);
    const { code, err } = await run("evaluate", "events/streams/tv-vote.csv", "--config", config);
    expect(code).toBe(1);
    expect(err).toContain("error at $.targets");
  });

  it.each([
    { name: "no stream file", args: ["evaluate"], message: "missing required argument 'stream-file'" },
    {
      name: "an unknown option",
      args: ["evaluate", "events/streams/tv-vote.csv", "--jsn"],
      message: "unknown option '--jsn'",
    },
  ])("2 on misuse: $name", async ({ args, message }) => {
    const { code, out, err } = await run(...args);
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain(message);
  });

  it("0 with --help, which names the formats and the options", async () => {
    const { code, out } = await run("evaluate", "--help");
    expect(code).toBe(0);
    expect(out).toContain("Usage: brain evaluate [options] <stream-file...>");
    expect(out).toContain("--config <file>");
    expect(out).toContain("--json");
    expect(out).toContain("get-metric-data");
  });
});
