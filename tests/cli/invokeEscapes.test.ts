/**
 * A payload whose fields carry terminal escape sequences, through the alarm function as `invoke`
 * runs it: neither the command's own output nor the function's logs (Powertools' JSON, sent to
 * standard error) carry a raw control character; the name is shown escaped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../functions/lib/observability.js";
import { run } from "./run.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const NAME = "\u001b[31mred\u001b]0;owned\u0007\u009b2J\u202e";

afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel("SILENT");
});

describe("invoke on a payload with escape sequences", () => {
  it("writes them escaped, in its output and in the function's logs", async () => {
    const payload = JSON.parse(readFileSync("events/eventbridge/readers-cpu-70.json", "utf8"));
    payload.detail.alarmName = NAME;
    const file = join(mkdtempSync("/tmp/brain-escapes-"), "event.json");
    writeFileSync(file, JSON.stringify(payload));
    // The suite runs with Powertools silent; this test reads the logs.
    logger.setLogLevel("INFO");
    let logs = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      logs += String(chunk);
      return true;
    });
    const { code, out, err } = await run("invoke", "alarm", file, "--verbose");
    vi.restoreAllMocks();
    expect(code).toBe(0);
    // --verbose: the function's logs on the command's standard error.
    logs += err;
    expect(logs).toContain('"level":"INFO"');
    for (const text of [out, err, logs]) expect(text).not.toMatch(RAW_CONTROL);
    expect(out).toContain("\\u001b[31mred\\u001b]0;owned\\u0007\\u009b2J\\u202e: NoPolicyForAlarm");
  });
});
