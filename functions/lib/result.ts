/** What the functions return: the decisions made, or why the payload was acknowledged without one. */
import type { AppliedDecision } from "../../shared/brain/applyDecision.js";
import type { AlarmResult } from "../../shared/brain/handleAlarm.js";
import type { Problem } from "../../shared/core/errors.js";

/** A tick's decision that was not written (nothing decided, or held back as a minute ago). */
export type QuietDecision = Omit<AppliedDecision, "status"> & { status: "quiet" };

export type FunctionResult = {
  decisions: (AlarmResult | QuietDecision)[];
  /** Why the payload was acknowledged without a decision (a Configuration Change event, say). */
  ignored?: string;
  /** The payload could not be parsed: what is wrong, and where. */
  error?: { message: string; problems: Problem[] };
};
