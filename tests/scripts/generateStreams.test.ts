/**
 * The bundled streams in events/streams/ are the generator's output (events/streams/README.md:
 * "edit the generator, not the files"): scripts/generate-streams.ts, run again into a temporary
 * folder, writes them byte for byte.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BUNDLED = "events/streams";
const generated = mkdtempSync(join(tmpdir(), "brain-generate-streams-"));
const streams = readdirSync(BUNDLED).filter((f) => !f.endsWith(".md"));

beforeAll(() => {
  // As its header says to run it, with the folder to write to; it says what it wrote on stderr.
  execFileSync(process.execPath, ["--import", "tsx", "scripts/generate-streams.ts", generated], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}, 30_000);
afterAll(() => rmSync(generated, { recursive: true, force: true }));

/** Where two files part: the first line that differs, as each has it. */
function firstDifference(written: Buffer, bundled: Buffer): string {
  const [a, b] = [written.toString("utf8").split("\n"), bundled.toString("utf8").split("\n")];
  let i = 0;
  while (i < Math.max(a.length, b.length) && a[i] === b[i]) i++;
  return `line ${i + 1}: the generator writes ${JSON.stringify(a[i])}, the file holds ${JSON.stringify(b[i])}`;
}

describe("scripts/generate-streams.ts", () => {
  it("writes every stream of events/streams/, and nothing else", () => {
    expect(readdirSync(generated).sort()).toEqual([...streams].sort());
  });

  it.each(streams)("writes events/streams/%s byte for byte", (name) => {
    const written = readFileSync(join(generated, name));
    const bundled = readFileSync(join(BUNDLED, name));
    const same = written.equals(bundled);
    expect(same, same ? undefined : firstDifference(written, bundled)).toBe(true);
  });
});
