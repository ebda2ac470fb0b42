/**
 * Replay's demand model: the recording's per-unit metrics, measured at the capacity the account
 * had then, turned into demand per target, which does not change when capacity does; and from
 * demand and the simulated capacity in service, the metrics the alarms and target tracking read
 * next. docs/replay.demand.md has the formulas; in short:
 *
 * - what the recording measured is kept as totals, conserved whatever the capacity: reader CPU and
 *   connections × readers reporting (the statistic's SampleCount), the group's EC2 CPU × instances
 *   reporting, the target group's RequestCount (or RequestCountPerTarget × HealthyHostCount);
 * - each minute, what n units in service report is the total over n: CPUUtilization capped at 100,
 *   ReadLatency proportional to the readers' utilization and growing with its square past
 *   saturation, RequestCountPerTarget = RequestCount / n, HealthyHostCount = n;
 * - a raised ACU floor gives each reader more capacity than it had when recorded, where the
 *   recording says what that was (ServerlessDatabaseCapacity): reader CPU falls in proportion;
 *   where it does not, the readers are taken to have run at what their load needed (Serverless v2
 *   scales each instance by itself), and the floor changes nothing;
 * - a series the model does not know is published as recorded.
 *
 *   const model = new DemandModel(config);
 *   model.observe(recordsOfMinute);
 *   const records = model.publish(t, (id) => world.inService(id));
 *   model.demandOf("virtway-api"); model.demandPerUnit("virtway-api");
 *
 * Deterministic: the same records and capacities give the same output.
 */
import type { BrainConfig, Target } from "../../core/config/schema.js";
import { SeriesIds } from "../evaluation/seriesIds.js";
import { tidy } from "../evaluation/statistics.js";
import type { Dimensions, MetricRecord, Statistics } from "../streams/record.js";
import { type SeriesName, seriesRead, type TargetDemand, targetDemandOf } from "./demandSeries.js";
import { EVEN, type MinuteStats, mergeBySeries, perUnitStats, singleStats, spreadOf } from "./minuteStats.js";

/**
 * Below this utilization a reader's ReadLatency is its service time alone: it does not fall further
 * when readers are added (the bundled recording: 1.2 ms at 28% CPU, 3.8 ms at 91%).
 */
const LATENCY_FLOOR_UTILIZATION = 0.25;

/** What a minute of the recording measured of one cluster's readers (Role=READER). */
type ReadersMinute = {
  readers: number;
  cpu?: MinuteStats;
  connections?: MinuteStats;
  latency?: MinuteStats;
  /** ServerlessDatabaseCapacity, the ACUs the readers ran at (or the floor's MinCapacity). */
  acu: number;
  /** Whether the recording has said what the ACUs were (this minute or before). */
  acuRecorded: boolean;
};

type GroupMinute = { instances: number; cpu?: MinuteStats };
type AlbMinute = { requests?: number; hosts: number };

/** The series of one cluster's readers, by number, and the keys their counts are held under. */
type ReaderSeries = {
  cpu: number;
  connections: number;
  latency: number;
  capacity: number;
  acuKey: string;
  readersKey: string;
};

/** A target group's series, by number (groupCpu: the asg target's own group's CPU, else -1). */
type AlbSeries = {
  requestCount: number;
  perTargetAlone: number;
  perTarget: number;
  healthy: number;
  groupCpu: number;
  hostsKey: string;
};

/** How a published series is made each minute, worked out once from the configuration. */
type Made =
  | { kind: "readers"; cluster: string }
  | { kind: "group"; name: string; target: Target | undefined }
  /** A series of the target group an asg target's demand series names. */
  | { kind: "alb"; target: Target; withLb: boolean; tgOnly: boolean }
  /** A series the model does not make: published as recorded. */
  | { kind: "recorded" };

/** A series replay publishes: its name, its number and how it is made. */
type Published = { series: SeriesName; id: number; made: Made };

const dimNames = (d: Record<string, string>) => Object.keys(d).sort().join(",");

/** The first target of a kind on a cluster or group, by its name. */
function firstBy(targets: readonly Target[], name: (t: Target) => string | null): Map<string, Target> {
  const found = new Map<string, Target>();
  for (const t of targets) {
    const n = name(t);
    if (n !== null && !found.has(n)) found.set(n, t);
  }
  return found;
}

