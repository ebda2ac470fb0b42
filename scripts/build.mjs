// Bundles each Lambda entry point in functions/ into dist/<name>/index.mjs (one file per function),
// the same way serverless-esbuild packages them for deployment.
import { readdirSync } from "node:fs";
import { build } from "esbuild";

const entries = readdirSync(new URL("../functions", import.meta.url)).filter((f) => f.endsWith(".ts"));
if (entries.length === 0) {
  console.error("no Lambda entry point in functions/");
  process.exit(1);
}
for (const file of entries) {
  const name = file.replace(/\.ts$/, "");
  const result = await build({
    entryPoints: [`functions/${file}`],
    outfile: `dist/${name}/index.mjs`,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // The SDK's ES modules, tree-shaken: a bundle holds only the commands its function sends.
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: true,
    metafile: true,
    // ESM bundles of CommonJS dependencies need `require`.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  console.log(`dist/${name}/index.mjs ${(bytes / 1024).toFixed(0)} KiB`);
}
