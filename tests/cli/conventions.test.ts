/**
 * What operators expect of a command line: --version; a malformed payload's error said once; a
 * time without a zone refused; gzipped streams read as they are, whatever their name. (Quiet
 * output, standard input and the README's examples run the command line as a process:
 * process.test.ts.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { run } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "brain-conventions-"));

describe("the command line's conventions", () => {
  it("--version prints package.json's version alone", async () => {
    for (const flag of ["--version", "-V"]) {
      expect(await run(flag)).toEqual({ code: 0, out: `${packageJson.version}\n`, err: "" });
    }
  });

  it("a malformed payload's error is said once, naming the file and the field", async () => {
    const { code, out, err } = await run("invoke", "alarm", "events/malformed/wrong-value-type.json");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toBe(
      "events/malformed/wrong-value-type.json: cannot parse the EventBridge alarm state change: $.detail.state.reasonData: wrong value type: expected a string, got an object\n",
    );
  });

  it("--now without a zone is refused, saying a zone is needed (it would be read as local time)", async () => {
    const { code, out, err } = await run(
      "invoke",
      "alarm",
      "events/tick.json",
      "--now",
      "2026-11-23T19:05:00",
    );
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toBe(
      "--now 2026-11-23T19:05:00 has no time zone, and would be read as this machine's local time: add one, as in 2026-11-23T19:05:00Z (UTC) or 2026-11-23T19:05:00+01:00 (add --help for usage)\n",
    );
    for (const zoned of ["2026-11-23T19:05:00Z", "2026-11-23T20:05:00+01:00", "2026-11-23T19:05:00.000z"]) {
      const ok = await run("invoke", "tick", "events/tick.json", "--now", zoned, "--json");
      expect(ok.code).toBe(0);
    }
  });

  it("a gzipped stream reads as the stream itself, told by its bytes, whatever its name", async () => {
    const plain = await run("evaluate", "events/streams/avalanche.jsonl", "--json");
    const gz = join(dir, "avalanche.jsonl.gz");
    const unnamed = join(dir, "firehose-object");
    // Firehose's objects: gzip members end to end.
    const lines = readFileSync("events/streams/avalanche.jsonl");
    const half = lines.indexOf("\n", lines.length / 2) + 1;
    writeFileSync(gz, gzipSync(lines));
    writeFileSync(
      unnamed,
      Buffer.concat([gzipSync(lines.subarray(0, half)), gzipSync(lines.subarray(half))]),
    );
    for (const file of [gz, unnamed]) {
      const { code, out } = await run("evaluate", file, "--json");
      expect(code).toBe(0);
      expect(out).toBe(plain.out);
    }
    const csv = join(dir, "tv-vote.csv.gz");
    writeFileSync(csv, gzipSync(readFileSync("events/streams/tv-vote.csv")));
    expect((await run("evaluate", csv, "--json")).out).toBe(
      (await run("evaluate", "events/streams/tv-vote.csv", "--json")).out,
    );
  });

  it("a gzipped stream cut short is refused, naming the file (exit 1)", async () => {
    const cut = join(dir, "cut.jsonl.gz");
    const whole = gzipSync(readFileSync("events/streams/avalanche.jsonl"));
    writeFileSync(cut, whole.subarray(0, whole.length / 2));
    const { code, err } = await run("evaluate", cut);
    expect(code).toBe(1);
    expect(err).toContain(`${cut}: cannot read the file: unexpected end of file`);
  });
});
