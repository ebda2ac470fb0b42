/**
 * The uncoordinated baseline of replay: every configured policy acting alone, as AWS's native
 * policies do when they are attached side by side to the same target, each with its own alarms and
 * cooldowns. Aurora replicas follow Application Auto Scaling; groups follow EC2 Auto Scaling, which
 * has no cooldown for step and target-tracking policies but an instance warm-up. docs/replay.md ("The baseline")
 * lists each rule with AWS's page, and what the baseline leaves out.
 *
 * AWS's pages:
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html (an alarm
 *   with an Auto Scaling action invokes it again every minute it stays in ALARM; composite alarms
 *   cannot have Auto Scaling actions)
 * - https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
 * - https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
 * - https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 *   (policies that conflict: the largest capacity wins; a step scale-in is not blocked by target tracking)
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html (instance warm-up)
 * - https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
 * - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html
 *   (Aurora Auto Scaling scales a cluster only when all its replicas are available; it waits while
 *   any is in another state, such as creating)
 */
import {
  type Alarm,
  type BrainConfig,
  isCompositeAlarm,
  type StepScalingPolicy,
  type Target,
  type TargetTrackingPolicy,
} from "../../core/config/schema.js";
import { hardMaxOf } from "../../core/deciders/targets.js";
import type { Abstention, Proposal } from "../../core/engine/decision.js";
import { isProposal } from "../../core/policies/proposal.js";
import { type AlarmBreach, stepScaling } from "../../core/policies/stepScaling.js";
import { combineTargetTracking, targetTracking } from "../../core/policies/targetTracking.js";
import { scheduledActionsOf } from "../../core/schedules/actions.js";
import { latestRun, scheduledBoundsAt } from "../../core/schedules/boundsInForce.js";
import type { StateChange } from "../evaluation/stateChange.js";
import { MINUTE_MS, type ReplayDecision, type ReplayWorld } from "./types.js";

export type NativePoliciesOptions = {
  /**
   * Also run the policies AWS has no native equivalent for, with Application Auto Scaling's
   * semantics: step policies on composite or anomaly-detection alarms, and the policies of an
   * Aurora Serverless v2 ACU floor (aurora-capacity), which no scalable dimension covers. Off by
   * default: the baseline is what AWS alone would do.
   */
  includeNonNative?: boolean;
};

/** The metric a target-tracking policy reads, for the minute just published (null: no datapoint). */
export type PolicyMetric = (targetId: string, policy: TargetTrackingPolicy) => number | null;

/** An alarm's newest datapoint (null: none); the step policies that re-run pick their step by it. */
export type AlarmValue = (alarmName: string) => number | null;

/**
 * A cooldown that one policy's scale-out started (Application Auto Scaling). It runs from when the
 * scaling activity completes (the replicas it asked for are available) for the policy's cooldown.
 */
type ScaleOutCooldown = {
  /** The capacity before the scale-out that started it: later scale-outs in it count from here. */
  baseline: number;
  cooldownMs: number;
  /** When the activity was first seen complete; undefined while it is in progress. */
  completedAt?: number;
};

type PolicyState = {
  scaleOut?: ScaleOutCooldown;
  /** Until when the policy's own scale-ins are blocked (Application Auto Scaling). */
  scaleInUntil?: number;
};

/** What one policy would do now, before the policies of its target are weighed against each other. */
type Candidate = {
  policy: string;
  direction: "out" | "in";
  desired: number;
  reason: "StepScaling" | "TargetTrackingScaleOut" | "TargetTrackingScaleIn";
  cooldownSeconds: number;
};

type Native = "application-auto-scaling" | "ec2-auto-scaling";

const nativeOf = (target: Target): Native =>
  target.kind === "asg" ? "ec2-auto-scaling" : "application-auto-scaling";

export class NativePolicies {
  private readonly config: BrainConfig;
  private readonly world: ReplayWorld;
  private readonly includeNonNative: boolean;
  /** Per target id, then policy name: the policy's cooldowns. */
  private readonly policies = new Map<string, Map<string, PolicyState>>();
  /** Per target-tracking policy: its one-minute datapoints, oldest first (the newest kept). */
  private readonly datapoints = new Map<TargetTrackingPolicy, (number | null)[]>();
  /** What the configuration fixes, resolved once: the targets AWS runs, their policies by type, the alarms by name. */
  private readonly nativeTargets: readonly Target[];
  private readonly stepPoliciesOf = new Map<string, StepScalingPolicy[]>();
  private readonly trackingPoliciesOf = new Map<string, TargetTrackingPolicy[]>();
  private readonly alarmsByName = new Map<string, Alarm>();
  private lastMinute: number | null = null;
  /** The value each alarm had when it last went to ALARM: the fallback of a re-run. */
  private readonly alarmValues = new Map<string, number | null>();
  /** Policy and alarm pairs a state change invoked since the last minute: once a minute, as AWS. */
  private readonly invokedThisMinute = new Set<string>();
  /** Per target, the bounds its scheduled actions (the calendar's among them) set last. */
  private readonly bounds = new Map<string, { min: number; max: number }>();
  /** Per group, its instances in service in the last minute: those its newest datapoint measured. */
  private readonly measured = new Map<string, number>();

