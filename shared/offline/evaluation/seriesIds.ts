/**
 * Series numbered as they are first seen, found again by their parts (namespace, metric name, the
 * exact set of dimensions, in any order: record.ts's seriesKey identity) without building a key:
 * replay and the evaluator look up the series of every record, over a few dozen series, so a
 * lookup compares a few strings and allocates nothing.
 *
 *   const ids = new SeriesIds();
 *   const cpu = ids.idOf("AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "db", Role: "READER" });
 *   ids.find(record.namespace, record.metricName, record.dimensions) === cpu;
 */
import type { Dimensions } from "../streams/record.js";

/** One series of a namespace and metric name: its dimensions' names (sorted) and values. */
type Known = { id: number; names: readonly string[]; values: readonly string[] };

export class SeriesIds {
  private readonly byMetric = new Map<string, Map<string, Known[]>>();
  private count = 0;

  /** How many series are numbered. */
  get size(): number {
    return this.count;
  }

  /** The series' number, -1 when it has none yet. */
  find(namespace: string, metricName: string, dimensions: Dimensions): number {
    const known = this.byMetric.get(namespace)?.get(metricName);
    if (known === undefined) return -1;
    let given = 0;
    for (const name in dimensions) if (Object.hasOwn(dimensions, name)) given++;
    for (const series of known) if (matches(series, dimensions, given)) return series.id;
    return -1;
  }

  /** The series' number, the next one when it is new. */
  idOf(namespace: string, metricName: string, dimensions: Dimensions): number {
    const found = this.find(namespace, metricName, dimensions);
    if (found >= 0) return found;
    let metrics = this.byMetric.get(namespace);
    if (metrics === undefined) {
      metrics = new Map();
      this.byMetric.set(namespace, metrics);
    }
    let known = metrics.get(metricName);
    if (known === undefined) {
      known = [];
      metrics.set(metricName, known);
    }
    const names = Object.keys(dimensions).sort();
    const id = this.count++;
    known.push({ id, names, values: names.map((name) => dimensions[name] as string) });
    return id;
  }
}

/** The same exact set of dimensions: as many, each named and valued alike. */
function matches(series: Known, dimensions: Dimensions, given: number): boolean {
  if (series.names.length !== given) return false;
  for (let i = 0; i < given; i++) {
    const name = series.names[i] as string;
    if (dimensions[name] !== series.values[i] || !Object.hasOwn(dimensions, name)) return false;
  }
  return true;
}
