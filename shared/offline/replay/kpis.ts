/**
 * The replay KPIs of one target, from the minute-by-minute samples of one mode and the
 * decisions it took (docs/replay.md, section "KPIs", gives each formula).
 *
 * A sample is one simulated minute: the demand the recording carries, what the capacity in service
 * serves (`served` = inService × demandPerUnit) and what the target is set to (`capacity`). A
 * minute counts as a whole: the recording's resolution is the minute, and so is the replay's.
 */
import type { Target } from "../../core/config/schema.js";
import { MINUTE_MS, type MinuteSample, type ReplayDecision, type TargetKpis } from "./types.js";

/** Two actions in opposite directions at most this far apart are a flap. */
const FLAP_WINDOW_MS = 10 * MINUTE_MS;

/**
 * Comparisons of demand with what capacity serves forgive a rounding error of this relative size:
 * `served` is a product (1.1 demand against 11 × 0.1 served is not a shortage).
 */
const TOLERANCE = 1e-9;

/** `a` is more than `b`, beyond a rounding error. */
function exceeds(a: number, b: number): boolean {
  return a - b > TOLERANCE * Math.max(1, Math.abs(b));
}

/** Demand the capacity in service does not serve: a minute the target ran saturated. */
function isShort(s: MinuteSample): s is MinuteSample & { demand: number } {
  return s.demand !== null && exceeds(s.demand, s.served);
}

function isCovered(s: MinuteSample): boolean {
  return s.demand !== null && !exceeds(s.demand, s.served);
}

/** A decision that changed the target (not held back, not a change to what it already was). */
function acted(d: ReplayDecision): boolean {
  return d.blockedBy === null && d.to !== d.from;
}

/** The recording's end: the end of its last minute. */
function endOf(samples: readonly MinuteSample[]): number {
  const last = samples[samples.length - 1];
  return last === undefined ? 0 : last.at + MINUTE_MS;
}

/**
 * What one unit of capacity serves, read back from the samples (served / inService where something
 * is in service); null when nothing ever was.
 */
export function demandPerUnitOf(samples: readonly MinuteSample[]): number | null {
  const sample = samples.find((s) => s.inService > 0);
  return sample === undefined ? null : sample.served / sample.inService;
}

/**
 * The first shortage's length: from the first minute demand exceeded what the capacity in service
 * served to the first minute after it that it covered the demand again (minutes without demand are
 * neither). A shortage that lasts to the end of the recording counts to its end: a lower bound,
 * not null, which means "never short".
 */
function timeToCapacityMs(samples: readonly MinuteSample[]): number | null {
  const first = samples.findIndex(isShort);
  if (first === -1) return null;
  const start = (samples[first] as MinuteSample).at;
  const covered = samples.slice(first + 1).find(isCovered);
  return (covered?.at ?? endOf(samples)) - start;
}

/**
 * How long a surplus waited for its scale-in: from the first minute after the peak of demand that
 * the capacity in service exceeded the need by a whole unit, to the first scale-in at or after it.
 * The need is ceil(demand / demandPerUnit), never below the target's MinCapacity (a scale-in below
 * the floor is not needed, it is not allowed). A surplus still waiting at the end of the recording
 * counts to its end (a lower bound); null when no minute after the peak had a surplus.
 */
function scaleInLagMs(
  target: Target,
  samples: readonly MinuteSample[],
  scaleIns: readonly ReplayDecision[],
): number | null {
  const perUnit = demandPerUnitOf(samples);
  if (perUnit === null || perUnit <= 0) return null;
  let peak = -1;
  for (const [i, s] of samples.entries()) {
    const best = samples[peak]?.demand ?? null;
    if (s.demand !== null && (best === null || s.demand > best)) peak = i;
  }
  if (peak === -1) return null;
  const need = (demand: number) => Math.max(target.MinCapacity, Math.ceil(demand / perUnit - TOLERANCE));
  const surplus = samples.slice(peak + 1).find((s) => s.demand !== null && s.inService - need(s.demand) >= 1);
  if (surplus === undefined) return null;
  const scaleIn = scaleIns.find((d) => Date.parse(d.at) >= surplus.at);
  return (scaleIn === undefined ? endOf(samples) : Date.parse(scaleIn.at)) - surplus.at;
}

/**
 * Changes of direction within FLAP_WINDOW_MS of the previous action on the target (a scale-in
 * 10 minutes after a scale-out is one; 11 minutes after, it is not).
 */
function flapsOf(actions: readonly ReplayDecision[]): number {
  let flaps = 0;
  for (let i = 1; i < actions.length; i++) {
    const previous = actions[i - 1] as ReplayDecision;
    const action = actions[i] as ReplayDecision;
    const turned = Math.sign(action.to - action.from) !== Math.sign(previous.to - previous.from);
    if (turned && Date.parse(action.at) - Date.parse(previous.at) <= FLAP_WINDOW_MS) flaps++;
  }
  return flaps;
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

/**
 * The KPIs of one target. `samples` are the target's, one per simulated minute in time order;
 * `decisions` are the target's, in time order.
 *
 * capacityHours is the sum of what the target is set to, minute by minute, over 60: instance- or
 * reader-hours, whether the unit serves yet or is still provisioning (both are paid for). For an
 * aurora-capacity target it is the ACU floor's hours: Serverless v2 bills each instance at least
 * its MinCapacity
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html),
 * and replay knows the floor, not the ACUs each instance scaled to above it nor how many instances
 * the cluster had: the figure is one instance's floor, a lower bound of its bill.
 */
export function kpisOf(
  target: Target,
  samples: readonly MinuteSample[],
  decisions: readonly ReplayDecision[],
): TargetKpis {
  const actions = decisions.filter(acted);
  const scaleIns = actions.filter((d) => d.to < d.from);
  return {
    underProvisionedSeconds: samples.filter(isShort).length * (MINUTE_MS / 1000),
    capacityHours: samples.reduce((sum, s) => sum + s.capacity, 0) / 60,
    actions: actions.length,
    scaleOuts: actions.length - scaleIns.length,
    scaleIns: scaleIns.length,
    flaps: flapsOf(actions),
    blocked: decisions.filter((d) => d.blockedBy !== null).length,
    maxCapacity: samples.reduce((max, s) => Math.max(max, s.capacity), 0),
    timeToCapacitySeconds: seconds(timeToCapacityMs(samples)),
    scaleInLagSeconds: seconds(scaleInLagMs(target, samples, scaleIns)),
  };
}
