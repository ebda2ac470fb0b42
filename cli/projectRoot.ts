/**
 * The project's root folder, for the files the command line reads beside its sources (the Virtway
 * scenario, the report's script and style, the configuration's JSON Schema). The command line runs
 * from its sources (tsx) or from their bundle under node_modules/.cache (bin/cliBuild.js), so a
 * path relative to `import.meta.url` would differ between the two: the root is found upward from
 * here instead, as the folder whose package.json is this project's.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function isProjectRoot(dir: string): boolean {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "surge-brain";
  } catch {
    return false;
  }
}

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isProjectRoot(dir)) return dir;
    if (dirname(dir) === dir) throw new Error(`no surge-brain package.json above ${from}`);
  }
}

let root: string | undefined;

/** A path inside the project, from its root. */
export function projectPath(...parts: string[]): string {
  root ??= findRoot(dirname(fileURLToPath(import.meta.url)));
  return join(root, ...parts);
}
