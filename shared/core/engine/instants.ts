/**
 * Instants as the state and the decisions hold them: ISO-8601 text (Date#toISOString) and epoch
 * ms (Date.parse). A tick reads and writes the same few instants for every target every minute
 * (its own time, the windows counted back from it, the cooldowns' ends), and one conversion costs
 * about as much as a whole coordination step: the latest conversions are remembered. Same results
 * as the built-ins, an invalid time included.
 */

/** How many conversions each way are remembered: far more than one tick of every target uses. */
const REMEMBERED = 512;

const texts = new Map<number, string>();
const times = new Map<string, number>();

/** `new Date(ms).toISOString()`: throws a RangeError for an invalid time, as it does. */
export function isoAt(ms: number): string {
  let text = texts.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (texts.size >= REMEMBERED) texts.clear();
    texts.set(ms, text);
  }
  return text;
}

/** `date.toISOString()`. */
export const isoOf = (date: Date): string => isoAt(date.getTime());

/** `Date.parse(text)`: NaN for a text that is no time, as it is. */
export function msOf(text: string): number {
  let ms = times.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    if (times.size >= REMEMBERED) times.clear();
    times.set(text, ms);
  }
  return ms;
}
