// Bundles each Lambda entry point in functions/ into dist/<name>/index.mjs (one file per function),
// the same way serverless-esbuild packages them for deployment (deploy/bundle.cjs).
import bundle from "../deploy/bundle.cjs";

try {
  const bytes = await bundle.buildFunctions(new URL("../dist", import.meta.url).pathname);
  for (const [name, size] of Object.entries(bytes)) console.log(`dist/${name}/index.mjs ${size} bytes`);
} catch {
  // esbuild has printed what is wrong (a configuration that does not validate names each problem).
  process.exit(1);
}
