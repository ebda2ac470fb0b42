/**
 * The Powertools instances every function shares: structured JSON logs keyed by alarm and target,
 * and CloudWatch metrics in the embedded metric format (EMF). An event refused because it cannot
 * be shown to come from the brain's account, region and CloudWatch is logged as a warning with its
 * reason and counted in `Refused`: an alarm on that metric tells of a misrouted or forged event.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AlarmResult } from "../../shared/brain/handleAlarm.js";
import type { Reason } from "../../shared/core/engine/decision.js";

export const logger = new Logger({ serviceName: "surge-brain" });
/** Its own warnings (no metric to publish, a dimension refused) go through the logger, at its level. */
export const metrics = new Metrics({ namespace: "SurgeBrain", serviceName: "surge-brain", logger });

/** The reasons of a refusal: the event is not shown to be the brain's (origin.ts). */
const REFUSALS: ReadonlySet<Reason> = new Set<Reason>(["ForeignAccountOrRegion", "ForeignSource"]);

export const isRefusal = (reason: Reason): boolean => REFUSALS.has(reason);

/** Logs one refused event with its reason, and counts it. */
export function refused(reason: Reason, message: string, keys: Record<string, string> = {}): void {
  logger.warn(`refused: ${reason}: ${message}`, { ...keys, reason });
  metrics.addMetric("Refused", MetricUnit.Count, 1);
}

/** Logs each decision and counts it: decisions, held back, actions taken, actions failed, refusals. */
export function report(results: readonly AlarmResult[]): void {
  for (const r of results) {
    if (r.target === null) {
      if (isRefusal(r.reason)) refused(r.reason, r.message, { alarm: r.alarm });
      else logger.info(`acknowledged: ${r.message}`, { alarm: r.alarm, reason: r.reason });
      continue;
    }
    logger.info(`${r.target}: ${r.outcome} ${r.from} → ${r.to}: ${r.message}`, {
      target: r.target,
      decision: r.id,
      reason: r.reason,
      status: r.status,
      policy: r.policy,
      blockedBy: r.blockedBy,
    });
  }
  const decided = results.filter((r) => r.target !== null);
  metrics.addMetric("Decisions", MetricUnit.Count, decided.length);
  metrics.addMetric("HeldBack", MetricUnit.Count, decided.filter((r) => r.status === "held").length);
  metrics.addMetric("Actions", MetricUnit.Count, decided.filter((r) => r.status === "applied").length);
  metrics.addMetric("Errors", MetricUnit.Count, decided.filter((r) => r.status === "failed").length);
}
