/**
 * The rules of a target's capacity (bounds in whole readers or instances, ACU in steps of 0.5),
 * for the target's own bounds and for its schedules', and of the scalable-target fields that
 * policies and schedules copied from Application Auto Scaling carry.
 */
import type { Problem } from "../../errors.js";
import { errorAt, type Path } from "../../problems.js";
import type { TargetFields } from "../checkable.js";

export const MAX_AURORA_REPLICAS = 15; // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Replication.html
const ACU_MIN = 0; // Serverless v2 accepts 0 (auto-pause) to 256 ACU in steps of 0.5:
const ACU_MAX = 256; // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html

/** A target's own fields: its bounds and, for Aurora Serverless v2, its ACU ceiling. */
export function checkTargetFields(target: TargetFields, path: Path): Problem[] {
  const problems = checkBounds(target, path, target.MinCapacity, target.MaxCapacity);
  if (target.kind === "aurora-capacity") {
    const acuMax = target.AcuMaximum;
    problems.push(...checkAcu([...path, "AcuMaximum"], acuMax));
    if (acuMax < 1) problems.push(errorAt([...path, "AcuMaximum"], "the ACU ceiling must be at least 1"));
    if (acuMax < target.MaxCapacity) {
      problems.push(
        errorAt(
          [...path, "AcuMaximum"],
          `the ACU ceiling ${acuMax} is under the target's MaxCapacity ${target.MaxCapacity}`,
        ),
      );
    }
  }
  return problems;
}

/**
 * MinCapacity and MaxCapacity, a target's or a schedule's: whole readers (at most the replicas an
 * Aurora cluster takes) or instances, or ACU for Aurora Serverless v2; the minimum not over the maximum.
 */
export function checkBounds(
  target: TargetFields,
  path: Path,
  min: number | undefined,
  max: number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const minPath = [...path, "MinCapacity"];
  const maxPath = [...path, "MaxCapacity"];
  for (const [p, v] of [
    [minPath, min],
    [maxPath, max],
  ] as const) {
    if (v === undefined) continue;
    if (target.kind === "aurora-capacity") problems.push(...checkAcu(p, v));
    else if (!Number.isInteger(v))
      problems.push(
        errorAt(p, `${v} is not a whole number of ${target.kind === "asg" ? "instances" : "readers"}`),
      );
    if (target.kind === "aurora-readers" && v > MAX_AURORA_REPLICAS) {
      problems.push(
        errorAt(p, `${v} readers: an Aurora cluster has at most ${MAX_AURORA_REPLICAS} replicas`),
      );
    }
  }
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(errorAt(minPath, `MinCapacity ${min} is greater than MaxCapacity ${max}`));
  }
  return problems;
}

function checkAcu(path: Path, value: number): Problem[] {
  if (value < ACU_MIN || value > ACU_MAX)
    return [errorAt(path, `${value} ACU is outside ${ACU_MIN}–${ACU_MAX}`)];
  if (!Number.isInteger(value * 2)) return [errorAt(path, `${value} ACU is not a multiple of 0.5`)];
  return [];
}

/** ServiceNamespace/ResourceId/ScalableDimension, when copied from AWS, must name this target. */
export function checkScalableTargetFields(
  target: TargetFields,
  item: {
    ServiceNamespace?: string | undefined;
    ResourceId?: string | undefined;
    ScalableDimension?: string | undefined;
  },
  path: Path,
): Problem[] {
  const given = (["ServiceNamespace", "ResourceId", "ScalableDimension"] as const).filter(
    (f) => item[f] !== undefined,
  );
  if (given.length === 0) return [];
  if (target.kind !== "aurora-readers") {
    return given.map((f) =>
      errorAt(
        [...path, f],
        `a ${target.kind} target is not an Application Auto Scaling scalable target; drop ${f}`,
      ),
    );
  }
  const expected = {
    ServiceNamespace: "rds",
    ResourceId: `cluster:${target.DBClusterIdentifier}`,
    ScalableDimension: "rds:cluster:ReadReplicaCount",
  };
  return given
    .filter((f) => item[f] !== expected[f])
    .map((f) => errorAt([...path, f], `"${item[f]}" does not name this target; expected "${expected[f]}"`));
}
