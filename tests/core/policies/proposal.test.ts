import { describe, expect, it } from "vitest";
import { formatNumber, significant, withoutNoise } from "../../../shared/core/policies/proposal.js";

/** A small deterministic generator (mulberry32): the same numbers on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Numbers of every size, short decimals, halves, and values a hair either side of a half. */
function samples(count: number): number[] {
  const next = random(42);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const exponent = Math.floor(next() * 24) - 12;
    out.push((next() - 0.3) * 10 ** exponent);
    const digits = Math.floor(next() * 1e7);
    const scale = 10 ** Math.floor(next() * 12);
    out.push(
      digits / scale,
      (digits + 0.5) / scale,
      digits / scale + 5e-13,
      digits / scale - 5e-7,
      digits * 0.001,
    );
  }
  return out;
}

const EDGES = [
  0,
  -0,
  1e-7,
  -1e-7,
  9.999995,
  99999.95,
  999999.5,
  9999995,
  1.0000005,
  12345.65,
  0.1 + 0.2,
  1 / 3,
  -2 / 3,
  2.4000000000000004,
  7.000000000000001,
  0.00009999999999999983,
  21.000000000000004,
  1e7 - 0.5,
  1e21 + 1,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  Number.EPSILON,
];

describe("significant digits, without toPrecision's cost", () => {
  it("is Number(x.toPrecision(digits)), for 6 and 12 digits, at every size and near every half", () => {
    for (const x of [...EDGES, ...samples(20_000)])
      for (const digits of [6, 12]) {
        const expected = Number(x.toPrecision(digits));
        if (!Object.is(significant(x, digits), expected))
          expect({ x, digits, got: significant(x, digits) }).toEqual({ x, digits, got: expected });
      }
  });

  it("formatNumber and withoutNoise say what they said with toPrecision", () => {
    for (const x of [...EDGES, ...samples(5_000), Number.NaN, Number.POSITIVE_INFINITY, 42, -7]) {
      expect(formatNumber(x)).toBe(Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
      expect(withoutNoise(x)).toBe(Number.isFinite(x) ? Number(x.toPrecision(12)) : x);
    }
    expect(formatNumber(13.4818954460973)).toBe("13.4819");
    expect(formatNumber(0.00249817785581408)).toBe("0.00249818");
    expect(withoutNoise((1 * 2.1) / 0.3)).toBe(7);
  });
});
