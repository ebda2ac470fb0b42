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

/** A minute with demand beyond what the units in service serve (kpis.ts's tolerance). */
const short = (series: Timeline["targets"][string], i: number) => {
  const d = series.demand[i];
  return d !== null && d !== undefined && d > (series.served[i] ?? 0) * (1 + 1e-9);
};

/**
 * Spike to capacity as a published case tells it: from the spike, the first minute whose demand
 * reaches half the recording's peak (the avalanche has arrived), to the first minute from then on
 * that the units in service cover; the end of the recording when none does. Null without demand.
 * (`timeToCapacitySeconds` counts from the first short minute instead, which a target that starts
 * the replay below what the recording had reaches long before the spike.)
 */
export function spikeToCapacitySeconds(timeline: Timeline | undefined, target: string): number | null {
  const series = timeline?.targets[target];
  if (!timeline || !series) return null;
  const peak = Math.max(...series.demand.map((d) => d ?? Number.NEGATIVE_INFINITY));
  if (!Number.isFinite(peak) || peak <= 0) return null;
  const spike = series.demand.findIndex((d) => d !== null && d >= peak / 2);
  const covered = series.demand.findIndex((_d, i) => i >= spike && !short(series, i));
  const end = (timeline.minutes.at(-1) as number) + 60_000;
  const at = covered < 0 ? end : (timeline.minutes[covered] as number);
  return (at - (timeline.minutes[spike] as number)) / 1000;
}

/**
 * The seconds from the first minute short of capacity to the first minute with twice the units in
 * service the target had when the recording began; null when neither happens.
 */
export function doubledSeconds(timeline: Timeline | undefined, target: string): number | null {
  const series = timeline?.targets[target];
  if (!timeline || !series) return null;
  const start = series.inService[0] ?? 0;
  const first = series.demand.findIndex((_d, i) => short(series, i));
  if (first < 0 || start === 0) return null;
  const doubled = series.inService.findIndex((n, i) => i >= first && n >= 2 * start);
  if (doubled < 0) return null;
  return ((timeline.minutes[doubled] as number) - (timeline.minutes[first] as number)) / 1000;
}

/** The cases, by the name of the scenario folder (events/scenarios/<name>/) that models them. */
export const PUBLISHED_CASES: Readonly<Record<string, PublishedCase>> = {
  virtway: {
    title: "Virtway Metaverse: spike to capacity, and scale-in after the event",
    figures: { spikeToCapacityMinutes: 8.5, scaleInMinutes: [12, 13] },
    kind: "aurora-readers",
    measure: (result, timeline, target) => ({
      spikeToCapacityMinutes: minutes(spikeToCapacitySeconds(timeline, target)),
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
