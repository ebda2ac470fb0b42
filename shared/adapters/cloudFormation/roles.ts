/**
 * Each function's own role: the platform's permissions (its log group, its failure queue) and the
 * actions its code sends, each on the resources the configuration names. What a function's bundle
 * can send is derived from the bundle itself in tests/adapters/cloudFormation/roles.test.ts, which
 * fails on a call without its permission and on a permission no code uses.
 * Actions, resource types and condition keys: AWS's Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
import type { BrainConfig } from "../../core/config/schema.js";
import { PARAMETER_PREFIX } from "../../core/connections/parameters.js";
import { READER_TAG_KEYS, readerIdentifierPattern } from "../actuators/auroraReaders.js";
import {
  arn,
  getAtt,
  logGroupId,
  pascal,
  policyDocument,
  type Resource,
  type Statement,
} from "./template.js";

/** What a function's code does with AWS, each a group of statements below. */
export const GRANTS = ["ledger", "targets", "nativeScaling", "metrics", "parameters"] as const;
export type Grant = (typeof GRANTS)[number];

export type RoleSpec = {
  /** The function's name in serverless.yml. */
  name: string;
  grants: readonly Grant[];
  /** Its asynchronous invocations' failure queue, if it has one. */
  failureQueue: string | null;
  /** The ledger table's logical id. */
  ledgerTable: string;
};

export const roleId = (functionName: string) => `${pascal(functionName)}Role`;

/** Every statement of a role that is not a platform permission names an action its code sends. */
export const PLATFORM_ACTIONS: ReadonlySet<string> = new Set([
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "sqs:SendMessage",
]);

/** A function's role. */
export function functionRole(config: BrainConfig, spec: RoleSpec): Resource {
  const statements: Statement[] = [
    {
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: getAtt(logGroupId(spec.name), "Arn"),
    },
    ...(spec.failureQueue
      ? [
          {
            Sid: "FailureQueue",
            Effect: "Allow" as const,
            Action: "sqs:SendMessage",
            Resource: getAtt(spec.failureQueue, "Arn"),
          },
        ]
      : []),
    ...spec.grants.flatMap((grant) => STATEMENTS[grant](config, spec)),
  ];
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: `surge-brain's ${spec.name} function`,
      AssumeRolePolicyDocument: policyDocument([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]),
      Policies: [{ PolicyName: spec.name, PolicyDocument: policyDocument(statements) }],
    },
  };
}

const clusters = (config: BrainConfig, kind: "aurora-readers" | "aurora-capacity") => [
  ...new Set(config.targets.flatMap((t) => (t.kind === kind ? [t.DBClusterIdentifier] : []))),
];
const groups = (config: BrainConfig) => [
  ...new Set(config.targets.flatMap((t) => (t.kind === "asg" ? [t.AutoScalingGroupName] : []))),
];
const clusterArn = (cluster: string) => arn("rds", `cluster:${cluster}`);
const groupArn = (group: string) => arn("autoscaling", `autoScalingGroup:*:autoScalingGroupName/${group}`);

/** The statements of each grant; none where the configuration names nothing of its kind. */
const STATEMENTS: Record<Grant, (config: BrainConfig, spec: RoleSpec) => Statement[]> = {
  // The ledger: one table, no index (docs/ledger.md). No Scan: only the operator lists targets.
  ledger: (_, spec) => [
    {
      Sid: "Ledger",
      Effect: "Allow",
      Action: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchWriteItem",
      ],
      Resource: getAtt(spec.ledgerTable, "Arn"),
    },
  ],
  targets: (config) => [...auroraReaders(config), ...auroraCapacity(config), ...autoScalingGroups(config)],
  nativeScaling: (config) => [
    // A cluster's replica count as a scalable target: its dynamic scale-in suspended and resumed.
    // Scalable targets have random ids, so no ARN names a cluster's: RegisterScalableTarget is
    // scoped to the account and region, and the code only re-registers targets that exist.
    ...(clusters(config, "aurora-readers").length > 0
      ? [
          {
            Sid: "ScalableTargetsRead",
            Effect: "Allow" as const,
            Action: "application-autoscaling:DescribeScalableTargets",
            Resource: "*", // no resource-level permissions
          },
          {
            Sid: "ScalableTargetsSuspend",
            Effect: "Allow" as const,
            Action: "application-autoscaling:RegisterScalableTarget",
            Resource: arn("application-autoscaling", "scalable-target/*"),
          },
        ]
      : []),
    // A group's own target-tracking policies: their scale-in switched off and back on.
    ...(groups(config).length > 0
      ? [
          {
            Sid: "GroupPoliciesRead",
            Effect: "Allow" as const,
            Action: "autoscaling:DescribePolicies",
            Resource: "*", // no resource-level permissions
          },
          {
            Sid: "GroupPoliciesScaleIn",
            Effect: "Allow" as const,
            Action: "autoscaling:PutScalingPolicy",
            Resource: groups(config).map(groupArn),
          },
        ]
      : []),
  ],
  metrics: () => [
    { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" }, // no resource-level permissions
  ],
  // The connection budgets' pool sizes and readers signals: read, and written where they change,
  // under the brain's own prefix and the budgets' clusters alone.
  parameters: (config) =>
    config.connectionBudgets?.length
      ? [
          {
            Sid: "PoolParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameters", "ssm:PutParameter"],
            Resource: config.connectionBudgets.map((b) =>
              arn("ssm", `parameter${PARAMETER_PREFIX}/${b.DBClusterIdentifier}/*`),
            ),
          },
        ]
      : [],
};

