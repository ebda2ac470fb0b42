/**
 * The dry run's world: a simulated account answering the real SDK clients, and an empty ledger on
 * dynalite started in-process, on a clock that is each payload's own time (or --now). The account
 * answers GetMetricData from `--state` metrics (every datapoint of a target-tracking policy's metric
 * reads the value given for it; other series have no data) and has no native scaling policy
 * (no registered scalable target, no group policy) for the tick's coexistence to touch.
 */
import { z } from "zod";
import type { FunctionDeps } from "../functions/lib/runtime.js";
import { actuatorsOn } from "../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../shared/adapters/aws/clients.js";
import { startLocalLedger } from "../shared/adapters/ledger/local.js";
import type { BrainConfig } from "../shared/core/config/schema.js";
import { UsageError } from "../shared/core/errors.js";
import { type Call, SimulatedAccount } from "../shared/offline/simulation/account.js";
import { simulateCloudWatch } from "../shared/offline/simulation/cloudWatch.js";
import { simulateNativePolicies } from "../shared/offline/simulation/nativePolicies.js";

/** `--state F`: where the simulated account starts (README, "Invoking a function by hand"). */
export const StartingStateSchema = z.record(
  z.string(),
  z.strictObject({
    capacity: z.number().min(0).optional(),
    /** Per target-tracking PolicyName: the value its metric read over its evaluation window. */
    metrics: z.record(z.string(), z.number()).optional(),
  }),
);
export type StartingState = z.infer<typeof StartingStateSchema>;

/** What a command runs functions on, and how to see and end it. */
export type FunctionWorld = {
  deps: FunctionDeps;
  /** Every call made to a scaled service, as { service, command, input }. */
  calls(): Call[];
  close(): Promise<void>;
};

export async function dryRun(
  config: BrainConfig,
  start: StartingState,
  now: Date | undefined,
): Promise<FunctionWorld> {
  checkMetrics(config, start);
  let clockNow = now ?? new Date(0);
  const account = SimulatedAccount.forConfig(config, () => clockNow, start);
  simulateCloudWatch(
    account,
    config,
    Object.fromEntries(Object.entries(start).map(([id, s]) => [id, s.metrics])),
  );
  simulateNativePolicies(account);
  const clients = createAwsClients({
    region: config.region ?? "us-east-1",
    credentials: { accessKeyId: "SIMULATED", secretAccessKey: "SIMULATED" },
  });
  account.attach(clients);
  const local = await startLocalLedger(config.settings.decisionRetentionDays);
  return {
    deps: {
      config,
      clients,
      ports: { ledger: local.ledger, actuatorFor: actuatorsOn(clients) },
      clock: (eventTime) => {
        clockNow = now ?? new Date(eventTime);
        return clockNow;
      },
    },
    calls: () => account.calls,
    close: () => local.stop(),
  };
}

/** `--state` metrics name target-tracking policies of their target: a typo is misuse, not silence. */
function checkMetrics(config: BrainConfig, start: StartingState): void {
  for (const [id, point] of Object.entries(start)) {
    const target = config.targets.find((t) => t.id === id);
    for (const name of Object.keys(point.metrics ?? {})) {
      const tracking = target?.policies.some(
        (p) => p.PolicyType === "TargetTrackingScaling" && p.PolicyName === name,
      );
      if (target && !tracking) {
        const names = target.policies
          .filter((p) => p.PolicyType === "TargetTrackingScaling")
          .map((p) => p.PolicyName);
        throw new UsageError(
          `--state: $.${id}.metrics.${name}: ${id} has no target-tracking policy of that name${names.length ? ` (it has ${names.join(", ")})` : ""}`,
        );
      }
    }
  }
}
