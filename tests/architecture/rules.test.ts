/**
 * docs/rules.md is where the coordination rules are numbered: the code cites them by number, and
 * the page names the code and the tests that enforce each. These tests keep the two in step.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const RULES = readFileSync("docs/rules.md", "utf8");
const collapse = (text: string) => text.replace(/\s+/g, " ");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The rule numbers a text cites: "rule 4", "Rule 8", "rules 2 and 3", "rules 1, 2, 3". */
function citedRules(text: string): number[] {
  return [...text.matchAll(/\brules? (\d+(?:(?:,\s*| and | or )\d+)*)/gi)].flatMap((m) =>
    (m[1] as string).split(/,\s*| and | or /).map(Number),
  );
}

/** Each test file the page names, with the test titles quoted after it in parentheses. */
function namedTests(page: string): { file: string; titles: string[] }[] {
  const text = collapse(page);
  return [...text.matchAll(/`(tests\/[^`]+\.test\.ts)`(?: \(((?:[^()]|\([^()]*\))*)\))?/g)].map((m) => ({
    file: m[1] as string,
    titles: [...(m[2] ?? "").matchAll(/"([^"]+)"/g)].map((t) => t[1] as string),
  }));
}

describe("docs/rules.md", () => {
  it("numbers the rules 1 to 9, in order", () => {
    const numbers = [...RULES.matchAll(/^## Rule (\d+):/gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("names files that exist", () => {
    const paths = [...RULES.matchAll(/`((?:shared|functions|cli|tests)\/[^`\s]+\.ts)`/g)].map(
      (m) => m[1] as string,
    );
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !existsSync(p))).toEqual([]);
  });

  it("names tests that exist, by their titles", () => {
    const named = namedTests(RULES);
    expect(named.flatMap((n) => n.titles).length).toBeGreaterThan(15);
    const missing = named.flatMap(({ file, titles }) => {
      const code = collapse(readFileSync(file, "utf8"));
      // A title ending in "…" names every test that starts so.
      return titles.filter((t) => !code.includes(t.replace(/…$/, ""))).map((t) => `${file}: ${t}`);
    });
    expect(missing).toEqual([]);
  });

  it("names, for every rule, the code and the tests", () => {
    const sections = RULES.split(/^## /m).slice(1);
    for (const section of sections) {
      expect(section).toMatch(/^- Code: /m);
      expect(section).toMatch(/^- Tests: /m);
    }
  });
});

describe("the code's citations", () => {
  const files = ["shared", "functions", "cli", "scripts"].flatMap((dir) => sources(dir));
  const citing = files.filter((file) => citedRules(readFileSync(file, "utf8")).length > 0);

  it("cite rules that exist", () => {
    expect(citing.length).toBeGreaterThan(5);
    const wrong = citing.flatMap((file) =>
      citedRules(readFileSync(file, "utf8"))
        .filter((n) => n < 1 || n > 9)
        .map((n) => `${file}: rule ${n}`),
    );
    expect(wrong).toEqual([]);
  });

  it.each(citing)("%s says where the rules are written", (file) => {
    expect(readFileSync(file, "utf8")).toContain("docs/rules.md");
  });

  it("never send the reader to a document outside the repository", () => {
    const outside = files.filter((file) => /PRODUCT\.md/.test(readFileSync(file, "utf8")));
    expect(outside).toEqual([]);
  });
});

describe("the citation reader", () => {
  it("reads single rules, lists and pairs", () => {
    expect(citedRules("rule 4; Rule 8 (rules 2 and 3); rules 1, 2, 3; rules 5 or 7")).toEqual([
      4, 8, 2, 3, 1, 2, 3, 5, 7,
    ]);
  });
});
