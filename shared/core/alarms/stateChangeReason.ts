/**
 * The breaching datapoint and the threshold of a state change, read from what the payload carries:
 * - EventBridge and Lambda alarm actions carry `reasonData`, a JSON string with the datapoints;
 * - SNS notifications carry only the text (NewStateReason), so the datapoint is read from it.
 * Neither is required: forced states ("test"), missing data and composite alarms list no datapoint.
 */
import * as z from "zod/mini";
import { timestampMillis } from "./timestamps.js";

export type ReasonValues = {
  /** The most recent datapoint the alarm evaluated, if the reason lists one. */
  value: number | null;
  /** The static threshold, if the reason states one (anomaly detection and composites have none). */
  threshold: number | null;
};

// Java's Double.toString, which CloudWatch uses: "72.0", "0.0038", "3.8E-4", "-1.5".
const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;

/** `72.5 (23/11/26 19:01:00)`: a datapoint and its time, dd/MM/yy HH:mm:ss in UTC. */
const DATAPOINT_WITH_TIME = new RegExp(
  String.raw`(${NUMBER})\s*\((\d{2})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)`,
  "g",
);

/**
 * Reads the datapoint and threshold from a NewStateReason text. The forms, from real messages:
 * - since ~2018 "Threshold Crossed: 3 out of the last 3 datapoints [1141.0 (09/10/20 21:24:00),
 *   1226.0 (09/10/20 21:19:00), ...] were greater than or equal to the threshold (30.0) (minimum 3
 *   datapoints for OK -> ALARM transition)." Newest first; the newest is taken by its time.
 *   https://github.com/aws/aws-lambda-go/blob/main/events/testdata/cloudwatch-alarm-sns-payload-single-metric.json
 * - anomaly detection: "Thresholds Crossed: 1 out of the last 1 datapoints [0.0 (03/10/19 15:58:00)]
 *   was less than the lower thresholds [0.0205] or greater than the upper thresholds [0.3006] ...":
 *   a value, no static threshold.
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 * - 2012–2017: "Threshold Crossed: 1 datapoint (10.0) was greater than or equal to the threshold (1.0)."
 *   and "Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). The most recent
 *   datapoints: [38.958, 40.292]." (in time order, as reasonData's recentDatapoints: the last is newest)
 *   https://gist.github.com/seventhskye/ff8efa878c31184a232efed374fb61c5,
 *   https://github.com/aws/aws-cli/blob/develop/awscli/examples/cloudwatch/describe-alarm-history.rst
 * - no datapoint: "Threshold Crossed: no datapoints were received for 1 period and 1 missing
 *   datapoint was treated as [Breaching].", "Insufficient Data: 1 datapoint was unknown.",
 *   "Unchecked: Initial alarm creation", a composite's "arn:... transitioned to ALARM at ...".
 */
export function parseStateChangeReason(reason: string | null | undefined): ReasonValues {
  const text = reason ?? "";
  return { value: reasonValue(text), threshold: reasonThreshold(text) };
}

function reasonValue(text: string): number | null {
  // The list right after "datapoints": never the "[Breaching]" of missing data, nor the
  // "lower thresholds [...]" of anomaly detection.
  const list = /datapoints?:?\s*\[([^\]]*)\]/i.exec(text)?.[1];
  if (list !== undefined) {
    const timed = [...list.matchAll(DATAPOINT_WITH_TIME)].map((m) => ({
      value: Number(m[1]),
      at: datapointTime(m.slice(2, 8)),
    }));
    if (timed.length > 0) {
      const newest = timed.reduce((a, b) => (b.at > a.at ? b : a));
      return finite(newest.value);
    }
    const plain = list.match(new RegExp(NUMBER, "g")) ?? [];
    if (plain.length > 0) return finite(Number(plain[plain.length - 1]));
  }
  const single = new RegExp(String.raw`\b1 datapoint \((${NUMBER})\)`).exec(text);
  return single ? finite(Number(single[1])) : null;
}

function reasonThreshold(text: string): number | null {
  const match = new RegExp(String.raw`\bthe threshold \((${NUMBER})\)`, "i").exec(text);
  return match ? finite(Number(match[1])) : null;
}

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** A datapoint's time as the reason text writes it, dd/MM/yy HH:mm:ss in UTC (its six fields). */
const datapointTime = (fields: readonly string[]): number => {
  const [dd, mm, yy, h, min, sec] = fields.map(Number) as [number, number, number, number, number, number];
  return Date.UTC(2000 + yy, mm - 1, dd, h, min, sec);
};

