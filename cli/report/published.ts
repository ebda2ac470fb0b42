/**
 * The published case studies a scenario models (PRODUCT: reference numbers), and how the replay's
 * own figures are measured beside them. The report of a scenario's stream puts both side by side.
 */
import { basename, dirname, resolve } from "node:path";
import type { Timeline } from "../../shared/offline/replay/timeline.js";
import type { ReplayMode, ReplayResult } from "../../shared/offline/replay/types.js";

type Figures = Record<string, number | number[] | null>;

type PublishedCase = {
  /** The case, as people name it. */
  title: string;
  /** The figures the case published (the report's `published`). */
  figures: Figures;
  /** The kind of the target the figures are about: the first target of it is measured. */
  kind: string;
  /** The same figures, measured on one mode's replay of that target. */
  measure: (result: ReplayResult, timeline: Timeline | undefined, target: string) => Figures;
};

const minutes = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : Math.round((seconds / 60) * 10) / 10;

/**
 * The seconds from the first minute short of capacity to the first minute with twice the units in
 * service the target had when the recording began; null when neither happens.
 */
function doubledSeconds(timeline: Timeline | undefined, target: string): number | null {
  const series = timeline?.targets[target];
  if (!timeline || !series) return null;
  const start = series.inService[0] ?? 0;
  const short = series.demand.findIndex((d, i) => d !== null && d > (series.served[i] ?? 0) * (1 + 1e-9));
  if (short < 0 || start === 0) return null;
  const doubled = series.inService.findIndex((n, i) => i >= short && n >= 2 * start);
  if (doubled < 0) return null;
  return ((timeline.minutes[doubled] as number) - (timeline.minutes[short] as number)) / 1000;
}

/** The cases, by the name of the scenario folder (events/scenarios/<name>/) that models them. */
export const PUBLISHED_CASES: Readonly<Record<string, PublishedCase>> = {
  virtway: {
    title: "Virtway Metaverse: spike to capacity, and scale-in after the event",
    figures: { spikeToCapacityMinutes: 8.5, scaleInMinutes: [12, 13] },
    kind: "aurora-readers",
    measure: (result, _timeline, target) => ({
      spikeToCapacityMinutes: minutes(result.targets[target]?.timeToCapacitySeconds),
      scaleInMinutes: minutes(result.targets[target]?.scaleInLagSeconds),
    }),
  },
  raffle: {
    title: "The conference raffle: capacity doubled",
    figures: { capacityDoubledSeconds: 45 },
    kind: "asg",
    measure: (_result, timeline, target) => ({ capacityDoubledSeconds: doubledSeconds(timeline, target) }),
  },
};

/**
 * The scenario the streams come from: the folder they all sit in, when it is a scenario's
 * (`events/scenarios/<name>/`) and the case is published; else null.
 */
export function scenarioOf(files: readonly string[]): string | null {
  const folders = new Set(files.map((f) => dirname(resolve(f))));
  if (folders.size !== 1) return null;
  const [folder] = [...folders] as [string];
  if (basename(dirname(folder)) !== "scenarios") return null;
  const name = basename(folder);
  return name in PUBLISHED_CASES ? name : null;
}

/** The published figures of the streams' scenario, and each mode's own beside them; null without one. */
export function comparedWithPublished(
  files: readonly string[],
  results: Partial<Record<ReplayMode, ReplayResult>>,
  timelines: Partial<Record<ReplayMode, Timeline>>,
): { published: Figures; measured: Record<string, Figures | string> } | null {
  const name = scenarioOf(files);
  const found = name === null ? undefined : PUBLISHED_CASES[name];
  if (!found) return null;
  const measured: Record<string, Figures | string> = {};
  for (const [mode, result] of Object.entries(results) as [ReplayMode, ReplayResult][]) {
    const timeline = timelines[mode];
    const target = Object.entries(timeline?.targets ?? {}).find(([, t]) => t.kind === found.kind)?.[0];
    if (target === undefined) continue;
    measured.target = target;
    measured[mode] = found.measure(result, timeline, target);
  }
  return { published: found.figures, measured };
}

/** The case's title, for the report's heading. */
export const publishedTitle = (files: readonly string[]): string | null => {
  const name = scenarioOf(files);
  return name === null ? null : (PUBLISHED_CASES[name]?.title ?? null);
};
