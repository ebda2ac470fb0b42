import { describe, expect, it } from "vitest";
import { ECHO_LIMIT, echo, printable } from "../../shared/core/printable.js";

describe("printable", () => {
  it.each([
    { name: "ESC (a colour, a cursor move)", text: "a\u001b[31mb\u001b[2J", want: "a\\u001b[31mb\\u001b[2J" },
    {
      name: "C1's CSI, DEL, NUL, a carriage return",
      text: "\u009b2J\u007f\u0000\r",
      want: "\\u009b2J\\u007f\\u0000\\u000d",
    },
    { name: "a right-to-left override", text: "evil\u202Etxt.exe", want: "evil\\u202etxt.exe" },
    { name: "a lone half of a surrogate pair", text: "x\ud800y\udc00", want: "x\\ud800y\\udc00" },
    { name: "text, tabs and newlines", text: "é 😀 \uFFFD\tA\nB", want: "é 😀 \uFFFD\tA\nB" },
  ])("escapes $name", ({ text, want }) => {
    expect(printable(text)).toBe(want);
  });

  it("escapes inside JSON strings as JSON does: the text is still the same JSON", () => {
    const json = JSON.stringify({ reason: "a\u009b\u202e\u2028b" });
    expect(JSON.parse(printable(json))).toEqual({ reason: "a\u009b\u202e\u2028b" });
  });
});

describe("echo", () => {
  it("escapes tabs and newlines too, for a one-line message", () => {
    expect(echo("a\tb\nc\u001b")).toBe("a\\u0009b\\u000ac\\u001b");
  });

  it(`cuts input longer than ${ECHO_LIMIT} characters, saying its length`, () => {
    const shown = echo("x".repeat(1_000_000));
    expect(shown).toBe(`${"x".repeat(ECHO_LIMIT)}… (1000000 characters)`);
  });
});
