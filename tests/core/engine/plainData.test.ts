import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloneData, jsonCopy } from "../../../shared/core/engine/plainData.js";
import { sameState } from "../../../shared/core/engine/targetState.js";

/** Data as states are, and what they are not quite: undefined, -0, NaN, dates, nested deeply. */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(-0),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 5 }),
}));

/** The comparison sameState replaced: entries of defined values, compared through a Map. */
function sameByEntries(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameByEntries(item, b[i]));
  }
  const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const left = defined(a);
  const right = new Map(defined(b));
  return left.length === right.size && left.every(([k, v]) => right.has(k) && sameByEntries(v, right.get(k)));
}

/** Equal, -0 told apart from 0 and undefined values from absent ones. */
function identical(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  return (
    ka.length === kb.length && ka.every((k, i) => k === kb[i] && identical((a as never)[k], (b as never)[k]))
  );
}

describe("jsonCopy", () => {
  it("is what a JSON round trip gives, whatever the data", () => {
    fc.assert(
      fc.property(data.value, (value) => {
        if (value === undefined) return;
        expect(identical(jsonCopy(value), JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
    );
  });

  it("drops undefined properties, writes them as null in arrays and -0 as 0, and copies", () => {
    const state = { a: undefined, b: [undefined, -0, Number.NaN], c: { d: 1 } };
    const copy = jsonCopy(state);
    expect(copy).toStrictEqual({ b: [null, 0, null], c: { d: 1 } });
    expect(Object.is(copy.b[1], 0)).toBe(true);
    expect(copy.c).not.toBe(state.c);
  });

  it("leaves what is not plain data to JSON: dates, toJSON, __proto__, functions, cycles", () => {
    const at = new Date("2026-11-23T19:00:00Z");
    expect(jsonCopy({ at })).toStrictEqual({ at: "2026-11-23T19:00:00.000Z" });
    expect(jsonCopy({ v: { toJSON: () => 7 } })).toStrictEqual({ v: 7 });
    const proto = JSON.parse('{"__proto__":{"x":1}}');
    expect(Object.hasOwn(jsonCopy(proto), "__proto__")).toBe(true);
    expect(jsonCopy([() => 1, Symbol("s")])).toStrictEqual([null, null]);
    expect(() => jsonCopy(undefined)).toThrow(SyntaxError);
    expect(() => jsonCopy({ n: 1n })).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonCopy(cycle)).toThrow(TypeError);
  });
});

describe("cloneData", () => {
  it("is what structuredClone gives, whatever the data", () => {
    fc.assert(
      fc.property(data.value, (value) => {
        expect(identical(cloneData(value), structuredClone(value))).toBe(true);
      }),
    );
  });

  it("keeps undefined properties and -0, and copies", () => {
    const state = { a: undefined, b: [-0], c: { d: 1 } };
    const copy = cloneData(state);
    expect(Object.hasOwn(copy, "a")).toBe(true);
    expect(Object.is(copy.b[0], -0)).toBe(true);
    expect(copy.c).not.toBe(state.c);
  });

  it("leaves dates, maps and cycles to structuredClone, and refuses functions as it does", () => {
    const at = new Date(0);
    expect(cloneData({ at }).at).toBeInstanceOf(Date);
    expect(cloneData({ m: new Map([[1, 2]]) }).m.get(1)).toBe(2);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const copy = cloneData(cycle);
    expect(copy.self).toBe(copy);
    expect(() => cloneData({ f: () => 1 })).toThrow(/could not be cloned/);
  });
});

describe("sameState", () => {
  it("agrees with comparing the defined entries, whatever the data", () => {
    fc.assert(
      fc.property(data.value, data.value, (a, b) => {
        expect(sameState(a, b)).toBe(sameByEntries(a, b));
        expect(sameState(a, jsonCopy({ a }).a ?? null)).toBe(sameByEntries(a, jsonCopy({ a }).a ?? null));
      }),
    );
  });

  it("ignores undefined properties and key order, not a value that differs", () => {
    expect(sameState({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameState({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameState({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameState({ a: [1, { c: 2 }] }, { a: [1, { c: 3 }] })).toBe(false);
    expect(sameState({ a: [] }, { a: {} })).toBe(false);
  });
});
