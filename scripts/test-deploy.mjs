// `npm run test:deploy`: packages serverless.yml offline (`npm run package`, osls with
// serverless-esbuild), lints the CloudFormation it writes with cfn-lint, then checks what the
// deployment promises (docs/deploy.md) on the template: each function with its handler, trigger,
// own role, retries and failure queue; the schedule function's EventBridge Scheduler schedules and
// the role Scheduler assumes; the configuration's alarms; the brain's own alarms and
// dashboard; the hardened ledger table; the encrypted alarm topic and its policy; least privilege;
// bundles that load. Then it packages again with every parameter set (another stage, another
// configuration, the alarms external) and checks what each changes, and that a wrong parameter
// stops the packaging with its name. Which actions each role holds is held to the code by
// tests/adapters/cloudFormation/roles.test.ts (npm test).
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
const FUNCTIONS = {
  alarm: "AlarmLambdaFunction",
  tick: "TickLambdaFunction",
  schedule: "ScheduleLambdaFunction",
};
/** Each function's retries and maximum event age (docs/deploy.md, "Failures"). */
const ASYNC = {
  alarm: { retries: 2, maxAge: 900 },
  tick: { retries: 0, maxAge: 60 },
  schedule: { retries: 2, maxAge: 900 },
};

const OUT = ".serverless";
const templatesIn = (dir) => [
  `${dir}/cloudformation-template-update-stack.json`,
  `${dir}/cloudformation-template-create-stack.json`,
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
run("cfn-lint", ["--", ...templatesIn(OUT)]);
console.log(`cfn-lint: no errors or warnings in ${templatesIn(OUT).join(", ")}`);

const template = JSON.parse(readFileSync(templatesIn(OUT)[0], "utf8"));
const resources = template.Resources;
const config = JSON.parse(readFileSync("brain.config.json", "utf8"));
const ofType = (type, t = template) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const targets = (rule) => rule.Properties.Targets.map((t) => t.Arn["Fn::GetAtt"]?.[0]);
const getAtt = (id, attribute = "Arn") => ({ "Fn::GetAtt": [id, attribute] });
const statementsOf = (role) => role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
const roleOf = (functionId, t = template) =>
  t.Resources[t.Resources[functionId].Properties.Role["Fn::Sub"].match(/^\$\{(\w+)\.Arn\}$/)[1]];
const alarmsOf = (t) =>
  [...ofType("AWS::CloudWatch::Alarm", t), ...ofType("AWS::CloudWatch::CompositeAlarm", t)].map(([, a]) => a);

/** Actions without resource-level permissions: the only ones whose Resource may be "*". */
const NO_RESOURCE_LEVEL = new Set([
  "autoscaling:DescribeAutoScalingGroups",
  "autoscaling:DescribePolicies",
  "application-autoscaling:DescribeScalableTargets",
  "cloudwatch:GetMetricData",
]);

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
  "the ledger table: pk/sk, on demand, TTL on expiresAt, PITR, deletion protection, encrypted, kept"() {
    const table = resources.LedgerTable;
    assert.equal(table?.Type, "AWS::DynamoDB::Table");
    assert.equal(table.DeletionPolicy, "Retain");
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
    // The attribute the ledger writes (shared/brain/ports/ledger.ts, TTL_ATTRIBUTE).
    const ttl = readFileSync("shared/brain/ports/ledger.ts", "utf8").match(/TTL_ATTRIBUTE = "(\w+)"/)[1];
    assert.deepEqual(p.TimeToLiveSpecification, { AttributeName: ttl, Enabled: true });
    assert.deepEqual(p.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(p.DeletionProtectionEnabled, true);
    // Encrypted at rest under an AWS owned key unless ledgerKmsKeyArn names one (checked below).
    assert.deepEqual(p.SSESpecification, { SSEEnabled: false });
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
  async "schedule: one EventBridge Scheduler schedule per scheduled action still to run, configured and from the calendar"() {
    // The actions as the brain itself derives them (shared/core/schedules/), at this packaging's time.
    const { tsImport } = await import("tsx/esm/api");
    const load = (file) => tsImport(file, import.meta.url);
    const { loadConfig } = await load("../shared/adapters/configFile.ts");
    const { scheduledActionsOf } = await load("../shared/core/schedules/actions.ts");
    const { nextRunAfter } = await load("../shared/core/schedules/runs.ts");
    const { parseScheduledActionEvent } = await load("../shared/adapters/events/scheduledAction.ts");
    const brain = loadConfig("brain.config.json").config;
    const now = statSync(templatesIn(OUT)[0]).mtimeMs;
    const due = brain.targets.flatMap((t) =>
      scheduledActionsOf(brain, t)
        .filter((a) => nextRunAfter(a, now) !== null)
        .map((action) => ({ target: t.id, action })),
    );
    const [[groupId, group]] = ofType("AWS::Scheduler::ScheduleGroup");
    assert.equal(group.Properties.Name, "surge-brain-dev");
    const schedules = ofType("AWS::Scheduler::Schedule").map(([, s]) => s.Properties);
    assert.equal(schedules.length, due.length, "one schedule per action still to run");
    const roleId = schedules[0]?.Target.RoleArn["Fn::GetAtt"][0];
    for (const { target, action } of due) {
      const found = schedules.filter((s) => {
        const input = JSON.parse(s.Target.Input);
        return input.target === target && input.action === action.ScheduledActionName;
      });
      assert.equal(found.length, 1, `no schedule for ${target}'s ${action.ScheduledActionName}`);
      const [s] = found;
      assert.deepEqual(s.GroupName, { Ref: groupId });
      assert.equal(s.ScheduleExpression, action.Schedule);
      if (!action.Schedule.startsWith("rate("))
        assert.equal(s.ScheduleExpressionTimezone, action.Timezone ?? "UTC");
      assert.deepEqual(s.FlexibleTimeWindow, { Mode: "OFF" });
      assert.deepEqual(s.Target.Arn, getAtt(FUNCTIONS.schedule));
      assert.deepEqual(s.Target.RoleArn, getAtt(roleId));
      assert.deepEqual(s.Target.DeadLetterConfig, { Arn: getAtt("ScheduleFailureQueue") });
      assert.ok(s.Target.RetryPolicy.MaximumEventAgeInSeconds <= ASYNC.schedule.maxAge);
      // What the function receives once Scheduler fills the context attributes: its own payload.
      const sent = s.Target.Input.replace("<aws.scheduler.scheduled-time>", "2026-11-26T17:30:00Z")
        .replace(
          "<aws.scheduler.schedule-arn>",
          `arn:aws:scheduler:eu-west-1:123456789012:schedule/${group.Properties.Name}/${s.Name}`,
        )
        .replace("<aws.scheduler.execution-id>", "test-deploy");
      assert.equal(parseScheduledActionEvent(JSON.parse(sent)).target, target);
    }
    const role = resources[roleId];
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;
    assert.deepEqual(trust.Principal, { Service: "scheduler.amazonaws.com" });
    assert.deepEqual(trust.Condition.StringEquals, { "aws:SourceAccount": { Ref: "AWS::AccountId" } });
    assert.deepEqual(
      statementsOf(role).map((st) => [st.Action, st.Resource]),
      [
        ["lambda:InvokeFunction", getAtt(FUNCTIONS.schedule)],
        ["sqs:SendMessage", getAtt("ScheduleFailureQueue")],
      ],
      "Scheduler's role may invoke the schedule function and send to its failure queue, nothing else",
    );
    console.log(`  ${due.length} schedules in ${group.Properties.Name} (${brain.targets.length} targets)`);
  },
  "every alarm of the configuration, with its own fields and the alarm function in its actions"() {
    const alarms = alarmsOf(template);
    for (const configured of config.alarms) {
      const found = alarms.filter((a) => a.Properties.AlarmName === configured.AlarmName);
      assert.equal(found.length, 1, `no alarm ${configured.AlarmName} in the stack`);
      const [alarm] = found;
      const composite = "AlarmRule" in configured;
      assert.equal(alarm.Type, composite ? "AWS::CloudWatch::CompositeAlarm" : "AWS::CloudWatch::Alarm");
      const { AlarmActions, OKActions, ...fields } = configured;
      for (const [field, value] of Object.entries(fields))
        assert.deepEqual(alarm.Properties[field], value, `${configured.AlarmName}: ${field} differs`);
      assert.deepEqual(alarm.Properties.AlarmActions, [...(AlarmActions ?? []), getAtt(FUNCTIONS.alarm)]);
      assert.deepEqual(alarm.Properties.OKActions, [...(OKActions ?? []), getAtt(FUNCTIONS.alarm)]);
    }
    const composite = alarms.find((a) => a.Type === "AWS::CloudWatch::CompositeAlarm");
    assert.ok(composite?.DependsOn?.length > 0, "a composite alarm waits for the alarms its rule names");
    const kinds = config.alarms.map((a) =>
      "AlarmRule" in a ? "composite" : a.Metrics ? "metric math" : "metric",
    );
    console.log(`  ${config.alarms.length} alarms of brain.config.json (${[...new Set(kinds)].join(", ")})`);
  },
  "each function: its own role, its retries, and an encrypted failure queue as on-failure destination"() {
    const roles = new Set();
    for (const [name, id] of Object.entries(FUNCTIONS)) {
      const role = roleOf(id);
      assert.equal(role?.Type, "AWS::IAM::Role", `${name} has no role of its own`);
      roles.add(role);
      const config = ofType("AWS::Lambda::EventInvokeConfig").find(
        ([, c]) => c.Properties.FunctionName.Ref === id,
      )?.[1].Properties;
      assert.ok(config, `${name} has no EventInvokeConfig`);
      assert.equal(config.MaximumRetryAttempts, ASYNC[name].retries, `${name}: retries`);
      assert.equal(config.MaximumEventAgeInSeconds, ASYNC[name].maxAge, `${name}: maximum event age`);
      const queueId = config.DestinationConfig.OnFailure?.Destination?.["Fn::GetAtt"]?.[0];
      const queue = resources[queueId];
      assert.equal(
        queue?.Type,
        "AWS::SQS::Queue",
        `${name}'s on-failure destination is no queue of the stack`,
      );
      assert.equal(queue.Properties.SqsManagedSseEnabled, true, `${queueId} is not encrypted`);
      const send = statementsOf(role).filter((s) => [s.Action].flat().includes("sqs:SendMessage"));
      assert.deepEqual(
        send.map((s) => s.Resource),
        [getAtt(queueId)],
        `${name} may not send to its queue only`,
      );
    }
    assert.equal(roles.size, Object.keys(FUNCTIONS).length, "functions share a role");
    assert.equal(resources.IamRoleLambdaExecution, undefined, "osls's shared role is still there");
  },
  "least privilege: no wildcard action; resources scoped; the brain's readers alone tagged and deleted"() {
    for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"])
      assert.equal(ofType(type).length, 0, `unexpected ${type}`);
    for (const [, role] of ofType("AWS::IAM::Role")) {
      for (const s of statementsOf(role)) {
        assert.equal(s.NotAction, undefined, "NotAction grants everything else");
        assert.equal(s.NotResource, undefined, "NotResource grants everything else");
        for (const action of [s.Action].flat()) {
          assert.ok(!action.includes("*"), `wildcard action ${action}`);
          if (s.Resource === "*") assert.ok(NO_RESOURCE_LEVEL.has(action), `${action} on every resource`);
        }
        const actions = [s.Action].flat();
        if (actions.includes("rds:AddTagsToResource") || actions.includes("rds:DeleteDBInstance")) {
          const text = JSON.stringify(s.Resource);
          assert.match(text, /:db:[a-z0-9-]+-surge-\*/, `${actions}: not the brain's readers' names`);
          assert.doesNotMatch(text, /:db:\*/, `${actions} on every instance`);
        }
        if (actions.includes("rds:AddTagsToResource"))
          assert.ok(s.Condition?.["ForAllValues:StringEquals"]?.["aws:TagKeys"], "tag keys not limited");
        if (actions.includes("rds:DeleteDBInstance"))
          assert.equal(s.Condition?.StringEquals?.["aws:ResourceTag/surge-brain:managed"], "true");
        if (
          actions.some((a) =>
            [
              "rds:ModifyDBCluster",
              "autoscaling:SetDesiredCapacity",
              "autoscaling:PutScalingPolicy",
            ].includes(a),
          )
        )
          assert.doesNotMatch(
            JSON.stringify(s.Resource),
            /cluster:\*|autoScalingGroupName\/\*/,
            `${actions} on every cluster or group`,
          );
        assert.ok(!actions.includes("dynamodb:Scan"), "Scan is the operator's");
      }
    }
  },
  "the alarm topic: encrypted under a key CloudWatch may use; only CloudWatch of this account may publish"() {
    const topic = resources.AlarmTopic.Properties;
    const keyId = topic.KmsMasterKeyId?.Ref;
    assert.equal(
      resources[keyId]?.Type,
      "AWS::KMS::Key",
      "the topic is not encrypted under a key of the stack",
    );
    const key = resources[keyId].Properties.KeyPolicy.Statement;
    const cloudwatch = key.find((s) => s.Principal?.Service === "cloudwatch.amazonaws.com");
    assert.deepEqual(new Set([cloudwatch?.Action].flat()), new Set(["kms:Decrypt", "kms:GenerateDataKey*"]));
    const policies = ofType("AWS::SNS::TopicPolicy").filter(([, p]) =>
      p.Properties.Topics.some((t) => t.Ref === "AlarmTopic"),
    );
    assert.equal(policies.length, 1, "no policy on the alarm topic");
    const statements = policies[0][1].Properties.PolicyDocument.Statement;
    const deny = statements.find(
      (s) =>
        s.Effect === "Deny" &&
        s.Principal === "*" &&
        s.Action === "sns:Publish" &&
        s.Condition?.StringNotEquals?.["aws:PrincipalServiceName"] === "cloudwatch.amazonaws.com",
    );
    assert.ok(deny, "sns:Publish is not denied to principals other than CloudWatch");
    assert.ok(
      statements.some((s) => s.Effect === "Deny" && s.Condition?.StringNotEquals?.["aws:SourceAccount"]),
      "alarms of other accounts may publish",
    );
  },
  "the brain watched: errors, throttles, failure queues, failed decisions, a missed tick; the dashboard"() {
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    const on = (namespace, metric, dimension) =>
      alarms.filter(
        (a) =>
          a.Namespace === namespace &&
          a.MetricName === metric &&
          JSON.stringify(a.Dimensions?.[0]?.Value) === JSON.stringify(dimension),
      );
    for (const [name, id] of Object.entries(FUNCTIONS)) {
      assert.equal(on("AWS/Lambda", "Errors", { Ref: id }).length, 1, `no alarm on ${name}'s errors`);
      assert.equal(on("AWS/Lambda", "Throttles", { Ref: id }).length, 1, `no alarm on ${name}'s throttles`);
      const queue = `${name[0].toUpperCase()}${name.slice(1)}FailureQueue`;
      assert.equal(
        on("AWS/SQS", "ApproximateNumberOfMessagesVisible", getAtt(queue, "QueueName")).length,
        1,
        `no alarm on ${queue}`,
      );
    }
    const [missed] = on("AWS/Lambda", "Invocations", { Ref: FUNCTIONS.tick });
    assert.ok(missed, "no alarm on a missed tick");
    assert.deepEqual(
      [
        missed.Period * missed.EvaluationPeriods,
        missed.ComparisonOperator,
        missed.Threshold,
        missed.TreatMissingData,
      ],
      [180, "LessThanThreshold", 1, "breaching"],
    );
    // The names functions/lib/observability.ts writes.
    const observability = readFileSync("functions/lib/observability.ts", "utf8");
    const namespace = observability.match(/NAMESPACE = "(\w+)"/)[1];
    const written = [...observability.matchAll(/addMetric\("(\w+)"/g)].map((m) => m[1]);
    assert.equal(
      alarms.filter((a) => a.Namespace === namespace && a.MetricName === "Errors").length,
      1,
      "no alarm on failed decisions",
    );
    const [[, dashboard]] = ofType("AWS::CloudWatch::Dashboard");
    const body = dashboard.Properties.DashboardBody["Fn::Sub"];
    for (const metric of new Set(written))
      assert.ok(
        body.includes(`"${metric}"`) || body.includes(`MetricName=\\"${metric}\\"`),
        `the dashboard does not show ${metric}`,
      );
    for (const metric of ["Decisions", "HeldBack", "Actions", "Errors"])
      assert.ok(
        body.includes(`{${namespace},service,target}`) && body.includes(`MetricName=\\"${metric}\\"`),
        `no ${metric} per target`,
      );
  },
  "outputs: the topic, the table, the functions, the queues, the dashboard"() {
    for (const output of [
      "AlarmTopicArn",
      "LedgerTableName",
      "AlarmFunctionArn",
      "TickFunctionArn",
      "ScheduleFunctionArn",
      "AlarmFailureQueueUrl",
      "TickFailureQueueUrl",
      "ScheduleFailureQueueUrl",
      "ScheduleGroupName",
      "DashboardName",
    ])
      assert.ok(template.Outputs?.[output], `no output ${output}`);
  },
  async "each function's package holds its ESM bundle, which loads and answers an invocation"() {
    const dir = mkdtempSync(join(tmpdir(), "surge-brain-deploy-"));
    process.env.LEDGER_TABLE ??= "surge-brain-test-deploy";
    process.env.AWS_REGION ??= "eu-west-1";
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
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
        // A cold start on the bundle (the bundled configuration checked, the clients built, the
        // middleware run), on a payload it acknowledges as malformed: no AWS call is made.
        const answer = await module.handler(
          { not: "an event" },
          { awsRequestId: "test-deploy", functionName: name },
        );
        assert.match(
          answer?.error?.message ?? "",
          /no known event shape/,
          `${name}: ${JSON.stringify(answer)}`,
        );
        const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
        console.log(`  ${zip}: ${kib(statSync(zip).size)} (functions/${name}.mjs ${kib(bundle.length)})`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  "parameters: another stage, configuration, topic and key; the alarms external"() {
    const dir = mkdtempSync(join(tmpdir(), "surge-brain-params-"));
    try {
      // A configuration of one group: its alarm, and no RDS permission; an event next year on its
      // calendar, whose raise and release become schedules.
      const year = new Date().getUTCFullYear() + 1;
      const other = {
        ...config,
        alarms: config.alarms.filter((a) => a.AlarmName === "virtway-frontend-requests-high"),
        targets: config.targets.filter((t) => t.id === "virtway-frontend"),
        calendar: [
          {
            name: "ci-launch",
            start: `${year}-06-18T20:00:00`,
            end: `${year}-06-18T22:00:00`,
            timeZone: "Europe/Madrid",
            peakAudience: 4000,
          },
        ],
      };
      const otherFile = join(dir, "other.config.json");
      writeFileSync(otherFile, JSON.stringify(other));
      const topic = "arn:aws:sns:eu-west-1:123456789012:operators";
      const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const out = join(dir, "package");
      const packaged = (alarms) =>
        spawnSync(
          "npx",
          [
            "osls",
            "package",
            "--stage",
            "ci",
            "--package",
            out,
            `--param=config=${otherFile}`,
            `--param=alarms=${alarms}`,
            `--param=operatorTopicArn=${topic}`,
            `--param=ledgerKmsKeyArn=${key}`,
          ],
          { encoding: "utf8" },
        );
      const released = packaged("release");
      assert.equal(released.status, 0, released.stdout + released.stderr);
      const release = JSON.parse(readFileSync(templatesIn(out)[0], "utf8"));
      const kept = alarmsOf(release).filter(
        (a) => a.Properties.AlarmName === "virtway-frontend-requests-high",
      );
      assert.equal(kept.length, 1);
      assert.equal(kept[0].DeletionPolicy, "Retain", "release: the alarm is not left in place");
      const result = packaged("external");
      assert.equal(result.status, 0, result.stdout + result.stderr);
      const t = JSON.parse(readFileSync(templatesIn(out)[0], "utf8"));
      const names = alarmsOf(t).map((a) => a.Properties.AlarmName);
      assert.ok(
        !names.includes("virtway-frontend-requests-high"),
        "external: the stack still creates the configured alarms",
      );
      assert.ok(
        names.every((n) => n.startsWith("surge-brain-ci-")),
        `not the stage's names: ${names}`,
      );
      for (const a of alarmsOf(t))
        assert.deepEqual(
          a.Properties.AlarmActions,
          [topic],
          `${a.Properties.AlarmName} does not notify the operator`,
        );
      assert.deepEqual(t.Resources.LedgerTable.Properties.SSESpecification, {
        SSEEnabled: true,
        SSEType: "KMS",
        KMSMasterKeyId: key,
      });
      assert.equal(t.Resources.LedgerTable.Properties.TableName, "surge-brain-ci-ledger");
      const [[, group]] = ofType("AWS::Scheduler::ScheduleGroup", t);
      assert.equal(group.Properties.Name, "surge-brain-ci");
      const calendar = ofType("AWS::Scheduler::Schedule", t)
        .map(([, s]) => s.Properties)
        .filter((s) => JSON.parse(s.Target.Input).action.startsWith("calendar:ci-launch:"));
      assert.deepEqual(
        calendar.map((s) => [JSON.parse(s.Target.Input).action, s.ScheduleExpression.slice(0, 3)]),
        [
          ["calendar:ci-launch:raise", "at("],
          ["calendar:ci-launch:release", "at("],
        ],
        "the calendar's event is not scheduled",
      );
      const roles = JSON.stringify(ofType("AWS::IAM::Role", t));
      assert.ok(!roles.includes("rds:"), "RDS permissions without an Aurora target");
      assert.ok(roles.includes("autoScalingGroupName/virtway-frontend-php"));
      const bundle = unzip(readFileSync(join(out, "tick.zip")))
        .get("functions/tick.mjs")
        .toString("utf8");
      assert.ok(
        !bundle.includes("virtway-readers-cpu-high-70"),
        "the bundle holds brain.config.json, not the configuration named",
      );
      assert.ok(bundle.includes("virtway-frontend-requests-high"));
      run("cfn-lint", ["--", ...templatesIn(out)]);
      const wrong = spawnSync("npx", ["osls", "package", "--package", out, "--param=alarms=sometimes"], {
        encoding: "utf8",
      });
      assert.notEqual(wrong.status, 0, "a wrong parameter packaged");
      assert.match(wrong.stdout + wrong.stderr, /param:alarms/, "the wrong parameter is not named");
      // Past CloudFormation's 500 resources a template (deploy/stackQuota.cjs): the packaging stops
      // and says what fills the stack and what to do.
      const crowded = structuredClone(config);
      const [first] = config.alarms;
      for (let i = 0; i < 480; i++) crowded.alarms.push({ ...first, AlarmName: `crowd-${i}` });
      const crowdedFile = join(dir, "crowded.config.json");
      writeFileSync(crowdedFile, JSON.stringify(crowded));
      const tooMany = spawnSync(
        "npx",
        ["osls", "package", "--package", join(dir, "crowded"), `--param=config=${crowdedFile}`],
        { encoding: "utf8" },
      );
      assert.notEqual(tooMany.status, 0, "a stack past 500 resources packaged");
      assert.match(
        tooMany.stdout + tooMany.stderr,
        /would hold 5\d\d resources; CloudFormation takes at most 500 .*AWS::CloudWatch::Alarm.*alarms=external/,
      );
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
