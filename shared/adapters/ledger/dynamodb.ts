/**
 * The ledger on DynamoDB: one table, one state item per target written with one conditional
 * PutItem per decision (no transactions: dynalite and many emulators have none, and one item is
 * the better design anyway), and a decision log that expires through TTL. Layout, access patterns
 * and the cost per decision: docs/ledger.md.
 */
import { randomUUID } from "node:crypto";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  CLAIM_SORT_KEY,
  type ClaimStatus,
  claimKey,
  DECISION_PREFIX,
  DEFAULT_DECISIONS_LIMIT,
  type DecisionRecord,
  LEDGER_KEYS,
  logItem,
  mergeDecisions,
  plain,
  planOutbox,
  recordOf,
  STATE_SORT_KEY,
  type StateChangeClaim,
  TTL_ATTRIBUTE,
  targetKey,
  type WriteResult,
} from "../../brain/ports/ledger.js";
import type { TargetState } from "../../core/engine/targetState.js";
import { LedgerConflictError } from "../../core/errors.js";
import { CheckedLedger } from "./checkedLedger.js";

export type DynamoDBLedgerOptions = {
  /** A plain client is wrapped in a document client; a document client is used as it is. */
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
  /** settings.decisionRetentionDays: how long log items live before TTL removes them. */
  retentionDays: number;
};

type StateItem = { state: TargetState; outbox: DecisionRecord[] };

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * The ledger as the functions use it: every path of a decision, and no Scan. Listing every target
 * is the operator's (`pause --all`), in DynamoDBLedger below: the functions' bundles leave it out,
 * so their roles need no `dynamodb:Scan` (docs/deploy.md, "IAM permissions").
 */
export class DynamoDBDecisionLedger extends CheckedLedger {
  protected readonly documents: DynamoDBDocumentClient;
  protected readonly table: string;
  readonly #retentionDays: number;
  /**
   * The outbox of the newest version of each target this instance has read or written. A version
   * fixes its outbox (every outbox change is a conditional write that bumps the version), so this
   * is a memo of facts, not a cache that can go stale: it lets write() rewrite the outbox without
   * a second read.
   */
  readonly #outboxes = new Map<string, { version: number; outbox: DecisionRecord[] }>();

