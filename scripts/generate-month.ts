/**
 * Writes a long recording for measuring replay (shared/offline/streams/virtwayMonth.ts): Metric
 * Streams JSON lines, one record a minute for each of the ten series the Virtway example reads,
 * over `days` days (default 30). Synthetic: not a real trace. `bench`'s `replay` figure writes the
 * same recording.
 *
 *   npx tsx scripts/generate-month.ts /tmp/month.jsonl [days]
 *   npm run brain -- replay /tmp/month.jsonl --mode both
 */
import { writeVirtwayMonth } from "../shared/offline/streams/virtwayMonth.js";

const USAGE = "usage: npx tsx scripts/generate-month.ts <out.jsonl> [days]";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(
    `${USAGE}\n\nWrites a synthetic 30-day (or [days]-day) Metric Streams recording of the Virtway example's ten series.`,
  );
  process.exit(0);
}
const [out, daysArg] = args;
if (!out || out.startsWith("-")) {
  console.error(USAGE);
  process.exit(2);
}
const days = Number(daysArg ?? 30);
if (!Number.isInteger(days) || days < 1) {
  console.error(`generate-month: days must be a whole number ≥ 1, not ${daysArg}`);
  process.exit(2);
}
const shape = await writeVirtwayMonth(out, days);
console.error(`${out}: ${shape.days} days, ${shape.series} series, ${shape.datapoints} records`);
