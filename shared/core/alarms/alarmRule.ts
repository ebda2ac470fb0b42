/**
 * The AlarmRule of a composite alarm, parsed into a tree.
 *
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html:
 * functions ALARM(name), OK(name), INSUFFICIENT_DATA(name) (the name or ARN optionally in double
 * quotes), TRUE and FALSE, combined with AND, OR and NOT and grouped with parentheses. AWS does
 * not document the operators' precedence; this parser binds NOT tightest, then AND, then OR, as
 * boolean algebra does, and users who mix AND and OR should group with parentheses anyway.
 */
import { AlarmRuleSyntaxError } from "../errors.js";

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export type AlarmRuleNode =
  | { op: "state"; state: AlarmStateValue; alarm: string }
  | { op: "const"; value: boolean }
  | { op: "not"; operand: AlarmRuleNode }
  | { op: "and" | "or"; operands: AlarmRuleNode[] };

export { AlarmRuleSyntaxError };

type Token = { kind: "word"; text: string; at: number } | { kind: "(" | ")"; at: number };

/**
 * Tokens one after another, each after any spaces: a parenthesis, a quoted name, a quote that is
 * never closed, or a run of anything else up to a space, a parenthesis or a quote.
 */
function tokenize(rule: string): Token[] {
  const token = /\s*(?:([()])|"([^"]*)"|(")|([^\s()"]+))/y;
  const tokens: Token[] = [];
  for (let m = token.exec(rule); m !== null; m = token.exec(rule)) {
    const at = m.index + m[0].search(/\S/);
    if (m[1] !== undefined) tokens.push({ kind: m[1] as "(" | ")", at });
    else if (m[2] !== undefined) tokens.push({ kind: "word", text: m[2], at });
    else if (m[3] !== undefined) throw new AlarmRuleSyntaxError(`unterminated quote at position ${at}`);
    else tokens.push({ kind: "word", text: m[4] as string, at });
  }
  return tokens;
}

const STATE_FUNCTIONS = new Set<string>(["ALARM", "OK", "INSUFFICIENT_DATA"]);

/**
 * How deep parentheses and NOTs may nest in an AlarmRule. AWS bounds a rule by its length alone
 * (10,240 characters, room for 5,000 nested parentheses); the parser recurses once per level, so
 * it refuses deeper rules rather than overflow the stack. Hand-written rules nest a few levels.
 */
export const MAX_ALARM_RULE_DEPTH = 100;

/** Parses an AlarmRule; throws AlarmRuleSyntaxError naming the position of the first problem. */
export function parseAlarmRule(rule: string): AlarmRuleNode {
  const tokens = tokenize(rule);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, text: string) => t?.kind === "word" && t.text === text;
  const where = (t: Token | undefined) => (t ? `position ${t.at}` : "the end of the rule");

  function expect(kind: "(" | ")"): void {
    const t = tokens[pos];
    if (t?.kind !== kind) throw new AlarmRuleSyntaxError(`expected "${kind}" at ${where(t)}`);
    pos++;
  }

  function primary(): AlarmRuleNode {
    const t = peek();
    if (t?.kind === "(") {
      pos++;
      return nested(t, () => {
        const inner = or();
        expect(")");
        return inner;
      });
    }
    if (t?.kind === "word" && (t.text === "TRUE" || t.text === "FALSE")) {
      pos++;
      return { op: "const", value: t.text === "TRUE" };
    }
    if (t?.kind === "word" && STATE_FUNCTIONS.has(t.text)) {
      pos++;
      expect("(");
      const arg = tokens[pos];
      if (arg?.kind !== "word" || arg.text.length === 0) {
        throw new AlarmRuleSyntaxError(`expected an alarm name at ${where(arg)}`);
      }
      pos++;
      expect(")");
      return { op: "state", state: t.text as AlarmStateValue, alarm: alarmNameOf(arg.text) };
    }
    throw new AlarmRuleSyntaxError(
      `expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT or "(" at ${where(t)}`,
    );
  }

  /** Each nested "(" or NOT, one level deeper, refused past MAX_ALARM_RULE_DEPTH. */
  function nested<T>(at: Token, parse: () => T): T {
    if (++depth > MAX_ALARM_RULE_DEPTH) {
      throw new AlarmRuleSyntaxError(
        `nested deeper than ${MAX_ALARM_RULE_DEPTH} levels of parentheses and NOT at ${where(at)}`,
      );
    }
    const parsed = parse();
    depth--;
    return parsed;
  }

  function not(): AlarmRuleNode {
    const t = peek();
    if (t && isWord(t, "NOT")) {
      pos++;
      return nested(t, () => ({ op: "not", operand: not() }));
    }
    return primary();
  }

  function chain(op: "and" | "or", word: string, next: () => AlarmRuleNode): AlarmRuleNode {
    const operands = [next()];
    while (isWord(peek(), word)) {
      pos++;
      operands.push(next());
    }
    return operands.length === 1 ? (operands[0] as AlarmRuleNode) : { op, operands };
  }
  const and = () => chain("and", "AND", not);
  const or = (): AlarmRuleNode => chain("or", "OR", and);

  const tree = or();
  if (pos < tokens.length)
    throw new AlarmRuleSyntaxError(`unexpected "${describe(tokens[pos])}" at ${where(tokens[pos])}`);
  return tree;
}

function describe(t: Token | undefined): string {
  return t === undefined ? "" : t.kind === "word" ? t.text : t.kind;
}

/** An alarm ARN (arn:aws:cloudwatch:region:account:alarm:name) names the alarm by its last part. */
export function alarmNameOf(nameOrArn: string): string {
  const match = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(nameOrArn);
  return match ? (match[1] as string) : nameOrArn;
}

/** The names of every alarm a rule refers to, in order of first mention. */
export function alarmsReferenced(node: AlarmRuleNode): string[] {
  const names = new Set<string>();
  const visit = (n: AlarmRuleNode): void => {
    if (n.op === "state") names.add(n.alarm);
    else if (n.op === "not") visit(n.operand);
    else if (n.op === "and" || n.op === "or") n.operands.forEach(visit);
  };
  visit(node);
  return [...names];
}

/** Evaluates a rule against the states of the alarms it names (an unknown alarm is INSUFFICIENT_DATA). */
export function evaluateAlarmRule(node: AlarmRuleNode, stateOf: (alarm: string) => AlarmStateValue): boolean {
  switch (node.op) {
    case "state":
      return stateOf(node.alarm) === node.state;
    case "const":
      return node.value;
    case "not":
      return !evaluateAlarmRule(node.operand, stateOf);
    case "and":
      return node.operands.every((o) => evaluateAlarmRule(o, stateOf));
    case "or":
      return node.operands.some((o) => evaluateAlarmRule(o, stateOf));
  }
}
