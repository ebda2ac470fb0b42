/**
 * The scenarios in events/scenarios/ are the generator's output, but for their READMEs:
 * scripts/generate-scenarios.ts, run again into a temporary folder, writes every other file of
 * every scenario byte for byte, and each folder holds nothing else (PRODUCT: a scenario folder
 * holds its configuration, its streams and its README).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../shared/adapters/configFile.js";

const BUNDLED = "events/scenarios";
const generated = mkdtempSync(join(tmpdir(), "brain-generate-scenarios-"));
const scenarios = readdirSync(BUNDLED).sort();
const files = scenarios.flatMap((s) =>
  readdirSync(join(BUNDLED, s))
    .filter((f) => f !== "README.md")
    .map((f) => join(s, f)),
);

beforeAll(() => {
  execFileSync(process.execPath, ["--import", "tsx", "scripts/generate-scenarios.ts", generated], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}, 30_000);
afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe("scripts/generate-scenarios.ts", () => {
  it("writes the virtway, tv-vote, raffle and connections scenarios, and no other", () => {
    expect(scenarios).toEqual(["connections", "raffle", "tv-vote", "virtway"]);
    expect(readdirSync(generated).sort()).toEqual(scenarios);
  });

  it.each(scenarios)("writes every file of %s but its README, and it has nothing else", (scenario) => {
    const bundled = readdirSync(join(BUNDLED, scenario)).sort();
    expect(bundled).toContain("README.md");
    expect(readdirSync(join(generated, scenario)).sort()).toEqual(bundled.filter((f) => f !== "README.md"));
  });

  it.each(files)("writes events/scenarios/%s byte for byte", (file) => {
    const same = readFileSync(join(generated, file)).equals(readFileSync(join(BUNDLED, file)));
    expect(same, `${file} differs from what the generator writes: edit the generator, not the file`).toBe(
      true,
    );
  });

  it("writes the Virtway avalanche as events/streams/ has it", () => {
    expect(readFileSync(join(BUNDLED, "virtway", "avalanche.jsonl"))).toEqual(
      readFileSync("events/streams/avalanche.jsonl"),
    );
  });

  it.each(scenarios.filter((s) => s !== "virtway"))("%s's configuration is valid", (scenario) => {
    expect(() => loadConfig(join(BUNDLED, scenario, "brain.config.json"))).not.toThrow();
  });
});
