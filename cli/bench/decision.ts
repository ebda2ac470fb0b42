/**
 * Two of `bench`'s figures on the decision scene (decisionScenario.ts):
 * - `decisionLatencyMs`: one alarm delivery end to end in-process, one at a time, each a distinct
 *   state change that is taken (a scale-out, five minutes after the last), after a warm-up;
 * - `apiCallsPerDecision`: the ledger's reads and writes and the AWS calls of a delivery per path
 *   (taken, held back, duplicate), the taken one split at its AWS call.
 */
import { performance } from "node:perf_hooks";
import type { AppliedDecision } from "../../shared/brain/applyDecision.js";
import { withStdoutDiscarded } from "../stdout.js";
import { type CallCount, countCalls, splitAtAction } from "./apiCalls.js";
import {
  alarmChange,
  BENCH_START,
  type DecisionScene,
  HIGH,
  startDecisionScene,
} from "./decisionScenario.js";
import { type BenchFigure, titledRows } from "./figure.js";
import { percentile } from "./storm.js";

/** The spacing of the scene's taken decisions: past the cooldown and the instances' warm-up. */
export const SPACING_MS = 5 * 60_000;

/** The n-th of the scene's taken state changes (a scale-out past the cooldown of the one before). */
const takenChange = (n: number) => alarmChange(HIGH, BENCH_START + n * SPACING_MS, 2000 + (n % 100));

const median = (values: readonly number[]): number => percentile(values, 50);
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The first decision of each delivery; throws when it is not `status` (the scene is broken, not slow). */
function expectStatus(results: { decisions: readonly unknown[] }, status: string, what: string): void {
  const first = results.decisions[0] as Partial<AppliedDecision> | undefined;
  const got = first?.status ?? first?.reason ?? "nothing";
  if (got !== status) throw new Error(`bench: the ${what} delivery came out ${got}, not ${status}`);
}

/**
 * `count` taken deliveries on `scene` after `warmUp` unmeasured ones, numbered from `from`: the wall
 * time of each measured one, in milliseconds.
 */
export async function timeTakenDeliveries(
  scene: DecisionScene,
  options: { from: number; warmUp: number; count: number },
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < options.warmUp + options.count; i++) {
    const n = options.from + i;
    const delivery = { change: takenChange(n), via: "sns" as const, requestId: `bench-${n}` };
    const started = performance.now();
    const result = await scene.deliver(delivery);
    const elapsed = performance.now() - started;
    expectStatus(result, "applied", `taken (the ${n}-th)`);
    if (i >= options.warmUp) times.push(elapsed);
  }
  return times;
}

export type Percentiles = { p50: number; p99: number };

/** Rounds of decisions: each on a fresh scene, warmed up, then measured; medians of the rounds. */
const LATENCY_RUNS = {
  full: { rounds: 5, warmUp: 30, count: 200 },
  quick: { rounds: 1, warmUp: 2, count: 3 },
};

export const decisionLatencyFigure: BenchFigure<Percentiles> = {
  key: "decisionLatencyMs",
  describe:
    "one alarm delivery end to end through the alarm handler, the ledger on dynalite, AWS simulated: p50, p99",
  async measure({ quick, progress }) {
    const { rounds, warmUp, count } = quick ? LATENCY_RUNS.quick : LATENCY_RUNS.full;
    const p50s: number[] = [];
    const p99s: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      progress(`round ${r}/${rounds}: ${warmUp} deliveries to warm up, ${count} measured…`);
      const scene = await startDecisionScene();
      try {
        const times = await withStdoutDiscarded(() => timeTakenDeliveries(scene, { from: 0, warmUp, count }));
        p50s.push(percentile(times, 50));
        p99s.push(percentile(times, 99));
      } finally {
        await scene.close();
      }
    }
    return { p50: round(median(p50s)), p99: round(median(p99s)) };
  },
  lines: (value) => titledRows("decision latency", [["p50 / p99 (ms)", `${value.p50} / ${value.p99}`]]),
};

