/**
 * What every policy returns: a Proposal (a capacity it asks for) or an Abstention (why it asks for
 * nothing). Both types live in the engine; this file holds what the policies share about them.
 */
import type { Abstention, Proposal } from "../engine/decision.js";

/** A layer that asks for a capacity, as opposed to one that abstained. */
export const isProposal = (r: Proposal | Abstention): r is Proposal => "desired" in r;

/**
 * `x` without the last bits of floating-point noise, to 12 significant digits: 3 × 2.1 / 0.3 is
 * 21.000000000000004 and 0.0031 − 0.003 is 0.00009999999999999983, which would round or compare on
 * the wrong side of an integer or a step bound. No metric or capacity carries 12 digits of meaning.
 */
export const withoutNoise = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(12)) : x);

/** A number for people: integers as they are, others to 6 significant digits. */
export const formatNumber = (x: number): string =>
  Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
