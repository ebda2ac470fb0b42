import { describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/io.js";
import { formatReplayTable, progressBar } from "../../cli/replayOutput.js";
import type { ReplayResult, TargetKpis } from "../../shared/offline/replay/types.js";

const kpis = (over: Partial<TargetKpis> = {}): TargetKpis => ({
  underProvisionedSeconds: 0,
  capacityHours: 0,
  actions: 0,
  scaleOuts: 0,
  scaleIns: 0,
  flaps: 0,
  blocked: 0,
  maxCapacity: 0,
  timeToCapacitySeconds: null,
  scaleInLagSeconds: null,
  ...over,
});

const result = (targets: Record<string, TargetKpis>): ReplayResult => ({ targets, decisions: [] });

const brain = result({
  readers: kpis({
    underProvisionedSeconds: 119.6,
    capacityHours: 3.5,
    actions: 4,
    scaleOuts: 3,
    scaleIns: 1,
    blocked: 7,
    maxCapacity: 6,
    timeToCapacitySeconds: 180,
    scaleInLagSeconds: 300.4,
  }),
  "acu-floor": kpis({ capacityHours: 12.346, maxCapacity: 2.5 }),
});
const native = result({
  readers: kpis({
    underProvisionedSeconds: 1200,
    capacityHours: 14,
    actions: 11,
    scaleOuts: 6,
    scaleIns: 5,
    flaps: 4,
    maxCapacity: 8,
    timeToCapacitySeconds: 420,
  }),
});

describe("the replay table", () => {
  it("one mode: a table per target, labels left and values right, seconds whole, hours to 2 decimals, null as —", () => {
    expect(formatReplayTable({ coordinated: brain })).toBe(
      [
        "readers",
        "                         coordinated",
        "  under-provisioned (s)          120", // 119.6 rounded
        "  capacity-hours                3.50",
        "  actions                          4",
        "  scale-outs                       3",
        "  scale-ins                        1",
        "  flaps                            0",
        "  blocked                          7",
        "  max capacity                     6",
        "  time to capacity (s)           180",
        "  scale-in lag (s)               300", // 300.4 rounded
        "",
        "acu-floor",
        "                         coordinated",
        "  under-provisioned (s)            0",
        "  capacity-hours               12.35", // 12.346 to 2 decimals
        "  actions                          0",
        "  scale-outs                       0",
        "  scale-ins                        0",
        "  flaps                            0",
        "  blocked                          0",
        "  max capacity                   2.5", // an ACU floor in half steps
        "  time to capacity (s)             —",
        "  scale-in lag (s)                 —",
      ].join("\n"),
    );
  });

  it("both modes side by side, the brain first whatever the order given; a target one mode lacks is — there", () => {
    const table = formatReplayTable({ uncoordinated: native, coordinated: brain });
    expect(table.split("\n").slice(0, 12)).toEqual([
      "readers",
      "                         coordinated  uncoordinated",
      "  under-provisioned (s)          120           1200",
      "  capacity-hours                3.50          14.00",
      "  actions                          4             11",
      "  scale-outs                       3              6",
      "  scale-ins                        1              5",
      "  flaps                            0              4",
      "  blocked                          7              0",
      "  max capacity                     6              8",
      "  time to capacity (s)           180            420",
      "  scale-in lag (s)               300              —",
    ]);
    expect(table).toContain("acu-floor\n");
    expect(table.split("\n").at(-1)).toBe("  scale-in lag (s)                 —              —");
    expect(table).toContain("  capacity-hours               12.35              —");
  });

  it("a column widens to its widest value", () => {
    const table = formatReplayTable({
      uncoordinated: result({ big: kpis({ underProvisionedSeconds: 2_592_000 }) }),
    });
    // "uncoordinated" is 13 wide; 2592000 is 7: the header sets the width, every value ends under it.
    const ends = table
      .split("\n")
      .slice(1)
      .map((l) => l.length);
    expect(new Set(ends)).toEqual(new Set([2 + 21 + 2 + 13]));
  });

  it("no targets, no table", () => {
    expect(formatReplayTable({})).toBe("no targets");
    expect(formatReplayTable({ coordinated: result({}) })).toBe("no targets");
  });
});

/** An io whose standard error is a terminal (or not), recording what is drawn and written. */
function terminalIo(isTerminal: boolean, columns = 120) {
  const drawn: string[] = [];
  const lines: string[] = [];
  const io: CliIo = {
    out: () => {},
    err: (t) => lines.push(t),
    ...(isTerminal && { errTerminal: { write: (t: string) => drawn.push(t), columns: () => columns } }),
  };
  return { io, drawn, lines };
}

/** A clock moved by hand. */
function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("the progress bar", () => {
  it("is not drawn when standard error is not a terminal, however long the replay", () => {
    const { io, drawn, lines } = terminalIo(false);
    const c = clock();
    const bar = progressBar(io, 100, { now: c.now });
    c.advance(5000);
    bar.update(50);
    bar.end();
    expect(drawn).toEqual([]);
    expect(lines).toEqual([]);
    expect(bar.io).toBe(io);
  });

  it("is not drawn in the replay's first second, nor cleared at the end of a short replay", () => {
    const { io, drawn } = terminalIo(true);
    const c = clock();
    const bar = progressBar(io, 100, { now: c.now });
    bar.update(10);
    c.advance(1000); // exactly a second: not yet "more than a second"
    bar.update(90);
    bar.end();
    expect(drawn).toEqual([]);
  });

  it("after a second: drawn in place on one line, then cleared at the end", () => {
    const { io, drawn, lines } = terminalIo(true);
    const c = clock();
    const bar = progressBar(io, 43_200, { now: c.now });
    c.advance(1001);
    bar.update(21_600);
    // Half of 30 cells filled; 50%.
    expect(drawn).toEqual([`\r\x1b[2Kreplay [${"█".repeat(15)}${"░".repeat(15)}]  50%  21600/43200 minutes`]);
    bar.end();
    expect(drawn.at(-1)).toBe("\r\x1b[2K");
    expect(lines).toEqual([]); // nothing through `err`: no newline is ever added to the bar
    bar.end();
    expect(drawn).toHaveLength(2); // cleared once
  });

  it("redraws when the percentage moves, or at most every 100 ms", () => {
    const { io, drawn } = terminalIo(true);
    const c = clock();
    const bar = progressBar(io, 1000, { now: c.now });
    c.advance(2000);
    bar.update(500); // drawn: 50%
    bar.update(501); // 50% still, 0 ms later: not redrawn
    bar.update(510); // 51%: redrawn
    c.advance(100);
    bar.update(511); // 51%, but 100 ms since: redrawn
    expect(drawn.map((d) => d.match(/\d+\/1000/)?.[0])).toEqual(["500/1000", "510/1000", "511/1000"]);
  });

  it("never wider than the terminal: a wrapped line could not be redrawn in place", () => {
    const { io, drawn } = terminalIo(true, 40);
    const c = clock();
    const bar = progressBar(io, 10, { now: c.now });
    c.advance(1500);
    bar.update(3);
    expect((drawn[0] as string).replace("\r\x1b[2K", "")).toHaveLength(39);
  });

  it("a line written to standard error during the replay clears the bar first; the next update draws it again", () => {
    const { io, drawn, lines } = terminalIo(true);
    const c = clock();
    const bar = progressBar(io, 10, { now: c.now });
    c.advance(1500);
    bar.update(3);
    bar.io.err("warning: something");
    expect(drawn).toHaveLength(2);
    expect(drawn[1]).toBe("\r\x1b[2K");
    expect(lines).toEqual(["warning: something"]);
    bar.io.err("another"); // nothing drawn now: nothing to clear
    expect(drawn).toHaveLength(2);
    bar.update(4);
    expect(drawn).toHaveLength(3);
    expect(drawn[2]).toContain("4/10 minutes");
  });
});
