/**
 * How long the scheduled actions' bounds take, asked as the tick and replay ask them: once a
 * minute per target, for a month, on a configuration (default brain.config.json, with its
 * schedules and calendar).
 *
 *   npx tsx scripts/bench-schedules.ts [config]
 */
import { loadConfig } from "../shared/adapters/configFile.js";
import { scheduledActionsOf } from "../shared/core/schedules/actions.js";
import { scheduledBoundsAt } from "../shared/core/schedules/boundsInForce.js";

const { config } = loadConfig(process.argv[2] ?? "brain.config.json");
const start = Date.parse("2026-11-01T00:00:00Z");
const minutes = 30 * 24 * 60;
const began = performance.now();
for (let m = 0; m < minutes; m++) {
  for (const target of config.targets) {
    scheduledBoundsAt(target, scheduledActionsOf(config, target), start + m * 60_000);
  }
}
const ms = performance.now() - began;
const asked = minutes * config.targets.length;
console.log(
  `${asked} bounds (${config.targets.length} targets × ${minutes} minutes) in ${ms.toFixed(0)} ms: ${((ms * 1000) / asked).toFixed(2)} µs each`,
);
