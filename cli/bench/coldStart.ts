/**
 * The functions' cold starts and bundles: each function bundled as it deploys (deploy/bundle.cjs)
 * into a temporary folder, then, in fresh Node processes interleaved with `node -e 0` (Node's own
 * start, the yardstick): the bundle imported (`import`), and the bundle imported and its first
 * event handled (`firstEvent`: an alarm state change that scales the readers, a tick, a scheduled
 * action), its AWS calls answered on loopback (dynalite for the ledger, the simulated account for
 * the rest) and its result checked to hold a decision taken after the calls it needed: the alarm's
 * and the tick's applied, the scheduled action's on its target (outside the Thursday event the
 * configuration's bounds are in force, and the brain answers that it has nothing to move). Each time is the process's, from
 * spawn to exit; the figures are medians of the rounds (one with --quick).
 *
 * Three figures from one measurement: `coldStartMs`, `coldStartRatio` (against `node -e 0`) and
 * `bundleBytes`, each per function.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../../shared/adapters/configFile.js";
import { createLedgerTable } from "../../shared/adapters/ledger/dynamodb.js";
import { startDynalite } from "../../shared/adapters/ledger/local.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { SimulatedAccount } from "../../shared/offline/simulation/account.js";
import { simulateCloudWatch } from "../../shared/offline/simulation/cloudWatch.js";
import { serveAccount } from "../../shared/offline/simulation/endpoint.js";
import { simulateNativePolicies } from "../../shared/offline/simulation/nativePolicies.js";
import { type BenchFigure, titledRows } from "./figure.js";
import { RUNNER, recordingProxy } from "./recordedAws.js";

export type ColdStartTimes = { import: number; firstEvent: number };
export type ColdStart = {
  /** Per function; `nodeBaseline` is `node -e 0`'s, measured in the same run. */
  coldStartMs: Record<string, ColdStartTimes | number>;
  coldStartRatio: Record<string, ColdStartTimes>;
  bundleBytes: Record<string, number>;
  rounds: number;
  /** A first event that took no decision: what its result held. */
  failures: string[];
};

/** What the figure uses of deploy/bundle.cjs (typed in deploy/bundle.d.cts). */
type Bundler = {
  buildFunctions(outdir: string, options?: { configFile?: string }): Promise<Record<string, number>>;
};
/**
 * deploy/bundle.cjs, the options the deployment bundles with, read from the project at run time
 * (the command line is itself a bundle, which must not freeze a copy of them).
 */
const bundler = (): Bundler => createRequire(import.meta.url)(resolve("deploy/bundle.cjs")) as Bundler;

const ROUNDS = 15;
/** The configuration the bundles hold, and the account's starting point for the first events. */
const CONFIG_FILE = "brain.config.json";
const STATE_FILE = "events/state/virtway-spike.json";

/** Each function's first event, its times moved to now (a stale event is refused, not decided). */
const FIRST_EVENTS: Record<string, (now: Date) => unknown> = {
  alarm: (now) => {
    const event = readJson("events/eventbridge/readers-cpu-70.json");
    event.time = `${now.toISOString().slice(0, 19)}Z`;
    event.detail.state.timestamp = now.toISOString();
    return event;
  },
  tick: (now) => ({ ...readJson("events/tick.json"), time: `${now.toISOString().slice(0, 16)}:00Z` }),
  schedule: () => readJson("events/schedule/frontend-before-thursday-event.json"),
};

let measured: Promise<ColdStart> | undefined;
let lastFailures: string[] = [];

/** One measurement for the three figures, whichever of them `bench` asks for first. */
function measureOnce(options: Parameters<BenchFigure<unknown>["measure"]>[0]): Promise<ColdStart> {
  measured ??= measureColdStarts(options.quick ? 1 : ROUNDS, options.progress).then((m) => {
    lastFailures = m.failures;
    return m;
  });
  return measured;
}

