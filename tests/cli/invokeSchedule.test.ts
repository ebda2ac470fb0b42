import { describe, expect, it } from "vitest";
import { run } from "./run.js";

const SAMPLE = "events/schedule/readers-before-thursday-event.json";

describe("invoke schedule", () => {
  it("the sample payload: the floor applied, capacity inside it at once, the calls made; sent again, it acts not", async () => {
    const { code, out } = await run("invoke", "schedule", SAMPLE, SAMPLE, "--json");
    expect(code).toBe(0);
    const { decisions, calls } = JSON.parse(out) as {
      decisions: {
        target: string;
        status: string;
        reason: string;
        from: number;
        to: number;
        policy: string;
      }[];
      calls: { service: string; command: string; input: Record<string, unknown> }[];
    };
    expect(decisions.map((d) => [d.target, d.status, d.reason, d.from, d.to, d.policy])).toEqual([
      ["virtway-readers", "applied", "BoundsMoved", 1, 3, "readers-before-thursday-event"],
      ["virtway-readers", "quiet", "ScheduledBoundsInForce", 3, 3, "readers-before-thursday-event"],
    ]);
    expect(
      calls.filter((c) => c.command === "CreateDBInstance").map((c) => c.input.DBClusterIdentifier),
    ).toEqual(["virtway-aurora", "virtway-aurora"]);
  });

  it("prints what it did for people", async () => {
    const { code, out } = await run("invoke", "schedule", SAMPLE);
    expect(code).toBe(0);
    expect(out).toMatch(
      /virtway-readers: applied BoundsMoved \(1 → 3\): readers-before-thursday-event .*bounds 1–8 → 3–8/,
    );
  });

  it("a schedule payload sent to the alarm function is acknowledged as meant for the schedule function", async () => {
    const { code, out } = await run("invoke", "alarm", SAMPLE);
    expect(code).toBe(0);
    expect(out).toMatch(/acknowledged: a scheduled action is for the schedule function/);
  });
});
