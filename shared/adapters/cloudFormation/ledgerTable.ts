/**
 * The ledger's table (docs/ledger.md): `pk`/`sk`, on demand, the decision log expiring through TTL,
 * and hardened: deletion protection, point-in-time recovery, encryption at rest under an AWS owned
 * key or the customer managed key the operator names. It outlives the stack (DeletionPolicy Retain).
 */
import { LEDGER_KEYS, TTL_ATTRIBUTE } from "../../brain/ports/ledger.js";
import type { Resource } from "./template.js";

export const LEDGER_TABLE_ID = "LedgerTable";

/** The table; `kmsKey` (a key's ARN, id or alias) encrypts it under a customer managed key, else AWS owns the key. */
export function ledgerTable(tableName: string, kmsKey: string | null): Resource {
  return {
    Type: "AWS::DynamoDB::Table",
    // `osls remove` keeps it: it holds the decision log and the targets' state, pauses included.
    DeletionPolicy: "Retain",
    UpdateReplacePolicy: "Retain",
    Properties: {
      TableName: tableName,
      ...LEDGER_KEYS,
      BillingMode: "PAY_PER_REQUEST",
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      // SSEEnabled false is DynamoDB's default: encrypted at rest under an AWS owned key
      // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html).
      SSESpecification: kmsKey
        ? { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: kmsKey }
        : { SSEEnabled: false },
    },
  };
}
