// npm run test:report [-- --screenshots DIR]: the replay report of each scenario in a real browser.
// For every folder of events/scenarios/, replays its streams in both modes with --report, opens the
// page in headless Chromium (Debian's package, driven by playwright-core) from disk, and fails on
// any console error, page error, failed request or request at all beyond the file itself (the
// page must need nothing but itself); checks that every chart is drawn with data, that each
// target's decisions are marked and that hovering a decision's minute shows its reason; writes a
// screenshot of each page (to DIR, else a temporary folder) and says where.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.error(
    `test:report needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium), or CHROMIUM_PATH naming one`,
  );
  process.exit(1);
}
const { chromium } = await import("playwright-core");

const at = process.argv.indexOf("--screenshots");
const shots = resolve(at > 0 ? process.argv[at + 1] : mkdtempSync(join(tmpdir(), "brain-report-shots-")));
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "brain-report-"));
const SCENARIOS = "events/scenarios";

/** The scenario's replay command: its streams, and its own configuration where it has one. */
function replayArgs(name, report) {
  const folder = join(SCENARIOS, name);
  const files = readdirSync(folder).filter((f) => f !== "README.md" && f !== "brain.config.json");
  const config = join(folder, "brain.config.json");
  return [
    "bin/brain.js",
    "replay",
    ...files.map((f) => join(folder, f)),
    ...(existsSync(config) ? ["--config", config] : []),
    "--mode",
    "both",
    "--report",
    report,
  ];
}

const failures = [];
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
try {
  for (const name of readdirSync(SCENARIOS).sort()) {
    const report = join(work, `${name}.html`);
    execFileSync(process.execPath, replayArgs(name, report), { stdio: ["ignore", "ignore", "inherit"] });
    const url = pathToFileURL(report).href;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));
    page.on("request", (r) => r.url() !== url && problems.push(`request beyond the page: ${r.url()}`));
    await page.goto(url);
    await page.waitForFunction(() => window.surgeReport?.charts?.length > 0, null, { timeout: 10_000 });
    const charts = await page.evaluate(() =>
      window.surgeReport.charts.map((u) => {
        const canvas = u.root.querySelector("canvas");
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0) inked++;
        const values = u.data.slice(1).map((s) => s.filter((v) => v !== null && v !== undefined).length);
        const marks = u.series
          .map((s, i) => (/decisions taken|held back/.test(s.label ?? "") ? values[i - 1] : 0))
          .reduce((a, b) => a + b, 0);
        return {
          name: u.surgeTarget ?? `alarms (${u.surgeAlarms})`,
          target: u.surgeTarget ?? null,
          points: values.reduce((a, b) => a + b, 0),
          inked,
          decisions: u.surgeDecisions ?? 0,
          marks,
        };
      }),
    );
    for (const c of charts) {
      if (c.points === 0) problems.push(`${c.name}: the chart has no data`);
      if (c.inked === 0) problems.push(`${c.name}: nothing is drawn`);
      if (c.target && c.decisions > 0 && c.marks === 0)
        problems.push(`${c.name}: ${c.decisions} decisions, none marked`);
    }
    // Hover the minute of the first decision: its reason shows under the chart.
    const first = await page.evaluate(() => {
      const r = window.surgeReport.report;
      const decisions = (r.coordinated ?? r).decisions;
      return decisions.length ? decisions[0] : null;
    });
    if (first) {
      const shown = await page.evaluate((d) => {
        const u = window.surgeReport.charts.find((c) => c.surgeTarget === d.target);
        const x = Math.floor(Date.parse(d.at) / 60000) * 60;
        u.setCursor({ left: u.valToPos(x, "x"), top: 10 });
        return u.root.parentElement.nextElementSibling.textContent;
      }, first);
      if (!shown.includes(first.reason))
        problems.push(`hovering ${first.at} shows "${shown}", not ${first.reason}`);
    }
    const shot = join(shots, `${name}.png`);
    // The top of the page: the heading, the published case and the first target.
    await page.screenshot({ path: shot, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1250 } });
    await page.close();
    const targets = charts.filter((c) => c.target).length;
    console.log(
      `${name}: ${charts.length} charts (${targets} targets), ${charts.reduce((n, c) => n + c.marks, 0)} decision marks; screenshot ${shot}`,
    );
    for (const p of problems) failures.push(`${name}: ${p}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const f of failures) console.error(f);
  process.exit(1);
}
console.log("test:report: every report opens from disk, draws its charts and marks its decisions");