  constructor(config: BrainConfig, world: ReplayWorld, options: NativePoliciesOptions = {}) {
    this.config = config;
    this.world = world;
    this.includeNonNative = options.includeNonNative ?? false;
    this.nativeTargets = config.targets.filter((t) => this.includeNonNative || t.kind !== "aurora-capacity");
    for (const target of config.targets) {
      this.stepPoliciesOf.set(
        target.id,
        target.policies.filter((p): p is StepScalingPolicy => p.PolicyType === "StepScaling"),
      );
      this.trackingPoliciesOf.set(
        target.id,
        target.policies.filter((p): p is TargetTrackingPolicy => p.PolicyType === "TargetTrackingScaling"),
      );
    }
    // The first alarm of a name, as a search of the list finds it.
    for (const alarm of config.alarms)
      if (!this.alarmsByName.has(alarm.AlarmName)) this.alarmsByName.set(alarm.AlarmName, alarm);
  }

  /**
   * An alarm's state change: on ALARM, every step policy that names the alarm runs, as the alarm's
   * Auto Scaling action does. OK and INSUFFICIENT_DATA do nothing (no policy is their action).
   */
  onStateChange(change: StateChange): ReplayDecision[] {
    if (change.to !== "ALARM") return [];
    this.alarmValues.set(change.alarm, change.value);
    if (!this.actsNatively(change.alarm)) return [];
    const decisions: ReplayDecision[] = [];
    for (const target of this.targets()) {
      this.settle(target, change.atMs);
      const candidates: Candidate[] = [];
      for (const policy of this.stepPolicies(target)) {
        if (!policy.Alarms.includes(change.alarm)) continue;
        this.invokedThisMinute.add(pairKey(target, policy, change.alarm));
        const candidate = this.stepCandidate(target, policy, change.alarm, change.value, change.atMs);
        if (candidate) candidates.push(candidate);
      }
      const decision = this.act(target, candidates, change.atMs);
      if (decision) decisions.push(decision);
    }
    return decisions;
  }

  /**
   * One minute: step policies whose alarm stays in ALARM run again (once a minute, as CloudWatch
   * invokes Auto Scaling actions), and target tracking reads its metric's new datapoint and acts
   * as its managed alarms would (3 of 3 above the target, 15 of 15 below 90 % of it, from the
   * settings). Each target's policies act alone; those that would act in the same minute are
   * weighed as AWS weighs conflicting policies: the largest capacity wins.
   */
  onMinute(
    at: number,
    alarmsInAlarm: ReadonlySet<string>,
    metric: PolicyMetric,
    alarmValue?: AlarmValue,
  ): ReplayDecision[] {
    const gap =
      this.lastMinute === null ? 0 : Math.max(0, Math.round((at - this.lastMinute) / MINUTE_MS) - 1);
    this.lastMinute = at;
    const decisions: ReplayDecision[] = [];
    for (const target of this.targets()) {
      const scheduled = this.scheduledActions(target, at);
      if (scheduled) decisions.push(scheduled);
      this.settle(target, at);
      const candidates: Candidate[] = [];
      const tracked = this.targetTrackingCandidate(target, at, gap, metric);
      if (tracked) candidates.push(tracked);
      for (const policy of this.stepPolicies(target)) {
        for (const alarm of policy.Alarms) {
          if (!alarmsInAlarm.has(alarm) || !this.actsNatively(alarm)) continue;
          if (this.invokedThisMinute.has(pairKey(target, policy, alarm))) continue;
          const value = alarmValue?.(alarm) ?? this.alarmValues.get(alarm) ?? null;
          const candidate = this.stepCandidate(target, policy, alarm, value, at);
          if (candidate) candidates.push(candidate);
        }
      }
      const decision = this.act(target, candidates, at);
      if (decision) decisions.push(decision);
      this.measured.set(target.id, this.world.inService(target.id));
    }
    this.invokedThisMinute.clear();
    return decisions;
  }

