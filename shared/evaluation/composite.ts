/**
 * Composite alarms over the state changes of the alarms they name, and the actions suppressor.
 *
 * A composite is evaluated whenever an alarm its AlarmRule names changes state (all changes at
 * one instant are applied together), starting INSUFFICIENT_DATA: the rule true → ALARM, false →
 * OK. Rules are parsed by shared/alarms/alarmRule.ts (ALARM/OK/INSUFFICIENT_DATA, TRUE, FALSE,
 * AND, OR, NOT, parentheses). A composite that names no alarm with a change reports nothing.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
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
 * every minute") and the CDK's default.
 */
import {
  type AlarmRuleNode,
  AlarmRuleSyntaxError,
  type AlarmStateValue,
  alarmNameOf,
  alarmsReferenced,
  evaluateAlarmRule,
  parseAlarmRule,
} from "../alarms/alarmRule.js";
import type { CompositeAlarm } from "../config/schema.js";
import { UnsupportedAlarmError } from "../errors.js";
import { compositeReason, compositeReasonData, type TriggeringAlarm } from "./reason.js";
import type { StateChange, SuppressedBy } from "./stateChange.js";

export const DEFAULT_SUPPRESSOR_PERIOD_SECONDS = 60;

export type CompositeOptions = {
  account: string | null;
  region: string | null;
  /** Epoch ms: the end of the recording; timers running past it leave their actions pending. */
  endMs: number;
};

type Compiled = { alarm: CompositeAlarm; rule: AlarmRuleNode; children: string[]; suppressor: string | null };

/**
 * The state changes of every composite, given the changes of the metric alarms. Composites are
 * evaluated after the alarms they name (composites of composites included); a cycle, which
 * CloudWatch stops evaluating, and a rule that does not parse are reported as unsupported.
 */
export function evaluateComposites(
  composites: readonly CompositeAlarm[],
  changesOf: Map<string, StateChange[]>,
  options: CompositeOptions,
): { changes: StateChange[]; unsupported: UnsupportedAlarmError[] } {
  const unsupported: UnsupportedAlarmError[] = [];
  const compiled = new Map<string, Compiled>();
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
  const all: StateChange[] = [];
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
    const changes = evaluateComposite(c, changesOf, options);
    if (c.suppressor) applySuppressor(c.alarm, changes, changesOf.get(c.suppressor) ?? [], options.endMs);
    changesOf.set(name, changes);
    all.push(...changes);
    done.add(name);
    return true;
  };
  for (const alarm of composites) visit(alarm.AlarmName);
  return { changes: all, unsupported };
}

function evaluateComposite(
  c: Compiled,
  changesOf: Map<string, StateChange[]>,
  options: CompositeOptions,
): StateChange[] {
  const events = c.children.flatMap((child) => changesOf.get(child) ?? []).sort((a, b) => a.atMs - b.atMs);
  const states = new Map<string, { state: AlarmStateValue; atMs: number }>();
  const stateOf = (name: string) => states.get(name)?.state ?? "INSUFFICIENT_DATA";
  let state: AlarmStateValue = "INSUFFICIENT_DATA";
  let previous: StateChange["previous"] | null = null;
  const changes: StateChange[] = [];
  for (let i = 0; i < events.length; ) {
    const atMs = (events[i] as StateChange).atMs;
    const now: StateChange[] = [];
    while (i < events.length && (events[i] as StateChange).atMs === atMs)
      now.push(events[i++] as StateChange);
    for (const e of now) states.set(e.alarm, { state: e.to, atMs });
    previous ??= {
      state: "INSUFFICIENT_DATA",
      reason: "Unchecked: Initial alarm creation",
      at: new Date(atMs).toISOString(),
      reasonData: null,
    };
    const to: AlarmStateValue = evaluateAlarmRule(c.rule, stateOf) ? "ALARM" : "OK";
    if (to === state) continue;
    // The children that changed now, then (into ALARM) the others already in ALARM: reasonData's triggeringAlarms.
    const triggering: TriggeringAlarm[] = now.map((e) => ({ alarm: e.alarm, state: e.to, atMs }));
    if (to === "ALARM") {
      for (const child of c.children) {
        const s = states.get(child);
        if (s?.state === "ALARM" && !now.some((e) => e.alarm === child))
          triggering.push({ alarm: child, ...s });
      }
    }
    const reason = compositeReason(triggering[0] as TriggeringAlarm, options.account, options.region);
    const reasonData = compositeReasonData(triggering, options.account, options.region);
    const at = new Date(atMs).toISOString();
    changes.push({
      alarm: c.alarm.AlarmName,
      alarmType: "composite",
      at,
      atMs,
      from: state,
      to,
      value: null,
      datapoints: [],
      reason,
      reasonData,
      previous,
      actionsSuppressedBy: null,
      actionsAt: at,
      account: options.account,
      region: options.region,
    });
    previous = { state: to, reason, at, reasonData };
    state = to;
  }
  return changes;
}

