/**
 * Composite alarms over the state changes of the alarms they name, and the actions suppressor.
 *
 * A composite is evaluated whenever an alarm its AlarmRule names changes state (all changes at
 * one instant are applied together), starting INSUFFICIENT_DATA: the rule true → ALARM, false →
 * OK. Rules are parsed by shared/core/alarms/alarmRule.ts (ALARM/OK/INSUFFICIENT_DATA, TRUE, FALSE,
 * AND, OR, NOT, parentheses). A composite that names no alarm with a change reports nothing.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
 *
 * A composite's state at an instant depends on its children's changes at that instant and before,
 * never after: CompositeAlarmRun.step takes the instants in time order, so composites follow a
 * recording as it streams (evaluator.ts), and evaluateComposites runs the same steps on lists.
 *
 * Actions suppression (Create_Composite_Alarm.html#Create_Composite_Alarm_Suppression, and the
 * API's CompositeAlarm.ActionsSuppressedBy): the state changes either way; only actions are held.
 * - the composite changes state while the suppressor is in ALARM: held ("Alarm") until the
 *   suppressor leaves ALARM, then for ExtensionPeriod;
 * - otherwise a WaitPeriod starts ("WaitPeriod"): if the suppressor goes into ALARM within it,
 *   the actions are held as above (example 2); if the composite changes again, the wait restarts
 *   for the new state (example 3); when it expires, the actions run;
 * - a change during an ExtensionPeriod discards it and starts a new WaitPeriod (example 6);
 * - "Composite alarms take actions that are based on their current states when ExtensionPeriod
 *   and WaitPeriod become inactive": the change pending then gets its actions at that time.
 * Both periods default to 60 s, the value AWS recommends ("CloudWatch evaluates metric alarms
 * every minute") and the CDK's default. actionsSuppressedBy is known when the state changes;
 * actionsAt only when the wait or the hold ends (ActionsSuppression sets it on the change then).
 */
import {
  type AlarmRuleNode,
  AlarmRuleSyntaxError,
  type AlarmStateValue,
  alarmNameOf,
  alarmsReferenced,
  evaluateAlarmRule,
  parseAlarmRule,
} from "../../core/alarms/alarmRule.js";
import type { CompositeAlarm } from "../../core/config/schema.js";
import { UnsupportedAlarmError } from "../../core/errors.js";
import { compositeReason, compositeReasonData, type TriggeringAlarm } from "./reason.js";
import type { StateChange, SuppressedBy } from "./stateChange.js";

const DEFAULT_SUPPRESSOR_PERIOD_SECONDS = 60;

export type CompositeOptions = {
  account: string | null;
  region: string | null;
  /** Epoch ms: the end of the recording; timers running past it leave their actions pending. */
  endMs: number;
};

/** The account and region named in the ARNs of a composite's reason. */
export type CompositeWhere = Pick<CompositeOptions, "account" | "region">;

export type CompiledComposite = {
  alarm: CompositeAlarm;
  rule: AlarmRuleNode;
  children: string[];
  suppressor: string | null;
};

/**
 * Parses the composites and orders them so that every composite comes after the composites it
 * names (its suppressor included). A cycle, which CloudWatch stops evaluating, and a rule that
 * does not parse are reported as unsupported and left out; a composite naming one of them sees
 * it as INSUFFICIENT_DATA.
 */
export function compileComposites(composites: readonly CompositeAlarm[]): {
  order: CompiledComposite[];
  unsupported: UnsupportedAlarmError[];
} {
  const unsupported: UnsupportedAlarmError[] = [];
  const compiled = new Map<string, CompiledComposite>();
  for (const alarm of composites) {
    try {
      const rule = parseAlarmRule(alarm.AlarmRule);
      const suppressor = alarm.ActionsSuppressor ? alarmNameOf(alarm.ActionsSuppressor) : null;
      compiled.set(alarm.AlarmName, { alarm, rule, children: alarmsReferenced(rule), suppressor });
    } catch (error) {
      if (!(error instanceof AlarmRuleSyntaxError)) throw error;
      unsupported.push(
        new UnsupportedAlarmError(alarm.AlarmName, `AlarmRule does not parse: ${error.message}`),
      );
    }
  }

  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: CompiledComposite[] = [];
  const visit = (name: string): boolean => {
    const c = compiled.get(name);
    if (!c || done.has(name)) return true;
    if (visiting.has(name)) return false;
    visiting.add(name);
    const ok = [...c.children, ...(c.suppressor ? [c.suppressor] : [])].every(visit);
    visiting.delete(name);
    if (!ok) {
      unsupported.push(
        new UnsupportedAlarmError(
          name,
          "its AlarmRule is part of a cycle of composite alarms, which CloudWatch stops evaluating",
        ),
      );
      compiled.delete(name);
      return false;
    }
    order.push(c);
    done.add(name);
    return true;
  };
  for (const alarm of composites) visit(alarm.AlarmName);
  return { order, unsupported };
}

