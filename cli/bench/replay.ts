/**
 * `replay`: how fast a long recording replays, and in how much memory. A 30-day, one-minute
 * recording of the Virtway example's ten series (virtwayMonth.ts; `--quick`: one day) is written
 * to a temporary file and replayed with `brain.config.json` and the in-memory ledger, each run in
 * a process of its own (`node bin/brain.js replay … --json`), as a user runs it: `seconds` is that
 * process's wall-clock time, start-up included; `cpuSeconds` its user + system CPU time (the figure
 * to compare on a shared machine); `peakMemoryMB` its peak resident set (maxRSS, MiB). Medians of
 * three runs (`--quick`: one).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReplayMode } from "../../shared/offline/replay/types.js";
import { writeVirtwayMonth } from "../../shared/offline/streams/virtwayMonth.js";
import { projectPath } from "../projectRoot.js";
import { type BenchFigure, titledRows } from "./figure.js";

export type ReplayFigure = {
  mode: ReplayMode;
  days: number;
  series: number;
  datapoints: number;
  runs: number;
  seconds: number;
  cpuSeconds: number;
  datapointsPerSecond: number;
  peakMemoryMB: number;
  /** Why a run failed, when one did: its exit and the end of its standard error. */
  failure?: string;
};

/** One replay in a child process: its wall time, CPU time and peak RSS, or why it failed. */
export type ReplayRun = { seconds: number; cpuSeconds: number; peakMemoryMB: number } | { failure: string };

/**
 * Loaded before the command in the child: at exit it writes its resource usage (CPU in µs,
 * maxRSS in KiB) as JSON to file descriptor 3, a pipe of its own apart from the command's output.
 */
const REPORT_USAGE = `data:text/javascript,${encodeURIComponent(
  'import { writeSync } from "node:fs"; process.on("exit", () => writeSync(3, JSON.stringify(process.resourceUsage())));',
)}`;

/** `node bin/brain.js replay <file> --mode <mode> --json` in a child process, measured. */
export async function replayInChild(file: string, mode: ReplayMode): Promise<ReplayRun> {
  const args = [
    "--import",
    REPORT_USAGE,
    projectPath("bin", "brain.js"),
    "replay",
    file,
    "--config",
    projectPath("brain.config.json"),
    "--mode",
    mode,
    "--json",
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe", "pipe"] });
  let stderr = "";
  let usage = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  child.stdio[3]?.on("data", (chunk: Buffer) => {
    usage += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exit) => resolve(exit));
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0)
    return { failure: `replay exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" ")}` };
  let used: NodeJS.ResourceUsage;
  try {
    used = JSON.parse(usage) as NodeJS.ResourceUsage;
  } catch {
    return { failure: "replay did not report its resource usage" };
  }
  return {
    seconds,
    cpuSeconds: (used.userCPUTime + used.systemCPUTime) / 1e6,
    peakMemoryMB: used.maxRSS / 1024,
  };
}

/** The median of some numbers (the lower middle of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export const replayFigure: BenchFigure<ReplayFigure> = {
  key: "replay",
  describe: "a generated 30-day, one-minute recording of 10 series replayed through the brain, in memory",
  async measure({ quick, progress }) {
    const days = quick ? 1 : 30;
    const runs = quick ? 1 : 3;
    const mode: ReplayMode = "coordinated";
    const dir = mkdtempSync(join(tmpdir(), "surge-brain-bench-"));
    try {
      const file = join(dir, "month.jsonl");
      progress(`writing a ${days}-day recording…`);
      const shape = await writeVirtwayMonth(file, days);
      const measured: Exclude<ReplayRun, { failure: string }>[] = [];
      for (let i = 1; i <= runs; i++) {
        progress(`run ${i}/${runs} (${mode}, ${shape.datapoints} datapoints)…`);
        const run = await replayInChild(file, mode);
        const base = { mode, days, series: shape.series, datapoints: shape.datapoints, runs };
        if ("failure" in run)
          return { ...base, seconds: 0, cpuSeconds: 0, datapointsPerSecond: 0, peakMemoryMB: 0, ...run };
        progress(`run ${i}/${runs}: ${round(run.seconds, 2)} s, ${Math.round(run.peakMemoryMB)} MB`);
        measured.push(run);
      }
      const seconds = median(measured.map((r) => r.seconds));
      return {
        mode,
        days,
        series: shape.series,
        datapoints: shape.datapoints,
        runs,
        seconds: round(seconds, 2),
        cpuSeconds: round(median(measured.map((r) => r.cpuSeconds)), 2),
        datapointsPerSecond: Math.round(shape.datapoints / seconds),
        peakMemoryMB: round(median(measured.map((r) => r.peakMemoryMB)), 1),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  lines: (figure) => formatReplayFigure(figure).split("\n"),
  failure: (figure) => figure.failure,
};

/** The replay figure as a small table. */
export function formatReplayFigure(f: ReplayFigure): string {
  return titledRows("replay", [
    ["recording", `${f.days} days × ${f.series} series, one a minute (${f.datapoints} datapoints)`],
    ["mode, runs", `${f.mode}, median of ${f.runs}`],
    ["seconds (wall)", String(f.seconds)],
    ["CPU seconds", String(f.cpuSeconds)],
    ["datapoints per second", String(f.datapointsPerSecond)],
    ["peak memory (MB)", String(f.peakMemoryMB)],
  ]).join("\n");
}
