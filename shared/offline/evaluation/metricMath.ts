/**
 * Metric math for alarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html),
 * the part a recording can answer, evaluated one timestamp (period) at a time:
 * - numbers, the Ids of other queries, parentheses, unary minus, `+ - * / ^`;
 * - `[m1, m2]` lists and `METRICS()` / `METRICS("text")` (the metric queries, not the
 *   expressions, whose Id contains the text);
 * - SUM, AVG, MAX and MIN of a list (one time series), ABS, CEIL and FLOOR.
 *
 * Missing data follows the page: "Missing values in a time series are treated as 0" (a timestamp
 * where every series is missing has no datapoint at all), "If the value of a data point causes a
 * function to attempt to divide by zero, the data point is dropped", and AVG of an array treats
 * missing values as 0. MAX and MIN of an array take the values present.
 *
 * SUM, AVG, MAX and MIN of a single time series are scalars over the whole query window, which
 * AWS advises against in alarms ("This function acts differently when extra data is requested"):
 * refused, like every other function, with a message naming it.
 */
import type { MetricDataQuery } from "../../core/config/schema.js";
import { ExpressionSyntaxError, UnsupportedAlarmError } from "../../core/errors.js";
import { tidy } from "./statistics.js";

export type Expr =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "ref"; id: string }
  | { t: "neg"; a: Expr }
  | { t: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: Expr; b: Expr }
  | { t: "list"; items: Expr[] }
  | { t: "call"; fn: string; args: Expr[]; at: number };

type Token =
  | { k: "num"; v: number; at: number }
  | { k: "str"; v: string; at: number }
  | { k: "word"; v: string; at: number }
  | { k: "op"; v: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
      if (!m) throw new ExpressionSyntaxError(`unexpected "${c}" at position ${i}`, i);
      tokens.push({ k: "num", v: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ k: "word", v: m[0], at: i });
      i += m[0].length;
    } else if (c === '"' || c === "\u201c" || c === "'") {
      const close = c === "\u201c" ? "\u201d" : c;
      const end = text.indexOf(close, i + 1);
      if (end < 0) throw new ExpressionSyntaxError(`unterminated string at position ${i}`, i);
      tokens.push({ k: "str", v: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if ("+-*/^()[],".includes(c)) {
      tokens.push({ k: "op", v: c, at: i });
      i++;
    } else {
      throw new ExpressionSyntaxError(`unexpected "${c}" at position ${i}`, i);
    }
  }
  return tokens;
}

/** Parses an expression; throws ExpressionSyntaxError naming the position of the first problem. */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.k === "op" && peek()?.v === v;
  const where = () => (peek() ? `position ${(peek() as Token).at}` : "the end");
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExpressionSyntaxError(`expected "${v}" at ${where()}`, peek()?.at ?? text.length);
    pos++;
  };

  /** `operand (op operand)*` with any of `ops`, grouped from the left: 1 - 2 - 3 is (1 - 2) - 3. */
  function leftAssociative(ops: readonly ("+" | "-" | "*" | "/")[], operand: () => Expr): Expr {
    let left = operand();
    while (ops.some(isOp)) {
      const op = (tokens[pos++] as Token).v as "+" | "-" | "*" | "/";
      left = { t: "bin", op, a: left, b: operand() };
    }
    return left;
  }
  function sum(): Expr {
    return leftAssociative(["+", "-"], product);
  }
  function product(): Expr {
    return leftAssociative(["*", "/"], unary);
  }
  function unary(): Expr {
    if (isOp("-")) {
      pos++;
      return { t: "neg", a: unary() };
    }
    if (isOp("+")) {
      pos++;
      return unary();
    }
    return power();
  }
  function power(): Expr {
    const base = primary();
    if (isOp("^")) {
      pos++;
      return { t: "bin", op: "^", a: base, b: unary() };
    }
    return base;
  }
  function primary(): Expr {
    const t = peek();
    if (!t) throw new ExpressionSyntaxError("unexpected end of the expression", text.length);
    pos++;
    if (t.k === "num") return { t: "num", v: t.v };
    if (t.k === "str") return { t: "str", v: t.v };
    if (t.k === "op" && t.v === "(") {
      const inner = sum();
      expect(")");
      return inner;
    }
    if (t.k === "op" && t.v === "[") {
      const items = isOp("]") ? [] : commaList();
      expect("]");
      return { t: "list", items };
    }
    if (t.k === "word") {
      if (isOp("(")) {
        pos++;
        const args = isOp(")") ? [] : commaList();
        expect(")");
        return { t: "call", fn: t.v, args, at: t.at };
      }
      return { t: "ref", id: t.v };
    }
    throw new ExpressionSyntaxError(`unexpected "${t.v}" at position ${t.at}`, t.at);
  }
  function commaList(): Expr[] {
    const items = [sum()];
    while (isOp(",")) {
      pos++;
      items.push(sum());
    }
    return items;
  }

  const tree = sum();
  if (pos < tokens.length) {
    const t = tokens[pos] as Token;
    throw new ExpressionSyntaxError(`unexpected "${t.v}" at position ${t.at}`, t.at);
  }
  return tree;
}

