import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CloudWatchMetricSource, requests } from "../../shared/adapters/cloudWatch.js";
import type { MetricDataQuery } from "../../shared/core/config/schema.js";

const client = new CloudWatchClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
});
const cw = mockClient(client);
beforeEach(() => cw.reset());

const start = new Date("2026-11-23T18:58:00.000Z");
const end = new Date("2026-11-23T19:02:00.000Z");
const minute = (m: number) => new Date(start.getTime() + m * 60_000);

const cpu: MetricDataQuery = {
  Id: "t0p0",
  MetricStat: {
    Metric: {
      Namespace: "AWS/RDS",
      MetricName: "CPUUtilization",
      Dimensions: [{ Name: "Role", Value: "READER" }],
    },
    Period: 60,
    Stat: "Average",
  },
  ReturnData: true,
};
const plain = (id: string): MetricDataQuery => ({ ...cpu, Id: id });

describe("CloudWatchMetricSource", () => {
  it("one GetMetricData for the batch: the queries as given, whole minutes, oldest first", async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "t0p0", Timestamps: [minute(0), minute(1), minute(3)], Values: [20, 30, 50] },
      ],
    });
    const source = new CloudWatchMetricSource(client);
    const values = await source.read({
      queries: [cpu],
      start: new Date(start.getTime() + 12_345),
      end: new Date(end.getTime() + 59_000),
    });
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      { MetricDataQueries: [cpu], StartTime: start, EndTime: end, ScanBy: "TimestampAscending" },
    ]);
    // 18:58 … 19:01, one a minute; 19:00 has no datapoint.
    expect(values.get("t0p0")).toEqual([20, 30, null, 50]);
  });

  it("follows NextToken and merges the pages; only the queries that return data come back", async () => {
    const math: MetricDataQuery[] = [
      { ...plain("a7_requests"), ReturnData: false },
      { ...plain("a7_hosts"), ReturnData: false },
      { Id: "a7", Expression: "a7_requests / a7_hosts", ReturnData: true },
    ];
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: "a7", Timestamps: [minute(0), minute(1)], Values: [1, 2] }],
        NextToken: "page-2",
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: "a7", Timestamps: [minute(2), minute(3)], Values: [3, 4] }],
      });
    const values = await new CloudWatchMetricSource(client).read({ queries: math, start, end });
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, "page-2"]);
    expect([...values.keys()]).toEqual(["a7"]);
    expect(values.get("a7")).toEqual([1, 2, 3, 4]);
  });

  it("an alarm's longer period gets one value per period", async () => {
    const slow = { ...cpu, Id: "a5", MetricStat: { ...cpu.MetricStat!, Period: 120 } };
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: "a5", Timestamps: [minute(2)], Values: [12] }],
    });
    const values = await new CloudWatchMetricSource(client).read({ queries: [slow], start, end });
    expect(values.get("a5")).toEqual([null, 12]);
  });

  it("above 500 queries: split into requests of at most 500, metric math kept with what it references", async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const many = [
      ...Array.from({ length: 498 }, (_, i) => plain(`q${i}`)),
      { ...plain("m_a"), ReturnData: false },
      { ...plain("m_b"), ReturnData: false },
      { Id: "m", Expression: "m_a + m_b", ReturnData: true },
    ];
    const values = await new CloudWatchMetricSource(client).read({ queries: many, start, end });
    const sizes = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries?.length);
    expect(sizes).toEqual([498, 3]);
    expect(values.get("m")).toEqual([null, null, null, null]);
    expect(
      requests(many, 500)
        .at(-1)
        ?.map((q) => q.Id),
    ).toEqual(["m_a", "m_b", "m"]);
  });

  it("refuses ids GetMetricData would refuse, before any call", async () => {
    const source = new CloudWatchMetricSource(client);
    await expect(source.read({ queries: [plain("T0")], start, end })).rejects.toThrow(/lowercase/);
    await expect(source.read({ queries: [cpu, cpu], start, end })).rejects.toThrow(/not unique/);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it("no query, no call", async () => {
    expect((await new CloudWatchMetricSource(client).read({ queries: [], start, end })).size).toBe(0);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });
});
