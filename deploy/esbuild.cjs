// serverless-esbuild's plugins (`custom.esbuild.plugins`): the functions bundle the configuration
// file the deployment names (`--param="config=…"`, default brain.config.json) in place of the one
// functions/lib/runtime.ts imports, so that the alarms and roles generated from it and the
// configuration the functions run on are one file.
const { resolve } = require("node:path");

module.exports = (serverless) => {
  const file = resolve(serverless.serviceDir, serverless.service.custom.brain.config);
  return [
    {
      name: "surge-brain-config",
      setup(build) {
        build.onResolve({ filter: /(^|\/)brain\.config\.json$/ }, (args) =>
          args.importer.endsWith("functions/lib/runtime.ts") ? { path: file } : undefined,
        );
      },
    },
  ];
};
