/**
 * The cold-start child's AWS, answered in its own process: a warm run recorded by the proxy, then
 * replayed by the child's own server before the bundle is imported. A stand-in bundle sends what a
 * function would (a JSON-protocol request with a timestamp and a random token in its body).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Exchange, RUNNER, recordingProxy } from "../../cli/bench/recordedAws.js";

/** A stand-in bundle: one DynamoDB-style request, its answer as the handler's result. */
const BUNDLE = `export const handler = async (event) => {
  const response = await fetch(process.env.AWS_ENDPOINT_URL_DYNAMODB, {
    method: "POST",
    headers: { "x-amz-target": "DynamoDB_20120810.PutItem" },
    body: JSON.stringify({ TableName: event.table, at: new Date().toISOString(), token: crypto.randomUUID() }),
  });
  return { status: response.status, answer: await response.json() };
};
`;

let dir: string;
let upstream: Server;
let upstreamUrl: string;
const received: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "recorded-aws-"));
  writeFileSync(join(dir, "runner.mjs"), RUNNER);
  writeFileSync(join(dir, "bundle.mjs"), BUNDLE);
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      received.push(`${request.headers["x-amz-target"]} ${Buffer.concat(chunks)}`);
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "r1" });
      response.end(JSON.stringify({ from: "dynalite" }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(() => {
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function child(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const run = spawn(
      process.execPath,
      [join(dir, "runner.mjs"), pathToFileURL(join(dir, "bundle.mjs")).href, ...args],
      {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    run.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    run.once("exit", (code) => resolve({ code, stderr }));
  });
}

async function recordRun(table: string): Promise<Exchange[]> {
  const proxy = await recordingProxy({ dynamodb: upstreamUrl, aws: "http://127.0.0.1:9" });
  try {
    writeFileSync(join(dir, "event.json"), JSON.stringify({ table }));
    const { code, stderr } = await child([join(dir, "event.json"), join(dir, "result.json")], {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    return proxy.take();
  } finally {
    await proxy.stop();
  }
}

describe("bench's recorded AWS", () => {
  it("records the warm run's exchanges, routing DynamoDB's to its upstream", async () => {
    const recording = await recordRun("ledger-1");
    expect(recording).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/",
        target: "DynamoDB_20120810.PutItem",
        status: 200,
        headers: expect.objectContaining({ "x-amzn-requestid": "r1" }),
        response: '{"from":"dynalite"}',
      }),
    ]);
    expect(received.at(-1)).toContain('"TableName":"ledger-1"');
  });

  it("answers the same requests in the child, their timestamps and tokens new, no upstream reached", async () => {
    const recording = await recordRun("ledger-2");
    writeFileSync(join(dir, "recording.json"), JSON.stringify(recording));
    const before = received.length;
    const { code, stderr } = await child(
      [join(dir, "event.json"), join(dir, "result.json"), join(dir, "recording.json")],
      { AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9" },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(received.length).toBe(before);
    const written = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    expect(written).toEqual({
      result: { status: 200, answer: { from: "dynalite" } },
      served: 1,
      replayServerMs: expect.any(Number),
    });
  });

  it("fails the run loudly on a request not in the recording", async () => {
    writeFileSync(join(dir, "recording.json"), JSON.stringify(await recordRun("ledger-3")));
    writeFileSync(join(dir, "event.json"), JSON.stringify({ table: "ledger-other" }));
    const { code, stderr } = await child(
      [join(dir, "event.json"), join(dir, "result.json"), join(dir, "recording.json")],
      {},
    );
    expect(code).toBe(70);
    expect(stderr).toMatch(
      /a request not in the recording: POST \/ DynamoDB_20120810\.PutItem .*ledger-other/,
    );
  });

  it("fails the run when a recorded request is never sent", async () => {
    const recording = await recordRun("ledger-4");
    writeFileSync(join(dir, "recording.json"), JSON.stringify([...recording, ...recording]));
    const { code, stderr } = await child(
      [join(dir, "event.json"), join(dir, "result.json"), join(dir, "recording.json")],
      {},
    );
    expect(code).toBe(71);
    expect(stderr).toMatch(/recorded requests never sent: POST \/ DynamoDB_20120810\.PutItem/);
  });
});
