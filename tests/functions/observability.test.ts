/**
 * The metrics the dashboard and the brain's alarms read (shared/adapters/cloudFormation/watch.ts):
 * the counts of each invocation in total, and per target with the `target` dimension.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { metrics, NAMESPACE, report, SERVICE, setMetricsWritten } from "../../functions/lib/observability.js";
import { BRAIN_METRICS } from "../../shared/adapters/cloudFormation/watch.js";
import type { AppliedDecision } from "../../shared/brain/applyDecision.js";

/** Every EMF record written to standard output while `run` runs. */
function emfOf(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l));
}

const decision = (target: string, status: AppliedDecision["status"]) =>
  ({
    target,
    status,
    id: `${target}-${status}`,
    outcome: "scale-out",
    from: 1,
    to: 2,
    message: "",
    reason: "StepScaling",
  }) as unknown as AppliedDecision;

afterEach(() => {
  metrics.clearMetrics();
  vi.unstubAllEnvs();
});

describe("the metrics of a report", () => {
  it("are the watch's namespace and dimension", () => {
    expect({ namespace: NAMESPACE, service: SERVICE }).toEqual(BRAIN_METRICS);
  });

  it("count each target's decisions in a record of its own, with the target as a dimension", () => {
    // The suite turns metrics off (vitest.config.ts); a target's are built as it reports.
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    const records = emfOf(() =>
      report([decision("readers", "applied"), decision("readers", "held"), decision("frontend", "failed")]),
    );
    const byTarget = new Map(records.map((r) => [r.target, r]));
    expect([...byTarget.keys()].sort()).toEqual(["frontend", "readers"]);
    expect(byTarget.get("readers")).toMatchObject({
      service: SERVICE,
      Decisions: 2,
      HeldBack: 1,
      Actions: 1,
      Errors: 0,
    });
    expect(byTarget.get("frontend")).toMatchObject({ Decisions: 1, Actions: 0, Errors: 1 });
    const aws = byTarget.get("readers")?._aws as {
      CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[];
    };
    const directive = aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(NAMESPACE);
    expect(directive?.Dimensions[0]?.sort()).toEqual(["service", "target"]);
  });

  it("are neither counted nor written while the command line discards them, and written again after", () => {
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    setMetricsWritten(false);
    try {
      // A target reporting for the first time while writing is off: its instance is built off.
      expect(emfOf(() => report([decision("unwritten", "applied")]))).toEqual([]);
    } finally {
      setMetricsWritten(true);
    }
    const records = emfOf(() => report([decision("unwritten", "applied")]));
    expect(records.find((r) => r.target === "unwritten")).toMatchObject({ Decisions: 1, Actions: 1 });
  });

  it("stay off after writing is put back where Powertools' own switch turns them off", () => {
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    setMetricsWritten(false);
    setMetricsWritten(true);
    expect(emfOf(() => report([decision("switched-off", "applied")]))).toEqual([]);
  });
});
