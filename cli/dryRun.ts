/**
 * The dry run's world: a simulated account answering the real SDK clients, and an empty ledger on
 * dynalite started in-process, on a clock that is each payload's own time (or --now).
 */
import { z } from "zod";
import type { FunctionDeps } from "../functions/lib/runtime.js";
import { actuatorsOn } from "../shared/actuators/actuators.js";
import { createAwsClients } from "../shared/aws/clients.js";
import type { BrainConfig } from "../shared/config/schema.js";
import { startLocalLedger } from "../shared/ledger/local.js";
import { type Call, SimulatedAccount } from "../shared/simulation/account.js";

/** `--state F`: where the simulated account starts (PRODUCT.md). */
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
  let clockNow = now ?? new Date(0);
  const account = SimulatedAccount.forConfig(config, () => clockNow, start);
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