function auroraReaders(config: BrainConfig): Statement[] {
  const readers = clusters(config, "aurora-readers");
  if (readers.length === 0) return [];
  const brainsReaders = readers.map((c) => arn("rds", `db:${readerIdentifierPattern(c)}`));
  const managed = { "aws:RequestTag/surge-brain:managed": "true" };
  return [
    {
      Sid: "ClustersRead",
      Effect: "Allow",
      Action: "rds:DescribeDBClusters",
      Resource: [...new Set([...readers, ...clusters(config, "aurora-capacity")])].map(clusterArn),
    },
    // Filtered by cluster, the request names no instance: RDS authorises it against every one.
    {
      Sid: "InstancesRead",
      Effect: "Allow",
      Action: "rds:DescribeDBInstances",
      Resource: arn("rds", "db:*"),
    },
    // A reader: authorised against the new instance (the brain's name), its cluster and the groups
    // it takes from the cluster; always with the brain's tag.
    {
      Sid: "ReadersCreate",
      Effect: "Allow",
      Action: "rds:CreateDBInstance",
      Resource: [
        ...brainsReaders,
        ...readers.map(clusterArn),
        arn("rds", "pg:*"),
        arn("rds", "og:*"),
        arn("rds", "subgrp:*"),
      ],
      Condition: { StringEquals: managed },
    },
    // CreateDBInstance with Tags is also authorised as AddTagsToResource. RDS has no condition
    // that tells tagging at creation from tagging later, so this is what keeps the brain from
    // tagging any other instance as its own: its readers' names, its tag keys only, and the managed
    // tag in every request.
    {
      Sid: "ReadersTag",
      Effect: "Allow",
      Action: "rds:AddTagsToResource",
      Resource: brainsReaders,
      Condition: {
        StringEquals: managed,
        "ForAllValues:StringEquals": { "aws:TagKeys": [...READER_TAG_KEYS] },
      },
    },
    // Rule 7 (docs/rules.md): only the brain's readers, by name and by the tag it set at creation.
    {
      Sid: "ReadersDelete",
      Effect: "Allow",
      Action: "rds:DeleteDBInstance",
      Resource: brainsReaders,
      Condition: { StringEquals: { "aws:ResourceTag/surge-brain:managed": "true" } },
    },
  ];
}

function auroraCapacity(config: BrainConfig): Statement[] {
  const capacity = clusters(config, "aurora-capacity");
  if (capacity.length === 0) return [];
  return [
    // The ACU floor (ServerlessV2ScalingConfiguration.MinCapacity).
    ...(clusters(config, "aurora-readers").length === 0
      ? [
          {
            Sid: "ClustersRead",
            Effect: "Allow" as const,
            Action: "rds:DescribeDBClusters",
            Resource: capacity.map(clusterArn),
          },
        ]
      : []),
    {
      Sid: "ClustersFloor",
      Effect: "Allow",
      Action: "rds:ModifyDBCluster",
      Resource: capacity.map(clusterArn),
    },
  ];
}

function autoScalingGroups(config: BrainConfig): Statement[] {
  const names = groups(config);
  if (names.length === 0) return [];
  return [
    {
      Sid: "GroupsRead",
      Effect: "Allow",
      Action: "autoscaling:DescribeAutoScalingGroups",
      Resource: "*", // no resource-level permissions
    },
    {
      // SetDesiredCapacity for a decision; UpdateAutoScalingGroup for a scheduled action's bounds,
      // which move the group's MinSize and MaxSize with its capacity (actuators/autoScalingGroup.ts).
      Sid: "GroupsScale",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup"],
      Resource: names.map(groupArn),
    },
  ];
}
