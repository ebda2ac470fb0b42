/**
 * The series part of Metric Streams JSON lines, parsed once per series. Every line of a series
 * begins with the same text (stream name, account, region, namespace, metric name, dimensions) up
 * to its `"timestamp"` key: a line that begins with a series already seen needs only the rest of
 * its text parsed (its timestamp, value and unit), about a third of the line.
 *
 * Exact by JSON's grammar: when `{` + the rest and the series' text + `}` each parse as an object,
 * the whole line is one object of the series' members then the rest's, and with no key in both,
 * JSON.parse(line) is exactly their union. Anything else (a line of another shape, a key repeated
 * across the two, a rest that does not parse) is left to the whole-line parser, which says why.
 */

/** The members of a line after its series: what changes from one datapoint to the next. */
const READING_KEYS = new Set(["timestamp", "value", "unit"]);

/** Where a line's series ends: before its `"timestamp"` key (Metric Streams writes it after the dimensions). */
const SERIES_END = ',"timestamp":';

/** Series remembered per file; past this many, forgotten and learned again (memory stays bounded). */
const MAX_SERIES = 10_000;

/**
 * A copy of `text` of its own. V8 cuts a long substring as a view of the string it is cut from: a
 * series' text cut from a line would keep the whole block of the file the line was read in.
 */
const ownCopy = (text: string): string => Buffer.from(text, "utf8").toString("utf8");

/** A series' part of the line, parsed. */
export type StreamSeries = {
  /** The line's text up to and including the comma before `"timestamp"`. */
  readonly text: string;
  /** What JSON.parse makes of that text closed as an object. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The series most recently seen on the line after one of this series. */
  next: StreamSeries | undefined;
};

/** The series of a file's lines, learned from lines that parsed whole, and found again by their text. */
export class StreamSeriesTexts {
  private readonly known = new Map<string, StreamSeries>();
  private last: StreamSeries | undefined;

  /**
   * The series `line` begins with and the object of the rest of it, when it begins with a series
   * already learned and the rest parses with none of the series' keys; undefined otherwise.
   */
  split(line: string): { series: StreamSeries; reading: Record<string, unknown> } | undefined {
    const series = this.find(line);
    if (series === undefined) return undefined;
    let reading: unknown;
    try {
      reading = JSON.parse(`{${line.slice(series.text.length)}`);
    } catch {
      return undefined;
    }
    for (const key in reading as Record<string, unknown>) if (!READING_KEYS.has(key)) return undefined;
    return { series, reading: reading as Record<string, unknown> };
  }

  /**
   * Learns the series of a line that JSON.parse read whole, when its text up to `"timestamp"` is
   * an object of its own, without the reading's keys, that `accept` passes (lines found of the
   * series later are not checked again).
   */
  learn(line: string, accept: (fields: Record<string, unknown>) => boolean): void {
    const end = line.indexOf(SERIES_END);
    if (end === -1) return;
    let series = this.known.get(line.slice(0, end + 1));
    if (series === undefined) {
      let fields: unknown;
      try {
        fields = JSON.parse(`${line.slice(0, end)}}`);
      } catch {
        // `,"timestamp":` inside the dimensions, not the record's own key.
        return;
      }
      for (const key in fields as Record<string, unknown>) if (READING_KEYS.has(key)) return;
      if (!accept(fields as Record<string, unknown>)) return;
      if (this.known.size >= MAX_SERIES) this.known.clear();
      series = {
        text: ownCopy(line.slice(0, end + 1)),
        fields: fields as Record<string, unknown>,
        next: undefined,
      };
      this.known.set(series.text, series);
    }
    this.follows(series);
  }

  /**
   * The known series `line` begins with. Series follow one another in the same order minute after
   * minute, so the one that followed the last series is tried first, and the map (which hashes the
   * text) asked only when it is not that one.
   */
  private find(line: string): StreamSeries | undefined {
    const expected = this.last?.next;
    // Compared as a slice: V8's startsWith goes a character at a time, ten times slower than `===`.
    if (expected !== undefined && line.slice(0, expected.text.length) === expected.text) {
      this.last = expected;
      return expected;
    }
    const end = line.indexOf(SERIES_END);
    if (end === -1) return undefined;
    const series = this.known.get(line.slice(0, end + 1));
    if (series !== undefined) this.follows(series);
    return series;
  }

  private follows(series: StreamSeries): void {
    if (this.last !== undefined) this.last.next = series;
    this.last = series;
  }
}
