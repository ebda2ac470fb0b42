/** The Metric Streams line parser's check by hand: never accepts what the schema refuses, and gives what it gives. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MetricStreamRecordSchema, wellFormed } from "../../../shared/offline/streams/metricStreams.js";
import { STREAM_TIME_RANGE } from "../../../shared/offline/streams/record.js";

/** Each field valid, or wrong in one of the ways a line can be. */
const odd = fc.oneof(
  fc.constant(null),
  fc.constant(""),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(true),
  fc.constant([]),
  fc.constant({}),
  fc.constant(STREAM_TIME_RANGE.max + 1),
);
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: odd });
const names = fc.constantFrom("InstanceId", "Role", "__proto__", "0", "toString");
const line = fc.record(
  {
    metric_stream_name: field(fc.string()),
    account_id: field(fc.oneof(fc.string(), fc.integer())),
    region: field(fc.string()),
    namespace: field(fc.string()),
    metric_name: field(fc.string()),
    dimensions: field(fc.dictionary(names, field(fc.string()), { maxKeys: 3 })),
    timestamp: field(fc.integer({ min: 0, max: STREAM_TIME_RANGE.max })),
    value: field(
      fc.record(
        {
          count: field(fc.double({ noNaN: true })),
          sum: field(fc.double({ noNaN: true })),
          max: field(fc.double()),
          min: field(fc.double()),
          p99: field(fc.double({ noNaN: true })),
        },
        { requiredKeys: [] },
      ),
    ),
    unit: field(fc.string()),
  },
  { requiredKeys: [] },
);

describe("Metric Streams records checked by hand", () => {
  it("never accept what the schema refuses, and give the data it gives, on any line", () => {
    let accepted = 0;
    fc.assert(
      fc.property(line, (object) => {
        // What JSON.parse makes of the line (infinities become null, keys such as __proto__ own).
        const json = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
        const byHand = wellFormed(json);
        const schema = MetricStreamRecordSchema.safeParse(json);
        if (byHand === null) return;
        accepted++;
        expect(schema.success).toBe(true);
        expect(byHand).toEqual(schema.data);
      }),
      { numRuns: 1000 },
    );
    // Not a vacuous check: the hand path takes a fair share of the lines.
    expect(accepted).toBeGreaterThan(10);
  });

  it("accepts the well-formed records a stream is made of", () => {
    const json = {
      metric_stream_name: "s",
      account_id: "123456789012",
      region: "eu-west-1",
      namespace: "AWS/RDS",
      metric_name: "CPUUtilization",
      dimensions: { DBClusterIdentifier: "virtway-aurora", Role: "READER" },
      timestamp: 1793491200000,
      value: { max: 4.4, min: 4.2, sum: 8.6, count: 2, p99: 4.39 },
      unit: "Percent",
    };
    expect(wellFormed(json)).toEqual(MetricStreamRecordSchema.parse(json));
    expect(wellFormed({ ...json, dimensions: undefined })?.dimensions).toEqual({});
    expect(wellFormed({ ...json, dimensions: { ["__proto__"]: "x" } })).toBeNull();
    expect(wellFormed({ ...json, value: { ...json.value, count: -1 } })).toBeNull();
  });
});
