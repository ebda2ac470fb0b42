// serverless-esbuild's plugins (`custom.esbuild.plugins`): the functions bundle the configuration
// file the deployment names (`--param="config=…"`, default brain.config.json), checked at build
// time (deploy/bundle.cjs), so that the alarms and roles generated from it and the configuration
// the functions run on are one file, and one with errors stops the packaging; and the functions'
// credentials are their role's, from the environment (functions/lib/lambdaCredentials.ts).
const { resolve } = require("node:path");
const { configPlugin, lambdaCredentialsPlugin } = require("./bundle.cjs");

module.exports = (serverless) => [
  configPlugin(resolve(serverless.serviceDir, serverless.service.custom.brain.config)),
  lambdaCredentialsPlugin(),
];