export class DemandModel {
  private readonly targets: ReadonlyMap<string, { target: Target; demand: TargetDemand }>;
  private readonly published: readonly Published[];
  /** Every series the model reads and the recording has, numbered once: no key built per record. */
  private readonly ids = new SeriesIds();
  private readonly readerSeries = new Map<string, ReaderSeries>();
  private readonly groupCpu = new Map<string, number>();
  private readonly albSeriesOf = new Map<string, AlbSeries>();
  /** Per cluster, its readers target and its ACU floor target; per group name, its asg target. */
  private readonly readersTargets: ReadonlyMap<string, Target>;
  private readonly floorTargets: ReadonlyMap<string, Target>;
  private readonly groupTargets: ReadonlyMap<string, Target>;
  /** This minute's records, merged per series number. */
  private minute = new Map<number, { first: MetricRecord; stats: MinuteStats }>();
  private readersNow = new Map<string, ReadersMinute>();
  private groupsNow = new Map<string, GroupMinute>();
  private albNow = new Map<string, AlbMinute>();
  /** The last count of units reporting the recording gave, per cluster, group and target group. */
  private readonly held = new Map<string, number>();
  /** Each target's latest demand: held through minutes the recording has none. */
  private readonly demand = new Map<string, number>();

  constructor(private readonly config: BrainConfig) {
    this.targets = new Map(
      config.targets.map((t) => [t.id, { target: t, demand: targetDemandOf(config, t) }]),
    );
    this.readersTargets = firstBy(config.targets, (t) =>
      t.kind === "aurora-readers" ? t.DBClusterIdentifier : null,
    );
    this.floorTargets = firstBy(config.targets, (t) =>
      t.kind === "aurora-capacity" ? t.DBClusterIdentifier : null,
    );
    this.groupTargets = firstBy(config.targets, (t) => (t.kind === "asg" ? t.AutoScalingGroupName : null));
    this.published = seriesRead(config).map((series) => ({
      series,
      id: this.idOf(series.namespace, series.metricName, series.dimensions),
      made: this.madeOf(series),
    }));
  }

  /** The target's demand series and demand per unit (replay.demandPerUnit or its default). */
  targetDemand(targetId: string): TargetDemand {
    return this.entry(targetId).demand;
  }

  /** The demand one unit of the target serves before it saturates, in its demand series' units. */
  demandPerUnit(targetId: string): number {
    return this.entry(targetId).demand.perUnit;
  }

  /** This minute's demand of the target; null until the recording has had any. */
  demandOf(targetId: string): number | null {
    this.entry(targetId);
    return this.demand.get(targetId) ?? null;
  }

  /** The recording's records of one minute. */
  observe(records: readonly MetricRecord[]): void {
    this.minute = mergeBySeries(records, (r) => this.idOf(r.namespace, r.metricName, r.dimensions));
    this.readersNow = new Map();
    this.groupsNow = new Map();
    this.albNow = new Map();
    for (const { target, demand } of this.targets.values()) {
      const s = demand.series;
      if (s.kind === "readerCpu" || s.kind === "readerConnections" || s.kind === "acuFloor") {
        const r = this.readers(s.cluster);
        if (r === null) continue;
        if (s.kind === "readerCpu" && r.cpu?.average !== undefined)
          this.demandIs(target, r.cpu.average * r.readers);
        if (s.kind === "readerConnections" && r.connections?.average !== undefined)
          this.demandIs(target, r.connections.average * r.readers);
        if (s.kind === "acuFloor") this.acuFloorDemand(target, s.cluster, r.readers);
      } else if (s.kind === "groupCpu") {
        const g = this.group(s.group, target);
        if (g?.cpu?.average !== undefined) this.demandIs(target, g.cpu.average * g.instances);
      } else {
        const a = this.alb(s.loadBalancer, s.targetGroup, target);
        if (a?.requests !== undefined) this.demandIs(target, a.requests);
      }
    }
  }

  /**
   * The records of minute `at` for every series the alarms and target-tracking policies read,
   * from demand and the units in service (available readers, InService instances, the ACU floor).
   */
  publish(at: number, inService: (targetId: string) => number): MetricRecord[] {
    for (const { target, demand } of this.targets.values())
      if (demand.series.kind === "acuFloor") {
        const n = this.readersInService(demand.series.cluster, inService);
        this.acuFloorDemand(target, demand.series.cluster, n > 0 ? n : undefined);
      }
    const out: MetricRecord[] = [];
    for (const series of this.published) {
      const made = this.synthesize(series, inService);
      if (made) out.push(this.record(series.series, at, made.stats, made.unit));
    }
    return out;
  }

