/**
 * The metrics port: what the tick needs from CloudWatch, declared by the core. One call reads every
 * series the tick needs over one window; the adapter (`cloudWatch.ts`) makes it one batched
 * GetMetricData, and the simulated account answers the same call in dry runs and replay.
 *
 * Queries are CloudWatch's own MetricDataQuery shape (the configuration's alarms and customized
 * metrics already use it), so nothing is translated twice.
 */
import type { MetricDataQuery } from "../../core/config/schema.js";

export type MetricRequest = {
  /** Ids unique in the request and starting with a lowercase letter, as GetMetricData wants them. */
  queries: readonly MetricDataQuery[];
  /** Inclusive, on a whole minute. */
  start: Date;
  /** Exclusive, on a whole minute: the last datapoint is the one of the minute before `end`. */
  end: Date;
};

/**
 * Per query id (the queries that return data: ReturnData not false), one value per period of the
 * query (a minute for every series the tick reads, except an alarm's own longer Period), oldest
 * first, covering [start, end); null where CloudWatch has no datapoint.
 */
export type MetricValues = ReadonlyMap<string, readonly (number | null)[]>;

export interface MetricSource {
  read(request: MetricRequest): Promise<MetricValues>;
}

/** A source with no data at all: every series reads as missing. */
export const NO_METRICS: MetricSource = { read: async () => new Map() };
