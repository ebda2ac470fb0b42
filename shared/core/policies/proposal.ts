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
export const withoutNoise = (x: number): number => (Number.isFinite(x) ? significant(x, 12) : x);

/** A number for people: integers as they are, others to 6 significant digits. */
export const formatNumber = (x: number): string =>
  Number.isInteger(x) ? String(x) : String(significant(x, 6));

/** 10^0 … 10^22, each exact as a double (parsed: a power computed may be an ulp off). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * `Number(x.toPrecision(digits))` for 1 ≤ digits ≤ 15, mostly without the decimal conversion that
 * costs more than the rest of a policy's evaluation (the tick formats every policy's metric every
 * minute). x is scaled to `digits` integer digits by an exact power of ten and rounded; dividing
 * back lands on the double nearest the decimal, as parsing it does. Where the scaled value sits
 * too close to a half, or to the ends of its range, for the scaling's rounding error (under 8 ulps
 * of it) to leave the rounding certain, toPrecision decides.
 */
export function significant(x: number, digits: number): number {
  const magnitude = Math.abs(x);
  if (!(magnitude >= 1e-7 && magnitude < 1e7)) return Number(x.toPrecision(digits));
  const shift = digits - 1 - Math.floor(Math.log10(magnitude));
  const power = POWERS_OF_TEN[Math.abs(shift)];
  if (power === undefined) return Number(x.toPrecision(digits));
  const scaled = shift >= 0 ? magnitude * power : magnitude / power;
  const high = POWERS_OF_TEN[digits] ?? Number.POSITIVE_INFINITY;
  const margin = high * 2 ** -50;
  const whole = Math.floor(scaled);
  const fraction = scaled - whole;
  if (scaled < high / 10 + 1 || scaled > high - 1 || Math.abs(fraction - 0.5) < margin)
    return Number(x.toPrecision(digits));
  const rounded = fraction > 0.5 ? whole + 1 : whole;
  const value = shift >= 0 ? rounded / power : rounded * power;
  return x < 0 ? -value : value;
}
