/**
 * What the brain decides, and why: the proposals of each layer, the decision that coordination
 * makes of them, and the closed set of reasons every log line, ledger record, metric and report
 * shows. Plain data; no clock, no AWS.
 */

export type Direction = "out" | "in";

/** Where a proposal comes from. */
export type LayerKind = "step" | "target-tracking" | "schedule" | "buffer" | "operator";

/**
 * Why a layer proposes what it proposes, or why it proposes nothing, and why coordination took,
 * changed or held back a decision. One closed set, so that logs, the ledger, metrics and reports
 * all speak the same words.
 */
export const Reasons = {
  // A layer's proposal
  StepAdjustment: "a step of a step policy matched the alarm's value",
  StepRepeated: "a step policy whose alarm stays in ALARM ran again",
  NoStepForValue: "the alarm's value falls in no step of the policy",
  TargetTrackingScaleOut: "the metric stayed above the target for the scale-out window",
  TargetTrackingScaleIn: "the metric stayed under the scale-in threshold for the scale-in window",
  WithinTarget: "the metric is within the target's band",
  NoData: "no datapoint to decide on",
  ScaleInDisabled: "the policy does not scale in (DisableScaleIn)",
  ScheduledBounds: "a scheduled action set MinCapacity and MaxCapacity",
  ScheduledBoundsInForce: "the scheduled action's bounds are in force already: it acts once",
  UnknownScheduledAction: "the payload names a target or scheduled action the configuration does not have",
  VerticalBuffer: "readers are in flight: the ACU floor holds the load meanwhile",
  OperatorRequest: "an operator asked for it",

  // Coordination: taken
  ScaleOut: "scale out",
  ScaleIn: "scale in",
  BoundsMoved: "capacity put inside bounds that moved",

  // Coordination: held back or ignored
  NoChange: "nothing to change",
  Paused: "the target is paused by an operator: recorded, not acted on",
  DuplicateStateChange: "this state change was already handled",
  CapacityInFlight: "the capacity asked for is already provisioning",
  CooldownRepeat: "the same scale-out again during its cooldown",
  ScaleOutCooldown: "no scale-in while a scale-out cooldown runs",
  ScaleInCooldown: "one scale-in per scale-in cooldown",
  ScaleInStabilizing: "scale-in waits out the stabilisation window",
  AtMaxCapacity: "the target is at its MaxCapacity",
  AtMinCapacity: "the target is at its MinCapacity",
  ConnectionBudget:
    "the database's connection budget holds the group's scale-out until its readers are available",
  ActionsSuppressed: "CloudWatch suppressed this alarm's actions",
  AlarmStateRecorded: "the alarm's state is recorded; only ALARM acts",
  NoPolicyForAlarm: "no policy answers this alarm",
  StaleEvent: "the state change is older than settings.maxEventAgeSeconds",
  FutureEvent: "the state change is dated later than now, beyond the clock-skew allowance",
  ForeignAccountOrRegion: "the event comes from another account or region than the brain serves",
  ForeignSource: "the event names another source than CloudWatch (aws.cloudwatch)",
  ActionFailed: "AWS refused or failed the scaling call",

  // The tick's own bookkeeping
  CapacityDrift: "AWS shows another capacity than the brain believed (changed by hand): adopted, not fought",
  InFlightOverdue:
    "capacity asked for is still not in service long after it was expected: no longer counted as on its way",
  ReservationExpired:
    "a decision's invocation died before recording its outcome: reconciled with what AWS shows",
  ObservationFailed: "AWS could not be asked for the target's capacity: the target waits for the next tick",
  NativeScaleInSuspended:
    "native scaling policies kept attached stop scaling in while the brain's scale-out cooldown runs",
  NativeScaleInResumed:
    "native scaling policies kept attached scale in again: the brain's scale-out cooldown ended",
} as const;

export type Reason = keyof typeof Reasons;

/** What one layer wants for a target, before coordination. */
export type Proposal = {
  /** The layer: a PolicyName, a ScheduledActionName, or a built-in layer's name. */
  layer: string;
  kind: LayerKind;
  /**
   * Which way the layer means to scale. A scale-out counted from the capacity in service can ask
   * for less than the capacity already ordered: that is capacity in flight, never a scale-in.
   */
  direction: Direction;
  /** The capacity the layer asks for, absolute. */
  desired: number;
  reason: Reason;
  message: string;
  /** The cooldown this layer starts, in its direction, when its proposal is taken. */
  cooldownSeconds: number;
  /**
   * Since when the layer's evidence has asked for this (ISO-8601), where it knows: an alarm's
   * datapoints cover its evaluation periods before the state change. Scale-in's stabilisation
   * window (rule 4, docs/rules.md) counts from here.
   */
  since?: string;
};

/** A layer that looked and proposes nothing, with why. */
export type Abstention = { layer: string; kind: LayerKind; reason: Reason; message: string };

export type Outcome = "scale-out" | "scale-in" | "none" | "held";

/** One decision for one target: what coordination made of every layer's proposal. */
export type Decision = {
  /** Deterministic: the same input gives the same id. */
  id: string;
  /** ISO-8601: the time the decision was made (the clock passed in). */
  at: string;
  target: string;
  /** The layer whose proposal was taken or held back; null when no layer proposed anything. */
  policy: string | null;
  from: number;
  to: number;
  outcome: Outcome;
  reason: Reason;
  message: string;
  /** The rule or layer that held the decision back, or null. */
  blockedBy: string | null;
};
