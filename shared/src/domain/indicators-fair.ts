/**
 * Fair comparison of a unit's rate with what its case mix predicts (indirect standardisation). Categories and
 * priorities have different time limits and difficulty; a street with many long-limit categories is judged against
 * the district's own rates for those categories, not against the district's overall rate.
 *
 * For a rate and a unit over one period, with strata g (category × priority):
 *   n_g   the unit's cases in the rate's cohort in stratum g, N = Σ n_g
 *   p_g   the reference (district-wide) rate of stratum g in the same period
 *   expected = Σ n_g·p_g ÷ N
 *   sd       = √(Σ n_g·p_g·(1 − p_g)) ÷ N          (each case a Bernoulli trial with its stratum's rate)
 *   interval = expected ± 1.96·sd, cut to [0, 1]
 * The measured rate is "above" or "below" what is expected only outside the interval; whether that is better or
 * worse depends on the rate's direction (RATE_DIRECTION). A stratum the reference has no cases of cannot occur
 * (the unit's cases are part of the reference); if it does, its cases are left out of the expectation.
 */
import type { Share } from './indicators-cases.ts';

export const Z_95 = 1.96;

export interface FairComparison {
  /** the unit's cases in the cohort */
  n: number;
  observed: number | null;
  expected: number | null;
  low: number | null;
  high: number | null;
  /** where the measured rate lies: outside the interval above or below it, or within; null without data */
  position: 'above' | 'below' | 'within' | null;
}

/** The unit's shares and the reference's, each by stratum key. */
export function fairComparison(unit: ReadonlyMap<string, Share>, reference: ReadonlyMap<string, Share>): FairComparison {
  let n = 0;
  let hits = 0;
  let nExp = 0;
  let sumP = 0;
  let sumVar = 0;
  for (const [key, s] of unit) {
    n += s.n;
    hits += s.hits;
    const ref = reference.get(key);
    if (!ref || ref.n === 0 || s.n === 0) continue;
    const p = ref.hits / ref.n;
    nExp += s.n;
    sumP += s.n * p;
    sumVar += s.n * p * (1 - p);
  }
  const observed = n === 0 ? null : hits / n;
  if (nExp === 0) return { n, observed, expected: null, low: null, high: null, position: null };
  const expected = sumP / nExp;
  const sd = Math.sqrt(sumVar) / nExp;
  const low = Math.max(0, expected - Z_95 * sd);
  const high = Math.min(1, expected + Z_95 * sd);
  const eps = 1e-12;
  const position = observed === null ? null : observed > high + eps ? 'above' : observed < low - eps ? 'below' : 'within';
  return { n, observed, expected, low, high, position };
}

/** better / worse / as expected, from the position and the rate's direction ('none': never better or worse). */
export function verdictOf(position: FairComparison['position'], direction: 'up' | 'down' | 'none'): 'better' | 'worse' | 'expected' | null {
  if (position === null) return null;
  if (position === 'within' || direction === 'none') return 'expected';
  return (position === 'above') === (direction === 'up') ? 'better' : 'worse';
}

/**
 * Items ranked on one rate: best first (highest for 'up', lowest for 'down'), items without data last, ties by code.
 * `best` and `worst` name the first and the last item with data (null with fewer than two such items).
 */
export function rankByRate<T extends { code: string }>(
  items: readonly T[],
  rate: (t: T) => number | null,
  direction: 'up' | 'down',
): { order: T[]; best: T | null; worst: T | null } {
  const sign = direction === 'up' ? -1 : 1;
  const order = [...items].sort((a, b) => {
    const x = rate(a);
    const y = rate(b);
    if (x === null || y === null) return x === y ? a.code.localeCompare(b.code) : x === null ? 1 : -1;
    return sign * (x - y) || a.code.localeCompare(b.code);
  });
  const withData = order.filter((t) => rate(t) !== null);
  if (withData.length < 2) return { order, best: null, worst: null };
  return { order, best: withData[0]!, worst: withData[withData.length - 1]! };
}
