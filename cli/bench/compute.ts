/**
 * `brainComputeMs`: what the `alarm` function computes for a delivery with no I/O, timed alone
 * over many iterations: the payload checked and parsed (payloadFor: its depth, its size, its
 * schema), the state change admitted (admitChange: origin, age, the targets answering it), the
 * capacity in flight settled against what AWS showed (settleInFlight) and the decision on the
 * target's state (decideOnAlarm: the step policy, the rules of coordination). The state is the one
 * the decision scene's ledger holds after a warm-up of taken decisions (cooldowns, capacity in
 * flight, remembered changes), the observation the group's as AWS shows it then; each payload is a
 * distinct state change that is taken.
 */
import { payloadFor } from "../../functions/lib/payload.js";
import { admitChange } from "../../shared/brain/handleAlarm.js";
import type { BrainConfig } from "../../shared/core/config/schema.js";
import { decideOnAlarm } from "../../shared/core/deciders/alarmDecision.js";
import { settleInFlight } from "../../shared/core/deciders/inFlight.js";
import { readersBeforeFloors } from "../../shared/core/deciders/targets.js";
import type { Observation } from "../../shared/core/engine/observation.js";
import type { TargetState } from "../../shared/core/engine/targetState.js";
import { withStdoutDiscarded } from "../stdout.js";
import { type Percentiles, SPACING_MS, timeTakenDeliveries } from "./decision.js";
import { alarmChange, BENCH_START, HIGH, payloadOf, startDecisionScene } from "./decisionScenario.js";
import { type BenchFigure, titledRows } from "./figure.js";
import { percentile } from "./storm.js";

/** A payload, and the time the function decides it at. */
type Case = { payload: unknown; now: Date };

/** What a decision is made on: the configuration, the state the ledger holds, what AWS showed. */
export type Known = { config: BrainConfig; state: TargetState; observation: Observation };

/** The pure part of one delivery; returns whether the decision acts (so that nothing is optimised away). */
export function computeDecision({ config, state, observation }: Known, { payload, now }: Case): boolean {
  const checked = payloadFor(payload, config.settings.maxPayloadBytes, "alarm-state-change");
  if (!("event" in checked)) throw new Error("bench: a payload of the scene was not an alarm state change");
  let acts = false;
  for (const change of checked.event.changes) {
    const admitted = admitChange(config, change, now);
    if ("refused" in admitted)
      throw new Error(`bench: the scene's change was refused: ${admitted.refused.message}`);
    for (const target of readersBeforeFloors(admitted.targets)) {
      const decided = decideOnAlarm({
        config,
        target,
        state: settleInFlight(state, observation, now),
        signal: change,
        now,
        decisionId: `${target.id}:${admitted.trigger}:bench`,
      });
      acts ||= decided.act;
    }
  }
  return acts;
}

/** The scene's state after `warmUp` taken decisions, and `count` cases that follow them. */
export async function computeCases(warmUp: number, count: number) {
  const scene = await startDecisionScene();
  try {
    await withStdoutDiscarded(() => timeTakenDeliveries(scene, { from: 0, warmUp, count: 0 }));
    const state = await scene.state();
    if (!state) throw new Error("bench: the scene's ledger holds no state after its warm-up");
    const cases = Array.from({ length: count }, (_, k): Case => {
      const change = alarmChange(HIGH, BENCH_START + (warmUp + k) * SPACING_MS, 2000 + k);
      return {
        payload: payloadOf(scene.config, change, k % 2 === 0 ? "sns" : "eventbridge"),
        now: new Date(change.atMs + 1000),
      };
    });
    const observation = await scene.observe((cases[0] as Case).now);
    return { known: { config: scene.config, state, observation }, cases };
  } finally {
    await scene.close();
  }
}

/** Rounds of iterations over 64 distinct payloads, on the state after `decisions` taken ones. */
const RUNS = {
  full: { decisions: 30, rounds: 5, warmUp: 5_000, iterations: 20_000 },
  quick: { decisions: 3, rounds: 1, warmUp: 50, iterations: 200 },
};

export const brainComputeFigure: BenchFigure<Percentiles> = {
  key: "brainComputeMs",
  describe: "a delivery's parse, admission and decision with no I/O, payloadFor to decideOnAlarm: p50, p99",
  async measure({ quick, progress }) {
    const { decisions, rounds, warmUp, iterations } = quick ? RUNS.quick : RUNS.full;
    const { known, cases } = await computeCases(decisions, 64);
    const p50s: number[] = [];
    const p99s: number[] = [];
    let acted = 0;
    for (let r = 1; r <= rounds; r++) {
      progress(`round ${r}/${rounds}: ${warmUp} iterations to warm up, ${iterations} timed…`);
      const times: number[] = [];
      for (let i = 0; i < warmUp + iterations; i++) {
        const one = cases[i % cases.length] as Case;
        const started = process.hrtime.bigint();
        const acts = computeDecision(known, one);
        const elapsed = process.hrtime.bigint() - started;
        if (acts) acted++;
        if (i >= warmUp) times.push(Number(elapsed) / 1e6);
      }
      p50s.push(percentile(times, 50));
      p99s.push(percentile(times, 99));
    }
    if (acted !== rounds * (warmUp + iterations))
      throw new Error("bench: a decision of the scene did not act");
    const round = (ms: number) => Math.round(ms * 10_000) / 10_000;
    return { p50: round(percentile(p50s, 50)), p99: round(percentile(p99s, 50)) };
  },
  lines: (value) => titledRows("brain compute", [["p50 / p99 (ms)", `${value.p50} / ${value.p99}`]]),
};