// --- evaluation ---------------------------------------------------------------------------------

/** A scalar, one time series' value at this timestamp (null: missing), or an array of them. */
type Value = { k: "s"; v: number } | { k: "ts"; v: number | null } | { k: "arr"; v: (number | null)[] };
type Kind = Value["k"];

const ARRAY_FUNCTIONS = new Set(["SUM", "AVG", "MAX", "MIN"]);
const ELEMENTWISE = new Set(["ABS", "CEIL", "FLOOR"]);

export type CompiledMath = {
  /** The Ids of the MetricStat queries, whose values come from the stream. */
  metricIds: string[];
  /** The value of the query that returns data, given each metric query's value (null: missing). */
  evaluate: (values: ReadonlyMap<string, number | null>) => number | null;
};

/** Compiles an alarm's Metrics; throws UnsupportedAlarmError naming what is not supported. */
export function compileMetricMath(alarmName: string, queries: readonly MetricDataQuery[]): CompiledMath {
  const fail = (reason: string): never => {
    throw new UnsupportedAlarmError(alarmName, reason);
  };
  const byId = new Map(queries.map((q) => [q.Id, q]));
  const metricIds = queries.filter((q) => q.MetricStat).map((q) => q.Id);
  const returning = queries.filter((q) => q.ReturnData !== false);
  if (returning.length !== 1) fail(`exactly one query must return data; ${returning.length} do`);
  const result = returning[0] as MetricDataQuery;

  const trees = new Map<string, Expr>();
  for (const q of queries) {
    if (q.Expression === undefined) continue;
    if (q.Expression.includes("ANOMALY_DETECTION_BAND")) {
      fail(
        "anomaly detection needs CloudWatch's model, trained on weeks of history a recording does not carry",
      );
    }
    try {
      trees.set(q.Id, parseExpression(q.Expression));
    } catch (error) {
      if (error instanceof ExpressionSyntaxError) fail(`expression "${q.Id}": ${error.message}`);
      throw error;
    }
  }

  // Static kinds: refuse what cannot give one time series before any data is read.
  const kinds = new Map<string, Kind>();
  const visiting = new Set<string>();
  const kindOfId = (id: string): Kind => {
    const known = kinds.get(id);
    if (known) return known;
    const q = byId.get(id);
    if (!q) return fail(`the expression refers to "${id}", which is not a query of the alarm`);
    if (q.MetricStat) return "ts";
    if (visiting.has(id)) return fail(`the expression "${id}" refers to itself`);
    visiting.add(id);
    const k = kindOf(trees.get(id) as Expr);
    visiting.delete(id);
    kinds.set(id, k);
    return k;
  };
  const kindOf = (e: Expr): Kind => {
    switch (e.t) {
      case "num":
        return "s";
      case "str":
        return fail(`a string ("${e.v}") is only an argument of METRICS()`);
      case "ref":
        return kindOfId(e.id);
      case "neg":
        return kindOf(e.a);
      case "list":
        for (const item of e.items) if (kindOf(item) === "s") fail("a list holds time series, not numbers");
        return "arr";
      case "bin": {
        const [a, b] = [kindOf(e.a), kindOf(e.b)];
        if (a === "arr" && b === "arr")
          return fail("arithmetic between two arrays of time series is not supported");
        return a === "arr" || b === "arr" ? "arr" : a === "ts" || b === "ts" ? "ts" : "s";
      }
      case "call": {
        if (e.fn === "METRICS") {
          if (e.args.length > 1 || (e.args[0] && e.args[0].t !== "str"))
            fail('METRICS takes nothing or a string: METRICS("errors")');
          return "arr";
        }
        if (e.fn === "ANOMALY_DETECTION_BAND") return fail("anomaly detection is not supported offline");
        if (ARRAY_FUNCTIONS.has(e.fn)) {
          if (e.args.length !== 1) fail(`${e.fn} takes one argument`);
          const k = kindOf(e.args[0] as Expr);
          if (k !== "arr") {
            fail(
              `${e.fn} of a single time series is a number over the whole query window, which CloudWatch advises against in alarms: use ${e.fn}([...]) or ${e.fn}(METRICS())`,
            );
          }
          return "ts";
        }
        if (ELEMENTWISE.has(e.fn)) {
          if (e.args.length !== 1) fail(`${e.fn} takes one argument`);
          return kindOf(e.args[0] as Expr);
        }
        return fail(
          `the metric-math function ${e.fn} is not supported offline (SUM, AVG, MAX, MIN, METRICS, ABS, CEIL, FLOOR and + - * / ^ are)`,
        );
      }
    }
  };
  if (kindOfId(result.Id) !== "ts") fail(`the query "${result.Id}" must give one time series`);

  const evaluate = (values: ReadonlyMap<string, number | null>): number | null => {
    const cache = new Map<string, Value>();
    const valueOfId = (id: string): Value => {
      const cached = cache.get(id);
      if (cached) return cached;
      const v: Value = metricIds.includes(id)
        ? { k: "ts", v: values.get(id) ?? null }
        : valueOfExpr(trees.get(id) as Expr);
      cache.set(id, v);
      return v;
    };
    const valueOfExpr = (e: Expr): Value => {
      switch (e.t) {
        case "num":
          return { k: "s", v: e.v };
        case "str":
          return { k: "s", v: Number.NaN };
        case "ref":
          return valueOfId(e.id);
        case "neg":
          return map(valueOfExpr(e.a), (x) => -x);
        case "list":
          return { k: "arr", v: e.items.flatMap((item) => elements(valueOfExpr(item))) };
        case "bin":
          return binary(e.op, valueOfExpr(e.a), valueOfExpr(e.b));
        case "call":
          return call(e, e.args.map(valueOfExpr));
      }
    };
    const call = (e: Extract<Expr, { t: "call" }>, args: Value[]): Value => {
      if (e.fn === "METRICS") {
        const filter = e.args[0]?.t === "str" ? e.args[0].v : "";
        return {
          k: "arr",
          v: metricIds.filter((id) => id.includes(filter)).map((id) => values.get(id) ?? null),
        };
      }
      const arg = args[0] as Value;
      if (ELEMENTWISE.has(e.fn)) {
        const f = e.fn === "ABS" ? Math.abs : e.fn === "CEIL" ? Math.ceil : Math.floor;
        return map(arg, f);
      }
      const present = elements(arg).filter((x): x is number => x !== null);
      if (present.length === 0) return { k: "ts", v: null };
      switch (e.fn) {
        case "SUM":
          return { k: "ts", v: present.reduce((a, b) => a + b, 0) };
        case "AVG":
          // Missing values count as 0: the documented AVG of an array.
          return { k: "ts", v: present.reduce((a, b) => a + b, 0) / elements(arg).length };
        case "MAX":
          return { k: "ts", v: Math.max(...present) };
        default:
          return { k: "ts", v: Math.min(...present) };
      }
    };
    const out = valueOfId(result.Id);
    return out.k === "ts" && out.v !== null && Number.isFinite(out.v) ? tidy(out.v) : null;
  };
  return { metricIds, evaluate };
}

