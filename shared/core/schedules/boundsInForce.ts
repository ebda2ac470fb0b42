/**
 * The bounds a target's scheduled actions leave in force at a time (rule 5 of docs/rules.md): "A
 * scheduled action sets the MinCapacity and MaxCapacity to what is specified by the scheduled
 * action at the date and time specified. The request can optionally include only one of these
 * sizes" (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html),
 * and they hold until another run changes them. So each bound is the one set by the latest run,
 * of any action, that sets it; a bound no action has set yet is the target's own. "Application
 * Auto Scaling does not keep track of previous values and revert back to those previous values
 * after the end time": an EndTime stops the runs, not the bounds the last one set. Pure.
 */
import type { ScheduledAction, Target } from "../config/schema.js";
import { lastRunAtOrBefore } from "./runs.js";

/** A run of a scheduled action: which, and when (epoch ms). */
export type Run = { action: ScheduledAction; at: number };

export type ScheduledBounds = {
  min: number;
  max: number;
  /** The run that set MinCapacity, or null for the target's own. */
  minFrom: Run | null;
  /** The run that set MaxCapacity, or null for the target's own. */
  maxFrom: Run | null;
};

/** The bounds in force at `now` (epoch ms), from the target's own and its actions' latest runs. */
export function scheduledBoundsAt(
  target: Pick<Target, "MinCapacity" | "MaxCapacity">,
  actions: readonly ScheduledAction[],
  now: number,
): ScheduledBounds {
  let minFrom: Run | null = null;
  let maxFrom: Run | null = null;
  for (const action of actions) {
    const at = lastRunAtOrBefore(action, now);
    if (at === null) continue;
    const run = { action, at };
    // Two runs at the same time: the later in the list wins, as a later call would.
    if (action.ScalableTargetAction.MinCapacity !== undefined && (minFrom === null || at >= minFrom.at)) {
      minFrom = run;
    }
    if (action.ScalableTargetAction.MaxCapacity !== undefined && (maxFrom === null || at >= maxFrom.at)) {
      maxFrom = run;
    }
  }
  return {
    min: minFrom?.action.ScalableTargetAction.MinCapacity ?? target.MinCapacity,
    max: maxFrom?.action.ScalableTargetAction.MaxCapacity ?? target.MaxCapacity,
    minFrom,
    maxFrom,
  };
}

/** The run that last moved either bound (the newer of the two), or null when neither moved. */
export function latestRun(bounds: ScheduledBounds): Run | null {
  const { minFrom, maxFrom } = bounds;
  if (minFrom === null) return maxFrom;
  if (maxFrom === null) return minFrom;
  return maxFrom.at > minFrom.at ? maxFrom : minFrom;
}
