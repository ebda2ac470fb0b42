import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { virtwayJson } from "../support/config.js";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "brain-validate-"));
const virtway = virtwayJson();

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("brain validate", () => {
  it("accepts brain.config.json by default", async () => {
    const { code, out } = await run("validate");
    expect(code).toBe(0);
    expect(out).toMatch(/brain\.config\.json: valid: 4 targets, 8 alarms/);
    // The targets, as a table: bounds with their unit, right-aligned; the layers counted.
    const lines = out.split("\n");
    expect(lines).toContain(
      "TARGET             KIND             SCALES                            BOUNDS  STEP  TRACKING  SCHEDULES",
    );
    expect(lines).toContain(
      "virtway-acu-floor  aurora-capacity  virtway-aurora ACU floor        1–16 ACU     1         0          2",
    );
  });

  it("lists every problem with its JSON path and exits 1", async () => {
    const broken = structuredClone(virtway);
    broken.targets[0].MinCapacity = 9;
    broken.targets[0].MaxCapcity = 8;
    const file = write("broken.json", broken);
    const { code, out, err } = await run("validate", "--config", file);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("error at $.targets[0].MinCapacity: MinCapacity 9 is greater than MaxCapacity 8");
    expect(err).toContain("error at $.targets[0].MaxCapcity: unknown field");
  });

  it("lists the warnings of a file that fails beside its errors", async () => {
    const broken = structuredClone(virtway);
    broken.alarms[0].Period = 30;
    broken.targets[0].MinCapacity = 9;
    const { code, out, err } = await run("validate", "--config", write("warned-broken.json", broken));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("2 problems (1 error, 1 warning)");
    expect(err).toContain("error at $.targets[0].MinCapacity: MinCapacity 9 is greater than MaxCapacity 8");
    expect(err).toMatch(/warning at \$\.alarms\[0\]\.Period: 30 s on AWS\/RDS/);
  });

  it("lists the problems across fields when shapes are wrong too", async () => {
    const broken = structuredClone(virtway);
    broken.alarms[0].Treshold = 70;
    delete broken.targets[1].schedules;
    broken.targets[0].MinCapacity = 9;
    const { code, err } = await run("validate", "--config", write("three.json", broken));
    expect(code).toBe(1);
    expect(err).toContain("3 problems");
    expect(err).toContain("error at $.alarms[0].Treshold: unknown field");
    expect(err).toContain("error at $.targets[1].schedules: Invalid input: expected array");
    expect(err).toContain("error at $.targets[0].MinCapacity: MinCapacity 9 is greater than MaxCapacity 8");
  });

  it("names the cron field that is wrong", async () => {
    const broken = structuredClone(virtway);
    broken.targets[0].schedules[0].Schedule = "cron(30 18 ? * FOO *)";
    const { code, err } = await run("validate", "--config", write("cron.json", broken));
    expect(code).toBe(1);
    expect(err).toContain(
      'error at $.targets[0].schedules[0].Schedule: cron(30 18 ? * FOO *): day-of-week field: "FOO" is not 1-7 or SUN-SAT',
    );
  });

  it("names a file that is not JSON", async () => {
    const file = write("not.json", "{ targets: [");
    const { code, err } = await run("validate", "--config", file);
    expect(code).toBe(1);
    expect(err).toContain(`${file}: 1 problem`);
    expect(err).toMatch(/error at \$: not JSON/);
  });

  it("names a file that does not exist", async () => {
    const { code, err } = await run("validate", "--config", join(dir, "missing.json"));
    expect(code).toBe(1);
    expect(err).toMatch(/cannot read the file: no such file/);
  });

  it("prints warnings and still exits 0", async () => {
    const warned = structuredClone(virtway);
    warned.alarms[0].Period = 30;
    const { code, err, out } = await run("validate", "--config", write("warned.json", warned));
    expect(code).toBe(0);
    expect(out).toMatch(/1 warning/);
    expect(err).toMatch(/warning at \$\.alarms\[0\]\.Period/);
  });

  it("exits 2 on misuse and 0 on --help", async () => {
    expect((await run("validate", "--nope")).code).toBe(2);
    expect((await run("frobnicate")).code).toBe(2);
    const help = await run("validate", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--config <file>/);
  });
});
