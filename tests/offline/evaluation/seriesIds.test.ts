/**
 * Series numbered by CloudWatch's identity of a metric: namespace, metric name and the exact set
 * of dimensions, in any order, names and values case-sensitive (record.ts's seriesKey).
 */
import { describe, expect, it } from "vitest";
import { SeriesIds } from "../../../shared/offline/evaluation/seriesIds.js";
import { seriesKey } from "../../../shared/offline/streams/record.js";

const READERS = { DBClusterIdentifier: "db", Role: "READER" };

describe("SeriesIds", () => {
  it("numbers series in the order first seen, and finds each again whatever its dimensions' order", () => {
    const ids = new SeriesIds();
    expect(ids.find("AWS/RDS", "CPUUtilization", READERS)).toBe(-1);
    expect(ids.idOf("AWS/RDS", "CPUUtilization", READERS)).toBe(0);
    expect(ids.idOf("AWS/RDS", "ReadLatency", READERS)).toBe(1);
    expect(ids.idOf("AWS/RDS", "CPUUtilization", { Role: "READER", DBClusterIdentifier: "db" })).toBe(0);
    expect(ids.find("AWS/RDS", "ReadLatency", { Role: "READER", DBClusterIdentifier: "db" })).toBe(1);
    expect(ids.size).toBe(2);
  });

  it("tells apart what CloudWatch tells apart: fewer or more dimensions, another value, another case", () => {
    const ids = new SeriesIds();
    const variants = [
      ["AWS/RDS", "CPUUtilization", READERS],
      ["AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "db" }],
      ["AWS/RDS", "CPUUtilization", { ...READERS, DBInstanceIdentifier: "r1" }],
      ["AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "db", Role: "WRITER" }],
      ["AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "DB", Role: "READER" }],
      ["AWS/RDS", "CPUUtilization", { DBClusterIdentifier: "db", role: "READER" }],
      ["AWS/RDS", "CPUUtilization", {}],
      ["AWS/RDS", "cpuutilization", READERS],
      ["AWS/EC2", "CPUUtilization", READERS],
    ] as const;
    const numbers = variants.map(([ns, name, dims]) => ids.idOf(ns, name, dims));
    expect(new Set(numbers).size).toBe(variants.length);
    // The same partition as seriesKey's.
    const keys = variants.map(([ns, name, dims]) => seriesKey(ns, name, dims));
    expect(new Set(keys).size).toBe(variants.length);
    variants.forEach(([ns, name, dims], i) => {
      expect(ids.find(ns, name, { ...dims })).toBe(numbers[i]);
    });
  });

  it("does not take a missing dimension for one whose value is missing", () => {
    const ids = new SeriesIds();
    const withUndefined = { A: undefined as unknown as string };
    ids.idOf("N", "M", withUndefined);
    expect(ids.find("N", "M", { B: "x" })).toBe(-1);
  });
});
