/**
 * What one alarm delivery costs in calls: every attempt the DynamoDB client sends to the ledger and
 * every call the scaled services' clients make, in one ordered trace, by SDK middleware on the
 * clients themselves (nothing in the brain is told it is counted). A delivery's trace is split at
 * its AWS call, the first call that changes something (SetDesiredCapacity, CreateDBInstance,
 * ModifyDBCluster…): what the ledger did before it, and after.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AwsClients } from "../../shared/adapters/aws/clients.js";

/** DynamoDB's operations that read, and those that write (conditional or not). */
const LEDGER_READS = new Set(["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"]);
const LEDGER_WRITES = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
]);
/** The AWS calls that change something; every other one reads. */
const MUTATING = /^(Create|Delete|Modify|Set|Update|Put|Register|Deregister|Suspend|Resume|Start|Stop)/;

export type TracedCall =
  | {
      kind: "ledger";
      /** DynamoDB's operation, as the X-Amz-Target header names it. */
      operation: string;
      /** A write carrying a ConditionExpression. */
      conditional: boolean;
      /** The item's sort key (STATE: a target's state; CLAIM: a state change's own item). */
      item: string | null;
    }
  | { kind: "aws"; service: string; operation: string; mutating: boolean };

export type CallTrace = {
  /** Every call since the last reset, in the order the clients sent them. */
  readonly calls: TracedCall[];
  reset(): void;
};

type Stack = {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: string; name: string; priority: string },
  ): void;
};

/** The request's JSON body, as DynamoDB's wire carries it. */
function bodyOf(request: { body?: unknown }): Record<string, unknown> {
  const text = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : request.body;
  return typeof text === "string" ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The sort key of the item a call names (its Item's or its Key's). */
function itemOf(input: Record<string, unknown>): string | null {
  const item = (input.Item ?? input.Key) as { sk?: { S?: string } } | undefined;
  const sk = item?.sk?.S;
  if (sk === undefined) return null;
  return sk.startsWith("DECISION#") ? "DECISION" : sk;
}

/**
 * Traces the ledger's client and the scaled services' clients. The ledger's calls are counted per
 * attempt (finalizeRequest, after the SDK's retries), as DynamoDB bills them; the AWS calls as the
 * commands are sent (initialize): add the trace before a simulated account is attached, so that
 * it sees the calls the account answers.
 */
export function traceCalls(ledger: DynamoDBClient, clients: AwsClients): CallTrace {
  const calls: TracedCall[] = [];
  (ledger.middlewareStack as unknown as Stack).add(
    (next) => async (args) => {
      const request = (args as { request: { headers?: Record<string, string>; body?: unknown } }).request;
      const input = bodyOf(request);
      calls.push({
        kind: "ledger",
        operation: request.headers?.["x-amz-target"]?.split(".")[1] ?? "?",
        conditional: "ConditionExpression" in input,
        item: itemOf(input),
      });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "benchLedgerTrace" },
  );
  for (const client of Object.values(clients)) {
    const service = (client.config as { serviceId: string }).serviceId;
    (client.middlewareStack as unknown as Stack).add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? "").replace(/Command$/, "");
        calls.push({ kind: "aws", service, operation, mutating: MUTATING.test(operation) });
        return next(args);
      },
      { step: "initialize", priority: "high", name: "benchAwsTrace" },
    );
  }
  return { calls, reset: () => void calls.splice(0) };
}

/** What a stretch of a delivery cost: ledger reads and writes (those conditional among them), AWS calls. */
export type CallCount = {
  ledgerReads: number;
  ledgerWrites: number;
  conditionalWrites: number;
  awsCalls: number;
};

export function countCalls(calls: readonly TracedCall[]): CallCount {
  const ledger = calls.filter((c) => c.kind === "ledger");
  return {
    ledgerReads: ledger.filter((c) => LEDGER_READS.has(c.operation)).length,
    ledgerWrites: ledger.filter((c) => LEDGER_WRITES.has(c.operation)).length,
    conditionalWrites: ledger.filter((c) => LEDGER_WRITES.has(c.operation) && c.conditional).length,
    awsCalls: calls.length - ledger.length,
  };
}

/**
 * A delivery's calls split at its AWS call (the first that changes something): before it, the call
 * itself (null when none was made: held back, a duplicate), and after it.
 */
export function splitAtAction(calls: readonly TracedCall[]): {
  before: TracedCall[];
  action: TracedCall | null;
  after: TracedCall[];
} {
  const at = calls.findIndex((c) => c.kind === "aws" && c.mutating);
  if (at < 0) return { before: [...calls], action: null, after: [] };
  return { before: calls.slice(0, at), action: calls[at] ?? null, after: calls.slice(at + 1) };
}

/** A call as a short name: `GetItem STATE`, `PutItem? CLAIM` (conditional), `Auto Scaling SetDesiredCapacity`. */
export function callName(call: TracedCall): string {
  if (call.kind === "aws") return `${call.service} ${call.operation}`;
  return `${call.operation}${call.conditional ? "?" : ""}${call.item ? ` ${call.item}` : ""}`;
}
