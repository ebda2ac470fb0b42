/**
 * Least privilege, held to the code: each function's role grants exactly the actions its bundle can
 * send (besides the platform's: its logs, its failure queue), so that a new call without its
 * permission, or a permission no code uses any more, fails here. And each action is scoped to what
 * the configuration names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  readerIdentifier,
  readerIdentifierPattern,
} from "../../../shared/adapters/actuators/auroraReaders.js";
import { functionRole, PLATFORM_ACTIONS, roleId } from "../../../shared/adapters/cloudFormation/roles.js";
import { BRAIN_FUNCTIONS } from "../../../shared/adapters/cloudFormation/stack.js";
import type { Statement } from "../../../shared/adapters/cloudFormation/template.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { virtwayJson } from "../../support/config.js";
import {
  ALSO_AUTHORISED,
  actionOf,
  projectFilesOf,
  sdkCallsOf,
  sdkImportsOf,
} from "../../support/sdkCalls.js";

/** The Virtway configuration with a connection budget, so that every grant has something to name. */
const config = (() => {
  const json = virtwayJson();
  json.connectionBudgets = [
    {
      DBClusterIdentifier: "virtway-aurora",
      DBProxy: { DBProxyName: "virtway-proxy", ConnectionPoolConfiguration: { MaxConnectionsPercent: 60 } },
      groups: [{ target: "virtway-api", via: "proxy", maxPoolSize: 150, minPoolSize: 50 }],
    },
  ];
  const result = validateConfig(json);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
})();

