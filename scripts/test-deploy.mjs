// `npm run test:deploy`: packages serverless.yml offline (`npm run package`, osls with
// serverless-esbuild), lints the CloudFormation it writes with cfn-lint, then checks what the
// deployment promises (docs/deploy.md): each function with its handler and trigger, the ledger
// table, the alarm-action permission, IAM without wildcard actions, and bundles that load.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inflateRawSync } from "node:zlib";

if (spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error("test:deploy needs cfn-lint (pip install cfn-lint), which this machine does not have.");
  process.exit(1);
}

/** The functions of serverless.yml, by their logical ids (osls names them <Name>LambdaFunction). */
const FUNCTIONS = { alarm: "AlarmLambdaFunction", tick: "TickLambdaFunction" };

const OUT = ".serverless";
const TEMPLATES = [
  `${OUT}/cloudformation-template-update-stack.json`,
  `${OUT}/cloudformation-template-create-stack.json`,
];

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(
      `test:deploy: ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(1);
  }
}

const missing = Object.keys(FUNCTIONS).filter((name) => !existsSync(`functions/${name}.ts`));
if (missing.length > 0) {
  for (const name of missing)
    console.error(
      `test:deploy: functions/${name}.ts is missing (serverless.yml packages it as the ${name} function).`,
    );
  process.exit(1);
}
run("npm", ["run", "package"]);
run("cfn-lint", ["--", ...TEMPLATES]);
console.log(`cfn-lint: no errors or warnings in ${TEMPLATES.join(", ")}`);

const template = JSON.parse(readFileSync(TEMPLATES[0], "utf8"));
const resources = template.Resources;
const ofType = (type) => Object.entries(resources).filter(([, r]) => r.Type === type);
const targets = (rule) => rule.Properties.Targets.map((t) => t.Arn["Fn::GetAtt"]?.[0]);

/** Every action the functions may take besides writing their logs; a new one is a deliberate change. */
const ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
  "dynamodb:BatchWriteItem",
  "dynamodb:Scan",
  "dynamodb:DescribeTable",
  "rds:DescribeDBClusters",
  "rds:DescribeDBInstances",
  "rds:CreateDBInstance",
  "rds:AddTagsToResource",
  "rds:ModifyDBCluster",
  "rds:DeleteDBInstance",
  "autoscaling:DescribeAutoScalingGroups",
  "autoscaling:DescribePolicies",
  "autoscaling:SetDesiredCapacity",
  "autoscaling:PutScalingPolicy",
  "application-autoscaling:DescribeScalableTargets",
  "application-autoscaling:RegisterScalableTarget",
  "cloudwatch:GetMetricData",
];

const checks = {
  "each function has its handler, runtime, architecture and LEDGER_TABLE"() {
    for (const [name, id] of Object.entries(FUNCTIONS)) {
      const fn = resources[id];
      assert.equal(fn?.Type, "AWS::Lambda::Function", `no function ${name} (${id})`);
      assert.equal(fn.Properties.Handler, `functions/${name}.handler`);
      assert.equal(fn.Properties.Runtime, "nodejs22.x");
      assert.deepEqual(fn.Properties.Architectures, ["arm64"]);
      assert.deepEqual(fn.Properties.Environment.Variables.LEDGER_TABLE, { Ref: "LedgerTable" });
    }
  },
  "the ledger table: pk/sk, on demand, TTL on expiresAt, point-in-time recovery"() {
    const table = resources.LedgerTable;
    assert.equal(table?.Type, "AWS::DynamoDB::Table");
    const p = table.Properties;
    assert.deepEqual(p.KeySchema, [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    assert.deepEqual(p.AttributeDefinitions, [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ]);
    assert.equal(p.BillingMode, "PAY_PER_REQUEST");
    assert.deepEqual(p.TimeToLiveSpecification, { AttributeName: "expiresAt", Enabled: true });
    assert.deepEqual(p.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  },
  "alarm: from the SNS topic"() {
    const subscriptions = ofType("AWS::SNS::Subscription").map(([, s]) => s.Properties);
    assert.ok(
      subscriptions.some(
        (s) =>
          s.Protocol === "lambda" &&
          s.TopicArn?.Ref === "AlarmTopic" &&
          s.Endpoint["Fn::GetAtt"]?.[0] === FUNCTIONS.alarm,
      ),
      "no subscription of the alarm function to AlarmTopic",
    );
    assert.equal(resources.AlarmTopic?.Type, "AWS::SNS::Topic");
    assert.ok(permissionFor(FUNCTIONS.alarm, "sns.amazonaws.com"), "SNS may not invoke the alarm function");
  },
  "alarm: from the EventBridge rule on CloudWatch Alarm State Change"() {
    const rules = ofType("AWS::Events::Rule").filter(
      ([, r]) =>
        JSON.stringify(r.Properties.EventPattern) ===
        JSON.stringify({ source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] }),
    );
    assert.equal(rules.length, 1, "one rule with the alarm state change pattern");
    assert.deepEqual(targets(rules[0][1]), [FUNCTIONS.alarm]);
    assert.equal(rules[0][1].Properties.State, "ENABLED");
    assert.ok(permissionFor(FUNCTIONS.alarm, "events.amazonaws.com"), "EventBridge may not invoke alarm");
  },
  "alarm: as an alarm's own action, from this account's alarms"() {
    const permission = permissionFor(FUNCTIONS.alarm, "lambda.alarms.cloudwatch.amazonaws.com");
    assert.ok(permission, "CloudWatch alarms may not invoke the alarm function");
    assert.equal(permission.Action, "lambda:InvokeFunction");
    assert.deepEqual(permission.SourceAccount, { Ref: "AWS::AccountId" });
  },
  "tick: every minute"() {
    const rules = ofType("AWS::Events::Rule").filter(([, r]) => r.Properties.ScheduleExpression);
    assert.equal(rules.length, 1, "one schedule");
    assert.equal(rules[0][1].Properties.ScheduleExpression, "rate(1 minute)");
    assert.deepEqual(targets(rules[0][1]), [FUNCTIONS.tick]);
    assert.ok(permissionFor(FUNCTIONS.tick, "events.amazonaws.com"), "EventBridge may not invoke tick");
  },
  "IAM: no wildcard action, and only the actions docs/deploy.md explains"() {
    const statements = ofType("AWS::IAM::Role").flatMap(([, role]) =>
      (role.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement),
    );
    assert.ok(statements.length > 0, "no IAM statement found");
    for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"])
      assert.equal(ofType(type).length, 0, `unexpected ${type}`);
    const actions = statements.flatMap((s) => {
      assert.equal(s.NotAction, undefined, "NotAction grants everything else");
      return [s.Action].flat();
    });
    for (const action of actions) assert.ok(!action.includes("*"), `wildcard action ${action}`);
    assert.deepEqual(
      new Set(actions.filter((a) => !a.startsWith("logs:"))),
      new Set(ACTIONS),
      "the IAM actions differ from the reviewed list",
    );
  },
  "outputs: the topic, the table, the functions"() {
    for (const output of ["AlarmTopicArn", "LedgerTableName", "AlarmFunctionArn", "TickFunctionArn"])
      assert.ok(template.Outputs?.[output], `no output ${output}`);
  },
  async "each function's package holds its ESM bundle, which loads and exports handler"() {
    const dir = mkdtempSync(join(tmpdir(), "surge-brain-deploy-"));
    try {
      for (const name of Object.keys(FUNCTIONS)) {
        const zip = `${OUT}/${name}.zip`;
        const bundle = unzip(readFileSync(zip)).get(`functions/${name}.mjs`);
        assert.ok(bundle, `${zip} has no functions/${name}.mjs`);
        assert.match(bundle.toString("utf8", 0, 200), /^import \{ createRequire \} from 'node:module';/);
        const file = join(dir, `${name}.mjs`);
        writeFileSync(file, bundle);
        const module = await import(pathToFileURL(file).href);
        assert.equal(typeof module.handler, "function", `${name}.mjs exports no handler`);
        const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
        console.log(`  ${zip}: ${kib(statSync(zip).size)} (functions/${name}.mjs ${kib(bundle.length)})`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function permissionFor(functionId, principal) {
  return ofType("AWS::Lambda::Permission")
    .map(([, p]) => p.Properties)
    .find((p) => p.Principal === principal && p.FunctionName["Fn::GetAtt"]?.[0] === functionId);
}

/** The files of a zip archive (stored or deflated entries), read from its central directory. */
function unzip(buffer) {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  const files = new Map();
  for (let i = 0, at = buffer.readUInt32LE(end + 16); i < count; i++) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const skip = nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const name = buffer.toString("utf8", at + 46, at + 46 + nameLength);
    const local = buffer.readUInt32LE(at + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + skip;
  }
  return files;
}

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  try {
    await check();
    console.log(`ok  ${name}`);
  } catch (error) {
    failed++;
    console.error(`FAIL ${name}\n     ${error.message.split("\n").join("\n     ")}`);
  }
}
console.log(failed === 0 ? "test:deploy: all checks passed" : `test:deploy: ${failed} check(s) failed`);
process.exit(failed === 0 ? 0 : 1);
