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

/**
 * The six fields of AWS's cron, as the EventBridge cron expressions reference documents them
 * (Application Auto Scaling's scheduled actions take the same syntax:
 * https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html).
 * `?` only in the day fields; `/` in every field but day-of-week; `L` (last) in day-of-month and
 * day-of-week (`5L`: the month's last Thursday); `W` (`3W`: the weekday nearest the 3rd) in
 * day-of-month; `#` (`3#2`: the month's second Tuesday) in day-of-week, alone in its field.
 * Names (JAN-DEC, SUN-SAT) are taken in any case.
 */
const CRON_FIELDS = [
  { name: "minutes", min: 0, max: 59, takes: "0-59 with , - * /" },
  { name: "hours", min: 0, max: 23, takes: "0-23 with , - * /" },
  { name: "day-of-month", min: 1, max: 31, takes: "1-31 with , - * ? / L W", day: true },
  {
    name: "month",
    min: 1,
    max: 12,
    takes: "1-12 or JAN-DEC with , - * /",
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  {
    name: "day-of-week",
    min: 1,
    max: 7,
    takes: "1-7 or SUN-SAT with , - * ? L #",
    names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    day: true,
    noIncrement: true,
  },
  { name: "year", min: 1970, max: 2199, takes: "1970-2199 with , - * /" },
] as const;

type CronField = (typeof CRON_FIELDS)[number];

/** A single value of `field` (a number or, in month and day-of-week, a name), or why it is not one. */
function cronValue(field: CronField, text: string): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : `${n} is outside ${field.min}-${field.max}`;
  }
  const names: readonly string[] = "names" in field ? field.names : [];
  const i = names.indexOf(text.toUpperCase());
  if (i >= 0) return i + 1;
  return `"${text}" is not ${names.length ? `${field.min}-${field.max} or ${names[0]}-${names.at(-1)}` : `a number ${field.min}-${field.max}`}`;
}

/** Why `text` is not a valid `field`, or undefined when it is. */
function cronFieldProblem(field: CronField, text: string): string | undefined {
  if (text === "?") return "day" in field ? undefined : `"?" is only for day-of-month and day-of-week`;
  if (field.name === "day-of-month") {
    if (text === "L") return undefined;
    const weekday = /^(.+)W$/.exec(text);
    if (weekday) return valueProblem(field, weekday[1] as string);
  }
  if (field.name === "day-of-week") {
    if (text === "L") return undefined;
    const last = /^(.+)L$/.exec(text);
    if (last) return valueProblem(field, last[1] as string);
    if (text.includes("#")) {
      const nth = /^([^#,]+)#(\d+)$/.exec(text);
      if (!nth) return `"#" takes one day and its week of the month, alone in the field, as 3#2`;
      const week = Number(nth[2]);
      if (week < 1 || week > 5) return `"${text}": a month has a 1st to a 5th of each day, not a ${week}th`;
      return valueProblem(field, nth[1] as string);
    }
  }
  for (const item of text.split(",")) {
    if (item === "") return "an empty item in a list";
    const [base = "", increment, ...more] = item.split("/");
    if (increment !== undefined) {
      if ("noIncrement" in field) return `"/" is not taken in ${field.name}`;
      const span = field.max - field.min;
      if (more.length > 0 || !/^\d+$/.test(increment) || Number(increment) < 1 || Number(increment) > span) {
        return `the increment in "${item}" must be a whole number 1-${span}`;
      }
    }
    if (base === "*") continue;
    const bounds = base.split("-");
    if (bounds.length > 2) return `"${item}" is not a value or a range`;
    for (const bound of bounds) {
      const problem = valueProblem(field, bound);
      if (problem) return problem;
    }
  }
  return undefined;
}

const valueProblem = (field: CronField, text: string): string | undefined => {
  const value = cronValue(field, text);
  return typeof value === "string" ? value : undefined;
};

function parseCron(fields: string): ScheduleParse {
  const parts = fields.split(/\s+/);
  if (parts.length !== 6) {
    return {
      ok: false,
      message: `cron(${fields}) has ${parts.length} fields; AWS takes six: minutes hours day-of-month month day-of-week year`,
    };
  }
  for (const [i, field] of CRON_FIELDS.entries()) {
    const text = parts[i] as string;
    const problem = cronFieldProblem(field, text);
    if (problem) {
      return {
        ok: false,
        message: `cron(${fields}): ${field.name} field: ${problem} (it takes ${field.takes})`,
      };
    }
  }
  const dayOfMonth = parts[2];
  const dayOfWeek = parts[4];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return { ok: false, message: `cron(${fields}): exactly one of day-of-month and day-of-week must be "?"` };
  }
  try {
    const parsed = AwsCronParser.parse(parts.join(" "));
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