  // --- what the recording measured --------------------------------------------------------------

  private idOf(namespace: string, metricName: string, dims: Dimensions): number {
    return this.ids.idOf(namespace, metricName, dims);
  }

  private stats(id: number): MinuteStats | undefined {
    return this.minute.get(id)?.stats;
  }

  private readerSeriesOf(cluster: string): ReaderSeries {
    let series = this.readerSeries.get(cluster);
    if (series === undefined) {
      const dims = { DBClusterIdentifier: cluster, Role: "READER" };
      series = {
        cpu: this.idOf("AWS/RDS", "CPUUtilization", dims),
        connections: this.idOf("AWS/RDS", "DatabaseConnections", dims),
        latency: this.idOf("AWS/RDS", "ReadLatency", dims),
        capacity: this.idOf("AWS/RDS", "ServerlessDatabaseCapacity", dims),
        acuKey: `acu:${cluster}`,
        readersKey: `readers:${cluster}`,
      };
      this.readerSeries.set(cluster, series);
    }
    return series;
  }

  private groupCpuOf(name: string): number {
    let id = this.groupCpu.get(name);
    if (id === undefined) {
      id = this.idOf("AWS/EC2", "CPUUtilization", { AutoScalingGroupName: name });
      this.groupCpu.set(name, id);
    }
    return id;
  }

  private albSeries(loadBalancer: string, targetGroup: string, target: Target): AlbSeries {
    let series = this.albSeriesOf.get(target.id);
    if (series === undefined) {
      const both = { LoadBalancer: loadBalancer, TargetGroup: targetGroup };
      series = {
        requestCount: this.idOf("AWS/ApplicationELB", "RequestCount", both),
        perTargetAlone: this.idOf("AWS/ApplicationELB", "RequestCountPerTarget", {
          TargetGroup: targetGroup,
        }),
        perTarget: this.idOf("AWS/ApplicationELB", "RequestCountPerTarget", both),
        healthy: this.idOf("AWS/ApplicationELB", "HealthyHostCount", both),
        groupCpu: target.kind === "asg" ? this.groupCpuOf(target.AutoScalingGroupName) : -1,
        hostsKey: `hosts:${targetGroup}`,
      };
      this.albSeriesOf.set(target.id, series);
    }
    return series;
  }

  /** A count of units reporting: this minute's, else the last the recording gave, else `fallback`. */
  private count(heldKey: string, now: number | undefined, fallback: number): number {
    if (now !== undefined && now > 0) {
      this.held.set(heldKey, now);
      return now;
    }
    return this.held.get(heldKey) ?? fallback;
  }

  /** The cluster's readers this minute (null when the minute has none of their series). */
  private readers(cluster: string): ReadersMinute | null {
    const known = this.readersNow.get(cluster);
    if (known) return known;
    const series = this.readerSeriesOf(cluster);
    const cpu = this.stats(series.cpu);
    const connections = this.stats(series.connections);
    const latency = this.stats(series.latency);
    const capacity = this.stats(series.capacity);
    const readersTarget = this.readersTargets.get(cluster);
    if (!cpu && !connections && !latency) return null;
    const floor = this.floorTargets.get(cluster);
    const acu = this.count(series.acuKey, capacity?.average, floor?.MinCapacity || 1);
    const reporting = cpu?.sampleCount ?? connections?.sampleCount ?? latency?.sampleCount;
    const readers = this.count(series.readersKey, reporting, readersTarget?.MinCapacity || 1);
    const acuRecorded = this.held.has(series.acuKey);
    const r: ReadersMinute = { readers, acu, acuRecorded };
    if (cpu) r.cpu = cpu;
    if (connections) r.connections = connections;
    if (latency) r.latency = latency;
    this.readersNow.set(cluster, r);
    return r;
  }

  private group(name: string, target: Target | undefined): GroupMinute | null {
    const known = this.groupsNow.get(name);
    if (known) return known;
    const cpu = this.stats(this.groupCpuOf(name));
    if (!cpu) return null;
    const albHosts = target?.kind === "asg" ? this.recordedHosts(target) : undefined;
    const instances = this.count(`group:${name}`, cpu.sampleCount ?? albHosts, target?.MinCapacity || 1);
    const g: GroupMinute = { instances, cpu };
    this.groupsNow.set(name, g);
    return g;
  }

  private recordedHosts(target: Target): number | undefined {
    const s = this.targets.get(target.id)?.demand.series;
    if (s?.kind !== "albRequests") return undefined;
    return this.stats(this.albSeries(s.loadBalancer, s.targetGroup, target).healthy)?.average;
  }

