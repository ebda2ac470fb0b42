/**
 * The README's live quick start, run as written: its shell block is read from README.md and run by
 * bash as one script, against a moto_server of the suite's own (on a free port in place of the
 * block's 5000, so its own `moto_server` line is the one line left out) and with the AWS CLI the
 * block calls. What each line printed, and what RDS and the ledger then show, are what the README says.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../../shared/core/config/validate.js";
import { run } from "../cli/run.js";
import { type Moto, startMoto } from "./support/moto.js";

/** The first `sh` block under the README's quick start heading, one command a line. */
function quickStart(): string[] {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("### Live quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README.md: no sh block under ### Live quick start");
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .filter((line) => line.trim() !== "");
}

let moto: Moto;
const dir = mkdtempSync(join(tmpdir(), "brain-quick-start-"));
const MARK = "::quick-start-line-done::";

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe("the README's live quick start", () => {
  const lines = quickStart();
  /** What each line printed on standard output, in order. */
  let printed: string[] = [];

  it("runs every line: dummy credentials, the cluster and groups by the AWS CLI, event, invoke --live, ledger", () => {
    expect(lines[0]).toMatch(/^moto_server -p 5000 /);
    expect(lines.filter((l) => l.startsWith("aws "))).toHaveLength(7);
    const script = lines
      .slice(1)
      .map(
        (line) =>
          `${line.replaceAll("http://127.0.0.1:5000", moto.endpoint).replaceAll("/tmp/", `${dir}/`)}\necho ${MARK}`,
      )
      .join("\n");
    // Only what a new shell has: none of the suite's own AWS settings.
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      POWERTOOLS_METRICS_DISABLED: "true",
    };
    const run = spawnSync("bash", ["-c", `set -euo pipefail\n${script}`], {
      env,
      encoding: "utf8",
      timeout: 280_000,
    });
    printed = run.stdout.split(`${MARK}\n`);
    const done = printed.length - 1;
    expect(run.status, `stopped at: ${lines[done + 1]}\n${run.stderr}`).toBe(0);
    expect(done).toBe(lines.length - 1);
    // The AWS CLI starts in seconds on a busy machine, and the block calls it seven times.
  }, 300_000);

  const outputOf = (prefix: string) => printed[lines.slice(1).findIndex((l) => l.startsWith(prefix))] ?? "";

  it("invoke --live adds a reader and raises the ACU floor while it provisions", () => {
    const invoked = outputOf("npm run -s brain -- invoke");
    expect(invoked).toContain("virtway-readers: applied ScaleOut (1 → 2)");
    expect(invoked).toContain("virtway-acu-floor: applied ScaleOut (1 → 16)");
  });

  it("ledger shows the reader in flight and the step policy's cooldown", () => {
    const ledger = outputOf("npm run -s brain -- ledger");
    expect(ledger).toMatch(/^virtway-readers: capacity 2, bounds 1–8/);
    expect(ledger).toMatch(/in flight: \+1/);
    expect(ledger).toMatch(/cooldown: readers-cpu-step-70 scale-out until/);
  });

  it("RDS lists the brain's reader with promotion tier 15 beside the writer and the user's reader; the floor is 16 ACU", async () => {
    expect(outputOf("aws rds describe-db-instances")).toMatch(/virtway-aurora-surge-\S+\t15/);
    const rds = new RDSClient({
      region: "eu-west-1",
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const instances = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    expect(
      instances.map((i) => [i.DBInstanceIdentifier?.replace(/surge-.*/, "surge-…"), i.PromotionTier]),
    ).toEqual([
      ["virtway-writer", 1],
      ["virtway-reader-1", 1],
      ["virtway-aurora-surge-…", 15],
    ]);
    const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: "virtway-aurora" })))
      .DBClusters?.[0];
    expect(cluster?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 16, MaxCapacity: 32 });
    rds.destroy();
  });

  it("import reads what the installed AWS CLI itself prints for the emulator's groups and alarms", async () => {
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
    };
    const script = [
      `aws autoscaling describe-auto-scaling-groups > ${dir}/groups.json`,
      `aws cloudwatch describe-alarms > ${dir}/alarms.json`,
    ].join("\n");
    const described = spawnSync("bash", ["-c", `set -euo pipefail\n${script}`], {
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(described.status, described.stderr).toBe(0);
    const { code, out, err } = await run("import", `${dir}/groups.json`, `${dir}/alarms.json`);
    expect(code, err).toBe(0);
    const config = JSON.parse(out);
    expect(validateConfig(config).ok).toBe(true);
    expect(
      config.targets.map((t: { id: string; MinCapacity: number; MaxCapacity: number }) => [
        t.id,
        t.MinCapacity,
        t.MaxCapacity,
      ]),
    ).toEqual([
      ["virtway-frontend-php", 2, 20],
      ["virtway-api-tomcat", 2, 16],
    ]);
  });

  it("the same two commands again: a new state change, held by the cooldown", () => {
    const again = lines.filter((l) => /^npm run -s brain -- (event|invoke)/.test(l));
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      POWERTOOLS_METRICS_DISABLED: "true",
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      LEDGER_TABLE: "surge-brain-ledger",
    };
    const run = spawnSync(
      "bash",
      ["-c", `set -euo pipefail\n${again.join("\n").replaceAll("/tmp/", `${dir}/`)}`],
      {
        env,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /virtway-readers: recorded CooldownRepeat|virtway-readers: held CooldownRepeat/,
    );
  });
});
