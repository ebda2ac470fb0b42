/**
 * The Powertools instances every function shares: structured JSON logs keyed by alarm and target,
 * and CloudWatch metrics in the embedded metric format (EMF). An event refused because it cannot
 * be shown to come from the brain's account, region and CloudWatch is logged as a warning with its
 * reason and counted in `Refused`: an alarm on that metric tells of a misrouted or forged event.
 */
import { Logger, LogLevelThreshold } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AppliedDecision } from "../../shared/brain/applyDecision.js";
import type { AlarmResult } from "../../shared/brain/handleAlarm.js";
import type { Reason } from "../../shared/core/engine/decision.js";
import { printable } from "../../shared/core/printable.js";

/** The metrics' namespace and their `service` dimension (docs/deploy.md, "The brain watched"). */
export const NAMESPACE = "SurgeBrain";
export const SERVICE = "surge-brain";

/**
 * Every string a log line carries is made printable (printable.ts): logs echo events' fields (an
 * alarm's name), and read with `aws logs tail` or `brain invoke` they reach a terminal. JSON
 * escapes C0 controls but leaves C1's one-byte CSI and bidirectional overrides raw.
 */
export const logger = new Logger({
  serviceName: SERVICE,
  jsonReplacerFn: (_key, value) => (typeof value === "string" ? printable(value) : value),
});
/** Its own warnings (no metric to publish, a dimension refused) go through the logger, at its level. */
export const metrics = new Metrics({ namespace: NAMESPACE, serviceName: SERVICE, logger });

/** The reasons of a refusal: the event is not shown to be the brain's (origin.ts). */
const REFUSALS: ReadonlySet<Reason> = new Set<Reason>(["ForeignAccountOrRegion", "ForeignSource"]);

export const isRefusal = (reason: Reason): boolean => REFUSALS.has(reason);

/** Logs one refused event with its reason, and counts it. */
export function refused(reason: Reason, message: string, keys: Record<string, string> = {}): void {
  logger.warn(`refused: ${reason}: ${message}`, { ...keys, reason });
  metrics.addMetric("Refused", MetricUnit.Count, 1);
}

/**
 * Logs each decision and counts it: decisions, held back, actions taken, actions failed, refusals;
 * the first four also per target (dimension `target`).
 */
export function report(results: readonly AlarmResult[]): void {
  // Lines the logger drops are not even built (a replay's month is 172,800 decisions); its level
  // is read only where logs are written (Powertools reads the environment for it).
  const logged = logsWritten && logger.level <= LogLevelThreshold.INFO;
  for (const r of results) {
    if (r.target === null) {
      if (isRefusal(r.reason)) refused(r.reason, r.message, { alarm: r.alarm });
      else if (logged) logger.info(`acknowledged: ${r.message}`, { alarm: r.alarm, reason: r.reason });
      continue;
    }
    if (logged)
      logger.info(`${r.target}: ${r.outcome} ${r.from} → ${r.to}: ${r.message}`, {
        target: r.target,
        decision: r.id,
        reason: r.reason,
        status: r.status,
        policy: r.policy,
        blockedBy: r.blockedBy,
      });
  }
  // Unwritten (see setMetricsWritten), counts would be dropped unread at publishing.
  if (!written) return;
  const decided = results.filter((r): r is AppliedDecision => r.target !== null);
  count(metrics, decided);
  // The same counts per target, each target's in one EMF record with its own dimension.
  for (const target of new Set(decided.map((r) => r.target))) {
    const perTarget = targetMetrics(target);
    count(
      perTarget,
      decided.filter((r) => r.target === target),
    );
    perTarget.publishStoredMetrics();
  }
}

/**
 * Each target's own Metrics, built once per container and kept: its `target` dimension is a
 * default dimension, which publishing keeps, and a tick reports every target every minute.
 */
const metricsByTarget = new Map<string, Metrics>();
function targetMetrics(target: string): Metrics {
  let kept = metricsByTarget.get(target);
  if (!kept) {
    kept = new Metrics({ namespace: NAMESPACE, serviceName: SERVICE, logger, defaultDimensions: { target } });
    if (!written) disable(kept, true);
    metricsByTarget.set(target, kept);
  }
  return kept;
}

/** Whether metrics are counted, serialised and written; see setMetricsWritten. */
let written = true;

/**
 * Metrics counted, serialised to EMF and written (as in Lambda), or neither counted nor written:
 * the command line turns writing off where it discards the functions' output anyway (a replay's
 * month is 43,200 ticks, each publishing five EMF objects). Powertools reads its own switch
 * (POWERTOOLS_METRICS_DISABLED) only when an instance is built, so each instance is set here.
 */
export function setMetricsWritten(on: boolean): void {
  written = on;
  for (const m of [metrics, ...metricsByTarget.values()]) disable(m, !on);
}

/**
 * Logs written at the logger's level (as in Lambda), or none: the command line silences them where
 * it discards the functions' output. Powertools puts the level back to its initial one at every
 * invocation (refreshSampleRateCalculation, for its debug sampling), which would undo the silence
 * after the first: that step is skipped meanwhile, on this instance only.
 */
export function setLogsWritten(on: boolean): void {
  logsWritten = on;
  const own = logger as unknown as { refreshSampleRateCalculation?: () => void };
  if (on) {
    delete own.refreshSampleRateCalculation;
    return;
  }
  logger.setLogLevel("SILENT");
  own.refreshSampleRateCalculation = () => {};
}

/** Whether logs are written; see setLogsWritten. */
let logsWritten = true;

/** Each instance's own `disabled`, as Powertools set it from the environment. */
const ownDisabled = new WeakMap<Metrics, boolean>();

/**
 * Powertools' `disabled` flag (private in its types: publishing then skips serialising and
 * writing), set, or put back to the instance's own.
 */
const disable = (m: Metrics, off: boolean) => {
  const flags = m as unknown as { disabled: boolean };
  if (!ownDisabled.has(m)) ownDisabled.set(m, flags.disabled);
  flags.disabled = off || ownDisabled.get(m) === true;
};

/** Decisions, those held back, actions taken and actions failed. */
function count(into: Metrics, decided: readonly AppliedDecision[]): void {
  into.addMetric("Decisions", MetricUnit.Count, decided.length);
  into.addMetric("HeldBack", MetricUnit.Count, decided.filter((r) => r.status === "held").length);
  into.addMetric("Actions", MetricUnit.Count, decided.filter((r) => r.status === "applied").length);
  into.addMetric("Errors", MetricUnit.Count, decided.filter((r) => r.status === "failed").length);
}