  /**
   * The target group's requests this minute: RequestCount (LoadBalancer, TargetGroup; Sum), or
   * RequestCountPerTarget (TargetGroup alone or with LoadBalancer; its Sum is the average per
   * healthy target) × HealthyHostCount, the hosts falling back on the group's instances reporting.
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
   */
  private alb(loadBalancer: string, targetGroup: string, target: Target): AlbMinute | null {
    const known = this.albNow.get(targetGroup);
    if (known) return known;
    const series = this.albSeries(loadBalancer, targetGroup, target);
    const count = this.stats(series.requestCount);
    const perTarget = this.stats(series.perTargetAlone) ?? this.stats(series.perTarget);
    const healthy = this.stats(series.healthy)?.average;
    const groupReporting = series.groupCpu >= 0 ? this.stats(series.groupCpu)?.sampleCount : undefined;
    const hosts = this.count(series.hostsKey, healthy ?? groupReporting, target.MinCapacity || 1);
    const perTargetValue = perTarget?.sum ?? perTarget?.average;
    const requests = count?.sum ?? (perTargetValue === undefined ? undefined : tidy(perTargetValue * hosts));
    const a: AlbMinute = requests === undefined ? { hosts } : { requests, hosts };
    this.albNow.set(targetGroup, a);
    return a;
  }

  private demandIs(target: Target, value: number): void {
    this.demand.set(target.id, tidy(value));
  }

  /**
   * The ACU floor's demand: the readers' CPU × the ACUs they ran at, shared by `readers` readers
   * (in service once publish knows them, else as recorded): percent of one ACU, per reader.
   */
  private acuFloorDemand(target: Target, cluster: string, readers: number | undefined): void {
    const r = this.readersNow.get(cluster) ?? this.readers(cluster);
    if (r?.cpu?.average === undefined) return;
    this.demandIs(target, (r.cpu.average * r.readers * r.acu) / (readers ?? r.readers));
  }

  // --- what the capacity in service reports ------------------------------------------------------

  private readersInService(cluster: string, inService: (id: string) => number): number {
    const t = this.readersTargets.get(cluster);
    if (t) return inService(t.id);
    return this.readersNow.get(cluster)?.readers ?? 0;
  }

  /**
   * How much of the recorded reader CPU each reader still shows under the simulated ACU floor: a
   * floor above the ACUs the readers ran at gives them that much more capacity (recorded ÷ floor);
   * a floor below changes nothing (Serverless v2 ran them above it), nor does any floor where the
   * recording does not say what they ran at.
   */
  private floorFactor(cluster: string, r: ReadersMinute, inService: (id: string) => number): number {
    if (!r.acuRecorded) return 1;
    const floor = this.floorTargets.get(cluster);
    const acus = floor ? inService(floor.id) : 0;
    return acus > r.acu ? r.acu / acus : 1;
  }

  /** How a series the configuration reads is made: decided by its name alone, so once. */
  private madeOf(s: SeriesName): Made {
    const d = s.dimensions;
    const dims = dimNames(d);
    if (s.namespace === "AWS/RDS" && dims === "DBClusterIdentifier,Role" && d.Role === "READER")
      return { kind: "readers", cluster: d.DBClusterIdentifier as string };
    if (s.namespace === "AWS/EC2" && s.metricName === "CPUUtilization" && dims === "AutoScalingGroupName") {
      const name = d.AutoScalingGroupName as string;
      return { kind: "group", name, target: this.groupTargets.get(name) };
    }
    if (s.namespace === "AWS/ApplicationELB" && d.TargetGroup !== undefined) {
      // The first asg target whose demand is this target group's requests.
      for (const { target, demand } of this.targets.values()) {
        const series = demand.series;
        if (series.kind !== "albRequests" || series.targetGroup !== d.TargetGroup) continue;
        if (d.LoadBalancer !== undefined && d.LoadBalancer !== series.loadBalancer) continue;
        const withLb = dims === "LoadBalancer,TargetGroup";
        const tgOnly = dims === "TargetGroup";
        return withLb || tgOnly ? { kind: "alb", target, withLb, tgOnly } : { kind: "recorded" };
      }
    }
    return { kind: "recorded" };
  }

