/** Each format's parser, line by line (Metric Streams, CSV) or document by document (get-metric-data). */
import { describe, expect, it } from "vitest";
import { csvLineParser, parseDimensionList, splitCsvLine } from "../../shared/streams/csv.js";
import { NotAStreamError } from "../../shared/streams/errors.js";
import { recordsFromGetMetricData } from "../../shared/streams/getMetricData.js";
import type { LineResult } from "../../shared/streams/lines.js";
import { metricStreamsLineParser } from "../../shared/streams/metricStreams.js";
import type { SkippedInput } from "../../shared/streams/record.js";
import { msLine, T0 } from "./support.js";

const reason = (r: LineResult) => (r.kind === "skip" || r.kind === "stop" ? r.reason : r.kind);

describe("CloudWatch Metric Streams JSON lines", () => {
  const parse = metricStreamsLineParser("s.jsonl");

  it("reads AWS's documented example (CloudWatch-metric-streams-formats-json.html)", () => {
    const line = JSON.stringify({
      metric_stream_name: "MyMetricStream",
      account_id: "1234567890",
      region: "us-east-1",
      namespace: "AWS/EC2",
      metric_name: "DiskWriteOps",
      dimensions: { InstanceId: "i-123456789012" },
      timestamp: 1611929698000,
      value: {
        count: 3.0,
        sum: 20.0,
        max: 18.0,
        min: 0.0,
        p99: 17.56,
        "p99.9": 17.8764,
        "TM(25%:75%)": 16.43,
      },
      unit: "Seconds",
    });
    const result = parse(line, 7);
    expect(result).toEqual({
      kind: "record",
      record: {
        namespace: "AWS/EC2",
        metricName: "DiskWriteOps",
        dimensions: { InstanceId: "i-123456789012" },
        timestamp: 1611929698000,
        stats: {
          sampleCount: 3,
          sum: 20,
          maximum: 18,
          minimum: 0,
          average: 20 / 3,
          extended: { p99: 17.56, "p99.9": 17.8764, "TM(25%:75%)": 16.43 },
        },
        unit: "Seconds",
        // A 10-digit account id: carried, not validated.
        account: "1234567890",
        region: "us-east-1",
        source: { file: "s.jsonl", line: 7 },
      },
    });
  });

  it("ignores blank lines without reporting them", () => {
    expect(parse("   ", 1)).toEqual({ kind: "ignore" });
  });

  it.each([
    { name: "not JSON", line: '{"namespace": "AWS/RDS",', reason: /^not JSON: / },
    { name: "an array", line: "[1, 2]", reason: /expected a JSON object/ },
    {
      name: "another kind of object",
      line: '{"hello": "world"}',
      reason: /no namespace, metric_name, timestamp, value/,
    },
    {
      name: "a timestamp in ISO",
      line: msLine(0, 1, { timestamp: "2026-11-23T19:00:00Z" }),
      reason: /timestamp/,
    },
    {
      name: "no count in value",
      line: msLine(0, 1, { value: { sum: 1, min: 1, max: 1 } }),
      reason: /value\.count/,
    },
    {
      name: "a negative count",
      line: msLine(0, 1, { value: { sum: 1, min: 1, max: 1, count: -1 } }),
      reason: /value\.count/,
    },
    {
      name: "dimensions as a list",
      line: msLine(0, 1, { dimensions: [{ Name: "a", Value: "b" }] }),
      reason: /dimensions/,
    },
  ])("skips $name with a reason", ({ line, reason: why }) => {
    expect(reason(parse(line, 1))).toMatch(why);
  });
});

