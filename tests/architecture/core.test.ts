import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The brain's core: pure decision logic, shared by the Lambda functions and replay. */
const CORE = [
  "shared/config",
  "shared/engine",
  "shared/policies",
  "shared/coordination",
  "shared/alarms",
  "shared/brain",
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const files = CORE.flatMap((dir) => sources(dir));

describe("the core", () => {
  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)("%s imports no AWS SDK, no handler and no command line", (file) => {
    const imports = [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    for (const specifier of imports) {
      expect(specifier).not.toMatch(/^@aws-sdk\/|^@aws-lambda-powertools\/|^@middy\/|functions\/|cli\//);
    }
  });

  it.each(files)("%s reads no clock", (file) => {
    // Strip comments, then look for the ways to read the time.
    const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(code).not.toMatch(/Date\.now\(|new Date\(\s*\)|performance\.now\(|process\.hrtime/);
  });
});
