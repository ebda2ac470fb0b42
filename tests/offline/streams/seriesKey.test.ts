import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seriesKey } from "../../../shared/offline/streams/record.js";

/** Any string, separators and lone surrogates included, short enough to collide. */
const text = fc.string({ unit: "binary", maxLength: 4 });

describe("seriesKey", () => {
  it("is the JSON of namespace, name and the dimensions sorted by name, whatever the strings", () => {
    fc.assert(
      fc.property(text, text, fc.dictionary(text, text), (ns, name, dims) => {
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
    // Asked again, in either order: the same key, as often as asked.
    for (let i = 0; i < 3; i++) {
      expect(seriesKey("1:a", "b", {})).not.toBe(seriesKey("1", "a1:b", {}));
      expect(seriesKey("a", "b", { c: "1:d" })).not.toBe(seriesKey("a", "b", { c: "1", d: "" }));
    }
  });
});
