/**
 * The rules of the event calendar: each event's times and time zone, a capacity per audience on
 * every target when there are events, and the lead times against the gaps between events.
 */
import type { Problem } from "../../errors.js";
import { errorAt, warningAt } from "../../problems.js";
import { eventSpan, floorFor, leadSecondsOf, unitsFor } from "../../schedules/calendar.js";
import { isIanaTimeZone, parseScheduleExpression } from "../scheduleExpression.js";
import type { BrainConfig, CalendarEvent } from "../schema.js";

const iso = (t: number) => new Date(t).toISOString();

export function checkCalendar(config: BrainConfig): Problem[] {
  const events = config.calendar ?? [];
  if (events.length === 0) return [];
  const problems: Problem[] = [];
  const names = new Set<string>();
  const valid: { i: number; event: CalendarEvent }[] = [];
  events.forEach((event, i) => {
    const path = ["calendar", i];
    let ok = true;
    if (names.has(event.name)) {
      problems.push(errorAt([...path, "name"], `another event is named "${event.name}"`));
      ok = false;
    }
    names.add(event.name);
    for (const field of ["start", "end"] as const) {
      const parsed = parseScheduleExpression(`at(${event[field]})`);
      if (!parsed.ok) {
        problems.push(errorAt([...path, field], `${event[field]} is not a real date and time`));
        ok = false;
      }
    }
    if (!isIanaTimeZone(event.timeZone)) {
      problems.push(
        errorAt([...path, "timeZone"], `"${event.timeZone}" is not an IANA time zone such as Europe/Madrid`),
      );
      ok = false;
    }
    if (ok && event.end <= event.start) {
      problems.push(
        errorAt([...path, "end"], `the event ends (${event.end}) before it starts (${event.start})`),
      );
      ok = false;
    }
    if (ok) valid.push({ i, event });
  });

  config.targets.forEach((target, t) => {
    const path = ["targets", t];
    if (!target.audience) {
      problems.push(
        errorAt(
          path,
          `${target.id} has no capacity per audience for the calendar's events: add "audience": { "perUnit": n } (the audience one ${target.kind === "aurora-capacity" ? "ACU" : target.kind === "asg" ? "instance" : "reader"} serves)`,
        ),
      );
      return;
    }
    if (target.audience.onlyDuringEvents && target.MinCapacity !== 0) {
      problems.push(
        errorAt(
          [...path, "audience", "onlyDuringEvents"],
          `a target that exists only around events has MinCapacity 0, not ${target.MinCapacity}`,
        ),
      );
    }
    const lead = leadSecondsOf(target, config.settings);
    const spans = valid
      .map(({ i, event }) => ({ i, event, ...eventSpan(event) }))
      .sort((a, b) => a.start - b.start);
    spans.forEach((span, k) => {
      const wanted = unitsFor(target, span.event.peakAudience);
      if (floorFor(target, span.event) < wanted) {
        problems.push(
          warningAt(
            ["calendar", span.i, "peakAudience"],
            `${target.id} would need ${wanted} for ${span.event.peakAudience} of audience; its MaxCapacity holds the floor at ${floorFor(target, span.event)}`,
          ),
        );
      }
      const previous = spans[k - 1];
      if (previous && previous.end <= span.start && (span.start - previous.end) / 1000 < lead) {
        problems.push(
          warningAt(
            ["calendar", span.i, "start"],
            `${target.id}'s lead time (${lead} s) is longer than the ${(span.start - previous.end) / 1000} s since ${previous.event.name} ends (${iso(previous.end)}): its floor is raised while ${previous.event.name} runs, and the larger floor wins`,
          ),
        );
      }
    });
  });
  return problems;
}
