/**
 * Metric math as documented in using-metric-math.html: arithmetic, METRICS(), SUM/AVG/MAX/MIN of
 * arrays, "Missing values in a time series are treated as 0", division by zero drops the datapoint.
 */
import { describe, expect, it } from "vitest";
import type { MetricDataQuery } from "../../../shared/core/config/schema.js";
import { ExpressionSyntaxError, UnsupportedAlarmError } from "../../../shared/core/errors.js";
import { compileMetricMath, parseExpression } from "../../../shared/offline/evaluation/metricMath.js";

const metric = (Id: string): MetricDataQuery => ({
  Id,
  MetricStat: { Metric: { Namespace: "App", MetricName: Id }, Period: 60, Stat: "Sum" },
  ReturnData: false,
});
const expression = (Expression: string, Id = "e1"): MetricDataQuery => ({ Id, Expression, ReturnData: true });

type Values = Record<string, number | null | undefined>;

function evaluate(expr: string, values: Values, extra: MetricDataQuery[] = []) {
  const present = Object.entries(values).filter((e): e is [string, number | null] => e[1] !== undefined);
  const queries = [...present.map(([id]) => metric(id)), ...extra, expression(expr)];
  return compileMetricMath("alarm", queries).evaluate(new Map(present));
}

describe("metric math on one timestamp", () => {
  it.each([
    { name: "division", expr: "requests / hosts", values: { requests: 9200, hosts: 4 }, want: 2300 },
    { name: "precedence", expr: "a + b * 2", values: { a: 1, b: 3 }, want: 7 },
    { name: "parentheses", expr: "(a + b) * 2", values: { a: 1, b: 3 }, want: 8 },
    { name: "- and + from the left", expr: "a - b - c + a", values: { a: 10, b: 3, c: 2 }, want: 15 },
    { name: "/ and * from the left", expr: "a / b / c * b", values: { a: 24, b: 4, c: 2 }, want: 12 },
    { name: "unary minus and numbers", expr: "-a + 10.5", values: { a: 2 }, want: 8.5 },
    {
      name: "percent of a total",
      expr: "100 * errors / (errors + ok)",
      values: { errors: 5, ok: 95 },
      want: 5,
    },
    { name: "power", expr: "a ^ 2", values: { a: 3 }, want: 9 },
    { name: "SUM(METRICS())", expr: "SUM(METRICS())", values: { m1: 1, m2: 2, m3: 3 }, want: 6 },
    { name: "AVG(METRICS())", expr: "AVG(METRICS())", values: { m1: 1, m2: 2, m3: 6 }, want: 3 },
    { name: "MAX(METRICS())", expr: "MAX(METRICS())", values: { m1: 1, m2: 7, m3: 3 }, want: 7 },
    { name: "MIN(METRICS())", expr: "MIN(METRICS())", values: { m1: 4, m2: 7, m3: 3 }, want: 3 },
    { name: "SUM of a list of ids", expr: "SUM([m1, m3])", values: { m1: 1, m2: 2, m3: 3 }, want: 4 },
    {
      name: 'METRICS("text") filters by Id',
      expr: 'SUM(METRICS("errors"))',
      values: { errors4xx: 2, errors5xx: 3, ok: 100 },
      want: 5,
    },
    {
      name: "arithmetic on an array, then SUM",
      expr: "SUM(METRICS() / 100)",
      values: { m1: 100, m2: 300 },
      want: 4,
    },
    {
      name: "AVG of a list divided by a series",
      expr: "AVG([m1, m2] / m3)",
      values: { m1: 4, m2: 8, m3: 2 },
      want: 3,
    },
    { name: "ABS", expr: "ABS(m1 - m2)", values: { m1: 1, m2: 4 }, want: 3 },
    // "Missing values in a time series are treated as 0."
    { name: "a missing operand counts as 0", expr: "m1 + m2", values: { m1: 5, m2: null }, want: 5 },
    {
      name: "every operand missing: no datapoint",
      expr: "m1 + m2",
      values: { m1: null, m2: null },
      want: null,
    },
    {
      name: "a missing series against a scalar stays missing",
      expr: "m1 * 2",
      values: { m1: null },
      want: null,
    },
    // "If the value of a data point causes a function to attempt to divide by zero, the data point is dropped."
    {
      name: "division by zero drops the datapoint",
      expr: "requests / hosts",
      values: { requests: 10, hosts: 0 },
      want: null,
    },
    {
      name: "a missing divisor is 0: dropped",
      expr: "requests / hosts",
      values: { requests: 10, hosts: null },
      want: null,
    },
    { name: "SUM skips missing values", expr: "SUM(METRICS())", values: { m1: 1, m2: null }, want: 1 },
    { name: "AVG counts missing values as 0", expr: "AVG(METRICS())", values: { m1: 6, m2: null }, want: 3 },
    {
      name: "every series missing: no SUM",
      expr: "SUM(METRICS())",
      values: { m1: null, m2: null },
      want: null,
    },
  ])("$name: $expr → $want", ({ expr, values, want }) => {
    expect(evaluate(expr, values)).toBe(want);
  });

  it("follows references to other expressions", () => {
    const extra = [{ Id: "total", Expression: "a + b", ReturnData: false }];
    expect(evaluate("a / total * 100", { a: 25, b: 75 }, extra)).toBe(25);
  });
});

describe("what metric math refuses, before reading any data", () => {
  const compile =
    (expr: string, extra: MetricDataQuery[] = []) =>
    () =>
      compileMetricMath("api-alarm", [metric("m1"), metric("m2"), ...extra, expression(expr)]);

  it.each([
    {
      name: "an unknown function",
      expr: "RATE(m1)",
      message: "the metric-math function RATE is not supported",
    },
    {
      name: "AVG of a single series (a scalar)",
      expr: "m1 - AVG(m1)",
      message: "AVG of a single time series",
    },
    { name: "anomaly detection", expr: "ANOMALY_DETECTION_BAND(m1, 2)", message: "anomaly detection" },
    { name: "an unknown Id", expr: "m1 / nope", message: 'refers to "nope"' },
    { name: "an array as the result", expr: "METRICS()", message: "must give one time series" },
    { name: "a syntax error", expr: "m1 + * m2", message: 'unexpected "*" at position 5' },
    { name: "an unclosed parenthesis", expr: "(m1 + m2", message: 'expected ")" at the end' },
  ])("$name", ({ expr, message }) => {
    expect(compile(expr)).toThrow(UnsupportedAlarmError);
    expect(compile(expr)).toThrow(message);
  });

  it("a cycle between expressions", () => {
    const extra = [{ Id: "loop", Expression: "e1 + 1", ReturnData: false }];
    expect(compile("loop * 2", extra)).toThrow(/refers to itself/);
  });

  it("parses to a tree with positions for its errors", () => {
    expect(parseExpression("SUM([a, b]) / 2")).toEqual({
      t: "bin",
      op: "/",
      a: {
        t: "call",
        fn: "SUM",
        at: 0,
        args: [
          {
            t: "list",
            items: [
              { t: "ref", id: "a" },
              { t: "ref", id: "b" },
            ],
          },
        ],
      },
      b: { t: "num", v: 2 },
    });
    expect(() => parseExpression("a $ b")).toThrow(ExpressionSyntaxError);
  });
});