/** What each bundle sends, built together (esbuild runs them side by side). */
const ENTRIES = [
  "functions/alarm.ts",
  "functions/tick.ts",
  "functions/schedule.ts",
  "cli/commands/operator.ts",
  "cli/commands/invoke.ts",
];
const SENT = new Map(
  await Promise.all(ENTRIES.map(async (entry) => [entry, await sdkCallsOf(entry)] as const)),
);
const sentBy = (entry: string) => SENT.get(entry) ?? new Map<string, string[]>();
const statementsOf = (name: string): Statement[] =>
  (
    functionRole(config, {
      name,
      grants: BRAIN_FUNCTIONS[name]?.grants ?? [],
      failureQueue: `${name}FailureQueue`,
      ledgerTable: "LedgerTable",
    }).Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((p) => p.PolicyDocument.Statement);
const actionsOf = (statements: Statement[]) => new Set(statements.flatMap((s) => [s.Action].flat()));

describe("each function's role", () => {
  it("covers every Lambda entry point in functions/, and only those", () => {
    const entries = readdirSync("functions")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    expect(Object.keys(BRAIN_FUNCTIONS).sort()).toEqual(entries.sort());
  });

  it.each(Object.keys(BRAIN_FUNCTIONS))(
    "%s: grants exactly what its bundle can send, and the platform's permissions",
    async (name) => {
      const calls = sentBy(`functions/${name}.ts`);
      const needed = new Set([...calls.keys()].flatMap((a) => [a, ...(ALSO_AUTHORISED[a] ?? [])]));
      const granted = [...actionsOf(statementsOf(name))].filter((a) => !PLATFORM_ACTIONS.has(a));
      const missing = [...needed]
        .filter((a) => !granted.includes(a))
        .map((a) => `${a} (${calls.get(a) ?? "also authorised"})`);
      const unused = granted.filter((a) => !needed.has(a));
      expect({ missing, unused }).toEqual({ missing: [], unused: [] });
      expect(needed.size).toBeGreaterThan(10);
    },
    30_000,
  );

  it("alarm reads no metrics, and neither function lists the ledger's targets", async () => {
    expect(actionsOf(statementsOf("alarm")).has("cloudwatch:GetMetricData")).toBe(false);
    expect(actionsOf(statementsOf("tick")).has("cloudwatch:GetMetricData")).toBe(true);
    for (const name of ["alarm", "tick"])
      expect(actionsOf(statementsOf(name)).has("dynamodb:Scan")).toBe(false);
  });

  it("names each role after its function", () => {
    expect(roleId("alarm")).toBe("AlarmRole");
  });
});

describe("the operator's own policy in docs/deploy.md", () => {
  /** Only `invoke --live --create-table` sends these, and never against the stack's table. */
  const CREATE_TABLE_ONLY = new Set(["dynamodb:CreateTable", "dynamodb:UpdateTimeToLive"]);

  it("holds exactly what ledger, pause, resume and invoke --live send", async () => {
    const docs = readFileSync("docs/deploy.md", "utf8");
    const json = /<!-- operator-policy -->\s*```json\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(json, "no operator policy in docs/deploy.md").toBeDefined();
    const policy = JSON.parse(json as string) as { Statement: Statement[] };
    const granted = new Set(policy.Statement.flatMap((s) => [s.Action].flat()));
    const sent = new Map([...sentBy("cli/commands/operator.ts"), ...sentBy("cli/commands/invoke.ts")]);
    const needed = new Set(
      [...sent.keys()]
        .filter((a) => !CREATE_TABLE_ONLY.has(a))
        .flatMap((a) => [a, ...(ALSO_AUTHORISED[a] ?? [])]),
    );
    expect({
      missing: [...needed].filter((a) => !granted.has(a)),
      unused: [...granted].filter((a) => !needed.has(a)),
    }).toEqual({ missing: [], unused: [] });
  }, 30_000);
});

describe("the derivation of what a bundle sends", () => {
  it("names an action by the package its command comes from", () => {
    expect(actionOf("PutScalingPolicyCommand", "@aws-sdk/client-auto-scaling")).toBe(
      "autoscaling:PutScalingPolicy",
    );
    expect(actionOf("PutScalingPolicyCommand", "@aws-sdk/client-application-auto-scaling")).toBe(
      "application-autoscaling:PutScalingPolicy",
    );
    expect(actionOf("GetCommand", "@aws-sdk/lib-dynamodb")).toBe("dynamodb:GetItem");
    expect(actionOf("paginateScan", "@aws-sdk/lib-dynamodb")).toBe("dynamodb:Scan");
    expect(actionOf("RDSClient", "@aws-sdk/client-rds")).toBeNull();
    expect(() => actionOf("ListQueuesCommand", "@aws-sdk/client-sqs")).toThrow(/client-sqs/);
  });

  it("reads the SDK names a file imports, renamed ones by their local name, types left out", () => {
    const source = [
      'import { type RDSClient, CreateDBInstanceCommand } from "@aws-sdk/client-rds";',
      'import {\n  GetCommand as Get,\n  PutCommand,\n} from "@aws-sdk/lib-dynamodb";',
      'import { z } from "zod";',
    ].join("\n");
    expect([...sdkImportsOf(source)]).toEqual([
      ["CreateDBInstanceCommand", "@aws-sdk/client-rds"],
      ["Get", "@aws-sdk/lib-dynamodb"],
      ["PutCommand", "@aws-sdk/lib-dynamodb"],
    ]);
  });

  it("splits a bundle into what it kept of each of the project's files", () => {
    const bundle =
      "// node_modules/x/index.js\nvar a;\n// shared/a.ts\nvar b;\n// shared/b.ts\nvar c;\n// shared/a.ts\nvar d;\n";
    const files = projectFilesOf(bundle);
    expect([...files.keys()]).toEqual(["shared/a.ts", "shared/b.ts"]);
    expect(files.get("shared/a.ts")).toContain("var d;");
    expect(files.get("shared/a.ts")).not.toContain("var c;");
  });
});

describe("the resources", () => {
  const alarm = statementsOf("alarm");
  const sid = (id: string) => alarm.find((s) => s.Sid === id) as Statement;
  const subs = (value: unknown) => JSON.stringify(value);

  it("tags and deletes only instances named as the brain's readers, with the brain's tag keys", () => {
    const pattern = readerIdentifierPattern("virtway-aurora");
    expect(pattern).toBe("virtway-aurora-surge-*");
    for (const id of ["ReadersTag", "ReadersDelete"]) {
      expect(subs(sid(id).Resource)).toContain(`db:${pattern}`);
      expect(subs(sid(id).Resource)).not.toContain("db:*");
    }
    expect(sid("ReadersTag").Condition).toEqual({
      StringEquals: { "aws:RequestTag/surge-brain:managed": "true" },
      "ForAllValues:StringEquals": {
        "aws:TagKeys": ["surge-brain:managed", "surge-brain:target", "surge-brain:decision"],
      },
    });
    expect(sid("ReadersDelete").Condition).toEqual({
      StringEquals: { "aws:ResourceTag/surge-brain:managed": "true" },
    });
  });

  it("a reader's pattern matches every identifier the brain gives, long cluster names included", () => {
    const matches = (pattern: string, id: string) =>
      new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === "*" ? ".*" : `\\${c}`))}$`).test(
        id,
      );
    const at = new Date("2026-11-23T19:00:00Z");
    for (const cluster of ["virtway-aurora", "A_Cluster", "c".repeat(63), `${"x".repeat(36)}-y`]) {
      const pattern = readerIdentifierPattern(cluster);
      for (const position of [1, 9, 15])
        expect(matches(pattern, readerIdentifier(cluster, at, position))).toBe(true);
      expect(matches(pattern, cluster.toLowerCase())).toBe(false);
    }
  });

  it("scales only the clusters and groups the configuration names", () => {
    expect(subs(sid("ClustersFloor").Resource)).toMatch(
      /^\[\{"Fn::Sub":"arn:[^"]*:rds:[^"]*:cluster:virtway-aurora"\}\]$/,
    );
    expect(sid("GroupsScale").Action).toEqual([
      "autoscaling:SetDesiredCapacity",
      "autoscaling:UpdateAutoScalingGroup",
    ]);
    const groups = subs(sid("GroupsScale").Resource);
    expect(groups).toContain("autoScalingGroupName/virtway-frontend-php");
    expect(groups).toContain("autoScalingGroupName/virtway-api-tomcat");
    expect(groups).not.toContain("autoScalingGroupName/*");
    expect(subs(sid("GroupPoliciesScaleIn").Resource)).toBe(groups);
  });

  it("grants nothing for a kind of target the configuration does not have", () => {
    const json = virtwayJson();
    json.targets = json.targets.filter((t: { kind: string }) => t.kind === "asg");
    json.alarms = json.alarms.filter(
      (a: { AlarmName: string }) =>
        a.AlarmName.startsWith("virtway-frontend") || a.AlarmName.startsWith("virtway-api"),
    );
    const checked = validateConfig(json);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const role = functionRole(checked.config, {
      name: "tick",
      grants: BRAIN_FUNCTIONS.tick?.grants ?? [],
      failureQueue: null,
      ledgerTable: "LedgerTable",
    });
    const actions = JSON.stringify(role);
    expect(actions).not.toContain("rds:");
    expect(actions).not.toContain("application-autoscaling:");
    expect(actions).not.toContain("sqs:");
    expect(actions).toContain("autoscaling:SetDesiredCapacity");
  });

  it("no action is a wildcard", () => {
    for (const name of Object.keys(BRAIN_FUNCTIONS))
      for (const action of actionsOf(statementsOf(name))) expect(action).not.toContain("*");
  });
});
