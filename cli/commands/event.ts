/**
 * `event alarm <AlarmName>`: a payload for one of the configured alarms, in the shape AWS sends it
 * (an SNS notification, an EventBridge "CloudWatch Alarm State Change" or a Lambda alarm action),
 * stamped now by default: the way to try `invoke` and `invoke --live` on any day, as
 * `sam local generate-event` does for other sources. Written by the evaluator's own payload
 * writer (shared/offline/evaluation/payloads.ts), so it parses as the real ones do.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadConfig } from "../../shared/adapters/configFile.js";
import type { AlarmStateValue } from "../../shared/core/alarms/alarmRule.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { formatProblem, UsageError } from "../../shared/core/errors.js";
import {
  eventBridgeEventFor,
  lambdaActionEventFor,
  type PayloadContext,
  snsEventFor,
} from "../../shared/offline/evaluation/payloads.js";
import { StatedChangeError, statedChange } from "../../shared/offline/evaluation/statedChange.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../io.js";
import { DEFAULT_CONFIG } from "./validate.js";

const STATES = ["ALARM", "OK", "INSUFFICIENT_DATA"] as const;
const VIAS = ["sns", "eventbridge", "lambda"] as const;
type Via = (typeof VIAS)[number];

/** The account and region a payload names when the configuration names none (moto's account). */
const DEFAULT_ACCOUNT = "123456789012";
const DEFAULT_REGION = "us-east-1";

type Options = { state: string; value?: string; via: string; at?: string; config: string; out?: string };

export function registerEvent(program: Command, ctx: CommandContext): Command {
  const event = program
    .command("event")
    .description("print a payload as AWS sends it, stamped now, to try invoke and invoke --live on any day");
  event
    .command("alarm")
    .description(
      "a state change of a configured alarm, as an SNS notification, an EventBridge event or a Lambda alarm action",
    )
    .argument("<AlarmName>", "an alarm of the configuration")
    .option("--state <state>", `the new state: ${STATES.join(", ")}`, "ALARM")
    .option(
      "--value <n>",
      "the newest datapoint (metric alarms; default: 10% beyond the threshold, on the state's side)",
    )
    .option("--via <via>", `how it is delivered: ${VIAS.join(", ")}`, "sns")
    .option("--at <iso-8601>", "when the state changed (default: now)")
    .option("--config <file>", "the configuration file", DEFAULT_CONFIG)
    .option("--out <file>", "write the payload to this file (default: standard output)")
    .action((name: string, options: Options) => {
      const state = oneOf("--state", options.state, STATES);
      const via = oneOf("--via", options.via, VIAS);
      const value = options.value === undefined ? null : parseValue(options.value);
      const atMs = options.at === undefined ? Date.now() : parseAt(options.at);
      const { config, warnings } = loadConfig(options.config);
      for (const w of warnings) ctx.io.err(formatProblem(w, options.config));
      const payload = alarmPayload(config, name, { state, value, atMs, via });
      const text = `${JSON.stringify(payload, null, 2)}\n`;
      if (options.out === undefined) ctx.io.out(text);
      else {
        try {
          writeFileSync(options.out, text);
        } catch (error) {
          ctx.io.err(`${options.out}: cannot write: ${(error as Error).message}`);
          return ctx.setExit(ExitCode.failed);
        }
        ctx.io.err(`${options.out}: ${state} of ${name} via ${via}`);
      }
    });
  return event;
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${option} ${value}: use one of ${allowed.join(", ")}`);
  return value as T;
}

function parseValue(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--value ${text} is not a number`);
  return value;
}

function parseAt(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text) || Number.isNaN(ms))
    throw new UsageError(`--at ${text} is not an ISO-8601 time with its zone, such as 2026-11-23T19:00:00Z`);
  return ms;
}

/** The payload of one alarm's state change, delivered `via`. */
export function alarmPayload(
  config: BrainConfig,
  name: string,
  options: { state: AlarmStateValue; value: number | null; atMs: number; via: Via },
): Record<string, unknown> {
  const alarm = config.alarms.find((a) => a.AlarmName === name);
  if (!alarm) {
    const names = config.alarms.map((a) => a.AlarmName);
    throw new UsageError(
      `no alarm named "${name}" in the configuration${names.length ? ` (it has ${names.join(", ")})` : ""}`,
    );
  }
  const account = config.account ?? DEFAULT_ACCOUNT;
  const region = config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  let change: ReturnType<typeof statedChange>;
  try {
    change = statedChange(alarm, {
      to: options.state,
      value: options.value,
      atMs: options.atMs,
      account,
      region,
    });
  } catch (error) {
    if (error instanceof StatedChangeError) throw new UsageError(error.message);
    throw error;
  }
  // The topic the alarm notifies, when its actions name one.
  const topicArn = [...(alarm.AlarmActions ?? []), ...(alarm.OKActions ?? [])].find((a) =>
    a.startsWith("arn:aws:sns:"),
  );
  const ctx: PayloadContext = { account, region, ...(topicArn ? { topicArn } : {}) };
  const built =
    options.via === "eventbridge"
      ? eventBridgeEventFor(change, alarm, ctx)
      : options.via === "lambda"
        ? lambdaActionEventFor(change, alarm, ctx)
        : snsEventFor(change, alarm, ctx);
  // A stated change's actions always run (no suppressor holds them).
  if (built === null) throw new Error(`no ${options.via} payload for ${name}`);
  return built;
}
