import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "brain-validate-"));
const example = JSON.parse(readFileSync("brain.config.json", "utf8"));

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
  });

  it("lists every problem with its JSON path and exits 1", async () => {
    const broken = structuredClone(example);
    broken.targets[0].MinCapacity = 9;
    broken.targets[0].MaxCapcity = 8;
    const file = write("broken.json", broken);
    const { code, out, err } = await run("validate", "--config", file);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("error at $.targets[0].MinCapacity: MinCapacity 9 is greater than MaxCapacity 8");
    expect(err).toContain("error at $.targets[0].MaxCapcity: unknown field");
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
    const warned = structuredClone(example);
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

describe("brain start", () => {
  it("shows each target with its bounds and layers", async () => {
    const { code, out } = await run("start");
    expect(code).toBe(0);
    expect(out).toMatch(
      /virtway-readers \(aurora-readers\): readers of Aurora cluster virtway-aurora\n {2}bounds: 1–8 readers/,
    );
    expect(out).toMatch(/target tracking readers-cpu-target-30: RDSReaderAverageCPUUtilization at 30/);
    expect(out).toMatch(
      /step readers-cpu-step-85 on virtway-readers-cpu-high-85 \(CPUUtilization > 85\): \+2/,
    );
    expect(out).toMatch(/virtway-acu-floor \(aurora-capacity\).*ceiling 32 ACU kept\)\n {2}bounds: 1–16 ACU/);
  });
});
