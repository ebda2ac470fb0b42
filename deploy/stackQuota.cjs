// An osls plugin: stops the packaging when the stack would hold more resources than CloudFormation
// takes in one template (500: "Understand CloudFormation quotas",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
// counted on the whole template once the generated resources (deploy/resources.cjs) are merged in,
// so that a configuration with many alarms or scheduled actions is refused on the operator's machine,
// with what fills the stack, rather than by CreateStack or UpdateStack.

/** CloudFormation's quota of resources in a template. */
const RESOURCE_QUOTA = 500;

/** Why the template cannot deploy, or null. */
function resourceQuotaError(template, quota = RESOURCE_QUOTA) {
  const resources = Object.values(template.Resources ?? {});
  if (resources.length <= quota) return null;
  const byType = new Map();
  for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  const largest = [...byType]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 4)
    .map(([type, n]) => `${n} ${type}`)
    .join(", ");
  return (
    `the stack would hold ${resources.length} resources; CloudFormation takes at most ${quota} in a template ` +
    `(the most: ${largest}). Deploy the configuration's alarms yourself with --param="alarms=external", ` +
    `or split the targets over several configurations and stages (docs/deploy.md, "Parameters").`
  );
}

class StackQuota {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      "after:aws:package:finalize:mergeCustomProviderResources": () => this.check(),
    };
  }

  check() {
    const error = resourceQuotaError(this.serverless.service.provider.compiledCloudFormationTemplate);
    if (error) throw new this.serverless.classes.Error(`surge-brain: ${error}`);
  }
}

module.exports = StackQuota;
module.exports.resourceQuotaError = resourceQuotaError;
module.exports.RESOURCE_QUOTA = RESOURCE_QUOTA;
