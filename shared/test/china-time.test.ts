import { describe, expect, it } from 'vitest';
import {
  addCstDays,
  cstDate,
  cstDateKey,
  cstDaysOf,
  cstWeekday,
  formatCstDateTime,
  formatCstIso,
  isDateKey,
  parseCstInstant,
  periodWindow,
  startOfCstDay,
} from '../src/domain/china-time.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

describe('calendar dates in CST', () => {
  it.each<[string, string]>([
    ['2026-11-30T15:59:59.999Z', '2026-11-30'],
    ['2026-11-30T16:00:00.000Z', '2026-12-01'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
  ])('%s is %s in CST', (t, day) => expect(cstDateKey(new Date(t))).toBe(day));

  it.each<[string, boolean]>([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2099-02-30', false],
    ['0000-01-01', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
  ])('isDateKey(%s) = %s', (s, ok) => expect(isDateKey(s)).toBe(ok));

  it('builds instants from CST wall-clock times and refuses impossible ones', () => {
    expect(cstDate('2026-12-01', '09:00').toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(() => cstDate('2099-02-30')).toThrow(RangeError);
    expect(() => cstDate('2026-12-01', '24:00')).toThrow(RangeError);
  });

  it('day starts, additions, weekdays and formats', () => {
    expect(startOfCstDay(new Date('2026-12-01T10:00:00Z')).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(addCstDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCstDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(cstWeekday(new Date('2026-11-29T17:00:00Z'))).toBe(1); // Monday 01:00 CST
    expect(formatCstDateTime(new Date('2026-12-01T10:05:00Z'))).toBe('2026-12-01 18:05');
    expect(formatCstIso(new Date('2026-12-01T10:05:07.9Z'))).toBe('2026-12-01T18:05:07+08:00');
  });
});

describe('parseCstInstant', () => {
  it.each<[string, boolean, string | null]>([
    ['2026-12-01', false, '2026-11-30T16:00:00.000Z'],
    ['2026-12-01', true, '2026-12-01T16:00:00.000Z'],
    ['2026-12-01T08:00:00+08:00', false, '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T08:00Z', false, '2026-12-01T08:00:00.000Z'],
    ['2026-12-01T08:00:00.123456Z', false, '2026-12-01T08:00:00.123Z'],
    ['2099-02-30', false, null],
    ['0000-01-01', false, null],
    ['2026-02-30T08:00:00Z', false, null],
    ['2026-12-01T25:00:00Z', false, null],
    ['2026-12-01T08:00:00', false, null],
    ['2026-12-01T08:00:00+15:00', false, null],
    ['yesterday', false, null],
    ['', false, null],
  ])('%s (end of day %s)', (v, end, expected) => expect(iso(parseCstInstant(v, end))).toBe(expected));
});

describe('periodWindow: "the last N days" are N CST calendar days including today', () => {
  const now = new Date('2026-12-01T10:00:00Z'); // 18:00 CST on 1 December
  it.each<['today' | 'month' | '7d' | '30d', string]>([
    ['today', '2026-11-30T16:00:00.000Z'],
    ['month', '2026-11-30T16:00:00.000Z'],
    ['7d', '2026-11-24T16:00:00.000Z'],
    ['30d', '2026-11-01T16:00:00.000Z'],
  ])('%s starts at %s and ends now', (p, from) => {
    const w = periodWindow(p, now);
    expect(w.from.toISOString()).toBe(from);
    expect(w.to).toBe(now);
  });

  it('7d spans exactly seven calendar days', () => {
    expect(cstDaysOf(periodWindow('7d', now))).toEqual(['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
  });
});
