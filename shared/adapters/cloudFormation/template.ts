/**
 * CloudFormation's JSON as the stack's generators write it: resources, intrinsic functions and the
 * logical ids osls gives what it creates itself (functions, their log groups), so that generated
 * resources can point at them.
 */

/** A CloudFormation value: plain JSON, or an intrinsic function. */
export type Value = unknown;

export type Resource = {
  Type: string;
  Properties: Record<string, Value>;
  DependsOn?: string[];
  DeletionPolicy?: "Delete" | "Retain" | "RetainExceptOnCreate" | "Snapshot";
  UpdateReplacePolicy?: "Delete" | "Retain" | "Snapshot";
};

export type Resources = Record<string, Resource>;
export type Output = { Description: string; Value: Value };

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string) => ({ "Fn::GetAtt": [logicalId, attribute] });
export const sub = (text: string) => ({ "Fn::Sub": text });

/** An ARN of this stack's partition, region and account: `arn(service, resource)`. */
export const arn = (service: string, resource: string, options: { region?: boolean } = {}) => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own syntax
  const region = options.region === false ? "" : "${AWS::Region}";
  return sub(`arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`);
};

/** A name's letters and digits in PascalCase: the part of a logical id taken from it. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => (part[0] as string).toUpperCase() + part.slice(1))
    .join("");
}

/** The logical ids osls gives a function of serverless.yml and its log group. */
export const functionId = (name: string) => `${pascal(name)}LambdaFunction`;
export const logGroupId = (name: string) => `${pascal(name)}LogGroup`;

/** A policy statement. */
export type Statement = {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Value;
  Action: string | string[];
  /** Absent in a trust policy, which applies to the role itself. */
  Resource?: Value;
  Condition?: Record<string, Record<string, Value>>;
};

export const policyDocument = (statements: Statement[]) => ({ Version: "2012-10-17", Statement: statements });