  // --- step scaling -------------------------------------------------------------------------------

  /**
   * A step policy's answer to its alarm, counted from the target's capacity as AWS counts it:
   * - Application Auto Scaling: from the current capacity; during the policy's scale-out cooldown,
   *   from the capacity before the scale-out that started it, so that only a larger step adds (the
   *   difference); a scale-in waits out the policy's cooldown (API_StepScalingPolicyConfiguration.html).
   * - EC2 Auto Scaling: no cooldown (Cooldown is for simple scaling only); instances still warming
   *   up are not part of the current capacity a scale-out counts from, and no scale-in happens
   *   while any are (as-scaling-simple-step.html, ec2-auto-scaling-default-instance-warmup.html).
   */
  private stepCandidate(
    target: Target,
    policy: StepScalingPolicy,
    alarmName: string,
    value: number | null,
    now: number,
  ): Candidate | null {
    const capacity = this.world.capacity(target.id);
    const state = this.stateOf(target, policy.PolicyName);
    const breach = this.breachOf(alarmName, value);
    const from = (baseline: number) =>
      stepScaling(policy, breach, baseline, {
        defaultCooldownSeconds: this.config.settings.defaultCooldownSeconds,
      });
    const base = this.scaleOutBaseline(target, state, capacity, now);
    let proposal = from(base);
    // The baseline is a scale-out's: a scale-in counts from the current capacity.
    if (isProposal(proposal) && proposal.direction === "in" && base !== capacity) proposal = from(capacity);
    if (!isProposal(proposal)) return null;
    return this.effective(target, state, capacity, now, {
      policy: policy.PolicyName,
      direction: proposal.direction,
      desired: proposal.desired,
      reason: "StepScaling",
      cooldownSeconds: proposal.cooldownSeconds,
    });
  }

  /** The breach the alarm's value makes; a composite alarm has none (it acts only with includeNonNative). */
  private breachOf(alarmName: string, value: number | null): AlarmBreach {
    const alarm = this.alarmsByName.get(alarmName);
    if (!alarm || isCompositeAlarm(alarm)) return { kind: "composite", alarmName };
    return {
      kind: "metric",
      threshold: alarm.Threshold ?? Number.NaN,
      comparison: alarm.ComparisonOperator,
      value: value ?? undefined,
    };
  }

  // --- target tracking ----------------------------------------------------------------------------

  /**
   * The target's target-tracking policies on this minute's datapoints, combined as AWS combines
   * several: out if any asks (the largest), in only if every one whose scale-in is enabled agrees
   * (combineTargetTracking). Each counts from its own baseline during its scale-out cooldown.
   */
  private targetTrackingCandidate(
    target: Target,
    at: number,
    gap: number,
    metric: PolicyMetric,
  ): Candidate | null {
    const policies = this.trackingPoliciesOf.get(target.id) ?? [];
    if (policies.length === 0) return null;
    const settings = this.config.settings.targetTracking;
    const keep = Math.max(settings.scaleOutDatapoints, settings.scaleInDatapoints);
    const capacity = this.world.capacity(target.id);
    const results: (Proposal | Abstention)[] = [];
    for (const policy of policies) {
      let points = this.datapoints.get(policy);
      if (points === undefined) {
        points = [];
        this.datapoints.set(policy, points);
      }
      // Minutes the driver skipped are minutes without a datapoint.
      for (let i = Math.min(gap, keep); i > 0; i--) points.push(null);
      points.push(metric(target.id, policy));
      if (points.length > keep) points.splice(0, points.length - keep);

      const state = this.stateOf(target, policy.PolicyName);
      const base = this.scaleOutBaseline(target, state, capacity, at);
      let result = targetTracking(policy, base, points, settings);
      // The baseline is a scale-out's: a scale-in counts from the current capacity.
      if (isProposal(result) && result.direction === "in" && base !== capacity)
        result = targetTracking(policy, capacity, points, settings);
      if (!isProposal(result)) {
        results.push(result);
        continue;
      }
      const effective = this.effective(target, state, capacity, at, {
        policy: policy.PolicyName,
        direction: result.direction,
        desired: result.desired,
        reason: result.direction === "out" ? "TargetTrackingScaleOut" : "TargetTrackingScaleIn",
        // ScaleOutCooldown or ScaleInCooldown, 300 s by default for Aurora.
        cooldownSeconds: result.cooldownSeconds,
      });
      // A policy held back (cooldown, warm-up, bounds, nothing to add) is not ready: it vetoes scale-in.
      results.push(
        effective
          ? { ...result, desired: effective.desired }
          : {
              layer: policy.PolicyName,
              kind: "target-tracking",
              reason: "WithinTarget",
              message: `${result.message}: held (cooldown, warm-up, bounds, or nothing to add)`,
            },
      );
    }
    const combined = combineTargetTracking(results, capacity);
    if (!isProposal(combined)) return null;
    return {
      policy: combined.layer,
      direction: combined.direction,
      desired: combined.desired,
      reason: combined.direction === "out" ? "TargetTrackingScaleOut" : "TargetTrackingScaleIn",
      cooldownSeconds: combined.cooldownSeconds,
    };
  }

