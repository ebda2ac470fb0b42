/**
 * Fault injection in front of dynalite: SDK middleware that fails chosen calls before they leave
 * the client. It sits inside the SDK's retry loop (finalizeRequest, low priority, after the
 * retry middleware), so that every attempt meets it and retries behave as against AWS.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";

export type Fault = {
  /** DynamoDB's operation name, as in the X-Amz-Target header: "PutItem", "BatchWriteItem"... (absent: every one) */
  operation?: string;
  /** Only calls whose wire input (the request's JSON body) matches. */
  when?: (input: Record<string, unknown>) => boolean;
  /** How many matching attempts fail (default: all of them). */
  times?: number;
  /**
   * Fail after the call reached DynamoDB and was applied: the reply is lost (a timeout, a 500 on
   * the way back), so the SDK retries a write that already landed.
   */
  afterApplied?: boolean;
  error: () => Error;
};

export type InjectedFault = {
  /** Matching attempts seen so far (failed or let through). */
  readonly seen: number;
  /** Attempts failed so far. */
  readonly failed: number;
  remove(): void;
};

/** The sort key of the item a call names (its Item's or its Key's), as the wire carries it. */
const sortKeyOf = (input: Record<string, unknown>): string | undefined => {
  const item = (input.Item ?? input.Key) as { sk?: { S?: string } } | undefined;
  return item?.sk?.S;
};

/**
 * A conditional write of a target's state item: the ledger's state write, not the log's
 * BatchWriteItem nor a state change's claim.
 */
export const conditional = (input: Record<string, unknown>): boolean =>
  "ConditionExpression" in input && sortKeyOf(input) === "STATE";

/** A write of a state change's claim (its conditional PutItem, its UpdateItem or DeleteItem). */
export const claimWrite = (input: Record<string, unknown>): boolean => sortKeyOf(input) === "CLAIM";

export const throttling = (): Error =>
  new ProvisionedThroughputExceededException({
    message: "injected: the level of configured provisioned throughput for the table was exceeded",
    $metadata: { httpStatusCode: 400 },
  });

export const conditionalCheckFailed = (): Error =>
  new ConditionalCheckFailedException({
    message: "injected: the conditional request failed",
    $metadata: { httpStatusCode: 400 },
  });

let counter = 0;

/** "DynamoDB_20120810.PutItem" → "PutItem": the X-Amz-Target header names the operation. */
const operationOf = (request: unknown): string | undefined =>
  (request as { headers?: Record<string, string> }).headers?.["x-amz-target"]?.split(".")[1];

/** The request's JSON body: a string, or bytes in recent SDKs. */
function inputOf(request: unknown): Record<string, unknown> {
  const body = (request as { body?: unknown }).body;
  const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : body;
  return typeof text === "string" ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export function injectFault(client: DynamoDBClient, fault: Fault): InjectedFault {
  const name = `injectedFault${++counter}`;
  let seen = 0;
  let failed = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = inputOf(args.request);
      const operation = operationOf(args.request);
      if ((fault.operation ?? operation) === operation && (fault.when?.(input) ?? true)) {
        seen++;
        if (fault.times === undefined || failed < fault.times) {
          failed++;
          if (fault.afterApplied) await next(args);
          throw fault.error();
        }
      }
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name },
  );
  return {
    get seen() {
      return seen;
    },
    get failed() {
      return failed;
    },
    remove: () => void client.middlewareStack.remove(name),
  };
}

/** Records the DynamoDB operation of every attempt the client sends (retries included). */
export function recordCalls(client: DynamoDBClient): { calls: string[]; remove(): void } {
  const calls: string[] = [];
  const name = `recordCalls${++counter}`;
  client.middlewareStack.add(
    (next) => async (args) => {
      calls.push(operationOf(args.request) ?? "?");
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name },
  );
  return { calls, remove: () => void client.middlewareStack.remove(name) };
}
