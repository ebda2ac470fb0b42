/** The LICENSE file is the license package.json declares: Apache-2.0, its full text. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };

describe("LICENSE", () => {
  it("holds the full text of the license package.json names", () => {
    expect(packageJson.license).toBe("Apache-2.0");
    const text = readFileSync(new URL("../../LICENSE", import.meta.url), "utf8");
    expect(text.trimStart()).toMatch(
      /^Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//,
    );
    // All nine sections and the end of the terms.
    for (const section of [
      "1. Definitions.",
      "4. Redistribution.",
      "9. Accepting Warranty or Additional Liability.",
    ])
      expect(text).toContain(section);
    expect(text).toContain("END OF TERMS AND CONDITIONS");
  });
});
