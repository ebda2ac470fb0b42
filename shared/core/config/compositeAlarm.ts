/**
 * Which kind an alarm of the configuration is, apart from its schema (schema.ts re-exports it) so
 * that the functions, whose configuration is checked at build time, tell the kinds without
 * bundling the schema.
 */

/** A composite alarm (it has an AlarmRule), not a metric alarm. */
export const isCompositeAlarm = <A extends { AlarmName: string }>(
  alarm: A,
): alarm is Extract<A, { AlarmRule: string }> => "AlarmRule" in alarm;
