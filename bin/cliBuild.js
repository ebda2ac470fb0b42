// The command line's start-up: its TypeScript sources bundled once with esbuild into
// node_modules/.cache/surge-brain/, keyed on the sources' content, so that a call loads one
// JavaScript file instead of compiling TypeScript (tsx) every time. Any change to a source makes a
// new key, and so a new bundle at the next call: what runs is always the sources as they are.
// Where esbuild is missing (an install without devDependencies) or the cache cannot be written,
// the sources run through tsx as before.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/**
 * What the bundle is made of: every source it may import, the configuration it inlines, the
 * version, and the dependencies' versions (it bundles them too).
 */
const SOURCES = ["cli", "shared", "functions"];
const FILES = ["brain.config.json", "package.json", "package-lock.json", "bin/cliBuild.js"];
export const CACHE = join(ROOT, "node_modules", ".cache", "surge-brain");

/** A digest of every source file's path and content. */
export function sourcesKey() {
  const hash = createHash("sha256");
  const add = (file) => {
    hash.update(relative(ROOT, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) add(path);
    }
  };
  for (const dir of SOURCES) walk(join(ROOT, dir));
  for (const file of FILES) add(join(ROOT, file));
  return hash.digest("hex").slice(0, 16);
}

const exists = (path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The bundle for the sources as they are: built now when there is none (about a second, once), or
 * null when it cannot be built here.
 */
export async function cliBundle({ onBuild = () => {} } = {}) {
  const bundle = join(CACHE, `cli-${sourcesKey()}.mjs`);
  if (exists(bundle)) return bundle;
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return null;
  }
  onBuild();
  // Written under a name of its own, then renamed: two first calls at once never see half a file.
  const partial = `${bundle}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(bundle), { recursive: true });
    await esbuild.build({
      entryPoints: [join(ROOT, "cli", "main.ts")],
      outfile: partial,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      // ES modules where packages have them: tree-shaken, and without CommonJS interop at start-up.
      mainFields: ["module", "main"],
      minify: true,
      sourcemap: "linked",
      sourcesContent: false,
      // ESM bundles of CommonJS dependencies need `require`.
      banner: {
        js: "import { createRequire as __cliCreateRequire } from 'node:module'; const require = __cliCreateRequire(import.meta.url);",
      },
      logLevel: "silent",
    });
    renameSync(`${partial}.map`, `${bundle}.map`);
    renameSync(partial, bundle);
  } catch {
    rmSync(partial, { force: true });
    rmSync(`${partial}.map`, { force: true });
    return null;
  }
  // Older bundles (sources since changed) go.
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name.startsWith("cli-") && !path.startsWith(bundle)) rmSync(path, { force: true });
  }
  return bundle;
}

/** The command line's main(): from the bundle, or from the sources through tsx. */
export async function loadMain(options) {
  const bundle = await cliBundle(options);
  if (bundle) return (await import(pathToFileURL(bundle).href)).main;
  const { register } = await import("tsx/esm/api");
  register();
  return (await import(pathToFileURL(join(ROOT, "cli", "main.ts")).href)).main;
}
