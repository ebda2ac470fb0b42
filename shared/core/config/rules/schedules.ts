/**
 * The rules across a scheduled action's fields: its schedule expression and time zone, its time
 * window, and the capacity it sets.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 */
import type { Problem } from "../../errors.js";
import { errorAt, type Path } from "../../problems.js";
import type { TargetFields } from "../checkable.js";
import { isIanaTimeZone, parseScheduleExpression } from "../scheduleExpression.js";
import type { ScheduledAction } from "../schema.js";
import { checkBounds } from "./targets.js";

export function checkSchedule(target: TargetFields, schedule: ScheduledAction, path: Path): Problem[] {
  const problems: Problem[] = [];
  const parsed = parseScheduleExpression(schedule.Schedule);
  if (!parsed.ok) problems.push(errorAt([...path, "Schedule"], parsed.message));
  if (schedule.Timezone !== undefined && !isIanaTimeZone(schedule.Timezone)) {
    problems.push(
      errorAt([...path, "Timezone"], `"${schedule.Timezone}" is not an IANA time zone such as Europe/Madrid`),
    );
  }
  if (
    schedule.StartTime &&
    schedule.EndTime &&
    Date.parse(schedule.StartTime) >= Date.parse(schedule.EndTime)
  ) {
    problems.push(errorAt([...path, "EndTime"], "EndTime is not after StartTime"));
  }
  const action = schedule.ScalableTargetAction;
  const apath = [...path, "ScalableTargetAction"];
  if (action.MinCapacity === undefined && action.MaxCapacity === undefined) {
    problems.push(errorAt(apath, "give MinCapacity, MaxCapacity or both"));
  }
  problems.push(...checkBounds(target, apath, action.MinCapacity, action.MaxCapacity));
  return problems;
}
