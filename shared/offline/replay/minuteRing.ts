/**
 * One series' recent minutes, in a ring of slots reused in place: the minute a slot holds, and the
 * records published for it. A minute's first record is kept as numbers (typed arrays), not as the
 * record, so that records do not outlive the minute they were published in: a month of minutes
 * leaves the garbage collector nothing old to trace. Further records of the same minute, and a
 * record with percentiles or raw samples, are kept as given.
 */
import { type BasicStatistic, tidy } from "../evaluation/statistics.js";
import type { Statistics } from "../streams/record.js";
import { MINUTE_MS } from "./types.js";

/** A record as a statistic reads it: what it says, and its unit. */
export type MinuteEntry = { stats: Statistics; unit: string | null };

export class MinuteRing {
  /** Per slot: the minute it holds (epoch ms), NaN before any. */
  private readonly at: Float64Array;
  /** Per slot: how many records its minute has had: a minute's statistic is current while this is. */
  readonly records: Uint32Array;
  /** Per slot: 1 when the first record is held as numbers below (NaN: the record did not say). */
  private readonly inline: Uint8Array;
  private readonly sampleCount: Float64Array;
  private readonly sum: Float64Array;
  private readonly minimum: Float64Array;
  private readonly maximum: Float64Array;
  private readonly average: Float64Array;
  private readonly unit: (string | null)[];
  /** Per slot: the records not held as numbers. */
  private readonly more: (MinuteEntry[] | undefined)[];

  constructor(readonly slots: number) {
    this.at = new Float64Array(slots).fill(Number.NaN);
    this.records = new Uint32Array(slots);
    this.inline = new Uint8Array(slots);
    this.sampleCount = new Float64Array(slots);
    this.sum = new Float64Array(slots);
    this.minimum = new Float64Array(slots);
    this.maximum = new Float64Array(slots);
    this.average = new Float64Array(slots);
    this.unit = new Array(slots).fill(null);
    this.more = new Array(slots).fill(undefined);
  }

  /** The slot of a minute (epoch ms on a whole minute). */
  slotOf(minute: number): number {
    return (minute / MINUTE_MS) % this.slots;
  }

  /** The slot holding `minute`, or -1 when it holds none of it. */
  find(minute: number): number {
    const slot = this.slotOf(minute);
    return this.at[slot] === minute ? slot : -1;
  }

  /** Adds a record of `minute`; a slot holding an older minute is emptied first. */
  add(minute: number, stats: Statistics, unit: string | null): void {
    const slot = this.slotOf(minute);
    if (this.at[slot] !== minute) {
      this.at[slot] = minute;
      this.records[slot] = 0;
      this.inline[slot] = 0;
      this.more[slot] = undefined;
    }
    if (this.records[slot] === 0 && stats.extended === undefined && stats.values === undefined) {
      this.inline[slot] = 1;
      this.sampleCount[slot] = stats.sampleCount ?? Number.NaN;
      this.sum[slot] = stats.sum ?? Number.NaN;
      this.minimum[slot] = stats.minimum ?? Number.NaN;
      this.maximum[slot] = stats.maximum ?? Number.NaN;
      this.average[slot] = stats.average ?? Number.NaN;
      this.unit[slot] = unit;
    } else {
      const more = this.more[slot] ?? [];
      more.push({ stats, unit });
      this.more[slot] = more;
    }
    this.records[slot] = (this.records[slot] as number) + 1;
  }

  /** The unit of a slot's record held as numbers. */
  unitOf(slot: number): string | null {
    return this.unit[slot] ?? null;
  }

  /**
   * A basic statistic of a minute whose one record is held as numbers, exactly as statistics.ts's
   * PeriodAccumulator computes it from that record, without building it again (the tick's common
   * case, once a minute per series); undefined for any other minute.
   */
  basic(slot: number, name: BasicStatistic): number | null | undefined {
    if (this.inline[slot] !== 1 || this.records[slot] !== 1) return undefined;
    const count = this.sampleCount[slot] as number;
    const average = this.average[slot] as number;
    const given = this.sum[slot] as number;
    const sum = !Number.isNaN(given) ? given : average * count; // NaN unless both are given
    switch (name) {
      case "SampleCount":
        return number(count);
      case "Sum":
        return number(sum);
      case "Minimum":
        return number(this.minimum[slot] as number);
      case "Maximum":
        return number(this.maximum[slot] as number);
      case "Average":
        return !Number.isNaN(sum) && !Number.isNaN(count) && count !== 0
          ? tidy(sum / count)
          : number(average);
    }
  }

  /** Every record of the minute a slot holds. */
  entries(slot: number): MinuteEntry[] {
    const entries = this.more[slot] ?? [];
    if (this.inline[slot] !== 1) return entries;
    const stats: Statistics = {};
    const sampleCount = given(this.sampleCount, slot);
    const sum = given(this.sum, slot);
    const minimum = given(this.minimum, slot);
    const maximum = given(this.maximum, slot);
    const average = given(this.average, slot);
    if (sampleCount !== undefined) stats.sampleCount = sampleCount;
    if (sum !== undefined) stats.sum = sum;
    if (minimum !== undefined) stats.minimum = minimum;
    if (maximum !== undefined) stats.maximum = maximum;
    if (average !== undefined) stats.average = average;
    return [{ stats, unit: this.unit[slot] ?? null }, ...entries];
  }
}

/** A statistic held as a number: NaN is one the record did not say. */
function given(array: Float64Array, slot: number): number | undefined {
  const v = array[slot] as number;
  return Number.isNaN(v) ? undefined : v;
}

function number(v: number): number | null {
  return Number.isNaN(v) ? null : tidy(v);
}
