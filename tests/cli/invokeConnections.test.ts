/** `invoke tick --json` with a connection budget: the decision held for it and each PutParameter shown. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { virtwayJson } from "../support/config.js";
import { run } from "./run.js";

describe("invoke tick --json with a connection budget", () => {
  it("shows the API held by the budget, and each GetParameters and PutParameter the tick sends", async () => {
    const dir = mkdtempSync(join(tmpdir(), "budget-"));
    const config = virtwayJson();
    config.connectionBudgets = [
      {
        DBClusterIdentifier: "virtway-aurora",
        MaxConnections: 200,
        ReservedConnections: 10,
        DBProxy: { DBProxyName: "virtway-proxy", ConnectionPoolConfiguration: { MaxConnectionsPercent: 50 } },
        groups: [{ target: "virtway-api", via: "proxy", maxPoolSize: 150, minPoolSize: 50 }],
      },
    ];
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({
        "virtway-readers": { capacity: 1 },
        "virtway-api": { capacity: 2, metrics: { "api-cpu-target-70": 140 } },
      }),
    );
    const { code, out } = await run(
      "invoke",
      "tick",
      "events/tick.json",
      "--config",
      join(dir, "config.json"),
      "--state",
      join(dir, "state.json"),
      "--now",
      "2026-11-23T12:00:00Z",
      "--json",
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      decisions: { target: string; reason: string; from: number; to: number }[];
      calls: { service: string; command: string; input: Record<string, unknown> }[];
    };
    expect(result.decisions.find((d) => d.target === "virtway-api")).toMatchObject({
      reason: "ConnectionBudget",
      from: 2,
      to: 4,
    });
    expect(result.calls.filter((c) => c.service === "SSM")).toEqual([
      {
        service: "SSM",
        command: "GetParameters",
        input: {
          Names: [
            "/surge-brain/connections/virtway-aurora/virtway-api/pool-size",
            "/surge-brain/connections/virtway-aurora/readers",
          ],
        },
      },
      {
        service: "SSM",
        command: "PutParameter",
        input: {
          Name: "/surge-brain/connections/virtway-aurora/virtway-api/pool-size",
          Value: "50",
          Type: "String",
          Overwrite: true,
          Description:
            "surge-brain: connections one instance of virtway-api may keep open on virtway-aurora's readers",
        },
      },
      {
        service: "SSM",
        command: "PutParameter",
        input: {
          Name: "/surge-brain/connections/virtway-aurora/readers",
          Value: '{"availableReaders":1,"since":"2026-11-23T12:00:00.000Z"}',
          Type: "String",
          Overwrite: true,
          Description:
            "surge-brain: the readers of virtway-aurora available; pools recycle their connections when since changes",
        },
      },
    ]);
  });
});
