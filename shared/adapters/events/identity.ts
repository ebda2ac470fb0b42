/**
 * What an alarm event's fields say of its account and region, each field as written and as read,
 * for the brain's origin check (shared/brain/origin.ts): the envelope's account and region and the
 * alarm ARN's, so that a placeholder, a malformed value or an ARN of another account than the
 * envelope's is seen rather than passed over.
 */
import type { Stated } from "../../brain/origin.js";
import { accountOrNull, regionCodeOrNull } from "./fields.js";

export type StatedOrigin = { account: Stated[]; region: Stated[] };

type Read = (says: string) => string | null;

/** A field that names something, trimmed; absent, null or blank names nothing. */
function stated(field: string, value: string | null | undefined, read: Read): Stated[] {
  const says = value?.trim();
  return says ? [{ field, says, reads: read(says) }] : [];
}

/**
 * The fields of an event naming its account and region: `account` and `region` as [field, value]
 * (`readRegion` for SNS's display names), and the alarm ARN's own two parts. An ARN that is not
 * one (`arn:partition:service:region:account:...`) says nothing readable of either.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function statedOrigin(input: {
  account: [field: string, value: string | null | undefined];
  region: [field: string, value: string | null | undefined];
  readRegion?: Read;
  arn: [field: string, value: string | null | undefined];
}): StatedOrigin {
  const [arnField, arn] = input.arn;
  const parts = (arn ?? "").split(":").map((part) => part.trim());
  const isArn = parts[0] === "arn" && parts.length >= 6;
  const arnPart = (index: number) => (isArn ? parts[index] : arn);
  return {
    account: [
      ...stated(...input.account, accountOrNull),
      ...stated(arnField, arnPart(4), (says) => (isArn ? accountOrNull(says) : null)),
    ],
    region: [
      ...stated(...input.region, input.readRegion ?? regionCodeOrNull),
      ...stated(arnField, arnPart(3), (says) => (isArn ? regionCodeOrNull(says) : null)),
    ],
  };
}
