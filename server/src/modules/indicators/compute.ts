/**
 * From the grouped counts of repository.ts to the answers: the unit's totals, each rate beside what its case mix
 * predicts (fairComparison), and the rankings. The formulas are the domain's (shared/src/domain/indicators-*.ts).
 */
import {
  RATE_DIRECTION,
  RATE_KEYS,
  addStratum,
  emptyStratum,
  fairComparison,
  rankByRate,
  ratio,
  verdictOf,
  type RateKey,
  type Share,
  type StratumCounts,
} from '@gridcommand/shared/domain';
import { RANKING_RATES, type IndicatorRate, type Ranking, type RankingRate } from '@gridcommand/shared/schemas';
import type { GroupRow, Named } from './repository.ts';

/** Strata of the rows `pick` selects, summed per stratum. */
export function strataOf(rows: readonly GroupRow[], pick: (r: GroupRow) => boolean = () => true): Map<string, StratumCounts> {
  const out = new Map<string, StratumCounts>();
  for (const r of rows) {
    if (!pick(r)) continue;
    let s = out.get(r.stratum);
    if (!s) out.set(r.stratum, (s = emptyStratum()));
    addStratum(s, r.counts);
  }
  return out;
}

const sharesOf = (strata: ReadonlyMap<string, StratumCounts>, k: RateKey) => new Map<string, Share>([...strata].map(([key, s]) => [key, s.shares[k]]));

/** Every rate of the unit with its expected value and interval against the reference (district-wide) strata. */
export function ratesOf(unit: ReadonlyMap<string, StratumCounts>, reference: ReadonlyMap<string, StratumCounts>): IndicatorRate[] {
  return RATE_KEYS.map((key) => {
    const f = fairComparison(sharesOf(unit, key), sharesOf(reference, key));
    let hits = 0;
    for (const s of unit.values()) hits += s.shares[key].hits;
    const direction = RATE_DIRECTION[key];
    return {
      key,
      n: f.n,
      hits,
      value: ratio(hits, f.n),
      expected: f.expected,
      low: f.low,
      high: f.high,
      position: f.position,
      verdict: verdictOf(f.position, direction),
      direction,
    };
  });
}

/** The ranking of streets or departments on the 三率 and the on-time closure rate, best and worst named per rate. */
export function rankingOf(rows: readonly GroupRow[], units: readonly Named[]): Pick<Ranking, 'items' | 'best' | 'worst'> {
  const totals = new Map<string, StratumCounts>();
  for (const r of rows) {
    let s = totals.get(r.group);
    if (!s) totals.set(r.group, (s = emptyStratum()));
    addStratum(s, r.counts);
  }
  const base = units.map((u) => {
    const s = totals.get(u.code) ?? emptyStratum();
    const v = (k: RankingRate) => ({ n: s.shares[k].n, hits: s.shares[k].hits, value: ratio(s.shares[k].hits, s.shares[k].n) });
    return { code: u.code, name: u.name, response: v('response'), resolution: v('resolution'), satisfaction: v('satisfaction'), onTimeClosure: v('onTimeClosure') };
  });
  const order = rankByRate(base, (i) => i.onTimeClosure.value, 'up').order;
  const named = (t: { code: string; name: string } | null) => (t ? { code: t.code, name: t.name } : null);
  const best = {} as Ranking['best'];
  const worst = {} as Ranking['worst'];
  for (const k of RANKING_RATES) {
    const r = rankByRate(base, (i) => i[k].value, 'up');
    best[k] = named(r.best);
    worst[k] = named(r.worst);
  }
  return { items: order.map((i, n) => ({ ...i, rank: n + 1 })), best, worst };
}
