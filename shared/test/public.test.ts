import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  TRACKING_ALPHABET,
  formatTrackingCode,
  isSensitiveCategory,
  normalizeTrackingCode,
  open311Status,
  pointsForFiled,
  publicPoint,
  publicStage,
  ratingReopens,
  trackingCodeFrom,
} from '../src/domain/index.ts';

describe('tracking codes', () => {
  it('uses every byte below the cut-off and skips the rest', () => {
    expect(trackingCodeFrom(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe('23456789AB');
    expect(trackingCodeFrom(Uint8Array.from([255, 254, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe('23456789AB');
    expect(trackingCodeFrom(Uint8Array.from([0, 1, 2]))).toBeNull();
    expect(trackingCodeFrom(Uint8Array.from([30, 31, 61, 62, 92, 93, 123, 124, 154, 155]))).toBe('Z2Z2Z2Z2Z2');
  });
  it('has no look-alike characters', () => {
    for (const ch of '01OIL') expect(TRACKING_ALPHABET).not.toContain(ch);
  });
  it.each([
    ['k7m4q-2xprb', 'K7M4Q2XPRB'],
    [' K7M4Q 2XPRB ', 'K7M4Q2XPRB'],
    ['K7M4Q2XPR', null],
    ['K7M4Q2XPR0', null],
    ['K7M4Q2XPRBB', null],
    ['', null],
  ])('normalizes %j', (input, want) => expect(normalizeTrackingCode(input)).toBe(want));
  it('formats in two groups', () => expect(formatTrackingCode('K7M4Q2XPRB')).toBe('K7M4Q-2XPRB'));
});

describe('ratings', () => {
  const closed = new Date('2026-11-20T10:00:00Z');
  it.each([
    ['unsatisfied', '2026-11-20T10:00:01Z', true],
    ['unsatisfied', '2026-11-27T10:00:00Z', true],
    ['unsatisfied', '2026-11-27T10:00:01Z', false],
    ['basic', '2026-11-21T10:00:00Z', false],
    ['satisfied', '2026-11-21T10:00:00Z', false],
  ] as const)('%s at %s reopens: %s', (rating, at, want) => expect(ratingReopens(rating, closed, new Date(at))).toBe(want));
});

describe('privacy', () => {
  it.each([
    ['07001', true],
    ['10002', true],
    ['04003', true],
    ['01001', false],
  ])('%s sensitive: %s', (code, want) => expect(isSensitiveCategory(code)).toBe(want));
  it('shows a sensitive case at its grid centre, others where they are', () => {
    const centre = { lon: 120.1, lat: 36.1 };
    expect(publicPoint({ categoryCode: '07001', lon: 120.2, lat: 36.2 }, centre)).toEqual({ ...centre, generalised: true });
    expect(publicPoint({ categoryCode: '07001', lon: 120.2, lat: 36.2 }, null)).toBeNull();
    expect(publicPoint({ categoryCode: '01001', lon: 120.2, lat: 36.2 }, centre)).toEqual({ lon: 120.2, lat: 36.2, generalised: false });
    expect(publicPoint({ categoryCode: '01001', lon: 1, lat: 2 }, centre, ['01'])).toMatchObject({ generalised: true });
  });
});

describe('stages', () => {
  it('names every state in plain words and as Open311 status', () => {
    const table = Object.fromEntries(CASE_STATES.map((s) => [s, [publicStage(s), open311Status(s)]]));
    expect(table).toEqual({
      reported: ['received', 'open'],
      filed: ['filed', 'open'],
      dispatched: ['sent', 'open'],
      returned: ['filed', 'open'],
      in_progress: ['sent', 'open'],
      handled: ['handled', 'open'],
      verified: ['verified', 'open'],
      closed: ['closed', 'closed'],
      void: ['void', 'closed'],
      parked: ['parked', 'open'],
    });
  });
});

describe('points', () => {
  it('gives a first report more than a follow', () => {
    expect(pointsForFiled('report')).toBe(15);
    expect(pointsForFiled('follow')).toBe(2);
    expect(pointsForFiled('report', { validReport: 1, firstReporter: 0, follow: 0 })).toBe(1);
  });
});
