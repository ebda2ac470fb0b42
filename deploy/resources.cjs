// The stack's generated resources, for serverless.yml's `resources:` (an osls variable resolver:
// `${file(./deploy/resources.cjs)}` calls the exported function). It reads the configuration with
// the command line's own loader and hands it, with the deployment's parameters, to
// shared/adapters/cloudFormation/stack.ts. A wrong configuration or parameter stops the packaging
// with every problem named. The packaging's time leaves out the schedules of actions already past.

/** The parameters stack.ts takes, as serverless.yml's `params` and `--param` give them. */
const PARAMETERS = ["alarms", "operatorTopicArn", "ledgerKmsKeyArn"];

module.exports = async ({ resolveVariable }) => {
  const { tsImport } = await import("tsx/esm/api");
  const load = (file) => tsImport(file, __filename);
  const { loadConfig } = await load("../shared/adapters/configFile.ts");
  const { deployParameters, stackResources } = await load("../shared/adapters/cloudFormation/stack.ts");
  const configFile = await resolveVariable("param:config");
  const raw = {};
  for (const name of PARAMETERS) {
    const value = await resolveVariable(`param:${name}, null`);
    if (value !== null && value !== undefined) raw[name] = String(value);
  }
  const parameters = deployParameters(raw);
  const { config } = loadConfig(configFile);
  if (!parameters.operatorTopicArn)
    console.warn(
      'surge-brain: no operatorTopicArn parameter: the brain\'s own alarms notify nobody (docs/deploy.md, "The brain watched")',
    );
  return stackResources(
    config,
    { service: await resolveVariable("self:service"), stage: await resolveVariable("sls:stage") },
    parameters,
    // Actions that run no more by now get no schedule (shared/adapters/cloudFormation/schedules.ts).
    Date.now(),
  );
};
