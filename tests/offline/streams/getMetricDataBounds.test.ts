/**
 * The get-metric-data document read within bounds: a value longer than the line formats' bound, a
 * nesting deeper than any document needs, a query larger than the bound, or more queries or
 * results than a document may have refuses the document as soon as the bound is passed; a result's bad datapoints are reported, the first hundred held and
 * the rest counted.
 */
import { describe, expect, it } from "vitest";
import { NotAStreamError } from "../../../shared/core/errors.js";
import { MAX_DEPTH, MAX_VALUE_CHARS } from "../../../shared/offline/streams/getMetricData/boundedTokens.js";
import { readGetMetricData } from "../../../shared/offline/streams/getMetricData/read.js";
import { HELD_POINTS, MAX_ENTRIES } from "../../../shared/offline/streams/getMetricData/scan.js";
import { formatSkipped, type SkippedInput } from "../../../shared/offline/streams/record.js";
import { T0, write } from "./support.js";

const query = {
  Id: "cpu",
  MetricStat: {
    Metric: {
      Namespace: "AWS/RDS",
      MetricName: "CPUUtilization",
      Dimensions: [{ Name: "Role", Value: "READER" }],
    },
    Period: 60,
    Stat: "Average",
  },
};
const iso = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
const document = (results: unknown[], queries: unknown[] = [query]) =>
  JSON.stringify({ MetricDataQueries: queries, MetricDataResults: results });
const result = (Timestamps: unknown[], Values: unknown[]) => ({
  Id: "cpu",
  StatusCode: "Complete",
  Timestamps,
  Values,
});

let n = 0;
async function read(text: string) {
  const skipped: SkippedInput[] = [];
  const file = write(`bounds-${n++}.json`, text);
  let error: unknown = null;
  let records = 0;
  try {
    for await (const _ of readGetMetricData(file, (s) => skipped.push(s))) records++;
  } catch (e) {
    error = e;
  }
  return { file, records, skipped, error };
}

describe("a get-metric-data document past its bounds", () => {
  it.each([
    {
      name: "a string longer than the bound",
      text: document([{ ...result([iso(0)], [1]), Label: "x".repeat(MAX_VALUE_CHARS + 1) }]),
      reason: /a string longer than 1 Mi characters \(within characters \d+-\d+\)$/,
    },
    {
      name: "a key longer than the bound",
      text: document([{ ...result([iso(0)], [1]), ["k".repeat(MAX_VALUE_CHARS + 1)]: 1 }]),
      reason: /a string longer than 1 Mi characters/,
    },
    {
      name: "a number longer than the bound",
      text: document([result([iso(0)], [Number.parseFloat("1")])]).replace(
        "[1]",
        `[${"1".repeat(MAX_VALUE_CHARS + 1)}]`,
      ),
      reason: /a number longer than 1 Mi characters/,
    },
    {
      name: "a nesting deeper than the bound",
      text: `{"Messages":${"[".repeat(100_000)}`,
      reason: new RegExp(`nested deeper than ${MAX_DEPTH} levels \\(within characters 1-`),
    },
    {
      name: "a query larger than the bound",
      text: document(
        [result([iso(0)], [1])],
        [{ ...query, Label: Array.from({ length: 200_000 }, () => "abcdef") }],
      ),
      reason: /\$\.MetricDataQueries\[0\]: a query longer than 1 Mi characters/,
    },
    {
      name: "more results than the bound",
      text: `{"MetricDataResults":[${Array.from({ length: MAX_ENTRIES + 1 }, () => "{}").join(",")}]}`,
      reason: new RegExp(`\\$\\.MetricDataResults: more than ${MAX_ENTRIES} results`),
    },
    {
      name: "more queries than the bound",
      text: document(
        [],
        Array.from({ length: MAX_ENTRIES + 1 }, () => query),
      ),
      reason: new RegExp(`\\$\\.MetricDataQueries: more than ${MAX_ENTRIES} queries`),
    },
  ])("$name: the document is refused, the problem named", async ({ text, reason }) => {
    const { file, error } = await read(text);
    expect(error).toBeInstanceOf(NotAStreamError);
    expect((error as Error).message.startsWith(`${file}: not a metric stream: `)).toBe(true);
    expect((error as Error).message).toMatch(reason);
  });

  it("a value just within the bound is read", async () => {
    const { records, error } = await read(
      document([{ ...result([iso(0)], [1]), Label: "x".repeat(MAX_VALUE_CHARS - 10) }]),
    );
    expect(error).toBeNull();
    expect(records).toBe(1);
  });

  it(`a result's bad datapoints: the first ${HELD_POINTS} reported, then how many more`, async () => {
    const values = [1, ...Array.from({ length: 1000 }, () => "x")];
    const { skipped, records } = await read(
      document([
        result(
          values.map((_, i) => iso(i)),
          values,
        ),
      ]),
    );
    expect(records).toBe(1);
    expect(skipped).toHaveLength(HELD_POINTS + 1);
    expect(formatSkipped(skipped[0] as SkippedInput)).toMatch(
      /: \$\.MetricDataResults\[0\]\.Values\[1\]: "x" is not a number$/,
    );
    expect(formatSkipped(skipped.at(-1) as SkippedInput)).toMatch(
      /: \$\.MetricDataResults\[0\]: and 900 more datapoints that are not numbers or timestamps$/,
    );
  });
});
