/**
 * Replay: a recording through the brain's real functions (coordinated) or through every policy
 * acting alone as AWS's native policies would (uncoordinated), in a closed loop on a virtual
 * clock. The recording becomes demand (demand.ts); each minute the capacity in service turns it
 * back into the metrics the alarms and target tracking read, so that what a mode adds changes what
 * it sees next. The project's alarm evaluator turns those metrics into state changes, delivered as
 * the SNS payloads CloudWatch sends; the tick runs every minute. Pure orchestration: the functions
 * and the ledger come in, the clock is the recording's. docs/replay.md.
 */

import { alarmMetric, type ResolvedMetric, targetTrackingMetric } from "../../brain/metricQueries.js";
import type { BrainConfig, MetricDataQuery, Target, TargetTrackingPolicy } from "../../core/config/schema.js";
import { AlarmEvaluator } from "../evaluation/evaluator.js";
import { snsEventFor } from "../evaluation/payloads.js";
import type { StateChange } from "../evaluation/stateChange.js";
import { SimulatedConnections } from "../simulation/connections.js";
import type { MetricRecord } from "../streams/record.js";
import { DemandModel } from "./demand.js";
import { kpisOf } from "./kpis.js";
import { NativePolicies } from "./native.js";
import type { RecentMetrics } from "./recentMetrics.js";
import type { ReplayObserver } from "./timeline.js";
import {
  MINUTE_MS,
  type MinuteSample,
  type ReplayDecision,
  type ReplayMode,
  type ReplayResult,
  type ReplayWorld,
  type TargetKpis,
} from "./types.js";
import { SimulatedTargets } from "./world.js";

/** A decision as a function returns it (an applied, held or quiet record, or an acknowledgement). */
export type FunctionDecision = {
  at: string;
  target: string | null;
  /** `none`: nothing proposed (an alarm state recorded for the tick): not listed. */
  outcome?: string;
  policy?: string | null;
  from?: number;
  to?: number;
  reason: string;
  blockedBy?: string | null;
  status?: string;
};

/** One invocation of a function on a payload: what it decided, or the payload's error. */
export type Invoke = (
  event: unknown,
  requestId: string,
) => Promise<{ decisions: readonly FunctionDecision[]; error?: { message: string } }>;

/** The brain's functions, built by the caller on the replay's world and ledger (coordinated mode). */
export type ReplayFunctions = { alarm: Invoke; tick: Invoke };

export type ReplayOptions = {
  mode: ReplayMode;
  /** Seeds the simulated provisioning times: the same seed, the same replay. */
  seed: number;
  /** Coordinated mode: the functions on the world (and on the ledger the caller chose). */
  functionsOn?: (world: ReplayWorld) => ReplayFunctions;
  /** Called after each simulated minute with the time replayed. */
  onMinute?: (at: number) => void;
  /** Fed each simulated minute's samples and alarm states (the report's timeline.ts); none: nothing kept. */
  observer?: ReplayObserver;
  /** Given the connection budgets' simulated connections once the replay ends (none without budgets). */
  onConnections?: (connections: SimulatedConnections) => void;
};

/** The account and region the payloads name: the configuration's, else a placeholder one. */
const origin = (config: BrainConfig) => ({
  account: config.account ?? "123456789012",
  region: config.region ?? "us-east-1",
});

/**
 * The minutes of a recording (its records in batches, in time order), each with its records, every
 * minute from the first to the last.
 */
async function* minutes(
  batches: AsyncIterable<readonly MetricRecord[]>,
): AsyncGenerator<[number, MetricRecord[]]> {
  let minute: number | null = null;
  let batch: MetricRecord[] = [];
  for await (const records of batches) {
    for (const record of records) {
      const at = Math.floor(record.timestamp / MINUTE_MS) * MINUTE_MS;
      if (minute !== null && at > minute) {
        yield [minute, batch];
        for (let gap = minute + MINUTE_MS; gap < at; gap += MINUTE_MS) yield [gap, []];
        batch = [];
      }
      minute = at;
      batch.push(record);
    }
  }
  if (minute !== null) yield [minute, batch];
}

