// How each Lambda function is bundled: one minified ES module file per function, the SDK's ES
// module builds (tree-shaken: a bundle holds only the commands its function sends), and the
// configuration checked at build time in place of the one functions/lib/bundledConfig.ts checks
// when run from source. The one source of these options for scripts/build.mjs and `bench`;
// serverless.yml's custom.esbuild states the same options and takes the plugin from deploy/esbuild.cjs.
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");

/** The modules functions/lib/bundledConfig.ts stands for in a bundle. */
const BUNDLED_CONFIG = /functions[\\/]lib[\\/]bundledConfig\.ts$/;

/** validateConfig and ConfigError from the sources, bundled for this process once. */
let checker;
function configChecker(esbuild) {
  if (checker) return checker;
  const code = esbuild.buildSync({
    stdin: {
      contents:
        'export { validateConfig } from "./shared/core/config/validate.ts"; export { ConfigError } from "./shared/core/errors.ts";',
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    logLevel: "silent",
  }).outputFiles[0].text;
  const compiled = new Module(join(ROOT, "deploy", "configChecker.cjs"));
  compiled.paths = Module._nodeModulePaths(ROOT);
  compiled._compile(code, compiled.id);
  checker = compiled.exports;
  return checker;
}

/**
 * The esbuild plugin that bundles `configFile` checked, its defaults applied, so a function does
 * not parse its configuration at every cold start; a configuration with errors fails the build,
 * each problem named (a configuration that does not validate never deploys), and its warnings are
 * the build's.
 */
function configPlugin(configFile) {
  return {
    name: "surge-brain-config",
    setup(build) {
      build.onLoad({ filter: BUNDLED_CONFIG }, () => {
        const { validateConfig, ConfigError } = configChecker(require("esbuild"));
        let raw;
        try {
          raw = JSON.parse(readFileSync(configFile, "utf8"));
        } catch (error) {
          return { errors: [{ text: `${configFile}: ${error.message}` }], watchFiles: [configFile] };
        }
        const checked = validateConfig(raw);
        if (!checked.ok) {
          return {
            errors: [{ text: new ConfigError(configFile, checked.problems).message }],
            watchFiles: [configFile],
          };
        }
        return {
          contents: `/** ${JSON.stringify(configFile)}, checked at build time. */\nexport const bundledConfig = () => config;\nconst config = ${JSON.stringify(checked.config)};\n`,
          loader: "js",
          warnings: checked.problems.map((p) => ({ text: `${configFile}: ${p.path}: ${p.message}` })),
          watchFiles: [configFile],
        };
      });
    },
  };
}

/**
 * The esbuild plugin that gives the functions their execution role's credentials from the
 * environment (functions/lib/lambdaCredentials.ts) in place of the SDK's default provider chain.
 */
function lambdaCredentialsPlugin() {
  return {
    name: "surge-brain-lambda-credentials",
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
        path: join(ROOT, "functions", "lib", "lambdaCredentials.ts"),
      }));
    },
  };
}

/** The functions: each entry point of functions/. */
function functionNames() {
  return require("node:fs")
    .readdirSync(join(ROOT, "functions"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.replace(/\.ts$/, ""));
}

/** esbuild's options for one function, written to `outfile`, on the configuration in `configFile`. */
function bundleOptions({ name, outfile, configFile = join(ROOT, "brain.config.json") }) {
  return {
    entryPoints: [join(ROOT, "functions", `${name}.ts`)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // The SDK's ES modules, tree-shaken: a bundle holds only the commands its function sends.
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: true,
    metafile: true,
    plugins: [configPlugin(configFile), lambdaCredentialsPlugin()],
    // ESM bundles of CommonJS dependencies need `require`.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
  };
}

/** Bundles every function into `outdir/<name>/index.mjs`; resolves to each bundle's bytes. */
async function buildFunctions(outdir, options = {}) {
  const { build } = require("esbuild");
  const bytes = {};
  for (const name of functionNames()) {
    const outfile = join(outdir, name, "index.mjs");
    const result = await build({
      ...bundleOptions({ name, outfile, ...options }),
      ...(options.esbuild ?? {}),
    });
    bytes[name] = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  }
  return bytes;
}

module.exports = { bundleOptions, buildFunctions, configPlugin, lambdaCredentialsPlugin, functionNames };
