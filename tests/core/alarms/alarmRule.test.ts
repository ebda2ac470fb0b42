import { describe, expect, it } from "vitest";
import {
  AlarmRuleSyntaxError,
  alarmsReferenced,
  parseAlarmRule,
} from "../../../shared/core/alarms/alarmRule.js";

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