  private synthesize(
    p: Published,
    inService: (id: string) => number,
  ): { stats: Statistics; unit: string | null } | null {
    const { series: s, made: how } = p;
    if (how.kind === "readers") {
      const cluster = how.cluster;
      const r = this.readers(cluster);
      const n = this.readersInService(cluster, inService);
      if (r === null || n < 1) return this.recorded(p, r === null);
      const factor = this.floorFactor(cluster, r, inService);
      switch (s.metricName) {
        case "CPUUtilization":
          return r.cpu?.average === undefined
            ? null
            : made(perUnitStats(r.cpu.average * r.readers * factor, n, spreadOf(r.cpu), 100), "Percent");
        case "DatabaseConnections":
          return r.connections?.average === undefined
            ? null
            : made(perUnitStats(r.connections.average * r.readers, n, spreadOf(r.connections)), "Count");
        case "ReadLatency":
          return r.latency?.average === undefined
            ? null
            : made(perUnitStats(readLatency(r, n, factor) * n, n, spreadOf(r.latency)), "Seconds");
      }
    }
    if (how.kind === "group") {
      const g = this.group(how.name, how.target);
      const n = how.target ? inService(how.target.id) : (g?.instances ?? 0);
      if (g?.cpu?.average === undefined || n < 1) return null;
      return made(perUnitStats(g.cpu.average * g.instances, n, spreadOf(g.cpu), 100), "Percent");
    }
    if (how.kind === "alb") {
      const alb = this.albMade(s, how, inService);
      if (alb !== undefined) return alb;
    }
    return this.recorded(p, true);
  }

  /**
   * A target group's series, where an asg target's ALBRequestCountPerTarget names it: undefined
   * for a series the model does not make (published as recorded). ELB reports only while requests
   * flow, so nothing is published in a minute without requests.
   */
  private albMade(
    s: SeriesName,
    { target, withLb }: Extract<Made, { kind: "alb" }>,
    inService: (id: string) => number,
  ): { stats: Statistics; unit: string | null } | null | undefined {
    const series = this.entry(target.id).demand.series;
    if (series.kind !== "albRequests") return undefined;
    const requests = this.alb(series.loadBalancer, series.targetGroup, target)?.requests;
    const n = inService(target.id);
    switch (s.metricName) {
      case "RequestCountPerTarget":
        return requests === undefined || n < 1 ? null : made(singleStats(requests / n), "Count");
      case "RequestCount":
        return !withLb || requests === undefined
          ? undefined
          : made(perUnitStats(requests, Math.max(n, 1), EVEN), "Count");
      case "HealthyHostCount":
        return !withLb || requests === undefined ? undefined : made(singleStats(n), "Count");
    }
    return undefined;
  }

  /** The series as recorded this minute (a series the model does not make), or nothing. */
  private recorded(p: Published, passThrough: boolean): { stats: Statistics; unit: string | null } | null {
    if (!passThrough) return null;
    const found = this.minute.get(p.id);
    return found ? { stats: { ...found.stats }, unit: found.first.unit } : null;
  }

  private record(s: SeriesName, at: number, stats: Statistics, unit: string | null): MetricRecord {
    return {
      namespace: s.namespace,
      metricName: s.metricName,
      dimensions: { ...s.dimensions },
      timestamp: at,
      stats,
      unit,
      account: this.config.account ?? null,
      region: this.config.region ?? null,
      source: { file: "replay" },
    };
  }

  private entry(targetId: string): { target: Target; demand: TargetDemand } {
    const found = this.targets.get(targetId);
    if (!found) throw new Error(`no target ${targetId} in the configuration`);
    return found;
  }
}

const made = (stats: Statistics, unit: string) => ({ stats, unit });

/**
 * A reader's ReadLatency with `n` readers in service: the recorded latency × h(u) / h(u recorded),
 * u the readers' utilization (CPU / 100 per reader, the ACU floor's factor applied), h(u) = u down
 * to LATENCY_FLOOR_UTILIZATION, u² past saturation (u > 1: the work queues). Without reader CPU, in
 * proportion to the readers' share (recorded readers / n).
 */
function readLatency(r: ReadersMinute, n: number, floorFactor: number): number {
  const recorded = r.latency?.average ?? 0;
  const cpu = r.cpu?.average;
  if (cpu === undefined) return (recorded * r.readers) / n;
  const h = (u: number) => (u > 1 ? u * u : Math.max(u, LATENCY_FLOOR_UTILIZATION));
  const uRecorded = Math.min(1, cpu / 100);
  const uNow = (cpu * r.readers * floorFactor) / (n * 100);
  return (recorded * h(uNow)) / h(uRecorded);
}
