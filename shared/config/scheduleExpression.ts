/**
 * Schedule expressions of Application Auto Scaling's scheduled actions: `at(...)`, `cron(...)` and
 * `rate(...)`, parsed into plain data. Pure: no clock is read here.
 *
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 * - at(yyyy-mm-ddThh:mm:ss), in the action's Timezone (UTC when none is given);
 * - cron(Minutes Hours Day-of-month Month Day-of-week Year), six fields, one of day-of-month and
 *   day-of-week must be `?`;
 * - rate(value unit), unit minute(s), hour(s) or day(s); 1 takes the singular, more the plural.
 */
import AwsCronParser from "aws-cron-parser";

export type ScheduleExpression =
  | { type: "at"; localDateTime: string }
  | { type: "cron"; fields: string; cron: ReturnType<typeof AwsCronParser.parse> }
  | { type: "rate"; seconds: number };

export type ScheduleParse = { ok: true; value: ScheduleExpression } | { ok: false; message: string };

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

export function parseScheduleExpression(expression: string): ScheduleParse {
  const text = expression.trim();
  const at = AT.exec(text);
  if (at) {
    const [, y, mo, d, h, mi, s] = at.map(Number) as [number, number, number, number, number, number, number];
    const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    const valid =
      probe.getUTCFullYear() === y &&
      probe.getUTCMonth() === mo - 1 &&
      probe.getUTCDate() === d &&
      h < 24 &&
      mi < 60 &&
      s < 60;
    if (!valid) return { ok: false, message: `${text} is not a real date and time` };
    return { ok: true, value: { type: "at", localDateTime: text.slice(3, -1) } };
  }
  const rate = RATE.exec(text);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) return { ok: false, message: "rate() takes a positive whole number" };
    const singular = unit.endsWith("s") ? unit.slice(0, -1) : unit;
    if ((value === 1) !== (unit === singular)) {
      return {
        ok: false,
        message: `rate(${value} ${unit}): use "${singular}" for 1 and "${singular}s" above`,
      };
    }
    return {
      ok: true,
      value: { type: "rate", seconds: value * UNIT_SECONDS[singular as keyof typeof UNIT_SECONDS] },
    };
  }
  const cron = CRON.exec(text);
  if (cron) return parseCron((cron[1] as string).trim());
  return {
    ok: false,
    message: `"${text}" is not a schedule expression: use at(yyyy-mm-ddThh:mm:ss), cron(6 fields) or rate(value unit)`,
  };
}

function parseCron(fields: string): ScheduleParse {
  const parts = fields.split(/\s+/);
  if (parts.length !== 6) {
    return {
      ok: false,
      message: `cron(${fields}) has ${parts.length} fields; AWS takes six: minutes hours day-of-month month day-of-week year`,
    };
  }
  const dayOfMonth = parts[2];
  const dayOfWeek = parts[4];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return { ok: false, message: `cron(${fields}): exactly one of day-of-month and day-of-week must be "?"` };
  }
  try {
    const parsed = AwsCronParser.parse(fields);
    return { ok: true, value: { type: "cron", fields, cron: parsed } };
  } catch (error) {
    return { ok: false, message: `cron(${fields}): ${(error as Error).message}` };
  }
}

/** Whether `zone` is an IANA time zone the runtime knows (as Application Auto Scaling requires). */
export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.includes("/") || zone === "UTC" || zone === "Etc/UTC";
  } catch {
    return false;
  }
}
