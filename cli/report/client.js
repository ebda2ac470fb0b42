// The replay report's page: reads the two JSON blocks and draws, with uPlot, per target the units
// the demand needs against the units in service and the capacity set (in flight between them),
// each mode's decisions on the time axis (taken, held back; the reasons under the chart on hover),
// the KPI table; then the alarms' states per mode. Inlined in the page by cli/report/html.ts.
(() => {
  const report = JSON.parse(document.getElementById("surge-report").textContent);
  const meta = JSON.parse(document.getElementById("surge-timeline").textContent);
  const main = document.getElementById("report");
  const modes = ["coordinated", "uncoordinated"].filter((m) => meta.timelines[m]);
  const LABEL = { coordinated: "brain", uncoordinated: "native" };
  const COLOR = {
    coordinated: { line: "#1565c0", band: "rgba(21,101,192,0.15)", held: "#90a4ae" },
    uncoordinated: { line: "#e65100", band: "rgba(230,81,0,0.12)", held: "#bcaaa4" },
  };
  const resultOf = (mode) => (modes.length === 1 && report.targets ? report : report[mode]);
  const charts = [];
  window.surgeReport = { charts, report, meta };

  const el = (tag, attrs = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of [].concat(children)) node.append(c);
    return node;
  };
  const hhmm = (ms) => new Date(ms).toISOString().slice(11, 16);
  const stamp = (ms) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  const width = () => Math.min(1100, main.clientWidth || 1000);
  const utc = (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");

  // The heading: what was replayed, and the published case beside each mode's own figures.
  const first = meta.timelines[modes[0]];
  main.append(
    el("p", { class: "what" }, [
      `${meta.files.join(", ")} with ${meta.config}, seed ${meta.seed}: ${modes.map((m) => LABEL[m]).join(" and ")}, `,
      `${stamp(first.minutes[0])} to ${stamp(first.minutes[first.minutes.length - 1] + 60000)} UTC. `,
      "Brain: the functions coordinated through the ledger; native: every policy alone, as AWS's own act.",
    ]),
  );
  if (report.published) {
    const figures = Object.keys(report.published);
    const show = (v) => (v === null || v === undefined ? "—" : Array.isArray(v) ? v.join("–") : String(v));
    main.append(
      el("h2", {}, meta.case ?? "The published case"),
      el("table", { class: "published" }, [
        el("tr", {}, [
          el("th", {}, `figure (${report.measured.target})`),
          el("th", {}, "published"),
          ...modes.map((m) => el("th", {}, LABEL[m])),
        ]),
        ...figures.map((f) =>
          el("tr", {}, [
            el("td", {}, f),
            el("td", {}, show(report.published[f])),
            ...modes.map((m) => el("td", {}, show(report.measured[m]?.[f]))),
          ]),
        ),
      ]),
    );
  }

  const KPIS = [
    ["underProvisionedSeconds", "under-provisioned (s)"],
    ["capacityHours", "capacity-hours"],
    ["actions", "actions"],
    ["scaleOuts", "scale-outs"],
    ["scaleIns", "scale-ins"],
    ["flaps", "flaps"],
    ["blocked", "blocked"],
    ["maxCapacity", "max capacity"],
    ["timeToCapacitySeconds", "time to capacity (s)"],
    ["scaleInLagSeconds", "scale-in lag (s)"],
    ["connectionsRefused", "connections refused"],
  ];
  const kpiTable = (target) =>
    el("table", { class: "kpis" }, [
      el("tr", {}, [el("th", {}, "KPI"), ...modes.map((m) => el("th", {}, LABEL[m]))]),
      // connectionsRefused only where a connection budget counts it.
      ...KPIS.filter(([key]) => modes.some((m) => resultOf(m).targets[target]?.[key] !== undefined)).map(
        ([key, label]) =>
          el("tr", {}, [
            el("td", {}, label),
            ...modes.map((m) => {
              const v = resultOf(m).targets[target]?.[key];
              return el("td", {}, v === null || v === undefined ? "—" : String(Math.round(v * 100) / 100));
            }),
          ]),
      ),
    ]);

  const minuteOf = (iso) => Math.floor(Date.parse(iso) / 60000) * 60;
  const describe = (mode, d) =>
    `${d.at.slice(11, 19)} ${LABEL[mode]} ${d.policy ?? "—"}: ${d.from} → ${d.to}, ${d.reason}` +
    (d.blockedBy ? ` (held back by ${d.blockedBy})` : " (taken)");

  for (const target of Object.keys(first.targets)) {
    const kind = first.targets[target].kind;
    const xs = first.minutes.map((ms) => ms / 1000);
    const index = new Map(xs.map((x, i) => [x, i]));
    const series = [{}];
    const data = [xs];
    const bands = [];
    const per = first.targets[target].demandPerUnit;
    series.push({
      label: "needed (demand ÷ per unit)",
      stroke: "#2e7d32",
      width: 2,
      dash: [6, 4],
      points: { show: false },
    });
    data.push(
      first.targets[target].demand.map((d) => (d === null ? null : Math.round((d / per) * 100) / 100)),
    );
    const decisionsAt = new Map();
    for (const mode of modes) {
      const t = meta.timelines[mode].targets[target];
      const c = COLOR[mode];
      series.push({ label: `${LABEL[mode]} in service`, stroke: c.line, width: 2, points: { show: false } });
      data.push(t.inService);
      series.push({
        label: `${LABEL[mode]} capacity set`,
        stroke: c.line,
        width: 1,
        dash: [2, 3],
        points: { show: false },
      });
      data.push(t.capacity);
      bands.push({ series: [series.length - 1, series.length - 2], fill: c.band });
      const taken = xs.map(() => null);
      const held = xs.map(() => null);
      for (const d of resultOf(mode).decisions.filter((d) => d.target === target)) {
        const x = minuteOf(d.at);
        const i = index.get(x);
        if (i === undefined) continue;
        if (d.blockedBy) held[i] = d.from;
        else taken[i] = d.to;
        decisionsAt.set(x, [...(decisionsAt.get(x) ?? []), describe(mode, d)]);
      }
      const marks = (label, values, fill, size) => {
        series.push({
          label,
          stroke: c.line,
          fill,
          paths: () => null,
          points: { show: true, size, space: 0, fill, stroke: c.line },
        });
        data.push(values);
      };
      marks(`${LABEL[mode]} decisions taken`, taken, c.line, 10);
      marks(`${LABEL[mode]} held back`, held, c.held, 7);
    }
    const hover = el(
      "div",
      { class: "hover" },
      "Hover over the chart: the decisions of the minute, with their reasons.",
    );
    const box = el("div", { class: "chart", "data-target": target });
    main.append(el("h2", {}, `${target} (${kind})`), box, hover, kpiTable(target));
    const chart = new uPlot(
      {
        width: width(),
        height: 320,
        tzDate: utc,
        series,
        bands,
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
        axes: [{}, { label: kind === "aurora-capacity" ? "ACU (floor)" : "units" }],
        hooks: {
          setCursor: [
            (u) => {
              const x = u.data[0][u.cursor.idx];
              if (x === undefined || x === null) return;
              const list = decisionsAt.get(x) ?? [];
              hover.textContent = `${hhmm(x * 1000)} UTC: ${list.length ? list.join("; ") : "no decision"}`;
            },
          ],
        },
      },
      data,
      box,
    );
    chart.surgeTarget = target;
    chart.surgeDecisions = modes.reduce(
      (n, m) => n + resultOf(m).decisions.filter((d) => d.target === target).length,
      0,
    );
    charts.push(chart);
  }

  // The connection budgets: per cluster, the connections open against what the available readers
  // allow, and the attempts refused, per mode.
  for (const cluster of Object.keys(first.connections ?? {})) {
    const xs = first.minutes.map((ms) => ms / 1000);
    const series = [{}];
    const data = [xs];
    for (const mode of modes) {
      const c = meta.timelines[mode].connections?.[cluster];
      if (!c) continue;
      const color = COLOR[mode];
      series.push({
        label: `${LABEL[mode]} connections open`,
        stroke: color.line,
        width: 2,
        points: { show: false },
      });
      data.push(c.open);
      series.push({
        label: `${LABEL[mode]} budget`,
        stroke: color.line,
        width: 1,
        dash: [6, 4],
        points: { show: false },
      });
      data.push(c.budget);
      series.push({
        label: `${LABEL[mode]} refused`,
        stroke: color.held,
        fill: color.band,
        width: 1,
        paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: false },
      });
      data.push(c.refused);
    }
    const box = el("div", { class: "chart connections", "data-cluster": cluster });
    main.append(
      el(
        "h2",
        {},
        `${cluster}: connections against the budget (solid: open; dashed: what the available readers allow; shaded: refused a minute)`,
      ),
      box,
    );
    const chart = new uPlot(
      {
        width: width(),
        height: 280,
        tzDate: utc,
        series,
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
        axes: [{}, { label: "connections" }],
      },
      data,
      box,
    );
    chart.surgeConnections = cluster;
    charts.push(chart);
  }

  // The alarms, per mode: one stepped line per alarm on its own row, low while OK, a little higher
  // with insufficient data, high while in ALARM.
  const alarms = Object.keys(first.alarms);
  const LEVEL = { OK: 0.1, INSUFFICIENT_DATA: 0.35, ALARM: 0.8 };
  if (alarms.length > 0) {
    for (const mode of modes) {
      const t = meta.timelines[mode];
      const xs = t.minutes.map((ms) => ms / 1000);
      const series = [{}];
      const data = [xs];
      alarms.forEach((name, row) => {
        const hue = Math.round((row * 360) / alarms.length);
        series.push({
          label: name,
          stroke: `hsl(${hue},65%,42%)`,
          width: 2,
          fill: `hsla(${hue},65%,42%,0.12)`,
          fillTo: row,
          paths: uPlot.paths.stepped({ align: 1 }),
          points: { show: false },
          value: (_u, v) =>
            v === null ? "—" : v - row > 0.5 ? "ALARM" : v - row > 0.2 ? "INSUFFICIENT_DATA" : "OK",
        });
        data.push(t.alarms[name].map((s) => row + (LEVEL[s] ?? LEVEL.INSUFFICIENT_DATA)));
      });
      const box = el("div", { class: "chart alarms", "data-mode": mode });
      main.append(
        el("h2", {}, `Alarm states, ${LABEL[mode]} (high: ALARM, middle: insufficient data, low: OK)`),
        box,
      );
      const chart = new uPlot(
        {
          width: width(),
          height: 80 + 26 * alarms.length,
          tzDate: utc,
          series,
          scales: { y: { range: [0, alarms.length] } },
          axes: [
            {},
            {
              size: 230,
              splits: () => alarms.map((_n, i) => i + 0.5),
              values: (_u, splits) => splits.map((v) => alarms[Math.floor(v)] ?? ""),
              grid: { show: false },
            },
          ],
        },
        data,
        box,
      );
      chart.surgeAlarms = mode;
      charts.push(chart);
    }
  }

  // Every decision, in time order.
  const all = modes.flatMap((m) => resultOf(m).decisions.map((d) => [m, d]));
  all.sort((a, b) => a[1].at.localeCompare(b[1].at));
  main.append(
    el("details", {}, [
      el("summary", {}, `Every decision (${all.length})`),
      el(
        "ul",
        { class: "decisions" },
        all.map(([m, d]) => el("li", {}, `${d.target} · ${describe(m, d)}`)),
      ),
    ]),
  );
})();
