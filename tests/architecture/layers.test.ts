/**
 * The layout is the architecture (README, "The brain"): which layer may import which, no cycles,
 * and a core that is pure. Every import counts: `import type`, re-exports and dynamic `import()`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

type Layer = "core" | "brain" | "adapters" | "offline" | "functions" | "cli";

/** Each layer, and the layers it may import (itself included). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  core: ["core"],
  brain: ["core", "brain"],
  adapters: ["core", "brain", "adapters"],
  offline: ["core", "brain", "adapters", "offline"],
  functions: ["core", "brain", "adapters", "functions"],
  cli: ["core", "brain", "adapters", "offline", "functions", "cli"],
};

/** Packages a layer may import; node: built-ins count as packages. */
const PACKAGES: Record<Layer, RegExp> = {
  // The core: pure decision logic, validated with zod, cron read by aws-cron-parser. No AWS SDK, no
  // Powertools, no Node I/O.
  core: /^(zod|aws-cron-parser)(\/|$)/,
  // The brain drives the ports; it has no package of its own to call.
  brain: /^$/,
  adapters: /./,
  offline: /./,
  functions: /./,
  cli: /./,
};

function layerOf(file: string): Layer | null {
  const [top, second] = file.split("/");
  if (top === "functions" || top === "cli") return top;
  if (
    top === "shared" &&
    (second === "core" || second === "brain" || second === "adapters" || second === "offline")
  )
    return second;
  return null;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The specifiers a file imports: static imports and re-exports (type-only too), and `import()`. */
function specifiersOf(code: string): string[] {
  const withoutComments = code.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, "$1");
  const found = [
    ...withoutComments.matchAll(/(?:^|[;\s])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/g),
    ...withoutComments.matchAll(/(?:^|[;\s])import\s*["']([^"']+)["']/g),
    ...withoutComments.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]/g),
  ];
  return found.map((m) => m[1] as string);
}

/** A relative specifier resolved to the source file it names (`.js` written for `.ts`). */
function resolveLocal(from: string, specifier: string): string {
  return normalize(join(dirname(from), specifier)).replace(/\.js$/, ".ts");
}

const files = ["shared", "functions", "cli"].flatMap((dir) => sources(dir));
const imports = new Map(files.map((file) => [file, specifiersOf(readFileSync(file, "utf8"))] as const));

describe("the layers", () => {
  it("cover every source file", () => {
    expect(files.filter((f) => layerOf(f) === null)).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files)("%s imports only from the layers below it", (file) => {
    const layer = layerOf(file) as Layer;
    const wrong = (imports.get(file) ?? []).filter((specifier) => {
      if (specifier.startsWith(".")) {
        const target = layerOf(resolveLocal(file, specifier));
        // Outside the layers: brain.config.json, bundled into the functions, and package.json,
        // whose version the command line prints.
        if (target === null)
          return !(
            (layer === "functions" && specifier.endsWith("brain.config.json")) ||
            (layer === "cli" && specifier === "../package.json")
          );
        return !MAY_IMPORT[layer].includes(target);
      }
      return !PACKAGES[layer].test(specifier);
    });
    expect(wrong).toEqual([]);
  });

  it("have no import cycle", () => {
    const graph = new Map(
      files.map((file) => [
        file,
        (imports.get(file) ?? [])
          .filter((s) => s.startsWith("."))
          .map((s) => resolveLocal(file, s))
          .filter((t) => imports.has(t)),
      ]),
    );
    const cycles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file]);
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(cycles.map((c) => c.join(" → "))).toEqual([]);
  });
});

describe("the core", () => {
  const core = files.filter((f) => layerOf(f) === "core");

  it.each(core)("%s reads no clock", (file) => {
    // Strip comments, then look for the ways to read the time.
    const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(code).not.toMatch(/Date\.now\(|new Date\(\s*\)|performance\.now\(|process\.hrtime/);
  });

  it.each(core)("%s touches no process, file or network", (file) => {
    const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(code).not.toMatch(/\bprocess\.|\brequire\(|\bfetch\(/);
  });
});

describe("the import scanner", () => {
  it("sees every form of import, and none in comments", () => {
    const code = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      "import {\n  c,\n  type D,\n} from './c.js';",
      'export { e } from "./e.js";',
      'export type { F } from "./f.js";',
      'import "./side-effect.js";',
      'const g = await import("node:fs");',
      "// import { h } from './h.js';",
      "/* import { i } from './i.js'; */",
    ].join("\n");
    expect(specifiersOf(code)).toEqual([
      "./a.js",
      "../b.js",
      "./c.js",
      "./e.js",
      "./f.js",
      "./side-effect.js",
      "node:fs",
    ]);
  });
});

describe("the README's map", () => {
  const readme = readFileSync("README.md", "utf8");
  const map = readme.slice(readme.indexOf("## The brain"), readme.indexOf("### Dependencies chosen"));
  const folders = (dir: string) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);

  it("has a row for every layer, with the layers it may import", () => {
    const rows = new Map(
      [...map.matchAll(/^\| `([^`]+)\/` \| [^|]+ \| ([^|]+) \|$/gm)].map((m) => [m[1], m[2] as string]),
    );
    expect([...rows.keys()].sort()).toEqual(
      ["cli", "functions", ...folders("shared").map((f) => `shared/${f}`)].sort(),
    );
    const names: Record<string, Layer> = {
      "the core": "core",
      "the brain": "brain",
      "the adapters": "adapters",
    };
    for (const [folder, allowed] of rows) {
      const layer = layerOf(`${folder}/x.ts`) as Layer;
      const below = MAY_IMPORT[layer].filter((l) => l !== layer);
      if (allowed.trim() === "everything" || allowed.trim() === "all of the above") {
        expect(below.length).toBeGreaterThanOrEqual(3);
        continue;
      }
      const said = Object.entries(names)
        .filter(([name]) => allowed.includes(name))
        .map(([, l]) => l)
        .filter((l) => l !== layer);
      expect(said.sort()).toEqual([...below].sort());
    }
  });

  it("names every folder of the layers, and only folders that exist", () => {
    for (const layer of ["core", "brain", "adapters", "offline"]) {
      for (const folder of folders(`shared/${layer}`)) expect(map).toContain(`${folder}/`);
    }
    const named = [...map.matchAll(/`((?:shared|functions|tests|cli)\/[^`]*)`/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((path) => !existsSync(path))).toEqual([]);
  });
});
