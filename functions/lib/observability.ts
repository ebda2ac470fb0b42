/**
 * The Powertools instances every function shares: structured JSON logs keyed by alarm and target,
 * and CloudWatch metrics in the embedded metric format (EMF).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { AlarmResult } from "../../shared/brain/handleAlarm.js";

export const logger = new Logger({ serviceName: "surge-brain" });
export const metrics = new Metrics({ namespace: "SurgeBrain", serviceName: "surge-brain" });

/** Logs each decision and counts it: decisions, held back, actions taken, actions failed. */
export function report(results: readonly AlarmResult[]): void {
  for (const r of results) {
    if (r.target === null) {
      logger.info(`acknowledged: ${r.message}`, { alarm: r.alarm, reason: r.reason });
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
