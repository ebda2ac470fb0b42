/**
 * The get-metric-data document's tokens, packed within bounds: stream-json is asked for keys,
 * strings and numbers in pieces (as they arrive, never accumulated by the tokenizer), and they are
 * put together here only up to MAX_VALUE_CHARS; nesting is followed only to MAX_DEPTH. A longer
 * value or a deeper document is refused (TooLargeError) as soon as the bound is passed, so that a
 * document of one 200 MB string, or of millions of `[`, never sits in memory.
 */
import type { Token } from "stream-json/core/parser.js";
import { MAX_LINE_BYTES } from "../lines.js";

/** The longest key, string or number taken, in characters: the line formats' bound. */
export const MAX_VALUE_CHARS = MAX_LINE_BYTES;
/** The deepest nesting taken; a get-metric-data document is 7 levels deep. */
export const MAX_DEPTH = 64;

/** A value or a nesting past its bound: the document is refused. */
export class TooLargeError extends Error {
  override name = "TooLargeError";
}

/** The packed token a piece-by-piece value ends with. */
const PACKED = { endKey: "keyValue", endString: "stringValue", endNumber: "numberValue" } as const;

/** Turns the tokenizer's pieces into packed tokens (keyValue, stringValue, numberValue), within bounds. */
export class BoundedTokens {
  private pieces: string[] | null = null;
  private length = 0;
  private depth = 0;

  /** The packed tokens that `token` completes (none while a value is still arriving). */
  pack(token: Token): Token | null {
    switch (token.name) {
      case "startKey":
      case "startString":
      case "startNumber":
        this.pieces = [];
        this.length = 0;
        return null;
      case "stringChunk":
      case "numberChunk":
        this.length += token.value.length;
        if (this.length > MAX_VALUE_CHARS) {
          const what = token.name === "numberChunk" ? "a number" : "a string";
          throw new TooLargeError(`${what} longer than ${MAX_VALUE_CHARS / 1024 / 1024} Mi characters`);
        }
        this.pieces?.push(token.value);
        return null;
      case "endKey":
      case "endString":
      case "endNumber": {
        const value = (this.pieces ?? []).join("");
        this.pieces = null;
        return { name: PACKED[token.name], value } as Token;
      }
      case "startObject":
      case "startArray":
        if (++this.depth > MAX_DEPTH) throw new TooLargeError(`nested deeper than ${MAX_DEPTH} levels`);
        return token;
      case "endObject":
      case "endArray":
        this.depth--;
        return token;
      default:
        return token;
    }
  }
}
