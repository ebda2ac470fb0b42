/**
 * Where an asynchronous invocation that failed every attempt, or grew too old, lands: one SQS queue
 * per function, encrypted at rest (SSE-SQS), kept 14 days, SQS's longest. Lambda sends it the
 * invocation record (the event in `requestPayload`, the error in `responsePayload`):
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html.
 * docs/deploy.md, "Failures", says how to read and redrive them.
 */
import { pascal, type Resource } from "./template.js";

export const failureQueueId = (functionName: string) => `${pascal(functionName)}FailureQueue`;

export function failureQueue(queueName: string): Resource {
  return {
    Type: "AWS::SQS::Queue",
    Properties: {
      QueueName: queueName,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    },
  };
}
