/**
 * One of `bench`'s figures: measured on this machine, printed under its own key with `--json` and
 * as its own small table without. `bench` runs them in the order of figures.ts; each is its own
 * module (cli/bench/), so that a figure is added by adding one.
 */
export type MeasureOptions = {
  /** Each measurement once, on a small case: seconds, for the test. */
  quick: boolean;
  /** A line of progress on standard error. */
  progress: (line: string) => void;
};

export type BenchFigure<T> = {
  /** The figure's key in `--json`'s object. */
  key: string;
  /** What `bench --help` says the figure is. */
  describe: string;
  measure(options: MeasureOptions): Promise<T>;
  /** The figure as the lines of a small table (the first its title). */
  lines(value: T): string[];
  /** Why the figure is meaningless (an invocation that failed, …): bench says so and exits 1. */
  failure?(value: T): string | undefined;
};

/** Rows of `name  value`, aligned, under a title. */
export function titledRows(title: string, rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([name]) => name.length));
  return [title, ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)];
}
