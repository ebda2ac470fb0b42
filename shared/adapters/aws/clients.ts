/**
 * The SDK v3 clients of the scaled services, built once per Lambda container (or command) and
 * injectable: tests pass clients under aws-sdk-client-mock, dry runs clients whose transport the
 * simulated account answers, live runs the default credential chain and AWS_ENDPOINT_URL.
 */
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { RDSClient } from "@aws-sdk/client-rds";
import { SSMClient } from "@aws-sdk/client-ssm";

export type AwsClients = {
  rds: RDSClient;
  autoScaling: AutoScalingClient;
  applicationAutoScaling: ApplicationAutoScalingClient;
  cloudWatch: CloudWatchClient;
  /** Parameter Store: the pools' sizes and the readers signal of the connection budgets. */
  ssm: SSMClient;
};

export type ClientOptions = {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
};

/** The clients on `options`, each built when first used: a function builds only those it sends to. */
export function createAwsClients(options: ClientOptions = {}): AwsClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  let rds: RDSClient | undefined;
  let autoScaling: AutoScalingClient | undefined;
  let applicationAutoScaling: ApplicationAutoScalingClient | undefined;
  let cloudWatch: CloudWatchClient | undefined;
  let ssm: SSMClient | undefined;
  return {
    get rds() {
      rds ??= new RDSClient(config);
      return rds;
    },
    get autoScaling() {
      autoScaling ??= new AutoScalingClient(config);
      return autoScaling;
    },
    get applicationAutoScaling() {
      applicationAutoScaling ??= new ApplicationAutoScalingClient(config);
      return applicationAutoScaling;
    },
    get cloudWatch() {
      cloudWatch ??= new CloudWatchClient(config);
      return cloudWatch;
    },
    get ssm() {
      ssm ??= new SSMClient(config);
      return ssm;
    },
  };
}