export async function measureColdStarts(
  rounds: number,
  progress: (line: string) => void,
): Promise<ColdStart> {
  const dir = mkdtempSync(join(tmpdir(), "brain-cold-start-"));
  const config = loadConfig(CONFIG_FILE).config;
  const state = readJson(STATE_FILE) as Record<
    string,
    { capacity?: number; metrics?: Record<string, number> }
  >;
  let account = freshAccount(config, state);
  const dynamo = await startDynalite();
  const aws = await serveAccount(() => account);
  const proxy = await recordingProxy({ dynamodb: dynamo.endpoint, aws: aws.endpoint });
  try {
    progress("bundling the functions as they deploy…");
    const bundleBytes = await bundler().buildFunctions(dir, { configFile: CONFIG_FILE });
    const names = Object.keys(bundleBytes);
    const runner = join(dir, "runner.mjs");
    writeFileSync(runner, RUNNER);
    const baseEnv = {
      PATH: process.env.PATH ?? "",
      AWS_REGION: config.region ?? "eu-west-1",
      // Static credentials: no provider chain reaches for a profile or the instance metadata.
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_ENDPOINT_URL: proxy.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_CONFIG_FILE: join(dir, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
      // Lambda's Node 22 has no cause for the SDK's warning about Node 20; printing it is not Lambda's cost.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const times: Record<string, number[]> = { node: [] };
    const failures: string[] = [];
    let table = 0;
    for (let round = 1; round <= rounds; round++) {
      times.node?.push(await timed(["-e", "0"], baseEnv));
      for (const name of names) {
        const entry = pathToFileURL(join(dir, name, "index.mjs")).href;
        const env = { ...baseEnv, LEDGER_TABLE: "unused" };
        record(times, `${name}.import`, await timed([runner, entry], env));
      }
      for (const name of names) {
        const entry = pathToFileURL(join(dir, name, "index.mjs")).href;
        const eventFile = join(dir, `${name}.event.json`);
        const resultFile = join(dir, `${name}.result.json`);
        const recordingFile = join(dir, `${name}.recording.json`);
        writeFileSync(eventFile, JSON.stringify(FIRST_EVENTS[name]?.(new Date()) ?? {}));
        // The warm run, recorded: a fresh account and ledger table, so that every round takes the
        // same decision from the same start, answered over loopback by this process.
        account = freshAccount(config, state);
        const env = { ...baseEnv, LEDGER_TABLE: `ledger-${++table}` };
        await createLedgerTable(dynamo.client, env.LEDGER_TABLE);
        proxy.take();
        await timed([runner, entry, eventFile, resultFile], env);
        const recording = proxy.take();
        writeFileSync(recordingFile, JSON.stringify(recording));
        // The measured run: the same event, every AWS call answered in the child's own process.
        rmSync(resultFile, { force: true });
        const ms = await timed([runner, entry, eventFile, resultFile, recordingFile], env);
        const child = readResult(resultFile);
        record(times, `${name}.firstEvent`, ms - (child?.replayServerMs ?? 0));
        const failure = decisionTaken(name, child, recording.length);
        if (failure) failures.push(`${name}, round ${round}: ${failure}`);
      }
      progress(`round ${round}/${rounds} done`);
    }
    const node = median(times.node ?? []);
    const coldStartMs: ColdStart["coldStartMs"] = { nodeBaseline: round1(node) };
    const coldStartRatio: ColdStart["coldStartRatio"] = {};
    for (const name of names) {
      const ms = {
        import: median(times[`${name}.import`] ?? []),
        firstEvent: median(times[`${name}.firstEvent`] ?? []),
      };
      coldStartMs[name] = { import: round1(ms.import), firstEvent: round1(ms.firstEvent) };
      coldStartRatio[name] = { import: round2(ms.import / node), firstEvent: round2(ms.firstEvent / node) };
    }
    return { coldStartMs, coldStartRatio, bundleBytes, rounds, failures };
  } finally {
    await proxy.stop();
    await aws.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function freshAccount(
  config: BrainConfig,
  state: Record<string, { capacity?: number; metrics?: Record<string, number> }>,
): SimulatedAccount {
  const account = SimulatedAccount.forConfig(config, () => new Date(), state);
  simulateCloudWatch(
    account,
    config,
    Object.fromEntries(Object.entries(state).map(([id, s]) => [id, s.metrics])),
  );
  simulateNativePolicies(account);
  return account;
}

/** What the measured child wrote: the handler's result and the recorded requests it answered. */
type ChildResult = {
  result: { decisions?: { status?: string; target?: string | null }[] };
  served: number;
  replayServerMs: number;
};

function readResult(resultFile: string): ChildResult | undefined {
  try {
    return JSON.parse(readFileSync(resultFile, "utf8")) as ChildResult;
  } catch {
    return undefined;
  }
}

/**
 * Why the measured first event holds no decision taken after its AWS calls (undefined: it holds
 * one, and it sent every recorded request, answered in its own process).
 */
function decisionTaken(name: string, child: ChildResult | undefined, recorded: number): string | undefined {
  if (!child) return "the child wrote no result";
  const taken = (child.result.decisions ?? []).filter((d) =>
    name === "schedule" ? d.target && d.status !== undefined : d.status === "applied",
  );
  if (taken.length > 0 && child.served > 0 && child.served === recorded) return undefined;
  return `no decision taken (${child.served} of ${recorded} recorded AWS calls): ${JSON.stringify(child.result).slice(0, 300)}`;
}

/** A fresh `node` process with these arguments, from spawn to exit, in milliseconds. */
function timed(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(" ")} exited ${code}: ${stderr.slice(-1500)}`));
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: sample payloads, edited by their known fields
const readJson = (file: string): any => JSON.parse(readFileSync(file, "utf8"));
function record(times: Record<string, number[]>, key: string, ms: number): void {
  times[key] = [...(times[key] ?? []), ms];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const coldStartMsFigure: BenchFigure<ColdStart["coldStartMs"]> = {
  key: "coldStartMs",
  describe: "each function's bundle imported, and its first event handled, in a fresh node (ms)",
  measure: async (options) => (await measureOnce(options)).coldStartMs,
  lines: (value) =>
    titledRows(
      "cold start (ms, median)",
      Object.entries(value).map(([name, t]) =>
        typeof t === "number"
          ? (["node -e 0", String(t)] as const)
          : ([`${name} import / first event`, `${t.import} / ${t.firstEvent}`] as const),
      ),
    ),
  failure: () => firstEventFailures(),
};

/** The first events that took no decision, in the measurement made: the figures would lie. */
function firstEventFailures(): string | undefined {
  const failures = lastFailures;
  return failures.length > 0 ? `first events that took no decision: ${failures.join("; ")}` : undefined;
}

export const coldStartRatioFigure: BenchFigure<ColdStart["coldStartRatio"]> = {
  key: "coldStartRatio",
  describe: "the same against node -e 0 measured in the same run (targets 1.5 and 2.2)",
  measure: async (options) => (await measureOnce(options)).coldStartRatio,
  lines: (value) =>
    titledRows(
      "cold start ÷ node -e 0",
      Object.entries(value).map(([name, r]) => [
        `${name} import / first event`,
        `${r.import} / ${r.firstEvent}`,
      ]),
    ),
};

export const bundleBytesFigure: BenchFigure<ColdStart["bundleBytes"]> = {
  key: "bundleBytes",
  describe: "each function's bundle, minified, as it deploys (target 750,000 bytes)",
  measure: async (options) => (await measureOnce(options)).bundleBytes,
  lines: (value) =>
    titledRows(
      "bundle (bytes)",
      Object.entries(value).map(([name, bytes]) => [name, bytes.toLocaleString("en")]),
    ),
};