describe("the CSV", () => {
  const rows = (...lines: string[]) => {
    const parse = csvLineParser("h.csv");
    return lines.map((line, i) => parse(line, i + 1));
  };
  const HEADER = "timestamp,namespace,metric,dimensions,unit,value,count,sum,min,max,p99";

  it.each([
    { line: "a,b,c", want: ["a", "b", "c"] },
    { line: ' "a, b" , c ', want: ["a, b", "c"] },
    { line: '"say ""hi""",x', want: ['say "hi"', "x"] },
    { line: "a,,c,", want: ["a", "", "c", ""] },
    { line: '"open,x', want: null },
  ])("splits $line", ({ line, want }) => {
    expect(splitCsvLine(line)).toEqual(want);
  });

  it.each([
    {
      text: "DBClusterIdentifier=virtway-aurora;Role=READER",
      want: { DBClusterIdentifier: "virtway-aurora", Role: "READER" },
    },
    {
      text: "TargetGroup=targetgroup/api/73e2d6bc24d8a067",
      want: { TargetGroup: "targetgroup/api/73e2d6bc24d8a067" },
    },
    { text: "Expr=a=b", want: { Expr: "a=b" } },
    { text: "", want: {} },
    { text: "Role", want: 'dimension "Role" is not Name=Value' },
    { text: "A=1;A=2", want: "dimension A given twice" },
  ])("reads dimensions $text", ({ text, want }) => {
    expect(parseDimensionList(text)).toEqual(want);
  });

  it("reads a statistic set, a raw sample, a percentile, and ignores comments", () => {
    const [comment, header, set, sample, p99] = rows(
      "# hand-made",
      HEADER,
      "2026-11-23T19:00:00Z,AWS/RDS,CPUUtilization,Role=READER,Percent,,2,150,70,80,",
      `${T0 + 60_000},AWS/RDS,CPUUtilization,Role=READER,Percent,72.5,,,,,`,
      "2026-11-23T19:02:00+01:00,App,Latency,,Seconds,,10,2,0.1,0.4,0.35",
    );
    expect([comment, header]).toEqual([{ kind: "ignore" }, { kind: "ignore" }]);
    expect(set).toMatchObject({
      kind: "record",
      record: {
        namespace: "AWS/RDS",
        metricName: "CPUUtilization",
        dimensions: { Role: "READER" },
        timestamp: T0,
        stats: { sampleCount: 2, sum: 150, minimum: 70, maximum: 80, average: 75 },
        unit: "Percent",
        source: { file: "h.csv", line: 3 },
      },
    });
    expect(sample).toMatchObject({
      record: { timestamp: T0 + 60_000, stats: { sampleCount: 1, sum: 72.5, values: [72.5] } },
    });
    expect(p99).toMatchObject({
      record: { timestamp: T0 + 2 * 60_000 - 3_600_000, dimensions: {}, stats: { extended: { p99: 0.35 } } },
    });
  });

  it.each([
    {
      name: "a timestamp without a zone",
      row: "2026-11-23T19:00:00,App,M,,,1,,,,,",
      reason: /not ISO-8601 with a zone/,
    },
    {
      name: "value and statistics",
      row: "2026-11-23T19:00:00Z,App,M,,,1,1,1,1,1,",
      reason: /either value or statistics/,
    },
    { name: "neither", row: "2026-11-23T19:00:00Z,App,M,,,,,,,,", reason: /no value and no statistics/ },
    {
      name: "a number that is not",
      row: "2026-11-23T19:00:00Z,App,M,,,abc,,,,,",
      reason: /value "abc" is not a number/,
    },
    {
      name: "too many fields",
      row: "2026-11-23T19:00:00Z,App,M,,,1,,,,,,extra",
      reason: /12 fields where the header has 11/,
    },
    { name: "no metric", row: "2026-11-23T19:00:00Z,App,,,,1,,,,,", reason: /no namespace or metric/ },
    { name: "bad dimensions", row: "2026-11-23T19:00:00Z,App,M,Role,,1,,,,,", reason: /not Name=Value/ },
  ])("skips a row with $name", ({ row, reason: why }) => {
    expect(reason(rows(HEADER, row)[1] as LineResult)).toMatch(why);
  });

  it.each([
    {
      name: "an unknown column (a typo)",
      header: "timestamp,namespace,metric,vlaue",
      reason: /unknown column "vlaue"/,
    },
    { name: "no timestamp", header: "namespace,metric,value", reason: /no timestamp column/ },
    {
      name: "no values",
      header: "timestamp,namespace,metric,unit",
      reason: /neither a value column nor statistic columns/,
    },
    { name: "a column twice", header: "timestamp,namespace,metric,value,value", reason: /appears twice/ },
  ])("stops at a header with $name: the file is not a stream", ({ header, reason: why }) => {
    const [result] = rows(header);
    expect(result?.kind).toBe("stop");
    expect(reason(result as LineResult)).toMatch(why);
  });
});

