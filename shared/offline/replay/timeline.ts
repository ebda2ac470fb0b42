/**
 * A replay minute by minute, for the report (`replay --report`): per target the demand, what the
 * capacity in service serves, the units in service and the capacity set (the difference is the
 * capacity in flight); per alarm its state. The replay loop feeds an observer only when one is
 * given, so a replay without a report records nothing and runs as fast as before.
 *
 *   const timeline = new TimelineRecorder(config);
 *   const result = await replay(config, records, { ...options, observer: timeline });
 *   timeline.timeline();
 */
import type { BrainConfig } from "../../core/config/schema.js";
import { targetDemandOf } from "./demandSeries.js";
import type { MinuteSample } from "./types.js";

/** What the replay loop tells an observer after each simulated minute. */
export interface ReplayObserver {
  /**
   * `sampleOf(targetId)`: the target's sample of the minute `at` (epoch ms); `alarms`: the state of
   * every alarm that has changed so far (one that has not is INSUFFICIENT_DATA, as CloudWatch starts).
   */
  minute(
    at: number,
    sampleOf: (targetId: string) => MinuteSample | undefined,
    alarms: ReadonlyMap<string, string>,
  ): void;
}

/** One target's series, a value per minute of `Timeline.minutes`. */
export type TargetTimeline = {
  kind: string;
  /** The demand one unit serves before it saturates: demand ÷ demandPerUnit is the units needed. */
  demandPerUnit: number;
  demand: (number | null)[];
  served: number[];
  inService: number[];
  /** What the target is set to: in service plus in flight. */
  capacity: number[];
};

/** The minutes replayed (epoch ms, each minute's start), and each target's and alarm's series. */
export type Timeline = {
  minutes: number[];
  targets: Record<string, TargetTimeline>;
  /** Per alarm, its state each minute: OK, ALARM or INSUFFICIENT_DATA. */
  alarms: Record<string, string[]>;
  /**
   * Per budgeted cluster, each minute: the connections open, what the available readers allow,
   * and the attempts refused (simulation/connections.ts); absent without connection budgets.
   */
  connections?: Record<string, { open: number[]; budget: number[]; refused: number[] }>;
};

const INITIAL_STATE = "INSUFFICIENT_DATA";

/** Records what the replay loop reports, minute by minute. */
export class TimelineRecorder implements ReplayObserver {
  private readonly recorded: Timeline;

  constructor(private readonly config: BrainConfig) {
    this.recorded = {
      minutes: [],
      targets: Object.fromEntries(
        config.targets.map((t) => [
          t.id,
          {
            kind: t.kind,
            demandPerUnit: targetDemandOf(config, t).perUnit,
            demand: [],
            served: [],
            inService: [],
            capacity: [],
          },
        ]),
      ),
      alarms: Object.fromEntries(config.alarms.map((a) => [a.AlarmName, []])),
    };
  }

  minute(
    at: number,
    sampleOf: (targetId: string) => MinuteSample | undefined,
    alarms: ReadonlyMap<string, string>,
  ): void {
    this.recorded.minutes.push(at);
    for (const target of this.config.targets) {
      const series = this.recorded.targets[target.id] as TargetTimeline;
      const sample = sampleOf(target.id);
      series.demand.push(sample?.demand ?? null);
      series.served.push(sample?.served ?? 0);
      series.inService.push(sample?.inService ?? 0);
      series.capacity.push(sample?.capacity ?? 0);
    }
    for (const alarm of this.config.alarms)
      this.recorded.alarms[alarm.AlarmName]?.push(alarms.get(alarm.AlarmName) ?? INITIAL_STATE);
  }

  /** What has been recorded so far. */
  timeline(): Timeline {
    return this.recorded;
  }
}