/** The thresholds of an anomaly-detection band at one datapoint; null where not known. */
export type AnomalyBand = { lower: number | null; upper: number | null };

/**
 * The band an anomaly-detection alarm's reason states, at its newest datapoint. CloudWatch writes
 * "Thresholds Crossed: 1 out of the last 1 datapoints [0.0 (03/10/19 15:58:00)] was less than the
 * lower thresholds [0.020599444741798756] or greater than the upper thresholds
 * [0.3006915352732461] ..." (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html,
 * anomaly detection alarm), each list in the order of the datapoints. A list that does not line
 * up with the datapoints reads as unknown.
 */
export function bandOfReason(reason: string): AnomalyBand {
  const list = (label: RegExp): string[] | null => {
    const items = label.exec(reason)?.[1];
    return items === undefined
      ? null
      : items
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean);
  };
  const datapoints = list(/datapoints?:?\s*\[([^\]]*)\]/i) ?? [];
  // The newest datapoint is the one the band is taken at.
  const times = datapoints.map((d) => {
    const m = new RegExp(DATAPOINT_WITH_TIME.source).exec(d);
    return m ? datapointTime(m.slice(2, 8)) : Number.NaN;
  });
  const latest = Math.max(...times);
  const newest = Number.isFinite(latest) ? times.indexOf(latest) : null;
  const at = (values: string[] | null): number | null => {
    if (values === null) return null;
    const index = values.length === 1 ? 0 : values.length === datapoints.length ? newest : null;
    const text = index === null ? undefined : values[index];
    if (text === undefined || !new RegExp(`^${NUMBER}$`).test(text)) return null;
    return Number(text);
  };
  return {
    lower: at(list(/lower thresholds?\s*\[([^\]]*)\]/i)),
    upper: at(list(/upper thresholds?\s*\[([^\]]*)\]/i)),
  };
}

// --- reasonData ------------------------------------------------------------------------------

/**
 * The JSON that EventBridge events and Lambda alarm actions carry in `state.reasonData`. Metric
 * alarms: datapoints and threshold; anomaly detection: bands instead of a threshold; composites:
 * `triggeringAlarms`. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 *
 * @example
 * ```json
 * {
 *   "version": "1.0",
 *   "queryDate": "2026-11-23T19:01:08.120+0000",
 *   "startDate": "2026-11-23T19:00:00.000+0000",
 *   "statistic": "Average",
 *   "period": 60,
 *   "recentDatapoints": [72.0],
 *   "threshold": 70.0,
 *   "evaluatedDatapoints": [{ "timestamp": "2026-11-23T19:00:00.000+0000", "sampleCount": 2.0, "value": 72.0 }]
 * }
 * ```
 */
const ReasonDataSchema = z.object({
  recentDatapoints: z.optional(z.array(z.number())),
  threshold: z.optional(z.number()),
  evaluatedDatapoints: z.optional(
    z.array(z.object({ timestamp: z.unknown(), value: z.optional(z.number()) })),
  ),
  recentLowerThresholds: z.optional(z.array(z.number())),
  recentUpperThresholds: z.optional(z.array(z.number())),
  triggeringAlarms: z.optional(z.array(z.unknown())),
});
export type ReasonData = z.infer<typeof ReasonDataSchema>;

/**
 * `reasonData` parsed, or null where it is absent or not the JSON documented: it is informational,
 * and AWS's own examples carry broken ones (`\"queryDate: \"...` in alarms-and-actions-Lambda.html),
 * so the brain falls back on the reason text rather than refusing the state change.
 */
export function parseReasonData(reasonData: string | null | undefined): ReasonData | null {
  if (!reasonData) return null;
  let json: unknown;
  try {
    json = JSON.parse(reasonData);
  } catch {
    return null;
  }
  const parsed = ReasonDataSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * The most recent datapoint and the threshold in reasonData. `evaluatedDatapoints` name their
 * times (newest first in AWS's examples; the newest is taken by time); `recentDatapoints` run in
 * time order from `startDate`, so the last is newest.
 */
export function reasonDataValues(data: ReasonData): ReasonValues {
  const evaluated = (data.evaluatedDatapoints ?? []).flatMap((d) => {
    const at = timestampMillis(d.timestamp);
    return d.value !== undefined && at !== null ? [{ value: d.value, at }] : [];
  });
  const newest = evaluated.length > 0 ? evaluated.reduce((a, b) => (b.at > a.at ? b : a)) : undefined;
  const recent = data.recentDatapoints ?? [];
  return {
    value: newest?.value ?? recent[recent.length - 1] ?? null,
    threshold: data.threshold ?? null,
  };
}
