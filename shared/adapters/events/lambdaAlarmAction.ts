/**
 * The payload CloudWatch sends when an alarm's action is the Lambda function itself (since
 * December 2023): no EventBridge envelope, the alarm's part in `alarmData` with the same fields as
 * EventBridge's `detail`. Powertools Parser has no schema for it, so the envelope is written here.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions-Lambda.html
 * (examples also in https://github.com/aws-powertools/powertools-lambda-python/blob/develop/tests/events/cloudWatchAlarmEventSingleMetric.json)
 */
import * as z from "zod/mini";
import type { AlarmStateChange } from "./alarmStateChange.js";
import { AlarmDetailSchema, alarmDetailToStateChange } from "./eventBridgeAlarm.js";
import { accountOrNull, arnParts, parseOrThrow, regionCodeOrNull } from "./fields.js";
import { statedOrigin } from "./identity.js";

/**
 * @example
 * ```json
 * {
 *   "source": "aws.cloudwatch",
 *   "alarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:virtway-frontend-requests-high",
 *   "accountId": "123456789012",
 *   "time": "2026-11-23T19:02:45.300+0000",
 *   "region": "eu-west-1",
 *   "alarmData": {
 *     "alarmName": "virtway-frontend-requests-high",
 *     "state": { "value": "ALARM", "reason": "Threshold Crossed: ...", "reasonData": "{...}", "timestamp": "2026-11-23T19:02:45.300+0000" },
 *     "previousState": { "value": "OK", "reason": "...", "timestamp": "2026-11-23T18:31:45.120+0000" },
 *     "configuration": { "description": "...", "metrics": [{ "id": "m1", "metricStat": { ... }, "returnData": true }] }
 *   }
 * }
 * ```
 */
export const LambdaAlarmActionSchema = z.object({
  source: z.optional(z.string()),
  alarmArn: z.nullish(z.string()),
  accountId: z.nullish(z.string()),
  region: z.nullish(z.string()),
  time: z.optional(z.unknown()),
  alarmData: AlarmDetailSchema,
});

export function parseLambdaAlarmAction(raw: unknown): AlarmStateChange {
  const event = parseOrThrow(LambdaAlarmActionSchema, raw, "the CloudWatch Lambda alarm action");
  const fromArn = arnParts(event.alarmArn);
  return alarmDetailToStateChange(event.alarmData, {
    delivery: "lambda-action",
    alarmArn: event.alarmArn ?? null,
    account: accountOrNull(event.accountId) ?? fromArn.account,
    region: regionCodeOrNull(event.region) ?? fromArn.region,
    stated: statedOrigin({
      account: ["accountId", event.accountId],
      region: ["region", event.region],
      arn: ["alarmArn", event.alarmArn],
    }),
    source: event.source ?? null,
  });
}