  constructor(options: DynamoDBLedgerOptions) {
    super();
    // DynamoDBDocumentClient.from() stores its options on the client's shared config, so another
    // document client made from the same client later can change them: every value is also
    // passed through plain(), which drops undefined values. Numbers are written and read as
    // JavaScript numbers, those beyond 2^53 included (an alarm's datapoint: a byte count), which
    // the marshaller otherwise refuses to write and reads back as BigInt.
    this.documents =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client, {
            marshallOptions: { removeUndefinedValues: true, allowImpreciseNumbers: true },
            unmarshallOptions: { wrapNumbers: (text: string) => Number(text) },
          });
    this.table = options.tableName;
    this.#retentionDays = options.retentionDays;
  }

  async read(target: string): Promise<TargetState | null> {
    return (await this.#readItem(target))?.state ?? null;
  }

  protected async store(
    next: TargetState,
    expectedVersion: number,
    records: readonly DecisionRecord[],
  ): Promise<WriteResult> {
    const target = next.target;
    const plan = planOutbox(await this.#outboxAt(target, expectedVersion), plain(records));
    // The log first, then the write that removes the drained records from the outbox: a crash in
    // between leaves them in both places (decisions() shows them once), never in neither.
    const drained = await this.#drain(target, plan.drain);
    const outbox = plan.keep(drained);
    // Marks this very write: when its reply is lost and the SDK retries a write that already
    // landed, the retry's failed condition is told from another invocation's write by it.
    const writeToken = randomUUID();
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...plain(next), pk: targetKey(target), sk: STATE_SORT_KEY, outbox, writeToken },
          ...(expectedVersion === 0
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : {
                ConditionExpression: "#version = :expected",
                ExpressionAttributeNames: { "#version": "version" },
                ExpressionAttributeValues: { ":expected": expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (errorName(error) !== "ConditionalCheckFailedException") throw error;
      // One read, on a conflict only: our own write, landed on an attempt whose reply was lost, is
      // a success; anything else is another decision's write.
      if (!(await this.#landed(target, next.version, writeToken))) {
        throw new LedgerConflictError(target, expectedVersion, { cause: error });
      }
    }
    this.#remember(target, next.version, outbox);
    return { drained: drained.size, outbox: outbox.length };
  }

  async decisions(target: string, options: { limit?: number } = {}): Promise<DecisionRecord[]> {
    const limit = options.limit ?? DEFAULT_DECISIONS_LIMIT;
    if (limit < 1) return [];
    // The outbox before the log: a record reaches the log before it leaves the outbox, so in this
    // order a concurrent drain cannot hide it from both reads.
    const outbox = (await this.#readItem(target))?.outbox ?? [];
    const log: DecisionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": targetKey(target), ":prefix": DECISION_PREFIX },
          ScanIndexForward: false, // newest first, so that Limit keeps the newest
          Limit: limit - log.length,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      log.push(...(page.Items ?? []).map(recordOf));
      start = page.LastEvaluatedKey;
    } while (start && log.length < limit);
    return mergeDecisions(log, outbox, limit);
  }

  async targets(): Promise<string[]> {
    throw new Error("listing every target is the operator's Scan: use DynamoDBLedger");
  }

  async claimStateChange(claim: StateChangeClaim): Promise<boolean> {
    const status: ClaimStatus = "IN_PROGRESS";
    try {
      // The condition is claimable()'s (ports/ledger.ts). A retried put whose first attempt landed
      // meets its own claim, in progress under the same owner, and succeeds again.
      await this.documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: claimKey(claim.key),
            sk: CLAIM_SORT_KEY,
            owner: claim.owner,
            status,
            inProgressUntil: claim.inProgressUntil.getTime(),
            [TTL_ATTRIBUTE]: Math.ceil(claim.keepUntil.getTime() / 1000),
          },
          ConditionExpression:
            "attribute_not_exists(pk) OR #expires <= :nowSeconds OR (#status = :inProgress AND (#owner = :owner OR #until <= :now))",
          ExpressionAttributeNames: {
            "#expires": TTL_ATTRIBUTE,
            "#status": "status",
            "#owner": "owner",
            "#until": "inProgressUntil",
          },
          ExpressionAttributeValues: {
            ":nowSeconds": Math.floor(claim.now.getTime() / 1000),
            ":inProgress": status,
            ":owner": claim.owner,
            ":now": claim.now.getTime(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (errorName(error) === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  async settleStateChange(key: string, owner: string, outcome: "completed" | "released"): Promise<void> {
    const Key = { pk: claimKey(key), sk: CLAIM_SORT_KEY };
    const owned = {
      ConditionExpression: "#owner = :owner",
      ExpressionAttributeNames: { "#owner": "owner" },
      ExpressionAttributeValues: { ":owner": owner },
    };
    const completed: ClaimStatus = "COMPLETED";
    try {
      await this.documents.send(
        outcome === "released"
          ? new DeleteCommand({ TableName: this.table, Key, ...owned })
          : new UpdateCommand({
              TableName: this.table,
              Key,
              UpdateExpression: "SET #status = :completed",
              ConditionExpression: owned.ConditionExpression,
              ExpressionAttributeNames: { ...owned.ExpressionAttributeNames, "#status": "status" },
              ExpressionAttributeValues: { ...owned.ExpressionAttributeValues, ":completed": completed },
            }),
      );
    } catch (error) {
      // Another invocation took the claim over (this one was presumed dead): it is theirs now.
      if (errorName(error) !== "ConditionalCheckFailedException") throw error;
    }
  }

  async #readItem(target: string): Promise<StateItem | null> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: targetKey(target), sk: STATE_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    if (!Item) return null;
    const { pk, sk, outbox, writeToken, ...state } = Item;
    const stored: StateItem = { state: state as TargetState, outbox: (outbox ?? []) as DecisionRecord[] };
    this.#remember(target, stored.state.version, stored.outbox);
    return plain(stored);
  }

  /** Whether the state item holds the write made with `writeToken` at `version`. */
  async #landed(target: string, version: number, writeToken: string): Promise<boolean> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: targetKey(target), sk: STATE_SORT_KEY },
        ConsistentRead: true,
        ProjectionExpression: "#version, writeToken",
        ExpressionAttributeNames: { "#version": "version" },
      }),
    );
    return Item?.version === version && Item?.writeToken === writeToken;
  }

  /** The outbox stored at `version`; throws LedgerConflictError when the item is past it. */
  async #outboxAt(target: string, version: number): Promise<DecisionRecord[]> {
    if (version === 0) return [];
    const known = this.#outboxes.get(target);
    if (known?.version === version) return known.outbox;
    // Not seen by this instance (a write without a read): one more read, which also spares a
    // write that would fail.
    const item = await this.#readItem(target);
    if (item?.state.version !== version) throw new LedgerConflictError(target, version);
    return item.outbox;
  }

  #remember(target: string, version: number, outbox: DecisionRecord[]): void {
    const known = this.#outboxes.get(target);
    if (!known || known.version <= version) this.#outboxes.set(target, { version, outbox: plain(outbox) });
  }

  /**
   * One BatchWriteItem of settled records into the log. Best effort: what DynamoDB leaves
   * unprocessed, or a failed call, stays in the outbox for the next drain. Returns the ids taken.
   */
  async #drain(target: string, records: readonly DecisionRecord[]): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    const items = records.map((record) => logItem(target, record, this.#retentionDays));
    try {
      const { UnprocessedItems } = await this.documents.send(
        new BatchWriteCommand({
          RequestItems: { [this.table]: items.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      const left = new Set((UnprocessedItems?.[this.table] ?? []).map((w) => String(w.PutRequest?.Item?.id)));
      return new Set(records.map((r) => r.id).filter((id) => !left.has(id)));
    } catch (error) {
      // A malformed item is a bug to surface; throttling or an outage only delays the drain.
      if (errorName(error) === "ValidationException") throw error;
      return new Set();
    }
  }
}

/** The ledger as the command line uses it: the functions' ledger, and every target through a Scan. */
export class DynamoDBLedger extends DynamoDBDecisionLedger {
  override async targets(): Promise<string[]> {
    const targets: string[] = [];
    // A Scan reads the log too; fine for an operator's pause --all, not for the hot path.
    const pages = paginateScan(
      { client: this.documents },
      {
        TableName: this.table,
        FilterExpression: "sk = :state",
        ProjectionExpression: "#target",
        ExpressionAttributeNames: { "#target": "target" },
        ExpressionAttributeValues: { ":state": STATE_SORT_KEY },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) targets.push(String(item.target));
    return targets.sort();
  }
}

/**
 * Creates the ledger's table where it is missing (PAY_PER_REQUEST: decisions come in bursts),
 * waits until it is ACTIVE, and switches TTL on for the log. Reports whether it created the table
 * and whether TTL is on: dynalite, and some emulators, have no UpdateTimeToLive, and the log then
 * simply does not expire.
 */
export async function createLedgerTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<{ created: boolean; timeToLive: boolean }> {
  const exists = await client.send(new DescribeTableCommand({ TableName: tableName })).then(
    () => true,
    (error: unknown) => {
      if (errorName(error) === "ResourceNotFoundException") return false;
      throw error;
    },
  );
  let created = false;
  if (!exists) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          ...LEDGER_KEYS,
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      created = true;
    } catch (raced) {
      // Another invocation created it meanwhile.
      if (errorName(raced) !== "ResourceInUseException") throw raced;
    }
  }
  await waitUntilActive(client, tableName);
  return { created, timeToLive: await enableTimeToLive(client, tableName) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls DescribeTable until the table is ACTIVE. Not the SDK's waiter: its first retry waits at
 * least a second, which an emulator's instant tables would pay on every test.
 */
async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 2_000)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    if (Date.now() > deadline)
      throw new Error(`ledger: table ${tableName} is not ACTIVE after ${timeoutMs} ms`);
    await sleep(delay);
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    const { TimeToLiveDescription: ttl } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    const on = ttl?.TimeToLiveStatus === "ENABLED" || ttl?.TimeToLiveStatus === "ENABLING";
    if (on && ttl?.AttributeName === TTL_ATTRIBUTE) return true;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
      }),
    );
    return true;
  } catch (error) {
    if (errorName(error) === "UnknownOperationException") return false;
    throw error;
  }
}
