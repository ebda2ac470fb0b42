/**
 * The command line as people run it: `node bin/brain.js` (the bundle of the sources as they are,
 * bin/cliBuild.js) and the README's own examples as written. Standard output carries the result,
 * standard error nothing unless asked (--verbose, LOG_LEVEL): no function log, no SDK warning, no
 * stack. `-` reads standard input.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { sourcesKey } from "../../bin/cliBuild.js";
import packageJson from "../../package.json" with { type: "json" };
import { run } from "./run.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The environment of a shell: none of the test runner's settings for Powertools or the SDK. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (/^(POWERTOOLS_|AWS_SDK_JS_|LOG_LEVEL$|VITEST|NODE_OPTIONS$)/.test(key)) delete env[key];
  return { ...env, ...extra };
}

type Ran = { code: number; out: string; err: string };

/** Runs a command line (`sh -c`), with `input` on its standard input. */
function sh(
  command: string,
  { input = "", env = {} }: { input?: string; env?: Record<string, string> } = {},
) {
  return new Promise<Ran>((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd: ROOT, env: userEnv(env) });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(input);
  });
}

const brain = (args: string, options?: Parameters<typeof sh>[1]) => sh(`node bin/brain.js ${args}`, options);

beforeAll(async () => {
  // The first call bundles the sources (once per change of them); the tests after it start fast.
  await promisify(execFile)(process.execPath, ["bin/brain.js", "--version"], { cwd: ROOT, env: userEnv() });
}, 120_000);

describe("bin/brain.js", () => {
  it("runs the sources as they are: the bundle it loads is keyed on their content", async () => {
    const { code, out, err } = await brain("--version");
    expect({ code, out, err }).toEqual({ code: 0, out: `${packageJson.version}\n`, err: "" });
    expect(readFileSync(`${ROOT}node_modules/.cache/surge-brain/cli-${sourcesKey()}.mjs`, "utf8")).toContain(
      "function",
    );
  });

  const payload = "events/sns/readers-cpu-70.json";
  // The tests' own configuration (the root one's calendar raises floors on the sample's evening).
  const config = "--config tests/fixtures/virtway.config.json";

  it("quiet by default: the decisions on standard output, nothing on standard error", async () => {
    const { code, out, err } = await brain(`invoke alarm ${payload} ${config}`);
    expect(code).toBe(0);
    expect(err).toBe("");
    expect(out).toMatch(/^events\/sns\/readers-cpu-70\.json: virtway-readers: applied ScaleOut \(1 → 2\)/);
  });

  it("--verbose, or LOG_LEVEL: the functions' logs and metrics on standard error, standard output the same", async () => {
    const json = (err: string) =>
      err
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l));
    const verbose = await brain(`invoke alarm ${payload} ${payload} ${config} --verbose`);
    expect(verbose.out).toBe((await run("invoke", "alarm", payload, payload, ...config.split(" "))).out);
    // Both invocations (the second a duplicate): the decisions' INFO lines, and the EMF metrics each
    // time (the function's, and one per target decided).
    const lines = json(verbose.err);
    expect(lines.filter((l) => l.level === "INFO").map((l) => l.target ?? l.reason)).toEqual([
      "virtway-readers",
      "virtway-acu-floor",
      "DuplicateStateChange",
    ]);
    const emf = lines.filter((l) => l._aws?.CloudWatchMetrics);
    expect(emf.filter((l) => l.target === undefined).map((l) => l.Decisions)).toEqual([2, 0]);
    expect(emf.filter((l) => l.target !== undefined).map((l) => l.target)).toEqual([
      "virtway-readers",
      "virtway-acu-floor",
    ]);
    // LOG_LEVEL's level: at WARN, the metrics and no INFO line.
    const warn = json((await brain(`invoke alarm ${payload} ${config}`, { env: { LOG_LEVEL: "WARN" } })).err);
    expect(warn.every((l) => l._aws?.CloudWatchMetrics !== undefined)).toBe(true);
    expect(warn.filter((l) => l.target === undefined)).toEqual([expect.objectContaining({ Decisions: 2 })]);
  });

  it("- reads a payload, or a stream (gzipped or not), from standard input", async () => {
    const piped = await brain("invoke alarm - --json", { input: readFileSync(payload, "utf8") });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.out)).toEqual(JSON.parse((await run("invoke", "alarm", payload, "--json")).out));
    const gz = await sh("gzip -c events/streams/avalanche.jsonl | node bin/brain.js evaluate - --json");
    expect(gz.code).toBe(0);
    expect(gz.out).toBe((await run("evaluate", "events/streams/avalanche.jsonl", "--json")).out);
  });

  it("a live command with no way to reach AWS ends in one line, exit 1, no stack", async () => {
    const { code, out, err } = await brain("ledger", {
      env: {
        LEDGER_TABLE: "surge-brain-ledger",
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
        AWS_SECRET_ACCESS_KEY: "fake",
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      },
    });
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(
      /^surge-brain: Could not connect to the endpoint URL: "http:\/\/127\.0\.0\.1:9\/" when calling the \w+ operation \(ECONNREFUSED\): check the network, AWS_REGION and AWS_ENDPOINT_URL\n$/,
    );
  });
});

/**
 * The README's examples that need no AWS, as written: every line of a ```sh block that runs
 * `npm run brain -- …` or `npm start`, but those that name LEDGER_TABLE or --live, and none of a
 * block that calls AWS (the AWS CLI, an emulator's endpoint, a deployed ledger table): its lines read what AWS answered.
 */
function offlineExamples(): string[] {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((block) => (block[1] ?? "").split("\n"))
    .filter(
      (lines) =>
        !lines.some((line) => /^\s*(aws |moto_server|export (AWS_ENDPOINT_URL|LEDGER_TABLE))/.test(line)),
    )
    .flat()
    .map((line) => line.replace(/^npm ci && /, "").trim())
    .filter((line) => /^npm (run brain -- |start\b)/.test(line) && !/LEDGER_TABLE|--live/.test(line));
}

describe("the README's offline examples", () => {
  const examples = offlineExamples();

  it("are found (the README has them)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples)(
    "%s: exits 0 with its result on standard output, and no warning or stack",
    async (example) => {
      const { code, out, err } = await sh(example);
      expect(err).not.toMatch(/NodeVersionSupportWarning|\n\s+at |"level":/);
      expect(code).toBe(0);
      // npm's banner, then the command's own output.
      const own = out.replace(/^\n?> .*\n> .*\n\n/, "");
      expect(own.trim()).not.toBe("");
      if (example.includes("--json")) expect(() => JSON.parse(own)).not.toThrow();
    },
    // One after the other, each a whole npm run: on a machine shared with other work, more than
    // the default time.
    60_000,
  );
});
