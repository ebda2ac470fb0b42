/**
 * What a function runs on in Lambda: the bundled configuration (checked at build time), SDK
 * clients built once per container, the ledger table named by LEDGER_TABLE, and the wall clock.
 * The command line builds the same dependencies on a simulated account or on --live.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { actuatorsOn } from "../../shared/adapters/actuators/actuators.js";
import { type AwsClients, createAwsClients } from "../../shared/adapters/aws/clients.js";
import { DynamoDBDecisionLedger } from "../../shared/adapters/ledger/dynamodb.js";
import type { BrainPorts } from "../../shared/brain/applyDecision.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import type { Adapters } from "./adapters.js";
import { bundledConfig } from "./bundledConfig.js";

export type FunctionDeps = {
  config: BrainConfig;
  ports: BrainPorts;
  /** The scaled services' clients (CloudWatch for metrics, Application Auto Scaling, …). */
  clients: AwsClients;
  /**
   * The metrics and native-scaling adapters, where they are not the clients' own: replay answers
   * them at the port on its simulated targets. Absent: built on `clients` (adapters.ts).
   */
  adapters?: Adapters;
  /** The time a decision is made at, given the event's own time (Lambda: the wall clock). */
  clock: (eventTime: string) => Date;
};

let built: FunctionDeps | undefined;

/** Built on first use and kept for the container's life. */
export function lambdaDeps(): FunctionDeps {
  if (built) return built;
  const config = bundledConfig();
  const table = process.env.LEDGER_TABLE;
  if (!table) throw new Error("LEDGER_TABLE is not set: the ledger's DynamoDB table is unknown");
  const clients = createAwsClients();
  const ledger = new DynamoDBDecisionLedger({
    client: new DynamoDBClient({}),
    tableName: table,
    retentionDays: config.settings.decisionRetentionDays,
  });
  built = {
    config,
    clients,
    ports: { ledger, actuatorFor: actuatorsOn(clients) },
    clock: () => new Date(),
  };
  return built;
}