/** A taken delivery's calls: in all, before its AWS call and after it (the call itself in neither). */
export type TakenCalls = CallCount & { before: CallCount; after: CallCount };

export type ApiCallsPerDecision = { taken: TakenCalls; heldBack: CallCount; duplicate: CallCount };

/**
 * One delivery per path on a fresh scene: a first scale-out (the window's start, unmeasured), a
 * twin of it by EventBridge (duplicate), another change 10 s later (held back by the cooldown),
 * and a scale-out past the cooldown (taken).
 */
export async function callsPerPath(scene: DecisionScene): Promise<ApiCallsPerDecision> {
  const traced = async (delivery: Parameters<DecisionScene["deliver"]>[0], status: string, what: string) => {
    scene.trace.reset();
    expectStatus(await scene.deliver(delivery), status, what);
    return [...scene.trace.calls];
  };
  const first = takenChange(0);
  await traced({ change: first, via: "sns", requestId: "calls-first" }, "applied", "first");
  const duplicate = await traced(
    { change: first, via: "eventbridge", requestId: "calls-twin" },
    "DuplicateStateChange",
    "duplicate",
  );
  const held = await traced(
    { change: alarmChange(HIGH, first.atMs + 10_000, 2400), via: "sns", requestId: "calls-held" },
    "held",
    "held back",
  );
  const taken = await traced(
    { change: takenChange(1), via: "sns", requestId: "calls-taken" },
    "applied",
    "taken",
  );
  const { before, after } = splitAtAction(taken);
  return {
    taken: { ...countCalls(taken), before: countCalls(before), after: countCalls(after) },
    heldBack: countCalls(held),
    duplicate: countCalls(duplicate),
  };
}

/** Each number the median of its runs' (the counts are the same run after run, unless something contends). */
function medianCounts(runs: readonly ApiCallsPerDecision[]): ApiCallsPerDecision {
  const of = (pick: (r: ApiCallsPerDecision) => CallCount): CallCount => ({
    ledgerReads: median(runs.map((r) => pick(r).ledgerReads)),
    ledgerWrites: median(runs.map((r) => pick(r).ledgerWrites)),
    conditionalWrites: median(runs.map((r) => pick(r).conditionalWrites)),
    awsCalls: median(runs.map((r) => pick(r).awsCalls)),
  });
  return {
    taken: { ...of((r) => r.taken), before: of((r) => r.taken.before), after: of((r) => r.taken.after) },
    heldBack: of((r) => r.heldBack),
    duplicate: of((r) => r.duplicate),
  };
}

const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
const describeCount = (c: CallCount) =>
  `${counted(c.ledgerReads, "read")}, ${counted(c.ledgerWrites, "write")} (${c.conditionalWrites} conditional), ${counted(c.awsCalls, "AWS call")}`;

export const apiCallsFigure: BenchFigure<ApiCallsPerDecision> = {
  key: "apiCallsPerDecision",
  describe:
    "ledger reads and writes and AWS calls of a delivery: taken (before and after its AWS call), held back, duplicate",
  async measure({ quick, progress }) {
    const repeats = quick ? 1 : 3;
    const runs: ApiCallsPerDecision[] = [];
    for (let run = 1; run <= repeats; run++) {
      progress(`run ${run}/${repeats}: a taken, a held back and a duplicate delivery…`);
      const scene = await startDecisionScene();
      try {
        runs.push(await withStdoutDiscarded(() => callsPerPath(scene)));
      } finally {
        await scene.close();
      }
    }
    return medianCounts(runs);
  },
  lines: (value) =>
    titledRows("API calls per decision", [
      ["taken, before its AWS call", describeCount(value.taken.before)],
      ["taken, after it", describeCount(value.taken.after)],
      ["taken, in all", describeCount(value.taken)],
      ["held back", describeCount(value.heldBack)],
      ["duplicate", describeCount(value.duplicate)],
    ]),
};
