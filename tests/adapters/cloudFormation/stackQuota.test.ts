/**
 * deploy/stackQuota.cjs: a template past CloudFormation's 500 resources is refused with its count,
 * what fills it and the way out; one at the quota packages. (`npm run test:deploy` runs it inside
 * osls on a crowded configuration.)
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { resourceQuotaError, RESOURCE_QUOTA } = require("../../../deploy/stackQuota.cjs") as {
  resourceQuotaError: (template: { Resources?: Record<string, { Type: string }> }) => string | null;
  RESOURCE_QUOTA: number;
};

function templateOf(counts: Record<string, number>) {
  const Resources: Record<string, { Type: string }> = {};
  for (const [type, n] of Object.entries(counts))
    for (let i = 0; i < n; i++) Resources[`${type.replaceAll(":", "")}${i}`] = { Type: type };
  return { Resources };
}

describe("the stack's resource quota", () => {
  it("is CloudFormation's 500 a template", () => {
    expect(RESOURCE_QUOTA).toBe(500);
  });

  it("lets a template of 500 resources through", () => {
    expect(
      resourceQuotaError(templateOf({ "AWS::CloudWatch::Alarm": 480, "AWS::IAM::Role": 20 })),
    ).toBeNull();
    expect(resourceQuotaError({})).toBeNull();
  });

  it("refuses 501, naming the count, the largest types first, and the way out", () => {
    const error = resourceQuotaError(
      templateOf({
        "AWS::IAM::Role": 4,
        "AWS::CloudWatch::Alarm": 470,
        "AWS::Scheduler::Schedule": 20,
        "AWS::SQS::Queue": 3,
        "AWS::Lambda::Function": 3,
        "AWS::KMS::Key": 1,
      }),
    );
    expect(error).toMatch(
      /^the stack would hold 501 resources; CloudFormation takes at most 500 in a template/,
    );
    expect(error).toContain(
      "(the most: 470 AWS::CloudWatch::Alarm, 20 AWS::Scheduler::Schedule, 4 AWS::IAM::Role, 3 AWS::Lambda::Function)",
    );
    expect(error).toContain('--param="alarms=external"');
  });
});
