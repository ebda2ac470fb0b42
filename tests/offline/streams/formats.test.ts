/** Each format's parser, line by line (Metric Streams, CSV) or document by document (get-metric-data). */
import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NotAStreamError } from "../../../shared/core/errors.js";
import { csvLineParser, parseDimensionList, splitCsvLine } from "../../../shared/offline/streams/csv.js";
import { PointSpill } from "../../../shared/offline/streams/getMetricData/pointSpill.js";
import { readGetMetricData } from "../../../shared/offline/streams/getMetricData/read.js";
import type { LineResult } from "../../../shared/offline/streams/lines.js";
import { metricStreamsLineParser } from "../../../shared/offline/streams/metricStreams.js";
import { readStreams } from "../../../shared/offline/streams/readStream.js";
import type { MetricRecord, SkippedInput } from "../../../shared/offline/streams/record.js";
import { msLine, read, T0, write } from "./support.js";

const reason = (r: LineResult) => (r.kind === "skip" ? r.reason : r.kind);

describe("CloudWatch Metric Streams JSON lines", () => {
  const parse = metricStreamsLineParser("s.jsonl");

  it("names a field of the wrong type by the branch of its union it was meant for (one rule, core/problems.ts)", () => {
    expect(reason(parse(msLine(0, 70, { account_id: true }), 1))).toBe(
      "not a metric record: account_id: Invalid input: expected string, received boolean",
    );
  });

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
    {
      name: "a timestamp of 8.64e15",
      line: msLine(0, 1, { timestamp: 8.64e15 }),
      reason: /timestamp: is after the year 9999/,
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

  it("splits as RFC 4180 (one line) reads: the same fields as a character-by-character reading", () => {
    /** The plain reading the splitter must agree with: a character at a time. */
    const byCharacter = (line: string): string[] | null => {
      const fields: string[] = [];
      let field = "";
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i] as string;
        if (quoted) {
          if (c === '"' && line[i + 1] === '"') {
            field += '"';
            i++;
          } else if (c === '"') quoted = false;
          else field += c;
        } else if (c === '"' && field.trim() === "") {
          quoted = true;
          field = "";
        } else if (c === ",") {
          fields.push(field.trim());
          field = "";
        } else field += c;
      }
      if (quoted) return null;
      fields.push(field.trim());
      return fields;
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", " ", '"', ",", "\t", "é", "\u00a0"), { maxLength: 30 }),
        (chars) => {
          const line = chars.join("");
          expect(splitCsvLine(line)).toEqual(byCharacter(line));
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
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
    // The edge of a Date's range: a replay adding a period to it would build an invalid date.
    {
      name: "a timestamp of 8.64e15",
      row: "8640000000000000,App,M,,,1,,,,,",
      reason: /^timestamp "8640000000000000" is outside the years 0001 to 9999$/,
    },
    { name: "a timestamp of 1e308", row: "1e308,App,M,,,1,,,,,", reason: /not ISO-8601 with a zone/ },
    {
      name: "a timestamp of 400 digits",
      row: `${"9".repeat(400)},App,M,,,1,,,,,`,
      reason: /is outside the years 0001 to 9999$/,
    },
  ])("skips a row with $name", ({ row, reason: why }) => {
    expect(reason(rows(HEADER, row)[1] as LineResult)).toMatch(why);
  });

  it("skips a line before the header that names no timestamp column: preamble, not a header", () => {
    const [result] = rows("namespace,metric,value");
    expect(result?.kind).toBe("skip");
    expect(reason(result as LineResult)).toMatch(/no timestamp column/);
  });

  it.each([
    {
      name: "an unknown column (a typo)",
      header: "timestamp,namespace,metric,vlaue",
      reason: /unknown column "vlaue"/,
    },
    {
      name: "no values",
      header: "timestamp,namespace,metric,unit",
      reason: /neither a value column nor statistic columns/,
    },
    { name: "a column twice", header: "timestamp,namespace,metric,value,value", reason: /appears twice/ },
  ])("refuses a header with a mistake: $name", ({ header, reason: why }) => {
    expect(() => rows(header)).toThrow(NotAStreamError);
    expect(() => rows(header)).toThrow(why);
  });

  it("looks for its header past lines of preamble, and reads the rows under it", () => {
    const [title, blank, note, header, row] = rows(
      "Exported by Grafana",
      "",
      "Dashboard: TV vote, 2026-11-26",
      "timestamp,namespace,metric,value",
      "2026-11-26T20:10:00Z,App,Votes,250000",
    );
    expect(title).toEqual({
      kind: "skip",
      reason: expect.stringMatching(/^not a stream header: unknown column "Exported by Grafana"/),
    });
    expect(blank).toEqual({ kind: "ignore" });
    // A comma makes two columns of the note, neither of them known.
    expect(reason(note as LineResult)).toMatch(/^not a stream header: unknown column "Dashboard: TV vote"/);
    expect(header).toEqual({ kind: "ignore" });
    expect(row).toMatchObject({ kind: "record", record: { metricName: "Votes", source: { line: 5 } } });
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
  const result = (Id: string, Timestamps: unknown[], Values: unknown[]) => ({
    Id,
    Label: Id,
    Timestamps,
    Values,
    StatusCode: "Complete",
  });
  const iso = (minute: number) => new Date(T0 + minute * 60_000).toISOString().replace(".000Z", "+00:00");
  let n = 0;
  const file = (doc: unknown) =>
    write(`g${n++}.json`, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  const read = async (doc: unknown, windowMs?: number) => {
    const skipped: SkippedInput[] = [];
    const records: MetricRecord[] = [];
    for await (const r of readGetMetricData(file(doc), (s) => skipped.push(s), windowMs)) records.push(r);
    return { records, skipped };
  };
  const at = (records: MetricRecord[]) => records.map((r) => (r.timestamp - T0) / 60_000);

  it("merges the queries of one metric into one record per timestamp, in time order", async () => {
    const { records, skipped } = await read({
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
    expect(records.map((r) => ({ offset: r.timestamp - T0, stats: r.stats }))).toEqual([
      { offset: 0, stats: { average: 76, sampleCount: 2, extended: { p99: 88 } } },
      { offset: 60_000, stats: { average: 91, sampleCount: 2 } },
    ]);
    expect(records[0]).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: { Role: "READER" },
      unit: null,
      source: { file: expect.stringMatching(/g\d+\.json$/), path: "$.MetricDataResults[0].Values[1]" },
    });
  });

  it.each([
    { name: "TimestampDescending (AWS's default)", minutes: [4, 3, 2, 1, 0] },
    { name: "TimestampAscending", minutes: [0, 1, 2, 3, 4] },
  ])("reads each result in time order whichever way it runs: $name", async ({ minutes }) => {
    const { records } = await read({
      MetricDataQueries: [query("cpu", "Average"), query("conn", "Average", "DatabaseConnections")],
      MetricDataResults: [
        result("cpu", minutes.map(iso), minutes),
        result(
          "conn",
          minutes.map(iso),
          minutes.map((m) => 100 + m),
        ),
      ],
    });
    expect(records.map((r) => ({ minute: (r.timestamp - T0) / 60_000, average: r.stats.average }))).toEqual(
      [0, 1, 2, 3, 4].flatMap((m) => [
        { minute: m, average: m },
        { minute: m, average: 100 + m },
      ]),
    );
  });

  it("places datapoints out of order within the window, still combining the queries of a metric", async () => {
    const cpu = [5, 3, 4, 1, 2, 0];
    const count = [5, 4, 3, 2, 0, 1];
    const { records } = await read({
      MetricDataQueries: [query("cpu", "Average"), query("n", "SampleCount")],
      MetricDataResults: [
        result(
          "cpu",
          cpu.map(iso),
          cpu.map((m) => 70 + m),
        ),
        result(
          "n",
          count.map(iso),
          count.map(() => 2),
        ),
      ],
    });
    expect(records.map((r) => ({ minute: (r.timestamp - T0) / 60_000, stats: r.stats }))).toEqual(
      [0, 1, 2, 3, 4, 5].map((m) => ({ minute: m, stats: { average: 70 + m, sampleCount: 2 } })),
    );
  });

  it("walks long results across the spill file's blocks, both ways", async () => {
    const minutes = Array.from({ length: 5000 }, (_, i) => i);
    const down = [...minutes].reverse();
    const { records } = await read({
      MetricDataQueries: [query("a", "Average"), query("b", "Average", "ReadLatency")],
      MetricDataResults: [result("a", down.map(iso), down), result("b", minutes.map(iso), minutes)],
    });
    expect(records).toHaveLength(10_000);
    expect(records.every((r, i) => r.stats.average === Math.floor(i / 2))).toBe(true);
    expect(records.every((r, i) => r.timestamp === T0 + Math.floor(i / 2) * 60_000)).toBe(true);
  });

  it("reads the queries after the results (the output with MetricDataQueries added at its end)", async () => {
    const { records, skipped } = await read({
      MetricDataResults: [result("cpu", [iso(0), "then"], [76, 1]), result("ghost", [iso(0)], [1])],
      Messages: [],
      MetricDataQueries: [query("cpu", "Average"), { nope: 1 }],
    });
    expect(at(records)).toEqual([0]);
    expect(skipped.map((s) => s.path)).toEqual([
      "$.MetricDataQueries[1]",
      "$.MetricDataResults[0].Timestamps[1]",
      "$.MetricDataResults[1].Id",
    ]);
  });

  it("reports what it cannot use with a JSON path, and uses the rest", async () => {
    const { records, skipped } = await read({
      MetricDataQueries: [query("cpu", "Average"), { Id: "e1", Expression: "cpu * 2" }, { nope: 1 }],
      MetricDataResults: [
        result("cpu", [iso(0), "yesterday", iso(2), iso(3)], [76, 1, null, "80"]),
        result("e1", [iso(0)], [152]),
        result("ghost", [iso(0)], [1]),
        result("cpu2", [iso(0), iso(1)], [1]),
        "not an object",
        { Id: "cpu", Timestamps: "all of them", Values: [] },
        { Timestamps: [], Values: [] },
      ],
    });
    expect(records).toHaveLength(1);
    expect(skipped.map((s) => ({ path: s.path, reason: s.reason }))).toEqual([
      { path: "$.MetricDataQueries[2]", reason: expect.stringMatching(/^not a query/) },
      { path: "$.MetricDataResults[0].Timestamps[1]", reason: '"yesterday" is not a timestamp' },
      { path: "$.MetricDataResults[0].Values[2]", reason: "null is not a number" },
      { path: "$.MetricDataResults[0].Values[3]", reason: '"80" is not a number' },
      {
        path: "$.MetricDataResults[1]",
        reason: expect.stringContaining('"e1" is an expression, not a metric'),
      },
      { path: "$.MetricDataResults[2].Id", reason: 'no query in MetricDataQueries has Id "ghost"' },
      { path: "$.MetricDataResults[3].Id", reason: 'no query in MetricDataQueries has Id "cpu2"' },
      { path: "$.MetricDataResults[4]", reason: "not a result: expected an object" },
      { path: "$.MetricDataResults[5].Timestamps", reason: "not a result: expected an array" },
      { path: "$.MetricDataResults[6].Id", reason: expect.stringMatching(/^not a result: /) },
    ]);
  });

  it("reports timestamps outside the years 0001 to 9999, and uses the rest", async () => {
    const { records, skipped } = await read({
      MetricDataQueries: [query("cpu", "Average")],
      MetricDataResults: [result("cpu", [8.64e15, iso(1), "+275760-09-13T00:00:00Z"], [1, 2, 3])],
    });
    expect(at(records)).toEqual([1]);
    expect(skipped.map((s) => ({ path: s.path, reason: s.reason }))).toEqual([
      {
        path: "$.MetricDataResults[0].Timestamps[0]",
        reason: "8640000000000000 is outside the years 0001 to 9999",
      },
      {
        path: "$.MetricDataResults[0].Timestamps[2]",
        reason: '"+275760-09-13T00:00:00Z" is not a timestamp',
      },
    ]);
  });

  it("reports a result whose arrays differ in length, and uses the others", async () => {
    const { records, skipped } = await read({
      MetricDataQueries: [query("cpu", "Average"), query("n", "SampleCount")],
      MetricDataResults: [result("cpu", [iso(0), iso(1)], [1]), result("n", [iso(0)], [2])],
    });
    expect(records.map((r) => r.stats)).toEqual([{ sampleCount: 2 }]);
    expect(skipped.map((s) => ({ path: s.path, reason: s.reason }))).toEqual([
      { path: "$.MetricDataResults[0]", reason: "2 Timestamps but 1 Values" },
    ]);
  });

  it("reads a document with a byte-order mark", async () => {
    const doc = {
      MetricDataQueries: [query("cpu", "Average")],
      MetricDataResults: [result("cpu", [iso(0)], [1])],
    };
    expect(at((await read(`\uFEFF${JSON.stringify(doc)}`)).records)).toEqual([0]);
  });

  it.each([
    { name: "not JSON", text: "{ nope", reason: /not JSON/ },
    {
      name: "cut short",
      text: JSON.stringify({
        MetricDataQueries: [query("cpu", "Average")],
        MetricDataResults: [result("cpu", [iso(0), iso(1)], [1, 2])],
      }).slice(0, -20),
      reason: /not JSON: .*at its end/,
    },
    {
      name: "the output without the queries",
      text: JSON.stringify({ MetricDataResults: [] }),
      reason: /MetricDataQueries/,
    },
    { name: "an array", text: "[]", reason: /expected an object with MetricDataQueries/ },
    {
      name: "no datapoint",
      text: JSON.stringify({
        MetricDataQueries: [query("cpu", "Average")],
        MetricDataResults: [result("cpu", [], [])],
      }),
      reason: /no datapoint in MetricDataResults/,
    },
    {
      name: "no usable datapoint",
      text: JSON.stringify({
        MetricDataQueries: [query("cpu", "Average")],
        MetricDataResults: [result("cpu", [iso(0), "x"], [null, 1])],
      }),
      reason:
        /no datapoint in MetricDataResults \(first problem: \$\.MetricDataResults\[0\]\.Timestamps\[1\]: "x" is not a timestamp\)/,
    },
  ])("is not a stream when it is $name", async ({ text, reason: why }) => {
    const skipped: SkippedInput[] = [];
    const run = async () => {
      for await (const _ of readGetMetricData(file(text), (s) => skipped.push(s))) void _;
    };
    await expect(run).rejects.toThrow(NotAStreamError);
    await expect(run).rejects.toThrow(why);
    expect(skipped).toEqual([]);
  });
});

describe("the spill file under the get-metric-data reader", () => {
  it("gives back what was written, forwards and backwards, across blocks, and is removed when closed", () => {
    const spill = new PointSpill();
    const a = spill.begin();
    for (let i = 0; i < 3000; i++) spill.push(a, i);
    const b = spill.begin();
    for (let i = 0; i < 9000; i++) spill.push(b, i % 7 === 0 ? Number.NaN : -i);
    const atA = spill.reader(a);
    const atB = spill.reader(b);
    expect(Array.from({ length: 3000 }, (_, i) => atA(2999 - i))).toEqual(
      Array.from({ length: 3000 }, (_, i) => 2999 - i),
    );
    const forward = Array.from({ length: 9000 }, (_, i) => atB(i));
    expect(forward.every((v, i) => (i % 7 === 0 ? Number.isNaN(v) : v === -i))).toBe(true);
    const file = spill.file as string;
    expect(existsSync(file)).toBe(true);
    spill.close();
    expect(existsSync(file)).toBe(false);
  });
});

describe("get-metric-data: queries of one metric with and without a Unit", () => {
  it("are one series, whose unit is the one named (a query without Unit returns every unit)", async () => {
    const bundled = JSON.parse(readFileSync("events/streams/avalanche-readers.json", "utf8")) as {
      MetricDataQueries: { MetricStat?: { Unit?: string } }[];
    };
    const withUnits = await read(write("units-named.json", JSON.stringify(bundled)));
    const unnamed = structuredClone(bundled);
    // The SampleCount query of reader CPU without its Unit; the Average one keeps "Percent".
    delete unnamed.MetricDataQueries[1]?.MetricStat?.Unit;
    const withoutSome = await read(write("units-some.json", JSON.stringify(unnamed)));
    const bare = (records: MetricRecord[]) => records.map(({ source: _, ...r }) => r);
    expect(withoutSome.skipped).toEqual([]);
    expect(bare(withoutSome.records)).toEqual(bare(withUnits.records));
  });
});

describe("CSV: a header with a mistake", () => {
  it("refuses the file at once, naming the header's line and problem, with no row reported one by one", async () => {
    const rows = Array.from(
      { length: 50 },
      (_, m) =>
        `${new Date(T0 + m * 60_000).toISOString()},AWS/RDS,CPUUtilization,DBClusterIdentifier=x,Percent,5`,
    );
    const skipped: SkippedInput[] = [];
    let error: unknown;
    try {
      for await (const _ of readStreams(
        [write("typo.csv", ["# hand-made", "timestamp,namespace,metric,dimension,unit,value", ...rows])],
        {
          onSkip: (s) => skipped.push(s),
        },
      ))
        void _;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotAStreamError);
    expect((error as Error).message).toMatch(
      /typo\.csv: not a metric stream: line 2: the CSV header: unknown column "dimension"/,
    );
    expect(skipped).toEqual([]);
  });
});
