/**
 * The local default ledger: dynalite (a real DynamoDB API server) started in-process on a free
 * loopback port, with the ledger's table created, empty at every start. Dry runs and
 * `replay --ledger dynamodb` use it; nothing needs an AWS account.
 */
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { createLedgerTable, DynamoDBLedger } from "./dynamodb.js";

type DynaliteOptions = { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number };
// dynalite is CommonJS and ships no types: its one export, typed here. Loaded when first started,
// so that commands that never start it (and the command line's start-up) do not pay for it.
const dynalite = (options?: DynaliteOptions): Server =>
  (createRequire(import.meta.url)("dynalite") as (options?: DynaliteOptions) => Server)(options);

export type LocalDynamo = { endpoint: string; client: DynamoDBClient; stop(): Promise<void> };

/** A client for dynalite (or any endpoint): fake static credentials, us-east-1. */
export function localDynamoClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake" },
    ...config,
  });
}

/** Starts dynalite in memory on 127.0.0.1, port 0; tables are ACTIVE at once. */
export async function startDynalite(config: DynamoDBClientConfig = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint, config);
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

const LOCAL_TABLE = "surge-brain-ledger";

/** dynalite with the ledger's table, and the ledger on it. */
export async function startLocalLedger(
  retentionDays: number,
): Promise<{ ledger: DynamoDBLedger; dynamo: LocalDynamo; stop(): Promise<void> }> {
  const dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, LOCAL_TABLE);
  const ledger = new DynamoDBLedger({ client: dynamo.client, tableName: LOCAL_TABLE, retentionDays });
  return { ledger, dynamo, stop: () => dynamo.stop() };
}
