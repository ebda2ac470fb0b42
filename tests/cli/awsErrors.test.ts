/**
 * AWS's and the network's errors end a command with one line, as the AWS CLI words them, naming
 * the operation, the error code and what to do: exit 1, no stack unless --debug. The ledger's
 * DynamoDB is dynalite (a missing table and an endpoint that refuses are real); access denied and
 * throttling are injected by SDK middleware in front of it, inside the SDK's retries.
 */
import { createServer } from "node:net";
import { DynamoDBClient, DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { createLedgerTable } from "../../shared/adapters/ledger/dynamodb.js";
import { VIRTWAY_CONFIG } from "../support/config.js";
import { type Dynalite, dynamoClient, startDynalite } from "../support/dynalite.js";
import { type Fault, injectFault, throttling } from "../support/dynamoFaults.js";

let dynamo: Dynalite;
const saved = { ...process.env };

beforeAll(async () => {
  dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, "errors-test");
});
afterAll(() => dynamo.stop());
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

const LIVE_ENV = {
  LEDGER_TABLE: "errors-test",
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
  AWS_SECRET_ACCESS_KEY: "fake",
};

/** `ledger <args>` on the tests' configuration, with the environment given and, optionally, a fault. */
async function ledgerCommand(
  env: Record<string, string>,
  args: string[] = [],
  fault?: Fault,
  client: () => DynamoDBClient = () =>
    dynamoClient(process.env.AWS_ENDPOINT_URL ?? dynamo.endpoint, { region: "eu-west-1" }),
) {
  Object.assign(process.env, env);
  let out = "";
  let err = "";
  const io = {
    out: (t: string) => {
      out += `${t}\n`;
    },
    err: (t: string) => {
      err += `${t}\n`;
    },
  };
  const aws = {
    dynamoDB: () => {
      const made = client();
      if (fault) injectFault(made, fault);
      return made;
    },
  };
  const code = await main(["ledger", "virtway-readers", "--config", VIRTWAY_CONFIG, ...args], io, aws);
  return { code, out, err };
}

/** One line on standard error, and no stack. */
function oneLine(err: string): string {
  const lines = err.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

describe("AWS's errors, as the AWS CLI words them", () => {
  it("a table that does not exist: the operation, ResourceNotFoundException and what to do", async () => {
    const { code, out, err } = await ledgerCommand({
      ...LIVE_ENV,
      LEDGER_TABLE: "no-such-table",
      AWS_ENDPOINT_URL: dynamo.endpoint,
    });
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(oneLine(err)).toMatch(
      /^surge-brain: An error occurred \(ResourceNotFoundException\) when calling the (GetItem|Query) operation: .+\. the ledger's table does not exist in this region: check LEDGER_TABLE and AWS_REGION/,
    );
  });

  it("access denied: the operation, the code and AWS's message, and where the permissions are listed", async () => {
    const { code, err } = await ledgerCommand({ ...LIVE_ENV, AWS_ENDPOINT_URL: dynamo.endpoint }, [], {
      operation: "GetItem",
      // DynamoDB's models leave it out, as every service's: a service exception by name.
      error: () =>
        new DynamoDBServiceException({
          name: "AccessDeniedException",
          $fault: "client",
          message:
            "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/errors-test",
          $metadata: { httpStatusCode: 400 },
        }),
    });
    expect(code).toBe(1);
    expect(oneLine(err)).toBe(
      "surge-brain: An error occurred (AccessDeniedException) when calling the GetItem operation: User: arn:aws:iam::123456789012:user/ops is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/errors-test. the credentials in use are not allowed this call: grant it (docs/deploy.md lists the permissions) or use other credentials (AWS_PROFILE)",
    );
  });

  it("throttling after the SDK's retries: how many, and to try again later", async () => {
    const fault: Fault = { operation: "GetItem", error: throttling };
    // Two attempts rather than the default's three: the backoff before each is the SDK's own.
    const { code, err } = await ledgerCommand({ ...LIVE_ENV }, [], fault, () =>
      dynamoClient(dynamo.endpoint, { region: "eu-west-1", maxAttempts: 2 }),
    );
    expect(code).toBe(1);
    expect(oneLine(err)).toMatch(
      /^surge-brain: An error occurred \(ProvisionedThroughputExceededException\) when calling the GetItem operation \(reached max retries: 1\): .+\. AWS kept throttling the calls: wait a moment and run the command again$/,
    );
  });

  it("an endpoint that cannot be reached: the URL, the operation, and what to check", async () => {
    // A port just freed: nothing listens on it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const { code, err } = await ledgerCommand({ ...LIVE_ENV, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(oneLine(err)).toMatch(
      new RegExp(
        `^surge-brain: Could not connect to the endpoint URL: "http://127\\.0\\.0\\.1:${port}/" when calling the (GetItem|Query) operation \\(ECONNREFUSED\\): check the network, AWS_REGION and AWS_ENDPOINT_URL$`,
      ),
    );
  });

  it("no credentials anywhere: Unable to locate credentials, and how to configure them", async () => {
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"])
      delete process.env[key];
    // Nor in files, nor from the instance metadata service.
    const { code, err } = await ledgerCommand(
      {
        LEDGER_TABLE: "errors-test",
        AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
        AWS_CONFIG_FILE: "/nonexistent/config",
        AWS_EC2_METADATA_DISABLED: "true",
      },
      [],
      undefined,
      () => new DynamoDBClient({ region: "eu-west-1", endpoint: dynamo.endpoint }),
    );
    expect(code).toBe(1);
    expect(oneLine(err)).toMatch(
      /^surge-brain: Unable to locate credentials when calling the (GetItem|Query) operation\. Configure them: aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY$/,
    );
  });

  it("--debug adds the stack", async () => {
    const { code, err } = await ledgerCommand(
      { ...LIVE_ENV, LEDGER_TABLE: "no-such-table", AWS_ENDPOINT_URL: dynamo.endpoint },
      ["--debug"],
    );
    expect(code).toBe(1);
    expect(err).toMatch(/^surge-brain: An error occurred \(ResourceNotFoundException\)/);
    expect(err).toMatch(/\nResourceNotFoundException: .*\n\s+at /);
  });
});
