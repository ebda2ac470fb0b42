/**
 * The scene of the per-decision figures: one EC2 Auto Scaling group answering two alarms (requests
 * high: +1 instance; requests low: -1) through the `alarm` function's real handler (its middy
 * chain), the ledger on dynalite over loopback as Lambda uses it (DynamoDBDecisionLedger, a
 * container's one instance), the scaled services answered by the simulated account, and every call
 * traced (apiCalls.ts). Deliveries come one at a time, each at its own time: the clock is the
 * state change's time plus a second.
 */
import { alarmFunction } from "../../functions/alarm.js";
import type { FunctionResult } from "../../functions/lib/result.js";
import type { FunctionDeps } from "../../functions/lib/runtime.js";
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../../shared/adapters/aws/clients.js";
import { createLedgerTable, DynamoDBDecisionLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { type LocalDynamo, startDynalite } from "../../shared/adapters/ledger/local.js";
import type { BrainConfig, MetricAlarm, Target } from "../../shared/core/config/schema.js";
import { validateConfig } from "../../shared/core/config/validate.js";
import type { Observation } from "../../shared/core/engine/observation.js";
import type { TargetState } from "../../shared/core/engine/targetState.js";
import { ConfigError } from "../../shared/core/errors.js";
import { eventBridgeEventFor, snsEventFor } from "../../shared/offline/evaluation/payloads.js";
import type { StateChange } from "../../shared/offline/evaluation/stateChange.js";
import { statedChange } from "../../shared/offline/evaluation/statedChange.js";
import { SimulatedAccount } from "../../shared/offline/simulation/account.js";
import { simulateNativePolicies } from "../../shared/offline/simulation/nativePolicies.js";
import { lambdaContext } from "../lambdaContext.js";
import { type CallTrace, traceCalls } from "./apiCalls.js";

export const BENCH_ACCOUNT = "123456789012";
export const BENCH_REGION = "eu-west-1";
export const BENCH_GROUP = "bench-web";
/** The group's alarms: requests per target above 1,800 (scale out), below 600 (scale in). */
export const HIGH = `${BENCH_GROUP}-requests-high`;
export const LOW = `${BENCH_GROUP}-requests-low`;
const THRESHOLDS: Record<string, number> = { [HIGH]: 1800, [LOW]: 600 };
/** The first state change's time; each scene's changes follow it. */
export const BENCH_START = Date.parse("2026-11-23T19:00:00.000Z");
/** The step policies' cooldown: a decision this long after the last is not held by it. */
export const COOLDOWN_SECONDS = 60;

const alarm = (name: string, comparison: string) => ({
  AlarmName: name,
  Namespace: "AWS/ApplicationELB",
  MetricName: "RequestCountPerTarget",
  Dimensions: [{ Name: "TargetGroup", Value: `targetgroup/${BENCH_GROUP}/0123456789abcdef` }],
  Statistic: "Sum",
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: THRESHOLDS[name],
  ComparisonOperator: comparison,
  TreatMissingData: "missing",
});

/** The scene's alarms, as configured. */
const ALARMS = { [HIGH]: alarm(HIGH, "GreaterThanThreshold"), [LOW]: alarm(LOW, "LessThanThreshold") };

const step = (name: string, alarmName: string, bounds: object, adjustment: number) => ({
  PolicyName: name,
  PolicyType: "StepScaling",
  Alarms: [alarmName],
  StepScalingPolicyConfiguration: {
    AdjustmentType: "ChangeInCapacity",
    StepAdjustments: [{ ...bounds, ScalingAdjustment: adjustment }],
    Cooldown: COOLDOWN_SECONDS,
  },
});

export function benchConfig(): BrainConfig {
  const checked = validateConfig({
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
    alarms: [ALARMS[HIGH], ALARMS[LOW]],
    targets: [
      {
        id: BENCH_GROUP,
        kind: "asg",
        AutoScalingGroupName: BENCH_GROUP,
        MinCapacity: 2,
        MaxCapacity: 1000,
        policies: [
          step("requests-out", HIGH, { MetricIntervalLowerBound: 0 }, 1),
          step("requests-in", LOW, { MetricIntervalUpperBound: 0 }, -1),
        ],
        schedules: [],
      },
    ],
  });
  if (!checked.ok) throw new ConfigError("the bench's configuration", checked.problems);
  return checked.config;
}

/** An alarm of the scene going to ALARM at `atMs`, its datapoint `value`, as CloudWatch records it. */
export function alarmChange(name: typeof HIGH | typeof LOW, atMs: number, value: number): StateChange {
  return statedChange(ALARMS[name] as MetricAlarm, {
    to: "ALARM",
    value,
    atMs,
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
  });
}

/** The payload Lambda receives for a change, by SNS or by EventBridge. */
export function payloadOf(config: BrainConfig, change: StateChange, via: "sns" | "eventbridge"): unknown {
  const configured = config.alarms.find((a) => a.AlarmName === change.alarm);
  if (!configured) throw new Error(`the bench's change names ${change.alarm}, which is not configured`);
  const ctx = { account: BENCH_ACCOUNT, region: BENCH_REGION };
  return via === "sns" ? snsEventFor(change, configured, ctx) : eventBridgeEventFor(change, configured, ctx);
}

export type Delivery = { change: StateChange; via: "sns" | "eventbridge"; requestId: string };

export type DecisionScene = {
  config: BrainConfig;
  account: SimulatedAccount;
  trace: CallTrace;
  /**
   * One invocation of the `alarm` function, as Lambda makes it; the clock a second after the
   * change. The function logs to standard output: run deliveries inside withStdoutDiscarded.
   */
  deliver(delivery: Delivery): Promise<FunctionResult>;
  /** The group's state as the ledger holds it. */
  state(): Promise<TargetState | null>;
  /** The group as AWS shows it at `at` (DescribeAutoScalingGroups, through its actuator). */
  observe(at: Date): Promise<Observation>;
  close(): Promise<void>;
};

/** The scene, started: dynalite with the ledger's table, the account, the handler (one container). */
export async function startDecisionScene(): Promise<DecisionScene> {
  const config = benchConfig();
  let now = new Date(BENCH_START);
  const account = SimulatedAccount.forConfig(config, () => now);
  simulateNativePolicies(account);
  const clients = createAwsClients({
    region: BENCH_REGION,
    credentials: { accessKeyId: "SIMULATED", secretAccessKey: "SIMULATED" },
  });
  let dynamo: LocalDynamo | undefined;
  try {
    dynamo = await startDynalite();
    const table = "surge-brain-ledger";
    await createLedgerTable(dynamo.client, table);
    // Traced before the account answers, so that the trace sees the calls it answers.
    const trace = traceCalls(dynamo.client, clients);
    account.attach(clients);
    const ledger = new DynamoDBDecisionLedger({
      client: dynamo.client,
      tableName: table,
      retentionDays: config.settings.decisionRetentionDays,
    });
    const actuatorFor = actuatorsOn(clients);
    const deps: FunctionDeps = {
      config,
      clients,
      ports: { ledger, actuatorFor },
      clock: () => now,
    };
    const handler = alarmFunction(() => deps);
    const started = dynamo;
    return {
      config,
      account,
      trace,
      deliver: ({ change, via, requestId }) => {
        now = new Date(change.atMs + 1000);
        return handler(payloadOf(config, change, via), lambdaContext("alarm", requestId));
      },
      state: () => ledger.read(BENCH_GROUP),
      observe: (at) => {
        now = at;
        return actuatorFor(config.targets[0] as Target).observe();
      },
      close: () => started.stop(),
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
