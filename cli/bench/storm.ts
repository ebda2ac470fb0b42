/**
 * A storm run: every invocation of the plan started at once through the functions' real handlers
 * (the middy chains of functions/alarm.ts and functions/tick.ts), each a Lambda container of its
 * own (its own ledger instance) on one dynalite ledger, against one simulated account. What each
 * invocation took (wall time, lost ledger rounds) and whether it failed is measured; what the
 * ledger and the account hold afterwards is left for the caller to check, until `close()`.
 */
import { Agent } from "node:http";
import { performance } from "node:perf_hooks";
import { alarmFunction } from "../../functions/alarm.js";
import type { FunctionResult } from "../../functions/lib/result.js";
import type { FunctionDeps } from "../../functions/lib/runtime.js";
import { tickFunction } from "../../functions/tick.js";
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../../shared/adapters/aws/clients.js";
import { createLedgerTable, DynamoDBLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { startDynalite } from "../../shared/adapters/ledger/local.js";
import type { ActuatorFor } from "../../shared/brain/ports/actuator.js";
import { type Backoff, fullJitter } from "../../shared/brain/transact.js";
import { eventBridgeEventFor, snsEventFor } from "../../shared/offline/evaluation/payloads.js";
import { SimulatedAccount } from "../../shared/offline/simulation/account.js";
import { simulateCloudWatch } from "../../shared/offline/simulation/cloudWatch.js";
import { simulateNativePolicies } from "../../shared/offline/simulation/nativePolicies.js";
import { lambdaContext } from "../lambdaContext.js";
import { withStdoutDiscarded } from "../stdout.js";
import { STORM_ACCOUNT, STORM_NOW, STORM_REGION, type StormInvocation, type StormPlan } from "./stormPlan.js";

export type InvocationOutcome = {
  id: string;
  kind: StormInvocation["kind"];
  /** False when the handler threw (Lambda would count the invocation failed). */
  ok: boolean;
  error?: string;
  latencyMs: number;
  /** Ledger rounds lost to another invocation's write (each waited with full jitter). */
  conflictRetries: number;
  result?: FunctionResult;
};

export type StormRun = {
  plan: StormPlan;
  outcomes: InvocationOutcome[];
  /** Wall time from the first start to the last end. */
  elapsedMs: number;
  account: SimulatedAccount;
  /** The actuators on the account: what AWS shows of each target. */
  actuatorFor: ActuatorFor;
  /** A ledger on the storm's table, to read what it holds. */
  ledger: DynamoDBLedger;
  close(): Promise<void>;
};

export type StormOptions = {
  /** The jitter's random source (default Math.random); a seeded one makes the waits repeatable. */
  random?: () => number;
  /** Called as invocations end: how many of how many. */
  onProgress?: (done: number, total: number) => void;
};

/**
 * The time middy gives each invocation before it aborts it (its early timeout): Lambda's longest,
 * 15 minutes. Every invocation of the storm shares this process's one event loop, where in Lambda
 * each has its own; a timeout of 30 s would measure the machine, not the brain. Latency is
 * reported as measured, the wait for the shared CPU included.
 */
const SHARED_CPU_TIMEOUT_MS = 15 * 60_000;

/** Connections to dynalite at most (see runStorm). */
const DYNALITE_SOCKETS = 256;

/** The payload Lambda receives for an invocation. */
function payloadOf(invocation: StormInvocation, plan: StormPlan): unknown {
  if (invocation.kind === "tick") {
    return {
      version: "0",
      id: "5f0c5a52-0c1e-4e0c-9e55-0d7b8f3a2c11",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: STORM_ACCOUNT,
      time: STORM_NOW.toISOString().replace(/\.\d+Z$/, "Z"),
      region: STORM_REGION,
      resources: [`arn:aws:events:${STORM_REGION}:${STORM_ACCOUNT}:rule/surge-brain-tick`],
      detail: {},
    };
  }
  const alarm = plan.config.alarms.find((a) => a.AlarmName === invocation.change.alarm);
  if (!alarm) throw new Error(`the storm's change names ${invocation.change.alarm}, which is not configured`);
  const ctx = { account: STORM_ACCOUNT, region: STORM_REGION };
  return invocation.via === "sns"
    ? snsEventFor(invocation.change, alarm, ctx)
    : eventBridgeEventFor(invocation.change, alarm, ctx);
}

export async function runStorm(plan: StormPlan, options: StormOptions = {}): Promise<StormRun> {
  const { config } = plan;
  const account = SimulatedAccount.forConfig(config, () => STORM_NOW);
  simulateCloudWatch(account, config, {});
  simulateNativePolicies(account);
  const clients = createAwsClients({
    region: STORM_REGION,
    credentials: { accessKeyId: "SIMULATED", secretAccessKey: "SIMULATED" },
  });
  account.attach(clients);
  const actuatorFor = actuatorsOn(clients);
  // One client stands in for every container's own. The SDK's default of 50 sockets would queue
  // the storm behind them; more than dynalite's one server accepts at once (Node's listen
  // backlog, 511) would have connections reset, which DynamoDB's fleet never does.
  const dynamo = await startDynalite({
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: DYNALITE_SOCKETS }) },
  });
  const table = "surge-brain-ledger";
  await createLedgerTable(dynamo.client, table);
  const local = {
    dynamo,
    ledger: new DynamoDBLedger({ client: dynamo.client, tableName: table, retentionDays: 30 }),
    stop: () => dynamo.stop(),
  };
  const jitter = fullJitter(options.random ? { random: options.random } : {});

  let done = 0;
  const invoke = async (invocation: StormInvocation): Promise<InvocationOutcome> => {
    let conflictRetries = 0;
    const backoff: Backoff = (attempt) => {
      conflictRetries++;
      return jitter(attempt);
    };
    // Each invocation a container of its own: its own ledger instance, nothing remembered.
    const deps: FunctionDeps = {
      config,
      clients,
      ports: {
        ledger: new DynamoDBLedger({ client: local.dynamo.client, tableName: table, retentionDays: 30 }),
        actuatorFor,
        backoff,
      },
      clock: () => STORM_NOW,
    };
    const handler = (invocation.kind === "tick" ? tickFunction : alarmFunction)(() => deps);
    const started = performance.now();
    const outcome: InvocationOutcome = {
      id: invocation.id,
      kind: invocation.kind,
      ok: true,
      latencyMs: 0,
      conflictRetries,
    };
    try {
      outcome.result = await handler(payloadOf(invocation, plan), {
        ...lambdaContext(invocation.kind, invocation.id),
        getRemainingTimeInMillis: () => SHARED_CPU_TIMEOUT_MS,
      });
    } catch (error) {
      outcome.ok = false;
      outcome.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    outcome.latencyMs = performance.now() - started;
    outcome.conflictRetries = conflictRetries;
    options.onProgress?.(++done, plan.invocations.length);
    return outcome;
  };

  const started = performance.now();
  const outcomes = await withStdoutDiscarded(() => Promise.all(plan.invocations.map(invoke)));
  const elapsedMs = performance.now() - started;
  return {
    plan,
    outcomes,
    elapsedMs,
    account,
    actuatorFor,
    ledger: local.ledger,
    close: () => local.stop(),
  };
}

/** The p-th percentile (nearest rank) of some numbers; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** bench's `load`: what the storm cost, per invocation and overall. */
export type LoadFigures = {
  invocations: number;
  failed: number;
  /** Decisions made for a target (acted, held back or recorded; duplicates not counted) per second of wall time. */
  decisionsPerSecond: number;
  conflictRetries: { p50: number; p99: number };
  latencyMs: { p50: number; p99: number };
};

export function loadOf(run: StormRun): LoadFigures {
  const decisions = run.outcomes.reduce(
    (sum, o) => sum + (o.result?.decisions.filter((d) => d.target !== null).length ?? 0),
    0,
  );
  const retries = run.outcomes.map((o) => o.conflictRetries);
  const latencies = run.outcomes.map((o) => o.latencyMs);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    invocations: run.outcomes.length,
    failed: run.outcomes.filter((o) => !o.ok).length,
    decisionsPerSecond: round(decisions / (run.elapsedMs / 1000)),
    conflictRetries: { p50: percentile(retries, 50), p99: percentile(retries, 99) },
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
  };
}
