/**
 * SNS alarm notifications name the region for people ("Region": "EU (Ireland)"), not as a code.
 * This table maps those display names back to codes. The names have changed over the years:
 * "EU - Ireland" and "US - N. Virginia" in messages from before 2018, "EU (Ireland)" since,
 * "Europe (Ireland)" in the newer console, so lookups are made on a normalised form.
 *
 * Sources: AWS's region names, https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-region-billing-codes.html
 * ("Europe (Ireland)"), and real notifications carrying "Region":"EU - Ireland" (2017,
 * https://gist.github.com/seventhskye/ff8efa878c31184a232efed374fb61c5), "US - N. Virginia" (2012,
 * https://gist.github.com/dacc/2166108), "EU (London)", "EU (Ireland)", "Asia Pacific (Seoul)" (2021–2025).
 */

/** Region code → the display name CloudWatch writes into SNS notifications. */
export const REGION_DISPLAY_NAMES = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
  "af-south-1": "Africa (Cape Town)",
  "ap-east-1": "Asia Pacific (Hong Kong)",
  "ap-east-2": "Asia Pacific (Taipei)",
  "ap-south-1": "Asia Pacific (Mumbai)",
  "ap-south-2": "Asia Pacific (Hyderabad)",
  "ap-southeast-1": "Asia Pacific (Singapore)",
  "ap-southeast-2": "Asia Pacific (Sydney)",
  "ap-southeast-3": "Asia Pacific (Jakarta)",
  "ap-southeast-4": "Asia Pacific (Melbourne)",
  "ap-southeast-5": "Asia Pacific (Malaysia)",
  "ap-southeast-6": "Asia Pacific (New Zealand)",
  "ap-southeast-7": "Asia Pacific (Thailand)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
  "ap-northeast-2": "Asia Pacific (Seoul)",
  "ap-northeast-3": "Asia Pacific (Osaka)",
  "ca-central-1": "Canada (Central)",
  "ca-west-1": "Canada West (Calgary)",
  "eu-central-1": "EU (Frankfurt)",
  "eu-central-2": "EU (Zurich)",
  "eu-west-1": "EU (Ireland)",
  "eu-west-2": "EU (London)",
  "eu-west-3": "EU (Paris)",
  "eu-south-1": "EU (Milan)",
  "eu-south-2": "EU (Spain)",
  "eu-north-1": "EU (Stockholm)",
  "il-central-1": "Israel (Tel Aviv)",
  "me-south-1": "Middle East (Bahrain)",
  "me-central-1": "Middle East (UAE)",
  "mx-central-1": "Mexico (Central)",
  "sa-east-1": "South America (Sao Paulo)",
  "us-gov-east-1": "AWS GovCloud (US-East)",
  "us-gov-west-1": "AWS GovCloud (US-West)",
  "cn-north-1": "China (Beijing)",
  "cn-northwest-1": "China (Ningxia)",
} as const;

export type RegionCode = keyof typeof REGION_DISPLAY_NAMES;

/** Names seen in the wild that normalisation alone does not bring back to the table's. */
const ALIASES: Record<string, RegionCode> = {
  "US (N. Virginia)": "us-east-1", // "US - N. Virginia", messages from 2012–2017
  "US East (Northern Virginia)": "us-east-1",
  "US West (Northern California)": "us-west-1",
  "AWS GovCloud (US)": "us-gov-west-1",
  "EU (Zaragoza)": "eu-south-2",
};

/** "Europe – Ireland", "EU (Ireland)", "eu (ireland)" → "eu (ireland)"; "São Paulo" → "sao paulo". */
function normalise(name: string): string {
  const plain = name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\u2010-\u2015]/g, "-")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^europe\b/, "eu");
  const dashed = /^(.+?) - (.+)$/.exec(plain); // the pre-2018 form "EU - Ireland"
  return dashed ? `${dashed[1]} (${dashed[2]})` : plain;
}

const BY_NAME = new Map<string, RegionCode>([
  ...Object.entries(REGION_DISPLAY_NAMES).map(
    ([code, name]) => [normalise(name), code as RegionCode] as const,
  ),
  ...Object.entries(ALIASES).map(([name, code]) => [normalise(name), code] as const),
]);

/** The region code for an SNS display name, or null for unknown names and placeholders (`EXAMPLE`). */
export function regionCodeFromDisplayName(name: string | null | undefined): RegionCode | null {
  return name ? (BY_NAME.get(normalise(name)) ?? null) : null;
}
