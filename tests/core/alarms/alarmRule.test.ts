import { describe, expect, it } from "vitest";
import {
  AlarmRuleSyntaxError,
  alarmsReferenced,
  MAX_ALARM_RULE_DEPTH,
  parseAlarmRule,
} from "../../../shared/core/alarms/alarmRule.js";
import { validateConfig } from "../../../shared/core/config/validate.js";
import { virtwayJson } from "../../support/config.js";

const syntaxError = (rule: string) => {
  try {
    parseAlarmRule(rule);
  } catch (error) {
    expect(error).toBeInstanceOf(AlarmRuleSyntaxError);
    return (error as Error).message;
  }
  throw new Error(`${rule} parsed`);
};

describe("an AlarmRule's words", () => {
  it("reads names bare, quoted, as ARNs, with spaces and line breaks anywhere between tokens", () => {
    const rule =
      ' ALARM("readers cpu high")\n\tAND (OK(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-5xx) OR NOT INSUFFICIENT_DATA(latency))  ';
    expect(alarmsReferenced(parseAlarmRule(rule))).toEqual(["readers cpu high", "api-5xx", "latency"]);
  });

  it("names the position of an unclosed quote, counted from the rule's start", () => {
    expect(syntaxError('ALARM(a) OR   ALARM("b)')).toMatch(/unterminated quote at position 20/);
  });

  it("names the position of the token that does not fit, after any spaces", () => {
    expect(syntaxError("ALARM(a)   )")).toMatch(/position 11/);
  });

  it("reads a quote straight after a word as a token of its own", () => {
    expect(syntaxError('ALARM"a"')).toMatch(/position 5/);
  });
});

describe("nesting is bounded", () => {
  const nested = (levels: number) => `${"(".repeat(levels)}ALARM(a)${")".repeat(levels)}`;

  it(`${MAX_ALARM_RULE_DEPTH} levels of parentheses and NOT parse`, () => {
    expect(alarmsReferenced(parseAlarmRule(nested(MAX_ALARM_RULE_DEPTH)))).toEqual(["a"]);
    expect(alarmsReferenced(parseAlarmRule(`${"NOT ".repeat(MAX_ALARM_RULE_DEPTH)}ALARM(a)`))).toEqual(["a"]);
  });

  it("5,000 nested parentheses (within AWS's 10,240 characters) are refused at the first level too deep, not a stack overflow", () => {
    const rule = nested(5000);
    expect(rule.length).toBeLessThanOrEqual(10_240);
    expect(() => parseAlarmRule(rule)).toThrow(AlarmRuleSyntaxError);
    expect(() => parseAlarmRule(rule)).toThrow(
      /nested deeper than 100 levels of parentheses and NOT at position 100$/,
    );
    expect(() => parseAlarmRule(`${"NOT ".repeat(5000)}ALARM(a)`)).toThrow(
      /nested deeper than 100 levels .* position 400$/,
    );
  });

  it("validate reports it at the AlarmRule's path", () => {
    const config = virtwayJson();
    const composite = config.alarms.findIndex((a: { AlarmRule?: string }) => a.AlarmRule !== undefined);
    config.alarms[composite].AlarmRule = nested(5000);
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        path: `$.alarms[${composite}].AlarmRule`,
        message: expect.stringMatching(/does not parse: nested deeper than 100 levels .* at position 100/),
      }),
    );
  });
});
