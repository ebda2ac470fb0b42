/**
 * Metric Streams lines of a series already read have only their reading parsed: whatever the lines
 * hold, each gives exactly what it gives read alone (the same record, or the same reason to skip it).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricStreamsLineParser } from "../../../shared/offline/streams/metricStreams.js";
import { StreamSeriesTexts } from "../../../shared/offline/streams/streamSeries.js";

const SERIES = [
  '{"metric_stream_name":"s","account_id":"123456789012","region":"eu-west-1","namespace":"AWS/RDS","metric_name":"CPUUtilization","dimensions":{"DBClusterIdentifier":"c","Role":"READER"},',
  '{"account_id":123456789012,"namespace":"AWS/EC2","metric_name":"CPUUtilization","dimensions":{"AutoScalingGroupName":"web"},',
  // `,"timestamp":` inside the dimensions: not where the series ends.
  '{"namespace":"AWS/X","metric_name":"M","dimensions":{"a":"b","timestamp":"x"},',
  // A series with a reading key of its own, or a bad field: never taken as a series.
  '{"namespace":"AWS/X","metric_name":"M","unit":"Count",',
  '{"namespace":"","metric_name":"M",',
  '{"namespace":"AWS/X","metric_name":"M","dimensions":{"__proto__":"x"},',
];

const READINGS = [
  '"timestamp":1795460400000,"value":{"max":74.1,"min":69.9,"sum":144.0,"count":2.0},"unit":"Percent"}',
  '"timestamp":1795460460000,"value":{"max":1,"min":1,"sum":1,"count":1,"p99":1}}',
  '"timestamp":1795460460000,"value":{"max":1,"min":1,"sum":1,"count":1},"unit":null}',
  // A key of the series again, overriding it; a key repeated within the reading.
  '"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":1},"namespace":"AWS/Other"}',
  '"timestamp":1795460400000,"timestamp":5,"value":{"max":1,"min":1,"sum":1,"count":1}}',
  // Readings the schema refuses, or that are not JSON.
  '"timestamp":-1,"value":{"max":1,"min":1,"sum":1,"count":1}}',
  '"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":-1}}',
  '"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":1,"__proto__":2}}',
  '"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":1}',
  '"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":1}}}',
  '"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":1},"unit":7}',
];

const line = fc
  .tuple(fc.nat(SERIES.length - 1), fc.nat(READINGS.length - 1))
  .map(([s, r]) => `${SERIES[s]}${READINGS[r]}`);

describe("Metric Streams lines of a known series", () => {
  it("give what each line gives read alone, whatever the series and readings", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const parse = metricStreamsLineParser("f.jsonl");
        lines.forEach((text, i) => {
          const alone = metricStreamsLineParser("f.jsonl")(text, i + 1);
          expect(parse(text, i + 1)).toEqual(alone);
        });
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("are found by their text once a line of the series parsed whole, and not otherwise", () => {
    const series = new StreamSeriesTexts();
    const accept = () => true;
    const first = `${SERIES[0]}${READINGS[0]}`;
    expect(series.split(first)).toBeUndefined();
    series.learn(first, accept);
    expect(series.split(`${SERIES[0]}${READINGS[1]}`)?.reading).toEqual({
      timestamp: 1795460460000,
      value: { max: 1, min: 1, sum: 1, count: 1, p99: 1 },
    });
    // A reading that overrides a key of the series, or does not parse, is left to the whole line.
    expect(series.split(`${SERIES[0]}${READINGS[3]}`)).toBeUndefined();
    expect(series.split(`${SERIES[0]}${READINGS[8]}`)).toBeUndefined();
    // A series whose text is not an object of its own, or that `accept` refuses, is not learned.
    series.learn(`${SERIES[2]}${READINGS[0]}`, accept);
    expect(series.split(`${SERIES[2]}${READINGS[1]}`)).toBeUndefined();
    series.learn(`${SERIES[1]}${READINGS[0]}`, () => false);
    expect(series.split(`${SERIES[1]}${READINGS[1]}`)).toBeUndefined();
  });
});