/** The EventBridge Scheduled Events of the tick's one-minute rule: the event at `at`. */
function scheduledEvents(config: BrainConfig): (at: number) => Record<string, unknown> {
  const { account, region } = origin(config);
  const rule = `arn:aws:events:${region}:${account}:rule/surge-brain-replay-tick`;
  return (at) => ({
    version: "0",
    id: `replay-tick-${at}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account,
    time: new Date(at).toISOString().replace(".000Z", "Z"),
    region,
    resources: [rule],
    detail: {},
  });
}

export async function replay(
  config: BrainConfig,
  records: AsyncIterable<readonly MetricRecord[]>,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const demand = new DemandModel(config);
  const scheduledEvent = scheduledEvents(config);
  const evaluator = new AlarmEvaluator(config.alarms);
  const alarms = new Map(config.alarms.map((a) => [a.AlarmName, a]));
  const states = new Map<string, string>();
  /** The alarms whose last state change was to ALARM. */
  const inAlarm = new Set<string>();
  const decisions: ReplayDecision[] = [];
  const samples = new Map<string, MinuteSample[]>(config.targets.map((t) => [t.id, []]));
  let world: SimulatedTargets | null = null;
  let functions: ReplayFunctions | null = null;
  let native: NativePolicies | null = null;
  // The connection budgets' databases (simulation/connections.ts): none without budgets.
  const connections = config.connectionBudgets?.length
    ? new SimulatedConnections(config, options.mode === "coordinated")
    : null;
  let invocations = 0;

  const record = (made: readonly FunctionDecision[]) => {
    for (const d of made) {
      if (d.target === null || d.status === "quiet" || d.outcome === "none") continue;
      decisions.push({
        at: d.at,
        target: d.target,
        policy: d.policy ?? null,
        from: d.from ?? 0,
        to: d.to ?? 0,
        reason: d.reason,
        // A held decision names what held it; one held as nothing new (NoChange) names its reason.
        blockedBy:
          d.status === "failed" ? "failed" : (d.blockedBy ?? (d.outcome === "held" ? d.reason : null)),
      });
    }
  };
  const invoke = async (fn: Invoke, event: unknown) => {
    const outcome = await fn(event, `replay-${++invocations}`);
    if (outcome.error) throw new Error(`replay: a payload of its own was refused: ${outcome.error.message}`);
    record(outcome.decisions);
  };

  const deliver = async (change: StateChange) => {
    states.set(change.alarm, change.to);
    if (change.to === "ALARM") inAlarm.add(change.alarm);
    else inAlarm.delete(change.alarm);
    const alarm = alarms.get(change.alarm);
    if (alarm === undefined) return;
    if (native) {
      decisions.push(...native.onStateChange(change));
      return;
    }
    const event = snsEventFor(change, alarm, origin(config));
    if (event !== null && functions) await invoke(functions.alarm, event);
  };

  const reads = new NativeReads(config);
  const tick = async (at: number, w: SimulatedTargets) => {
    if (functions) return invoke(functions.tick, scheduledEvent(at));
    if (!native) return;
    const values = reads.currentValues(w.metrics, at, inAlarm);
    decisions.push(
      ...native.onMinute(
        at,
        inAlarm,
        (_targetId, policy) => values.tracking.get(policy) ?? null,
        (alarm) => values.alarms.get(alarm) ?? null,
      ),
    );
  };

  for await (const [at, batch] of minutes(records)) {
    if (world === null) {
      world = new SimulatedTargets(config, { seed: options.seed, start: new Date(at) });
      if (options.mode === "coordinated") {
        if (!options.functionsOn) throw new Error("replay: coordinated mode needs the functions");
        functions = options.functionsOn(world);
      } else {
        native = new NativePolicies(config, world);
      }
    }
    const w = world;
    demand.observe(batch);
    w.advanceTo(new Date(at));
    const published = demand.publish(at, (id) => w.inService(id));
    w.publish(published);
    for (const r of published) evaluator.push(r);
    for (const change of evaluator.take()) await deliver(change);
    await tick(at, w);
    connections?.minute(at, {
      availableReaders: (cluster) => w.availableReaders(cluster),
      inService: (id) => w.inService(id),
      parameter: (name) => w.parameters.valueOf(name),
    });
    for (const target of config.targets) {
      const inService = w.inService(target.id);
      samples.get(target.id)?.push({
        at,
        demand: demand.demandOf(target.id),
        served: inService * demand.demandPerUnit(target.id),
        inService,
        capacity: w.capacity(target.id),
      });
    }
    options.observer?.minute(at, (id) => samples.get(id)?.at(-1), states);
    options.onMinute?.(at);
  }

  const targets: ReplayResult["targets"] = {};
  for (const target of config.targets) {
    targets[target.id] = kpisOf(
      target,
      samples.get(target.id) ?? [],
      decisions.filter((d) => d.target === target.id),
    );
    const refused =
      target.kind === "aurora-readers" ? connections?.refusedOn(target.DBClusterIdentifier) : undefined;
    if (refused !== undefined) (targets[target.id] as TargetKpis).connectionsRefused = refused;
  }
  if (connections) options.onConnections?.(connections);
  return { targets, decisions };
}

/** A series a native policy reads: a target-tracking policy's metric, or an alarm's (by its name). */
type NativeRead = { policy: TargetTrackingPolicy | null; alarm: string | null; metric: ResolvedMetric };

/** One GetMetricData batch of the native policies: every series of one period length. */
type NativeBatch = { periodSeconds: number; reads: NativeRead[]; queries: MetricDataQuery[] };

/** Distinct sets of alarms in ALARM whose batches are kept. */
const BATCHES_KEPT = 64;

/**
 * What the native policies read each minute: the series resolved once from the configuration
 * (each target-tracking policy's metric, each alarm's), and their batches once per set of alarms
 * in ALARM (those change seldom), so that a minute only reads.
 */
export class NativeReads {
  private readonly tracking: NativeRead[] = [];
  private readonly alarms: NativeRead[] = [];
  private readonly batches = new Map<string, NativeBatch[]>();

  constructor(config: BrainConfig) {
    config.targets.forEach((target: Target, ti) => {
      target.policies.forEach((policy, pi) => {
        if (policy.PolicyType !== "TargetTrackingScaling") return;
        const metric = targetTrackingMetric(target, policy, `t${ti}p${pi}`);
        if (metric) this.tracking.push({ policy, alarm: null, metric });
      });
    });
    config.alarms.forEach((alarm, ai) => {
      const metric = alarmMetric(alarm, `a${ai}`);
      if (metric) this.alarms.push({ policy: null, alarm: alarm.AlarmName, metric });
    });
  }

  /**
   * What the native policies read at the minute, as their alarms would: each target-tracking
   * policy's metric and each alarm in ALARM's metric over its latest Period that has ended, the
   * newest datapoint CloudWatch can have published at `at` (as the brain's tick reads,
   * metricWindow); minute `at`'s own datapoint exists only once the minute is over.
   */
  currentValues(
    metrics: RecentMetrics,
    at: number,
    inAlarm: ReadonlySet<string>,
  ): { tracking: Map<TargetTrackingPolicy, number>; alarms: Map<string, number> } {
    const tracking = new Map<TargetTrackingPolicy, number>();
    const alarms = new Map<string, number>();
    const end = at;
    for (const batch of this.batchesFor(inAlarm)) {
      const read = metrics.readNow({
        queries: batch.queries,
        start: new Date(end - batch.periodSeconds * 1000),
        end: new Date(end),
      });
      for (const r of batch.reads) {
        const value = read.get(r.metric.id)?.at(-1);
        if (typeof value !== "number") continue;
        if (r.policy) tracking.set(r.policy, value);
        else if (r.alarm !== null) alarms.set(r.alarm, value);
      }
    }
    return { tracking, alarms };
  }

  /** One read per period length: every series over its own latest period. */
  private batchesFor(inAlarm: ReadonlySet<string>): NativeBatch[] {
    let key = "";
    this.alarms.forEach((r, i) => {
      if (inAlarm.has(r.alarm as string)) key += `${i},`;
    });
    let batches = this.batches.get(key);
    if (batches) return batches;
    const wanted = [...this.tracking, ...this.alarms.filter((r) => inAlarm.has(r.alarm as string))];
    batches = [...new Set(wanted.map((w) => w.metric.periodSeconds))].map((periodSeconds) => {
      const reads = wanted.filter((w) => w.metric.periodSeconds === periodSeconds);
      return { periodSeconds, reads, queries: reads.flatMap((w) => w.metric.queries) };
    });
    if (this.batches.size >= BATCHES_KEPT) this.batches.clear();
    this.batches.set(key, batches);
    return batches;
  }
}