const elements = (v: Value): (number | null)[] => (v.k === "arr" ? v.v : [v.v]);

function map(v: Value, f: (x: number) => number): Value {
  if (v.k === "s") return { k: "s", v: f(v.v) };
  if (v.k === "ts") return { k: "ts", v: v.v === null ? null : f(v.v) };
  return { k: "arr", v: v.v.map((x) => (x === null ? null : f(x))) };
}

function arithmetic(op: "+" | "-" | "*" | "/" | "^", a: number, b: number): number | null {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      // "If the value of a data point causes a function to attempt to divide by zero, the data point is dropped."
      return b === 0 ? null : a / b;
    case "^":
      return a ** b;
  }
}

/** One pair of values at one timestamp: missing counts as 0 unless both sides are missing. */
function pair(
  op: "+" | "-" | "*" | "/" | "^",
  a: number | null,
  b: number | null,
  aSeries: boolean,
  bSeries: boolean,
): number | null {
  if (a === null && b === null) return null;
  // A scalar never creates a timestamp: a series missing against a scalar stays missing.
  if ((a === null && !bSeries) || (b === null && !aSeries)) return null;
  return arithmetic(op, a ?? 0, b ?? 0);
}

function binary(op: "+" | "-" | "*" | "/" | "^", a: Value, b: Value): Value {
  if (a.k === "arr" && b.k === "arr") return { k: "arr", v: a.v.map(() => null) }; // refused when compiled
  if (a.k === "arr") {
    const o = b as Exclude<Value, { k: "arr" }>;
    return { k: "arr", v: a.v.map((x) => pair(op, x, o.v, true, o.k === "ts")) };
  }
  if (b.k === "arr") return { k: "arr", v: b.v.map((x) => pair(op, a.v, x, a.k === "ts", true)) };
  if (a.k === "s" && b.k === "s") return { k: "s", v: arithmetic(op, a.v, b.v) ?? Number.NaN };
  return { k: "ts", v: pair(op, a.v, b.v, a.k === "ts", b.k === "ts") };
}
