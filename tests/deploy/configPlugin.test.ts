/**
 * The functions' configuration, checked at build time (deploy/bundle.cjs): the bundle holds the
 * checked configuration with its defaults applied, and a configuration with errors fails the build
 * naming each problem, so that it never deploys.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import bundle from "../../deploy/bundle.cjs";
import { VIRTWAY_CONFIG, virtwayConfig, virtwayJson } from "../support/config.js";

/** A bundle of functions/lib/bundledConfig.ts alone, on `configFile`, as the functions bundle it. */
async function bundledConfigOn(configFile: string) {
  const result = await build({
    stdin: {
      contents: 'export { bundledConfig } from "./functions/lib/bundledConfig.ts";',
      resolveDir: ".",
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "silent",
    plugins: [bundle.configPlugin(configFile)],
  });
  return { code: result.outputFiles[0]?.text ?? "", warnings: result.warnings };
}

describe("the configuration bundled into the functions", () => {
  it("is the checked configuration, its defaults applied, with no schema left to run", async () => {
    const { code } = await bundledConfigOn(VIRTWAY_CONFIG);
    const url = `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;
    const { bundledConfig } = await import(url);
    expect(bundledConfig()).toEqual(virtwayConfig());
    // The defaults were applied: the file leaves settings out, the bundle has them.
    expect(virtwayJson().settings?.maxPayloadBytes).toBeUndefined();
    expect(bundledConfig().settings.maxPayloadBytes).toBeGreaterThan(0);
    expect(code).not.toMatch(/safeParse|validateConfig/);
  });

  it("fails the build on a configuration with errors, naming each problem and the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "brain-config-"));
    const file = join(dir, "broken.config.json");
    const broken = virtwayJson();
    broken.targets[0].kind = "lambda";
    delete broken.alarms;
    writeFileSync(file, JSON.stringify(broken));
    const failure = await bundledConfigOn(file).then(
      () => null,
      (error: { errors: { text: string }[] }) => error.errors.map((e) => e.text).join("\n"),
    );
    expect(failure).toContain(`${file}: 5 problems`);
    expect(failure).toMatch(/error at \$\.alarms: /);
    // The rules across fields still run: the policies name alarms that are gone.
    expect(failure).toMatch(/error at \$\.targets\[1\]\.policies\[0\]\.Alarms\[0\]: .* is not in alarms/);
    expect(failure).toMatch(/error at \$\.targets\[0\]\.kind: kind must be "aurora-readers"/);
  });

  it("fails the build on a file that is not JSON, naming it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "brain-config-")), "brain.config.json");
    writeFileSync(file, "{ not json");
    await expect(bundledConfigOn(file)).rejects.toThrow(new RegExp(`${file}: .*JSON`));
  });
});
