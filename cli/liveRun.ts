/**
 * `--live`: the real thing, or an emulator. The default credential chain and region, the endpoint
 * from AWS_ENDPOINT_URL where it is set, the ledger table named by LEDGER_TABLE (created with
 * --create-table where it is missing), and the wall clock.
 */

import { actuatorsOn } from "../shared/adapters/actuators/actuators.js";
import { createAwsClients } from "../shared/adapters/aws/clients.js";
import { type Call, recordCalls } from "../shared/adapters/aws/recording.js";
import { createLedgerTable } from "../shared/adapters/ledger/dynamodb.js";
import type { BrainConfig } from "../shared/core/config/schema.js";
import { nameOperations } from "./awsErrors.js";
import type { FunctionWorld } from "./dryRun.js";
import type { CliIo } from "./io.js";
import { type LiveAws, liveLedger } from "./live.js";

export async function liveRun(
  config: BrainConfig,
  options: { createTable: boolean; io: CliIo; aws: LiveAws },
): Promise<FunctionWorld> {
  const { ledger, client, table } = liveLedger(config.settings.decisionRetentionDays, options.aws);
  if (options.createTable) {
    const created = await createLedgerTable(client, table);
    options.io.err(
      `${table}: ${created.created ? "created" : "exists"}; TTL on expiresAt ${created.timeToLive ? "on" : "not available on this endpoint"}`,
    );
  }
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const clients = createAwsClients(endpoint ? { endpoint } : {});
  for (const c of Object.values(clients)) nameOperations(c);
  const calls: Call[] = [];
  recordCalls(clients, calls);
  return {
    deps: {
      config,
      clients,
      ports: { ledger, actuatorFor: actuatorsOn(clients) },
      clock: () => new Date(),
    },
    calls: () => calls,
    close: async () => {
      client.destroy();
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}
