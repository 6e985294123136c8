/** The bulletins' periods: containing period, default (last complete), issue number, previous period, trend buckets. */
import { describe, expect, it } from 'vitest';
import { bulletinPeriod, bulletinTitle, changeOf, lastCompletePeriod, lastDayOf, previousPeriod, trendBuckets } from '../src/domain/index.ts';

describe('the period containing a day, and its issue number (第N期)', () => {
  it.each([
    ['daily', '2026-01-01', '2026-01-01', '2026-01-02', 1],
    ['daily', '2026-12-31', '2026-12-31', '2027-01-01', 365],
    ['daily', '2024-12-31', '2024-12-31', '2025-01-01', 366],
    ['monthly', '2026-11-17', '2026-11-01', '2026-12-01', 11],
    ['monthly', '2026-12-31', '2026-12-01', '2027-01-01', 12],
    ['quarterly', '2026-11-17', '2026-10-01', '2027-01-01', 4],
    ['quarterly', '2026-02-28', '2026-01-01', '2026-04-01', 1],
  ] as const)('%s of %s: %s — %s, issue %i', (kind, day, first, next, issue) => {
    expect(bulletinPeriod(kind, day)).toEqual({ kind, first, next, issue, year: Number(first.slice(0, 4)) });
  });
});

describe('defaults and the previous period', () => {
  it.each([
    ['daily', '2026-12-01', '2026-11-30'],
    ['daily', '2026-01-01', '2025-12-31'],
    ['monthly', '2026-12-01', '2026-11-01'],
    ['monthly', '2026-01-20', '2025-12-01'],
    ['quarterly', '2026-12-01', '2026-07-01'],
    ['quarterly', '2026-01-01', '2025-10-01'],
  ] as const)('the last complete %s before %s starts %s', (kind, today, first) => {
    expect(lastCompletePeriod(kind, today).first).toBe(first);
  });

  it('previous periods and last days', () => {
    expect(previousPeriod(bulletinPeriod('monthly', '2026-03-10')).first).toBe('2026-02-01');
    expect(lastDayOf(bulletinPeriod('monthly', '2026-02-10'))).toBe('2026-02-28');
    expect(previousPeriod(bulletinPeriod('quarterly', '2026-01-10')).first).toBe('2025-10-01');
    expect(previousPeriod(bulletinPeriod('daily', '2026-03-01')).first).toBe('2026-02-28');
  });
});

describe('trend buckets', () => {
  it('none for a day; days for a month', () => {
    expect(trendBuckets(bulletinPeriod('daily', '2026-11-03'))).toEqual([]);
    const m = trendBuckets(bulletinPeriod('monthly', '2026-11-03'));
    expect(m).toHaveLength(30);
    expect(m[0]).toEqual({ first: '2026-11-01', next: '2026-11-02' });
    expect(m[29]).toEqual({ first: '2026-11-30', next: '2026-12-01' });
  });
  it('Monday-first weeks cut to the quarter', () => {
    // 2026-10-01 is a Thursday; 2026-12-28 a Monday
    const q = trendBuckets(bulletinPeriod('quarterly', '2026-11-03'));
    expect(q[0]).toEqual({ first: '2026-10-01', next: '2026-10-05' });
    expect(q[1]).toEqual({ first: '2026-10-05', next: '2026-10-12' });
    expect(q.at(-1)).toEqual({ first: '2026-12-28', next: '2027-01-01' });
    expect(q).toHaveLength(14);
  });
});

describe('changes against the previous period', () => {
  it.each([
    [0.935, 0.914, true, { delta: 2.1, arrow: '↑' }],
    [0.8, 0.85, true, { delta: -5, arrow: '↓' }],
    [0.5, 0.5, true, { delta: 0, arrow: '→' }],
    [null, 0.5, true, { delta: null, arrow: null }],
    [120, 100, false, { delta: 20, arrow: '↑' }],
  ] as const)('%s vs %s', (now, before, rate, want) => {
    expect(changeOf(now, before, rate)).toEqual(want);
  });
  it('the title', () => {
    expect(bulletinTitle('东城区', 'daily')).toBe('东城区网格化服务管理工作快报');
    expect(bulletinTitle('东城区', 'quarterly')).toBe('东城区网格化服务管理工作季报');
  });
});