  // --- scheduled actions --------------------------------------------------------------------------

  /**
   * The target's scheduled actions as AWS runs them, alone: at its time, a run sets MinCapacity and
   * MaxCapacity, and capacity outside them is put inside at once
   * (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html;
   * EC2 Auto Scaling's scheduled actions set the group's MinSize and MaxSize alike). Checked once a
   * minute, as the brain's tick checks them: a run lands at most a minute late.
   */
  private scheduledActions(target: Target, at: number): ReplayDecision | null {
    const inForce = scheduledBoundsAt(target, scheduledActionsOf(this.config, target), at);
    const previous = this.boundsOf(target);
    if (inForce.min === previous.min && inForce.max === previous.max) return null;
    this.bounds.set(target.id, { min: inForce.min, max: inForce.max });
    const capacity = this.world.capacity(target.id);
    const max = Math.min(inForce.max, hardMaxOf(target));
    const to = Math.max(inForce.min, Math.min(max, capacity));
    // A group's scheduled action sets its MinSize and MaxSize (and capacity inside them) itself.
    if (target.kind === "asg") this.world.set(target.id, to, { min: inForce.min, max });
    if (to === capacity) return null;
    if (target.kind !== "asg") this.world.set(target.id, to);
    return {
      at: new Date(at).toISOString(),
      target: target.id,
      policy: latestRun(inForce)?.action.ScheduledActionName ?? null,
      from: capacity,
      to,
      reason: "BoundsMoved",
      blockedBy: null,
    };
  }

  /** The bounds in force: the last scheduled action's, else the target's own. */
  private boundsOf(target: Target): { min: number; max: number } {
    return this.bounds.get(target.id) ?? { min: target.MinCapacity, max: target.MaxCapacity };
  }

  // --- what AWS lets through ----------------------------------------------------------------------

  /**
   * The capacity a scale-out counts from: during the policy's own scale-out cooldown, the capacity
   * before the scale-out that started it (Application Auto Scaling); for a group, the instances
   * that are not warming up (EC2 Auto Scaling). Otherwise the current capacity.
   *
   * A group's instance counts once its warm-up is over, and the warm-up is there so that the
   * metrics include it first (ec2-auto-scaling-default-instance-warmup.html). The world's instances
   * serve the minute they are InService, which is measured only in that minute's datapoint, read
   * the minute after: until then they are still warming up for the count.
   */
  private scaleOutBaseline(target: Target, state: PolicyState, capacity: number, now: number): number {
    if (nativeOf(target) === "ec2-auto-scaling") {
      const inService = this.world.inService(target.id);
      return Math.min(capacity, inService, this.measured.get(target.id) ?? inService);
    }
    return this.inScaleOutCooldown(state, now) ? (state.scaleOut?.baseline ?? capacity) : capacity;
  }

  /** While the scale-out's activity is in progress, and for its cooldown once it completed. */
  private inScaleOutCooldown(state: PolicyState, now: number): boolean {
    const cooldown = state.scaleOut;
    if (cooldown === undefined) return false;
    // settle() runs first on every call: no completion time yet means the activity is in progress.
    if (cooldown.completedAt === undefined) return true;
    return now < cooldown.completedAt + cooldown.cooldownMs;
  }

  /**
   * Marks the scale-out activities that completed: the target's capacity is all in service. Runs
   * first on every call, so a cooldown counts from the minute its activity was seen complete.
   */
  private settle(target: Target, now: number): void {
    if (nativeOf(target) !== "application-auto-scaling") return;
    if (this.world.inService(target.id) < this.world.capacity(target.id)) return;
    for (const p of target.policies) {
      const cooldown = this.stateOf(target, p.PolicyName).scaleOut;
      if (cooldown !== undefined && cooldown.completedAt === undefined) cooldown.completedAt = now;
    }
  }

