/**
 * `evaluate` on bytes that are not a stream: the output is short, bounded and clean. Whatever a
 * line holds, no character a terminal acts on (ESC, C1's CSI, bidirectional overrides) is written
 * raw, and repeated complaints are summarised: the first few of each kind, then how many more.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "brain-garbage-"));

/** `n` bytes from a fixed-seed generator (xorshift32): the same bytes on every run. */
function randomBytes(n: number, seed = 14): Buffer {
  const bytes = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** What a terminal acts on rather than shows; none may be printed. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const RECORD =
  '{"namespace":"AWS/RDS","metric_name":"CPUUtilization","dimensions":{"DBClusterIdentifier":"virtway-aurora","Role":"READER"},"timestamp":1795460400000,"value":{"max":1,"min":1,"sum":1,"count":1},"unit":"Percent"}';

describe("evaluate on garbage", () => {
  it("5 MB of random bytes: exit 1, a few clean lines naming the file, not one line per bad line", async () => {
    const file = join(dir, "random.bin");
    writeFileSync(file, randomBytes(5 * 1024 * 1024));
    const { code, out, err } = await run("evaluate", file);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).not.toMatch(RAW_CONTROL);
    const lines = err.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(err.length).toBeLessThan(20_000);
    expect(lines.at(-1)).toMatch(new RegExp(`^${file}: not a metric stream: `));
    expect(err).toMatch(/… and \d+ more like this \(not JSON\)/);
  });

  it("a line of escape sequences among records: reported escaped, the records read", async () => {
    const file = join(dir, "escapes.jsonl");
    writeFileSync(
      file,
      `${RECORD}\n{"x":"\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e"}\n\u001b[31mred\n${RECORD}\n`,
    );
    const { code, err } = await run("evaluate", file, "--json");
    expect(code).toBe(0);
    expect(err).not.toMatch(RAW_CONTROL);
    expect(err).toContain(`${file}:3: not JSON: `);
    expect(err).toContain("\\u001b[31mred");
  });

  it("a file name with an escape sequence is named escaped", async () => {
    const file = join(dir, "name\u001b[2J.jsonl");
    writeFileSync(file, "nothing\n");
    const { code, err } = await run("evaluate", file);
    expect(code).toBe(1);
    expect(err).not.toMatch(RAW_CONTROL);
    expect(err).toContain("name\\u001b[2J.jsonl: not a metric stream");
  });
});
