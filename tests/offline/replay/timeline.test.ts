/**
 * The report's timeline: what the replay loop tells its observer, minute by minute, kept per target
 * and per alarm; an alarm that has not changed yet is INSUFFICIENT_DATA, as CloudWatch starts one.
 */
import { describe, expect, it } from "vitest";
import { TimelineRecorder } from "../../../shared/offline/replay/timeline.js";
import type { MinuteSample } from "../../../shared/offline/replay/types.js";
import { virtwayConfig } from "../../support/config.js";

const config = virtwayConfig();
const sample = (at: number, capacity: number, inService: number, demand: number | null): MinuteSample => ({
  at,
  demand,
  served: inService * 30,
  inService,
  capacity,
});

describe("TimelineRecorder", () => {
  it("keeps each target's sample and each alarm's state, a value per minute", () => {
    const recorder = new TimelineRecorder(config);
    recorder.minute(0, (id) => (id === "virtway-readers" ? sample(0, 3, 2, 75) : undefined), new Map());
    recorder.minute(
      60_000,
      (id) => (id === "virtway-readers" ? sample(60_000, 3, 3, null) : undefined),
      new Map([["virtway-readers-cpu-high-70", "ALARM"]]),
    );
    const t = recorder.timeline();
    expect(t.minutes).toEqual([0, 60_000]);
    expect(t.targets["virtway-readers"]).toEqual({
      kind: "aurora-readers",
      demandPerUnit: 30,
      demand: [75, null],
      served: [60, 90],
      inService: [2, 3],
      capacity: [3, 3],
    });
    // A target the loop had no sample for reads as nothing in service.
    expect(t.targets["virtway-api"]?.capacity).toEqual([0, 0]);
    expect(t.alarms["virtway-readers-cpu-high-70"]).toEqual(["INSUFFICIENT_DATA", "ALARM"]);
    expect(t.alarms["virtway-readers-cpu-low"]).toEqual(["INSUFFICIENT_DATA", "INSUFFICIENT_DATA"]);
    expect(Object.keys(t.alarms)).toEqual(config.alarms.map((a) => a.AlarmName));
  });
});
