/**
 * The live ledger, as `--live` and the operator commands reach it: the table named by
 * LEDGER_TABLE, the default credential chain and region, and the endpoint from AWS_ENDPOINT_URL
 * where it is set (an emulator, or dynalite). Every client names the operation and endpoint of
 * its errors (awsErrors.ts).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBLedger } from "../shared/adapters/ledger/dynamodb.js";
import { UsageError } from "../shared/core/errors.js";
import { nameOperations } from "./awsErrors.js";

/** The DynamoDB client live commands use (tests give one with faults in front of dynalite). */
export type LiveAws = { dynamoDB: () => DynamoDBClient };

export const liveAws: LiveAws = {
  dynamoDB: () => {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    return new DynamoDBClient({ ...(endpoint ? { endpoint } : {}) });
  },
};

export function liveLedger(
  retentionDays: number,
  aws: LiveAws = liveAws,
): {
  ledger: DynamoDBLedger;
  client: DynamoDBClient;
  table: string;
} {
  const table = process.env.LEDGER_TABLE;
  if (!table)
    throw new UsageError(
      "LEDGER_TABLE is not set: name the ledger's DynamoDB table (and AWS_ENDPOINT_URL for an emulator)",
    );
  const client = nameOperations(aws.dynamoDB());
  return { ledger: new DynamoDBLedger({ client, tableName: table, retentionDays }), client, table };
}
