/**
 * Copies of plain data (what the ledger keeps: objects, arrays, strings, finite numbers, booleans,
 * null), made by walking it rather than through a serialisation: a state is copied several times
 * a decision, and a replay makes tens of thousands of decisions. Anything else (a Date, a Map, a
 * class instance, a non-finite number, a cycle) is handed to the built-in copy, so the result is
 * always exactly the built-in's.
 */

/** Deeper than any state the ledger keeps: past it the built-in copy decides (and finds a cycle). */
const MAX_DEPTH = 64;

/** Thrown inside a walk that met something other than plain data. */
const NOT_PLAIN: unique symbol = Symbol("not plain data");

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * What `JSON.parse(JSON.stringify(value))` returns: properties whose value is undefined, a
 * function or a symbol dropped, such array elements null, -0 as 0.
 */
export function jsonCopy<T>(value: T): T {
  try {
    return json(value, 0, true) as T;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return JSON.parse(JSON.stringify(value)) as T;
  }
}

function json(value: unknown, depth: number, top: boolean): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return value === 0 ? 0 : value;
    case "object": {
      if (value === null) return null;
      if (depth > MAX_DEPTH) throw NOT_PLAIN;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out[i] = dropped(item) ? null : json(item, depth + 1, false);
        }
        return out;
      }
      if (!isPlainObject(value) || typeof (value as { toJSON?: unknown }).toJSON === "function") {
        throw NOT_PLAIN;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        // JSON.parse makes "__proto__" an own property; an assignment would set the prototype.
        if (key === "__proto__") throw NOT_PLAIN;
        const item = (value as Record<string, unknown>)[key];
        if (!dropped(item)) out[key] = json(item, depth + 1, false);
      }
      return out;
    }
    default:
      // undefined, a function or a symbol: JSON.stringify gives nothing, which JSON.parse refuses;
      // a bigint: JSON.stringify throws. Left to them, at the top; inside, a bigint still throws.
      if (top || typeof value === "bigint") throw NOT_PLAIN;
      return value;
  }
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const dropped = (value: unknown): boolean =>
  value === undefined || typeof value === "function" || typeof value === "symbol";

/** What `structuredClone(value)` returns: undefined values kept, -0 kept, holes kept. */
export function cloneData<T>(value: T): T {
  try {
    return clone(value, 0) as T;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return structuredClone(value);
  }
}

function clone(value: unknown, depth: number): unknown {
  if (typeof value !== "object") {
    if (typeof value === "function" || typeof value === "symbol") throw NOT_PLAIN;
    return value;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) throw NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw NOT_PLAIN;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = clone(value[i], depth + 1);
    return out;
  }
  if (!isPlainObject(value)) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") throw NOT_PLAIN;
    out[key] = clone((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}

/**
 * `{ ...value, ...extra }`: the same properties in the same order. In Node 20 a spread copy given
 * a property its source lacks costs some microseconds (V8 makes it a new hidden class every time),
 * ten to twenty times this; the decisions do it every minute. For plain data (no `__proto__` key).
 */
export function extended<T extends object, E extends object>(value: T, extra: E): Omit<T, keyof E> & E {
  return Object.assign({}, value, extra);
}
