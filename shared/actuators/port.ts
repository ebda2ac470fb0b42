/**
 * The actuator port: what the brain needs from a scalable target's AWS service, one adapter per
 * kind (RDS for Aurora readers and the ACU floor, EC2 Auto Scaling for groups). The core declares
 * it; the adapters implement it on real SDK v3 clients, whose transport a simulated account can
 * answer for dry runs and replay.
 */
import type { Target } from "../config/schema.js";

export type ReaderInstance = {
  id: string;
  status: string;
  isWriter: boolean;
  /** Created by the brain (carries its tag): the only readers it ever removes. */
  managed: boolean;
  createdAt: string | null;
};

/**
 * Reader statuses that mean the reader is going, gone, or stuck where AWS lets it only be rebooted
 * or deleted: neither capacity nor capacity in flight
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/accessing-monitoring.html).
 */
export const READER_NOT_SERVING: ReadonlySet<string> = new Set([
  "deleting",
  "deleted",
  "failed",
  "inaccessible-encryption-credentials",
  "inaccessible-encryption-credentials-recoverable",
  "incompatible-network",
  "incompatible-option-group",
  "incompatible-parameters",
  "incompatible-restore",
  "restore-error",
]);

/** What AWS shows of a target now. */
export type Observation =
  | { kind: "aurora-readers"; capacity: number; available: number; readers: ReaderInstance[] }
  | { kind: "aurora-capacity"; capacity: number; acuMaximum: number | null }
  | { kind: "asg"; capacity: number; minSize: number; maxSize: number; inService: number };

export type ScalingChange = { decisionId: string; from: number; to: number; at: Date };

export type AppliedChange = {
  /** The capacity AWS was asked for (a readers' scale-in may remove fewer than asked). */
  capacity: number;
  /** What the call created or removed (DBInstanceIdentifiers). */
  resources: string[];
  note?: string;
};

export interface Actuator {
  observe(): Promise<Observation>;
  apply(change: ScalingChange): Promise<AppliedChange>;
}

export type ActuatorFor = (target: Target) => Actuator;
