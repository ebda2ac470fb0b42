import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seriesKey } from "../../../shared/offline/streams/record.js";

describe("seriesKey", () => {
  it("is the JSON of namespace, name and the dimensions sorted by name, whatever the strings", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.dictionary(fc.string(), fc.string()), (ns, name, dims) => {
        const sorted = Object.keys(dims)
          .sort()
          .map((k) => [k, dims[k]]);
        expect(seriesKey(ns, name, dims)).toBe(JSON.stringify([ns, name, sorted]));
      }),
    );
  });

  it("does not depend on the order of the dimensions, and tells series apart", () => {
    const a = seriesKey("AWS/RDS", "CPUUtilization", { Role: "READER", DBClusterIdentifier: "c" });
    expect(a).toBe(seriesKey("AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "c", Role: "READER" }));
    expect(a).not.toBe(seriesKey("AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "c" }));
    expect(seriesKey("a", "b", { 'x",["y': "z" })).not.toBe(seriesKey("a", "b", { x: "", y: "z" }));
  });
});
