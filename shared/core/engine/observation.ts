/** What AWS shows of a target now, as the actuators observe it and the deciders read it. */

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