describe("the get-metric-data document", () => {
  const query = (Id: string, Stat: string, MetricName = "CPUUtilization") => ({
    Id,
    MetricStat: {
      Metric: { Namespace: "AWS/RDS", MetricName, Dimensions: [{ Name: "Role", Value: "READER" }] },
      Period: 60,
      Stat,
    },
  });
  const result = (Id: string, Timestamps: (string | number)[], Values: number[]) => ({
    Id,
    Label: Id,
    Timestamps,
    Values,
    StatusCode: "Complete",
  });
  const iso = (minute: number) => new Date(T0 + minute * 60_000).toISOString().replace(".000Z", "+00:00");
  const read = (doc: unknown) => {
    const skipped: SkippedInput[] = [];
    const records = [...recordsFromGetMetricData("g.json", JSON.stringify(doc), (s) => skipped.push(s))];
    return { records, skipped };
  };

  it("merges the queries of one metric into one record per timestamp, in time order", () => {
    const { records, skipped } = read({
      MetricDataQueries: [query("cpu", "Average"), query("n", "SampleCount"), query("p", "p99")],
      MetricDataResults: [
        // Newest first, as the CLI prints by default.
        result("cpu", [iso(1), iso(0)], [91, 76]),
        result("n", [iso(1), iso(0)], [2, 2]),
        result("p", [iso(0)], [88]),
      ],
      Messages: [],
    });
    expect(skipped).toEqual([]);
    expect(records.map((r) => [r.timestamp - T0, r.stats])).toEqual([
      [0, { average: 76, sampleCount: 2, extended: { p99: 88 } }],
      [60_000, { average: 91, sampleCount: 2 }],
    ]);
    expect(records[0]).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: { Role: "READER" },
      unit: null,
      source: { file: "g.json", path: "$.MetricDataResults[0].Values[1]" },
    });
  });

  it("reports what it cannot use with a JSON path, and uses the rest", () => {
    const { records, skipped } = read({
      MetricDataQueries: [query("cpu", "Average"), { Id: "e1", Expression: "cpu * 2" }, { nope: 1 }],
      MetricDataResults: [
        result("cpu", [iso(0), "yesterday"], [76, 1]),
        result("e1", [iso(0)], [152]),
        result("ghost", [iso(0)], [1]),
        result("cpu2", [iso(0), iso(1)], [1]),
      ],
    });
    expect(records).toHaveLength(1);
    expect(skipped.map((s) => [s.path, s.reason])).toEqual([
      ["$.MetricDataQueries[2]", expect.stringMatching(/^not a query/)],
      ["$.MetricDataResults[0].Timestamps[1]", '"yesterday" is not a timestamp'],
      ["$.MetricDataResults[1]", expect.stringContaining('"e1" is an expression, not a metric')],
      ["$.MetricDataResults[2].Id", 'no query in MetricDataQueries has Id "ghost"'],
      ["$.MetricDataResults[3].Id", 'no query in MetricDataQueries has Id "cpu2"'],
    ]);
  });

  it.each([
    { name: "not JSON", text: "{ nope", reason: /not JSON/ },
    {
      name: "the output without the queries",
      text: JSON.stringify({ MetricDataResults: [] }),
      reason: /MetricDataQueries/,
    },
    {
      name: "no datapoint",
      text: JSON.stringify({
        MetricDataQueries: [query("cpu", "Average")],
        MetricDataResults: [result("cpu", [], [])],
      }),
      reason: /no datapoint in MetricDataResults/,
    },
  ])("is not a stream when it is $name", ({ text, reason: why }) => {
    const run = () => [...recordsFromGetMetricData("g.json", text, () => {})];
    expect(run).toThrow(NotAStreamError);
    expect(run).toThrow(why);
  });
});
