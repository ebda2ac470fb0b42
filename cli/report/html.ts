/**
 * `replay --report F.html`: one self-contained HTML page (docs/replay.md, the report). uPlot's
 * script and style and the page's own script are inlined from node_modules and cli/report/ when
 * the report is written, and the data travels in the page: nothing is fetched when it is opened,
 * from disk or anywhere.
 *
 * Two JSON blocks hold the data: `surge-report`, the replay's `--json` object with, for a scenario
 * of a published case, `published` (the case's figures) and `measured` (the same figures in each
 * mode); and `surge-timeline`, the minute-by-minute series the charts draw (timeline.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import type { Timeline } from "../../shared/offline/replay/timeline.js";
import type { ReplayMode, ReplayResult } from "../../shared/offline/replay/types.js";
import { projectPath } from "../projectRoot.js";
import { comparedWithPublished, publishedTitle } from "./published.js";

const require = createRequire(import.meta.url);

/** The library and the page's script, read when a report is written. */
const assets = () => ({
  uplotJs: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
  uplotCss: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  client: readFileSync(projectPath("cli", "report", "client.js"), "utf8"),
  style: readFileSync(projectPath("cli", "report", "report.css"), "utf8"),
});

export type ReportInput = {
  files: readonly string[];
  configFile: string;
  results: Partial<Record<ReplayMode, ReplayResult>>;
  timelines: Partial<Record<ReplayMode, Timeline>>;
  seed: number;
};

/** The `--json` object as `replay` prints it: one mode's result, or both keyed by mode. */
export function jsonObject(results: Partial<Record<ReplayMode, ReplayResult>>): object {
  const modes = Object.keys(results) as ReplayMode[];
  return modes.length === 1 ? (results[modes[0] as ReplayMode] as ReplayResult) : results;
}

/** The report's data: what `surge-report` holds. */
export function reportData(input: ReportInput): Record<string, unknown> {
  const compared = comparedWithPublished(input.files, input.results, input.timelines);
  return { ...jsonObject(input.results), ...(compared ?? {}) };
}

/** JSON inside a script element: `<` escaped, so that no `</script>` in a name can end it. */
const embedded = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Text inlined in a `<script>` or `<style>`: a closing tag inside it would end it early. */
const inline = (text: string, tag: "script" | "style") => text.replaceAll(`</${tag}`, `<\\/${tag}`);

export function reportHtml(input: ReportInput): string {
  const { uplotJs, uplotCss, client, style } = assets();
  const title = `surge-brain replay: ${input.files.map((f) => basename(f)).join(", ")}`;
  const meta = {
    files: input.files,
    config: input.configFile,
    seed: input.seed,
    case: publishedTitle(input.files),
    timelines: input.timelines,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${inline(uplotCss, "style")}</style>
<style>${inline(style, "style")}</style>
</head>
<body>
<main id="report"><h1>${escapeHtml(title)}</h1><noscript>The charts need JavaScript; the data is in this page's JSON blocks.</noscript></main>
<script type="application/json" id="surge-report">${embedded(reportData(input))}</script>
<script type="application/json" id="surge-timeline">${embedded(meta)}</script>
<script>${inline(uplotJs, "script")}</script>
<script>${inline(client, "script")}</script>
</body>
</html>
`;
}
