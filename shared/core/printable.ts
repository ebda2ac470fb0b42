/**
 * Text that echoes input, made safe to print: a terminal acts on some characters rather than
 * showing them (ESC starts a control sequence that can move the cursor, retitle the window or
 * rewrite what was printed before; C1's CSI does the same in one byte; bidirectional overrides
 * reorder what is shown). Each is written as a `\uXXXX` escape, which reads the same in plain text
 * and inside a JSON string, so standard output stays valid JSON.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls, the Arabic letter mark, zero-width and
 * directional marks, line and paragraph separators, bidirectional embeddings, overrides and
 * isolates, invisible operators, the byte-order mark, interlinear annotation marks, and halves of
 * a surrogate pair found alone (bytes that were not UTF-8 decode to U+FFFD, which is printable).
 */
const UNPRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]/gu;

const escaped = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` with every character a terminal would act on escaped; tabs and newlines are kept. */
export const printable = (text: string): string => text.replace(UNPRINTABLE, escaped);

/** How much of an input one message echoes. */
export const ECHO_LIMIT = 300;

/**
 * Input quoted inside a one-line message: printable, tabs and newlines escaped too, and cut at
 * `limit` characters (its full length said), so that a megabyte field is not echoed whole.
 */
export function echo(text: string, limit = ECHO_LIMIT): string {
  const cut = text.length > limit ? text.slice(0, limit) : text;
  const shown = printable(cut).replace(/[\t\n]/g, escaped);
  return cut === text ? shown : `${shown}… (${text.length} characters)`;
}