/** One composite alarm, evaluated instant by instant in time order. */
export class CompositeAlarmRun {
  state: AlarmStateValue = "INSUFFICIENT_DATA";
  private previous: StateChange["previous"] | null = null;
  private readonly states = new Map<string, { state: AlarmStateValue; atMs: number }>();
  private readonly suppression: ActionsSuppression | null;

  constructor(readonly compiled: CompiledComposite) {
    this.suppression = compiled.suppressor ? new ActionsSuppression(compiled.alarm) : null;
  }

  get name(): string {
    return this.compiled.alarm.AlarmName;
  }

  /**
   * One instant: `changed` holds every change made at `atMs` by the alarms this composite names
   * (composites among them already stepped). Returns the composite's own change, or null.
   */
  step(atMs: number, changed: ReadonlyMap<string, StateChange>, where: CompositeWhere): StateChange | null {
    const c = this.compiled;
    // At one instant the suppressor's change comes first: it is a child evaluated before the composite.
    const suppressor = c.suppressor ? changed.get(c.suppressor) : undefined;
    if (suppressor) this.suppression?.suppressor(atMs, suppressor.to === "ALARM");
    const now = c.children.flatMap((child) => changed.get(child) ?? []);
    if (now.length === 0) return null;
    for (const e of now) this.states.set(e.alarm, { state: e.to, atMs });
    this.previous ??= {
      state: "INSUFFICIENT_DATA",
      reason: "Unchecked: Initial alarm creation",
      at: new Date(atMs).toISOString(),
      reasonData: null,
    };
    const stateOf = (name: string) => this.states.get(name)?.state ?? "INSUFFICIENT_DATA";
    const to: AlarmStateValue = evaluateAlarmRule(c.rule, stateOf) ? "ALARM" : "OK";
    if (to === this.state) return null;
    // The children that changed now, then (into ALARM) the others already in ALARM: reasonData's triggeringAlarms.
    const triggering: TriggeringAlarm[] = now.map((e) => ({ alarm: e.alarm, state: e.to, atMs }));
    if (to === "ALARM") {
      for (const child of c.children) {
        const s = this.states.get(child);
        if (s?.state === "ALARM" && !now.some((e) => e.alarm === child))
          triggering.push({ alarm: child, ...s });
      }
    }
    const reason = compositeReason(triggering[0] as TriggeringAlarm, where.account, where.region);
    const reasonData = compositeReasonData(triggering, where.account, where.region);
    const at = new Date(atMs).toISOString();
    const change: StateChange = {
      alarm: c.alarm.AlarmName,
      alarmType: "composite",
      at,
      atMs,
      from: this.state,
      to,
      value: null,
      datapoints: [],
      reason,
      reasonData,
      previous: this.previous,
      actionsSuppressedBy: null,
      actionsAt: at,
      account: where.account,
      region: where.region,
    };
    this.suppression?.change(change);
    this.previous = { state: to, reason, at, reasonData };
    this.state = to;
    return change;
  }

  /** The recording ended at `endMs`: actions whose wait ends by then run, the others stay pending. */
  end(endMs: number): void {
    this.suppression?.end(endMs);
  }
}

/**
 * The state changes of every composite, given the changes of the metric alarms, as lists: the
 * steps of CompositeAlarmRun over every instant at which an alarm changed.
 */
export function evaluateComposites(
  composites: readonly CompositeAlarm[],
  changesOf: Map<string, StateChange[]>,
  options: CompositeOptions,
): { changes: StateChange[]; unsupported: UnsupportedAlarmError[] } {
  const { order, unsupported } = compileComposites(composites);
  const runs = order.map((c) => ({ run: new CompositeAlarmRun(c), changes: [] as StateChange[] }));
  const instants = new Map<number, Map<string, StateChange>>();
  for (const [name, changes] of changesOf) {
    for (const change of changes) {
      const at = instants.get(change.atMs) ?? new Map<string, StateChange>();
      at.set(name, change);
      instants.set(change.atMs, at);
    }
  }
  for (const atMs of [...instants.keys()].sort((a, b) => a - b)) {
    const changed = instants.get(atMs) as Map<string, StateChange>;
    for (const r of runs) {
      const change = r.run.step(atMs, changed, options);
      if (!change) continue;
      changed.set(r.run.name, change);
      r.changes.push(change);
    }
  }
  for (const r of runs) {
    r.run.end(options.endMs);
    changesOf.set(r.run.name, r.changes);
  }
  return { changes: runs.flatMap((r) => r.changes), unsupported };
}

