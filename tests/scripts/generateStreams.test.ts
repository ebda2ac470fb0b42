/**
 * The bundled streams in events/streams/ are the generator's output (events/streams/README.md:
 * "edit the generator, not the files"): scripts/generate-streams.ts, run again, writes them byte
 * for byte. The generator writes beside itself, to ../events/streams; a copy of it in a temporary
 * folder writes there instead.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const BUNDLED = "events/streams";
const root = mkdtempSync(join(tmpdir(), "brain-generate-streams-"));
const generated = join(root, "events", "streams");
const streams = readdirSync(BUNDLED).filter((f) => !f.endsWith(".md"));

beforeAll(async () => {
  mkdirSync(join(root, "scripts"));
  const script = join(root, "scripts", "generate-streams.ts");
  copyFileSync("scripts/generate-streams.ts", script);
  // It says what it wrote on standard error.
  const said = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await import(pathToFileURL(script).href);
  } finally {
    said.mockRestore();
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

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
