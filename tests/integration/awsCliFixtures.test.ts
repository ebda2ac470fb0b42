/** The AWS CLI fixtures `import` is tested on hold only field names botocore's service models have. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("tests/fixtures/aws-cli", () => {
  it("every field name of every fixture, v1 and v2, is in its operation's output shape (botocore)", () => {
    const check = spawnSync("python3", ["scripts/aws-cli-fixtures.py", "--check"], { encoding: "utf8" });
    expect(check.stdout).toMatch(
      /^14 fixtures checked against botocore \S+'s service models: 0 unknown fields$/m,
    );
    expect(check.status, check.stderr).toBe(0);
  });
});