  /**
   * A policy's wish as AWS would carry it out, or null when nothing happens: bounded by MinCapacity
   * and MaxCapacity (and 15 replicas for Aurora); a scale-out that adds nothing over the current
   * capacity does nothing; a scale-in waits for the policy's scale-in cooldown (Application Auto
   * Scaling) or for the group's instances to finish warming up (EC2 Auto Scaling).
   */
  private effective(
    target: Target,
    state: PolicyState,
    capacity: number,
    now: number,
    wish: Candidate,
  ): Candidate | null {
    const bounds = this.boundsOf(target);
    const max = Math.min(bounds.max, hardMaxOf(target));
    const desired = Math.max(bounds.min, Math.min(max, wish.desired));
    if (wish.direction === "out") return desired > capacity ? { ...wish, desired } : null;
    if (desired >= capacity) return null;
    if (nativeOf(target) === "ec2-auto-scaling") {
      if (this.world.inService(target.id) < capacity) return null;
    } else if (state.scaleInUntil !== undefined && now < state.scaleInUntil) return null;
    return { ...wish, desired };
  }

  /**
   * Applies the largest of the target's candidates (AWS gives precedence to the policy that
   * provides the largest capacity, API_PutScalingPolicy.html) and starts its cooldown.
   */
  private act(target: Target, candidates: readonly Candidate[], now: number): ReplayDecision | null {
    const capacity = this.world.capacity(target.id);
    const chosen = candidates.reduce<Candidate | null>(
      (best, c) => (best === null || c.desired > best.desired ? c : best),
      null,
    );
    if (chosen === null) return null;
    // Aurora Auto Scaling scales a cluster only when all its replicas are available: while one is
    // being created it waits, whatever its policies ask (Aurora.Integrating.AutoScaling.html).
    if (target.kind === "aurora-readers" && this.world.inService(target.id) < capacity) return null;
    const from = capacity;
    if (nativeOf(target) === "application-auto-scaling") {
      const state = this.stateOf(target, chosen.policy);
      if (chosen.direction === "out") {
        // A scale-out ends every scale-in cooldown of the target (API_TargetTrackingScalingPolicyConfiguration.html).
        for (const p of target.policies) delete this.stateOf(target, p.PolicyName).scaleInUntil;
        // A larger scale-out during the policy's cooldown keeps its baseline; the cooldown restarts
        // once this activity completes.
        const cooldownMs = chosen.cooldownSeconds * 1000;
        if (state.scaleOut === undefined || !this.inScaleOutCooldown(state, now))
          state.scaleOut = { baseline: from, cooldownMs };
        else delete state.scaleOut.completedAt;
      } else {
        state.scaleInUntil = now + chosen.cooldownSeconds * 1000;
      }
    }
    this.world.set(target.id, chosen.desired);
    return {
      at: new Date(now).toISOString(),
      target: target.id,
      policy: chosen.policy,
      from,
      to: chosen.desired,
      reason: chosen.reason,
      blockedBy: null,
    };
  }

  // --- configuration ------------------------------------------------------------------------------

  /** The targets whose policies AWS can run: not an ACU floor unless includeNonNative. */
  private targets(): readonly Target[] {
    return this.nativeTargets;
  }

  private stepPolicies(target: Target): readonly StepScalingPolicy[] {
    return this.stepPoliciesOf.get(target.id) ?? [];
  }

  /**
   * Whether an alarm can invoke a scaling policy in AWS: composite alarms cannot (alarm-actions.html),
   * nor anomaly-detection alarms, ThresholdMetricId (API_PutMetricAlarm.html).
   */
  private actsNatively(alarmName: string): boolean {
    if (this.includeNonNative) return true;
    const alarm = this.alarmsByName.get(alarmName);
    if (alarm === undefined) return false;
    return !isCompositeAlarm(alarm) && alarm.ThresholdMetricId === undefined;
  }

  private stateOf(target: Target, policyName: string): PolicyState {
    let ofTarget = this.policies.get(target.id);
    if (ofTarget === undefined) {
      ofTarget = new Map();
      this.policies.set(target.id, ofTarget);
    }
    let state = ofTarget.get(policyName);
    if (state === undefined) {
      state = {};
      ofTarget.set(policyName, state);
    }
    return state;
  }
}

const pairKey = (target: Target, policy: StepScalingPolicy, alarm: string): string =>
  `${target.id}\u0000${policy.PolicyName}\u0000${alarm}`;
