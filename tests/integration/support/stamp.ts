/**
 * Sample payloads stamped with the current time: every timestamp in them (SNS's Message too, a
 * JSON string inside JSON) moved by the same amount, so that their order and spacing are kept and
 * the newest lands just before `now`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{3})?(Z|[+-]\d{2}:?\d{2})$/;

function times(value: unknown, found: number[]): void {
  if (typeof value === "string") {
    if (TIMESTAMP.test(value)) found.push(Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")));
    else if (value.startsWith("{")) times(JSON.parse(value), found);
  } else if (Array.isArray(value)) {
    for (const v of value) times(v, found);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) times(v, found);
  }
}

function shift(value: unknown, ms: number): unknown {
  if (typeof value === "string") {
    const m = TIMESTAMP.exec(value);
    if (m) {
      const at = new Date(Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")) + ms).toISOString();
      // Keep the form: with or without milliseconds, Z or +0000.
      const base = at.slice(0, 19);
      return `${base}${m[2] ? at.slice(19, 23) : ""}${m[3] === "Z" ? "Z" : "+0000"}`;
    }
    if (value.startsWith("{")) return JSON.stringify(shift(JSON.parse(value), ms));
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => shift(v, ms));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shift(v, ms)]));
  return value;
}

/** Writes the files, shifted so that the newest timestamp of them all is `now` less one second. */
export function stampNow(files: string[], now = new Date()): string[] {
  const payloads = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as unknown);
  const found: number[] = [];
  for (const p of payloads) times(p, found);
  const ms = now.getTime() - 1000 - Math.max(...found);
  const dir = mkdtempSync(join(tmpdir(), "brain-live-"));
  return payloads.map((p, i) => {
    const out = join(dir, `${i}-${basename(files[i] as string)}`);
    writeFileSync(out, JSON.stringify(shift(p, ms)));
    return out;
  });
}