/**
 * Sets actionsSuppressedBy and actionsAt on a composite's changes as they come, from its
 * suppressor's changes: `suppressor` and `change` in time order (at one instant the suppressor's
 * first), then `end`. actionsSuppressedBy is set by `change`; actionsAt when the actions run
 * (a later call), or null for good when they never do.
 */
class ActionsSuppression {
  private readonly waitMs: number;
  private readonly extensionMs: number;
  private suppressorInAlarm = false;
  private phase: "none" | "wait" | "held" | "extension" = "none";
  private timerEnd = 0;
  private pending: StateChange | null = null;

  constructor(
    alarm: Pick<CompositeAlarm, "ActionsSuppressorWaitPeriod" | "ActionsSuppressorExtensionPeriod">,
  ) {
    this.waitMs = (alarm.ActionsSuppressorWaitPeriod ?? DEFAULT_SUPPRESSOR_PERIOD_SECONDS) * 1000;
    this.extensionMs = (alarm.ActionsSuppressorExtensionPeriod ?? DEFAULT_SUPPRESSOR_PERIOD_SECONDS) * 1000;
  }

  /** The suppressor changed state at `atMs`. */
  suppressor(atMs: number, inAlarm: boolean): void {
    this.expire(atMs);
    if (inAlarm && !this.suppressorInAlarm && (this.phase === "wait" || this.phase === "extension"))
      this.phase = "held";
    if (!inAlarm && this.suppressorInAlarm && this.phase === "held") {
      this.phase = "extension";
      this.timerEnd = atMs + this.extensionMs;
    }
    this.suppressorInAlarm = inAlarm;
  }

  /** The composite changed state. */
  change(change: StateChange): void {
    this.expire(change.atMs);
    change.actionsAt = null;
    this.pending = change; // an earlier change still waiting is superseded: its actions never run
    let by: SuppressedBy | null;
    if (this.suppressorInAlarm) {
      this.phase = "held";
      by = "Alarm";
    } else if (this.waitMs === 0) {
      // No wait: the actions run at once, nothing is held.
      this.phase = "none";
      this.pending = null;
      change.actionsAt = change.at;
      by = null;
    } else {
      this.phase = "wait";
      this.timerEnd = change.atMs + this.waitMs;
      by = "WaitPeriod";
    }
    change.actionsSuppressedBy = by;
  }

  /** The recording ended at `endMs`. */
  end(endMs: number): void {
    this.expire(endMs);
  }

  private expire(until: number): void {
    if ((this.phase === "wait" || this.phase === "extension") && this.timerEnd <= until) {
      if (this.pending) this.pending.actionsAt = new Date(this.timerEnd).toISOString();
      this.pending = null;
      this.phase = "none";
    }
  }
}

/**
 * ActionsSuppression over lists: a composite's changes and its suppressor's.
 * Exported for tests: the examples of Create_Composite_Alarm.html are its table.
 */
export function applySuppressor(
  alarm: Pick<CompositeAlarm, "ActionsSuppressorWaitPeriod" | "ActionsSuppressorExtensionPeriod">,
  changes: StateChange[],
  suppressorChanges: readonly StateChange[],
  endMs: number,
): void {
  type Event =
    | { atMs: number; kind: "suppressor"; inAlarm: boolean }
    | { atMs: number; kind: "change"; change: StateChange };
  const events: Event[] = [
    ...suppressorChanges.map((s) => ({
      atMs: s.atMs,
      kind: "suppressor" as const,
      inAlarm: s.to === "ALARM",
    })),
    ...changes.map((change) => ({ atMs: change.atMs, kind: "change" as const, change })),
  ].sort((a, b) => a.atMs - b.atMs || (a.kind === b.kind ? 0 : a.kind === "suppressor" ? -1 : 1));
  const suppression = new ActionsSuppression(alarm);
  for (const e of events) {
    if (e.kind === "suppressor") suppression.suppressor(e.atMs, e.inAlarm);
    else suppression.change(e.change);
  }
  suppression.end(endMs);
}
