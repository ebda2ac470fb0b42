/** `bench`'s figures, in the order it measures and prints them. */

import { bundleBytesFigure, coldStartMsFigure, coldStartRatioFigure } from "./coldStart.js";
import { brainComputeFigure } from "./compute.js";
import { apiCallsFigure, decisionLatencyFigure } from "./decision.js";
import type { BenchFigure } from "./figure.js";
import { loadFigure } from "./load.js";
import { replayFigure } from "./replay.js";

// biome-ignore lint/suspicious/noExplicitAny: each figure has its own value's type
export const FIGURES: readonly BenchFigure<any>[] = [
  loadFigure,
  decisionLatencyFigure,
  brainComputeFigure,
  apiCallsFigure,
  coldStartMsFigure,
  coldStartRatioFigure,
  bundleBytesFigure,
  replayFigure,
];
