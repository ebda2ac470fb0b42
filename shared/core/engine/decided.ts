import type { Decision } from "./decision.js";
import type { TargetState } from "./targetState.js";

/** What a pure decision step returns for one target. */
export type Decided = {
  decision: Decision;
  next: TargetState;
  changed: boolean;
  act: boolean;
  trigger?: string;
  /** Nothing worth a log record (a tick that decided nothing): only a changed state is written. */
  quiet?: boolean;
  /**
   * The bounds a scheduled action put in force, when this decision applies them: the actuator of a
   * group moves its MinSize and MaxSize with the capacity (ports/actuator.ts).
   */
  bounds?: { min: number; max: number };
};
