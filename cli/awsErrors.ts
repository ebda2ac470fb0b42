/**
 * AWS's and the network's errors as the AWS CLI words them, on one line with what to do:
 * `An error occurred (ResourceNotFoundException) when calling the GetItem operation: …`,
 * `Unable to locate credentials …`, `Could not connect to the endpoint URL: "…"`
 * (botocore's ClientError, NoCredentialsError and EndpointConnectionError). The SDK's errors do
 * not say which operation failed, nor where it was sent: `nameOperations` adds a middleware to
 * each client the command line makes that writes both on the error.
 */
import type { Client } from "@smithy/types";

/** What nameOperations writes on an error that leaves a client. */
type Named = { $operation?: string; $endpoint?: string };

type SdkError = Error &
  Named & {
    code?: string;
    $fault?: "client" | "server";
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };

// biome-ignore lint/suspicious/noExplicitAny: every SDK client, whatever its commands' types.
type AnyClient = Client<any, any, any>;

/**
 * Adds to a client the middleware that names, on any error it throws, the operation
 * (`GetItem`) and the endpoint the request was sent to.
 */
export function nameOperations<C extends AnyClient>(client: C): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error) {
          const named = error as Named;
          named.$operation ??= context.commandName?.replace(/Command$/, "");
          named.$endpoint ??= (context as { surgeBrainEndpoint?: string }).surgeBrainEndpoint;
        }
        throw error;
      }
    },
    { step: "initialize", priority: "high", name: "surgeBrainNameOperations" },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as
        | { protocol?: string; hostname?: string; port?: number; path?: string }
        | undefined;
      if (request?.hostname) {
        (context as { surgeBrainEndpoint?: string }).surgeBrainEndpoint =
          `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}${request.path ?? "/"}`;
      }
      return next(args);
    },
    { step: "build", priority: "low", name: "surgeBrainEndpoint" },
  );
  return client;
}

const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "LimitExceededException",
]);

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedException",
]);

const BAD_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidAccessKeyId",
]);

/** The error, or the first in its chain of causes, that came from AWS or the network. */
function awsErrorIn(error: unknown): SdkError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const s = e as SdkError;
    if (s.$metadata !== undefined || s.$operation !== undefined || s.name === "CredentialsProviderError")
      return s;
    if (typeof s.code === "string" && NETWORK_CODES.has(s.code)) return s;
  }
  return undefined;
}

/** What to do, for the errors people meet most. */
function advice(code: string, operation: string | undefined): string {
  if (code === "ResourceNotFoundException" && operation !== undefined && DYNAMODB_OPS.has(operation))
    return "the ledger's table does not exist in this region: check LEDGER_TABLE and AWS_REGION (`invoke … --live --create-table` creates it)";
  if (ACCESS_DENIED.has(code))
    return "the credentials in use are not allowed this call: grant it (docs/deploy.md lists the permissions) or use other credentials (AWS_PROFILE)";
  if (BAD_CREDENTIALS.has(code))
    return "the credentials are not valid (wrong, expired or for another partition): refresh them, or check AWS_PROFILE and AWS_ACCESS_KEY_ID";
  if (THROTTLING.has(code)) return "AWS kept throttling the calls: wait a moment and run the command again";
  return "";
}

const DYNAMODB_OPS = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchWriteItem",
  "BatchGetItem",
  "DescribeTable",
  "CreateTable",
  "UpdateTimeToLive",
  "DescribeTimeToLive",
  "TransactWriteItems",
]);

/**
 * The one line for an error from AWS or the network, as the AWS CLI words it, with what to do;
 * undefined for any other error.
 */
export function describeAwsError(error: unknown): string | undefined {
  const e = awsErrorIn(error);
  if (e === undefined) return undefined;
  const operation = e.$operation;
  const calling = operation ? ` when calling the ${operation} operation` : "";
  if (e.name === "CredentialsProviderError" || /Could not load credentials/.test(e.message))
    return `Unable to locate credentials${calling}. Configure them: aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  if (/Region is missing/i.test(e.message))
    return `You must specify a region${calling}: set AWS_REGION (or the profile's region)`;
  const network = typeof e.code === "string" && NETWORK_CODES.has(e.code) ? e.code : undefined;
  if (network !== undefined || (e.$metadata?.httpStatusCode === undefined && e.name === "TimeoutError")) {
    const where = e.$endpoint ? `: "${e.$endpoint}"` : "";
    return `Could not connect to the endpoint URL${where}${calling} (${network ?? e.name}): check the network, AWS_REGION and AWS_ENDPOINT_URL`;
  }
  const code = e.name;
  const attempts = e.$metadata?.attempts;
  const retries = attempts !== undefined && attempts > 1 ? ` (reached max retries: ${attempts - 1})` : "";
  const message = e.message.replace(/\s+/g, " ").trim();
  const todo = advice(code, operation);
  return `An error occurred (${code})${calling}${retries}: ${message || code}${todo ? `. ${todo}` : ""}`;
}
