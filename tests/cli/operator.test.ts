import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, DynamoDBLedger } from "../../shared/adapters/ledger/dynamodb.js";
import { VIRTWAY_CONFIG, virtwayConfig } from "../support/config.js";
import { type Dynalite, startDynalite } from "../support/dynalite.js";
import { simulatedWorld } from "../support/world.js";
import { run } from "./run.js";

const config = virtwayConfig();
let dynamo: Dynalite;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createLedgerTable(dynamo.client, "operator-test");
  Object.assign(process.env, {
    LEDGER_TABLE: "operator-test",
    AWS_ENDPOINT_URL: dynamo.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
    AWS_SECRET_ACCESS_KEY: "fake",
  });
});
afterAll(() => dynamo.stop());

/** An operator command on the tests' Virtway configuration. */
const operate = (...args: string[]) => run(...args, "--config", VIRTWAY_CONFIG);

const ledger = () =>
  new DynamoDBLedger({ client: dynamo.client, tableName: "operator-test", retentionDays: 30 });

/** The 70% alarm at `at`, through the brain, on the ledger the commands use. */
async function alarmAt(at: string) {
  const world = simulatedWorld({ start: { "virtway-readers": { capacity: 2 } }, now: new Date(at) });
  const [result] = await world.alarm(
    {
      alarmName: "virtway-readers-cpu-high-70",
      state: "ALARM",
      stateChangedAt: at,
      value: 72,
      actionsSuppressedBy: null,
      account: "123456789012",
      region: "eu-west-1",
    },
    { invocationId: at, ledger: ledger() },
  );
  return { result, account: world.account };
}

describe("pause, resume and ledger on LEDGER_TABLE", () => {
  it("pause records what the brain would do and acts not; resume lets it act again", async () => {
    const paused = await operate("pause", "virtway-readers");
    expect(paused).toMatchObject({ code: 0, out: "virtway-readers: paused\n" });
    expect((await operate("pause", "virtway-readers")).out).toBe("virtway-readers: already paused\n");

    // The commands use the wall clock: so do the alarms, so that the log's order is the order here.
    const during = await alarmAt(new Date().toISOString());
    expect(during.result).toMatchObject({ status: "held", reason: "Paused", from: 2, to: 3 });
    expect(during.account.mutatingCalls()).toEqual([]);

    expect((await operate("resume", "virtway-readers")).out).toBe("virtway-readers: resumed\n");
    const after = await alarmAt(new Date().toISOString());
    expect(after.result).toMatchObject({ status: "applied", reason: "ScaleOut", from: 2, to: 3 });
    // The reader, and the cluster's ACU floor raised while it provisions.
    expect(after.account.mutatingCalls().map((c) => c.command)).toEqual([
      "CreateDBInstance",
      "ModifyDBCluster",
    ]);

    const shown = await operate("ledger", "virtway-readers");
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^virtway-readers: capacity 3, bounds 1–8 \(config\)/);
    const json = JSON.parse((await operate("ledger", "virtway-readers", "--json")).out);
    expect(json.decisions.map((d: { reason: string }) => d.reason)).toEqual([
      "OperatorRequest",
      "Paused",
      "OperatorRequest",
      "ScaleOut",
    ]);
    expect(json.state).toMatchObject({ paused: false, capacity: 3 });
  });

  it("ledger without a target lists every target, as kubectl get hpa does", async () => {
    // After the first test: the readers scaled out 2 → 3, a reader still provisioning.
    const listed = await operate("ledger");
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.out.trimEnd().split("\n");
    expect(header?.split(/ {2,}/)).toEqual([
      "TARGET",
      "CAPACITY",
      "BOUNDS",
      "IN FLIGHT",
      "COOLDOWNS",
      "PAUSED",
      "LAST DECISION",
      "AGE",
    ]);
    expect(rows.map((r) => r.split(" ")[0])).toEqual(config.targets.map((t) => t.id));
    const readers = rows[0]?.split(/ {2,}/) ?? [];
    expect(readers.slice(0, 4)).toEqual(["virtway-readers", "3 readers", "1–8", "+1"]);
    expect(readers[4]).toMatch(/^out \d+ (s|min) \(readers-cpu-step-70\)/);
    expect(readers.slice(5, 7)).toEqual(["no", "ScaleOut 2 → 3 applied"]);
    expect(readers[7]).toMatch(/^\d+ s$/);
    // A target the ledger has never seen says so.
    expect(rows.find((r) => r.startsWith("virtway-api "))?.split(/ {2,}/)).toEqual([
      "virtway-api",
      "—",
      "—",
      "—",
      "—",
      "no",
      "never seen",
      "—",
    ]);
    // The columns line up: every row's CAPACITY ends where the header's does.
    const end = (header ?? "").indexOf("CAPACITY") + "CAPACITY".length;
    for (const row of rows) expect(row.slice(end - 1, end + 2)).toMatch(/^\S {2}$/);

    const json = JSON.parse((await operate("ledger", "--json")).out);
    expect(json.targets.map((t: { target: string }) => t.target)).toEqual(config.targets.map((t) => t.id));
    expect(json.targets[0]).toMatchObject({
      state: { capacity: 3, paused: false },
      lastDecision: { reason: "ScaleOut", from: 2, to: 3 },
    });
    expect(json.targets.find((t: { target: string }) => t.target === "virtway-api")).toEqual({
      target: "virtway-api",
      state: null,
      lastDecision: null,
    });
  });

  it("pause --all pauses every configured target, and resume --all undoes it", async () => {
    const paused = await operate("pause", "--all");
    expect(paused.code).toBe(0);
    expect(paused.out.trim().split("\n").sort()).toEqual([
      "virtway-acu-floor: paused",
      "virtway-api: paused",
      "virtway-frontend: paused",
      "virtway-readers: paused",
    ]);
    for (const t of config.targets) expect((await ledger().read(t.id))?.paused).toBe(true);
    expect((await operate("resume", "--all")).out).toMatch(/virtway-api: resumed/);
    for (const t of config.targets) expect((await ledger().read(t.id))?.paused).toBe(false);
  });

  it("a paused target never seen before learns its capacity from AWS at its first decision", async () => {
    const state = await ledger().read("virtway-frontend");
    expect(state?.unobserved).toBe(true);
  });

  it("misuse: no target, both a target and --all, an unknown target, no LEDGER_TABLE", async () => {
    const bare = await run("pause");
    expect(bare.code).toBe(2);
    expect(bare.err).toBe(
      "pause takes the id of the target to pause (pause virtway-readers), or --all for every target (add --help for usage)\n",
    );
    expect((await run("pause", "virtway-readers", "--all")).code).toBe(2);
    const unknown = await run("resume", "virtway-nope");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no target "virtway-nope"/);
    const table = process.env.LEDGER_TABLE;
    delete process.env.LEDGER_TABLE;
    try {
      const missing = await run("ledger", "virtway-readers");
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/LEDGER_TABLE is not set/);
    } finally {
      process.env.LEDGER_TABLE = table;
    }
  });

  it("the ledger of a target with no state says so", async () => {
    await createLedgerTable(dynamo.client, "empty-table");
    process.env.LEDGER_TABLE = "empty-table";
    try {
      expect((await operate("ledger", "virtway-api")).out).toMatch(/holds nothing for this target yet/);
    } finally {
      process.env.LEDGER_TABLE = "operator-test";
    }
  });
});
