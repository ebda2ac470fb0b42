/**
 * The AWS actions a function's bundle can send, read from the bundle itself: esbuild bundles the
 * entry point as the deployment does (the SDK's ES modules, tree-shaken), and in what remains of
 * each of the project's files every SDK command constructed (`new XCommand(`) or paginated
 * (`paginateX(`) is an action, named by the package the file imports it from.
 */
import { readFileSync } from "node:fs";
import { build } from "esbuild";

/** The IAM service prefix of each SDK package the project imports commands from. */
const SERVICE_PREFIX: Record<string, string> = {
  "@aws-sdk/client-application-auto-scaling": "application-autoscaling",
  "@aws-sdk/client-auto-scaling": "autoscaling",
  "@aws-sdk/client-cloudwatch": "cloudwatch",
  "@aws-sdk/client-dynamodb": "dynamodb",
  "@aws-sdk/client-rds": "rds",
  "@aws-sdk/client-ssm": "ssm",
  "@aws-sdk/lib-dynamodb": "dynamodb",
};

/** The document client's commands, named after the DynamoDB operations they send. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: "GetItem",
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  BatchGet: "BatchGetItem",
  BatchWrite: "BatchWriteItem",
  TransactGet: "TransactGetItems",
  TransactWrite: "TransactWriteItems",
};

/**
 * The actions AWS authorises besides an operation's own: CreateDBInstance with Tags is also
 * authorised as AddTagsToResource
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/security_iam_id-based-policy-examples-grant-permissions-tags-on-create.html).
 */
export const ALSO_AUTHORISED: Record<string, readonly string[]> = {
  "rds:CreateDBInstance": ["rds:AddTagsToResource"],
};

/** The bundle of an entry point, as serverless.yml's custom.esbuild builds it (less the minifying). */
export async function bundleOf(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** Each of the project's files in a bundle, with what the bundle kept of it. */
export function projectFilesOf(bundle: string): Map<string, string> {
  const files = new Map<string, string>();
  const marks = [...bundle.matchAll(/^\/\/ (\S+)$/gm)];
  marks.forEach((mark, i) => {
    const file = mark[1] as string;
    if (file.startsWith("node_modules/") || !file.endsWith(".ts")) return;
    const end = marks[i + 1]?.index ?? bundle.length;
    files.set(file, (files.get(file) ?? "") + bundle.slice(mark.index, end));
  });
  return files;
}

/** The SDK names a source file imports, by the package they come from (type-only imports left out). */
export function sdkImportsOf(source: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)"/g)) {
    for (const part of (m[1] as string).split(",")) {
      const spec = part.trim();
      if (spec === "" || spec.startsWith("type ")) continue;
      const local = spec.split(/\s+as\s+/).pop() as string;
      names.set(local, m[2] as string);
    }
  }
  return names;
}

/** The IAM action of a command or paginator imported from `pkg`; null for anything else. */
export function actionOf(name: string, pkg: string): string | null {
  const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
  if (!operation) return null;
  const prefix = SERVICE_PREFIX[pkg];
  if (!prefix)
    throw new Error(
      `${name} comes from ${pkg}, whose IAM service prefix tests/support/sdkCalls.ts does not know`,
    );
  const action = pkg === "@aws-sdk/lib-dynamodb" ? (DOCUMENT_COMMANDS[operation] ?? operation) : operation;
  return `${prefix}:${action}`;
}

/** The actions an entry point's bundle can send, each with the files that send it. */
export async function sdkCallsOf(entry: string): Promise<Map<string, string[]>> {
  const calls = new Map<string, string[]>();
  for (const [file, kept] of projectFilesOf(await bundleOf(entry))) {
    for (const [name, pkg] of sdkImportsOf(readFileSync(file, "utf8"))) {
      const action = actionOf(name, pkg);
      // Bundling may rename an import (`QueryCommand2`); a use is a construction or a call.
      if (action && new RegExp(`\\b(new\\s+)?${name}\\d*\\(`).test(kept)) {
        calls.set(action, [...(calls.get(action) ?? []), file]);
      }
    }
  }
  return calls;
}
