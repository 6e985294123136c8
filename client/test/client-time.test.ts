/** The client's time windows and shifts are the shared China-time rules (the server's periodWindow), whatever the PC's zone. */
import { describe, expect, it } from 'vitest';
import { cstDate, formatCstIso, periodWindow, PERIOD_PRESETS } from '@gridcommand/shared/domain';
import { customWindow, presetWindow } from '../src/api/stats.ts';
import { currentShift } from '../src/dispatch/PatrolPanel.tsx';

const NOWS = ['2026-12-01T15:59:30.000Z', '2026-12-01T16:00:00.000Z', '2026-12-31T23:10:00.000Z', '2027-03-01T00:00:01.000Z'].map((s) => new Date(s));

describe('presetWindow', () => {
  for (const now of NOWS) {
    for (const preset of PERIOD_PRESETS) {
      it(`${preset} at ${now.toISOString()} starts where the server's window starts`, () => {
        const w = presetWindow(preset, now);
        expect(Date.parse(w.from)).toBe(periodWindow(preset, now).from.getTime());
        expect(w.from).toBe(formatCstIso(periodWindow(preset, now).from));
        // `to` is now, rounded up to the minute
        expect(Date.parse(w.to) - now.getTime()).toBeGreaterThanOrEqual(0);
        expect(Date.parse(w.to) - now.getTime()).toBeLessThan(60_000);
      });
    }
  }
  it('"7d" is today and the six CST calendar days before it', () => {
    const w = presetWindow('7d', new Date('2026-12-07T17:00:00.000Z')); // 01:00 CST on the 8th
    expect(w.from).toBe('2026-12-02T00:00:00+08:00');
  });
});

describe('customWindow', () => {
  it('covers whole CST days, both ends included', () => {
    expect(customWindow('2026-12-01', '2026-12-03')).toEqual({ from: '2026-12-01T00:00:00+08:00', to: '2026-12-04T00:00:00+08:00' });
  });
});

describe('currentShift', () => {
  it.each([
    ['2026-12-01T07:59', '2026-12-01T00:00'],
    ['2026-12-01T08:00', '2026-12-01T08:00'],
    ['2026-12-01T23:30', '2026-12-01T16:00'],
  ])('at %s CST the shift starts at %s CST', (at, start) => {
    const [d, t] = at.split('T') as [string, string];
    const [sd, st] = start.split('T') as [string, string];
    const shift = currentShift(cstDate(d, t));
    expect(shift.start).toEqual(cstDate(sd, st));
    expect(shift.end.getTime() - shift.start.getTime()).toBe(8 * 3_600_000);
  });
});