/**
 * Sets actionsSuppressedBy and actionsAt on a composite's changes, from its suppressor's changes.
 * Exported for tests: the examples of Create_Composite_Alarm.html are its table.
 */
export function applySuppressor(
  alarm: Pick<CompositeAlarm, "ActionsSuppressorWaitPeriod" | "ActionsSuppressorExtensionPeriod">,
  changes: StateChange[],
  suppressorChanges: readonly StateChange[],
  endMs: number,
): void {
  const waitMs = (alarm.ActionsSuppressorWaitPeriod ?? DEFAULT_SUPPRESSOR_PERIOD_SECONDS) * 1000;
  const extensionMs = (alarm.ActionsSuppressorExtensionPeriod ?? DEFAULT_SUPPRESSOR_PERIOD_SECONDS) * 1000;
  type Event =
    | { atMs: number; kind: "suppressor"; inAlarm: boolean }
    | { atMs: number; kind: "change"; change: StateChange };
  // At one instant the suppressor's change comes first: it is a child evaluated before the composite.
  const events: Event[] = [
    ...suppressorChanges.map((s) => ({
      atMs: s.atMs,
      kind: "suppressor" as const,
      inAlarm: s.to === "ALARM",
    })),
    ...changes.map((change) => ({ atMs: change.atMs, kind: "change" as const, change })),
  ].sort((a, b) => a.atMs - b.atMs || (a.kind === b.kind ? 0 : a.kind === "suppressor" ? -1 : 1));

  let suppressorInAlarm = false;
  let phase: "none" | "wait" | "held" | "extension" = "none";
  let timerEnd = 0;
  let pending: StateChange | null = null;
  const expire = (until: number) => {
    if ((phase === "wait" || phase === "extension") && timerEnd <= until) {
      if (pending) pending.actionsAt = new Date(timerEnd).toISOString();
      pending = null;
      phase = "none";
    }
  };
  for (const e of events) {
    expire(e.atMs);
    if (e.kind === "suppressor") {
      if (e.inAlarm && !suppressorInAlarm && (phase === "wait" || phase === "extension")) phase = "held";
      if (!e.inAlarm && suppressorInAlarm && phase === "held") {
        phase = "extension";
        timerEnd = e.atMs + extensionMs;
      }
      suppressorInAlarm = e.inAlarm;
      continue;
    }
    const change = e.change;
    change.actionsAt = null;
    pending = change; // an earlier change still waiting is superseded: its actions never run
    let by: SuppressedBy | null;
    if (suppressorInAlarm) {
      phase = "held";
      by = "Alarm";
    } else if (waitMs === 0) {
      // No wait: the actions run at once, nothing is held.
      phase = "none";
      pending = null;
      change.actionsAt = change.at;
      by = null;
    } else {
      phase = "wait";
      timerEnd = e.atMs + waitMs;
      by = "WaitPeriod";
    }
    change.actionsSuppressedBy = by;
  }
  expire(endMs);
}
