/** Writes a replay's report: to a temporary file beside it, then renamed, so no half-written page is left. */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { type ReportInput, reportHtml } from "./html.js";

export function writeReport(file: string, input: ReportInput): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, reportHtml(input));
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}
