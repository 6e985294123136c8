import { describe, expect, it } from 'vitest';
import { allowedVerifyDistanceM, assessVerification, distanceM, keepTrackPoint, trackLengthM } from '../src/domain/field.ts';

describe('distanceM', () => {
  it.each<[string, [number, number], [number, number], number, number]>([
    ['same point', [120.2, 35.9], [120.2, 35.9], 0, 0.001],
    ['0.001° of latitude', [120.2, 35.9], [120.2, 35.901], 111.2, 0.5],
    ['0.001° of longitude at 35.9°N', [120.2, 35.9], [120.201, 35.9], 90.1, 0.5],
    ['about 2 km east', [120.2, 35.9], [120.222, 35.9], 1_982, 5],
  ])('%s', (_l, a, b, expected, tol) => {
    expect(Math.abs(distanceM({ lon: a[0], lat: a[1] }, { lon: b[0], lat: b[1] }) - expected)).toBeLessThanOrEqual(tol);
  });

  it('sums the legs of a track', () => {
    const t = [{ lon: 120.2, lat: 35.9 }, { lon: 120.2, lat: 35.901 }, { lon: 120.2, lat: 35.902 }];
    expect(trackLengthM(t)).toBeCloseTo(222.4, 0);
    expect(trackLengthM(t.slice(0, 1))).toBe(0);
  });
});

describe('verification on site', () => {
  it.each<[number | null, number | null, boolean, string | null]>([
    [12, 10, false, null],
    [300, null, false, null],
    [301, null, true, 'far'],
    [450, 250, false, null], // a poor fix widens the allowance to twice its accuracy…
    [1_200, 900, true, 'far'], // …but never beyond 1 km
    [2_000, 30, true, 'far'],
    [null, 10, true, 'no_position'],
  ])('%s m away, accuracy %s m → flagged %s', (d, acc, flagged, reason) => {
    expect(assessVerification(d, acc)).toEqual({ flagged, flagReason: reason });
  });

  it.each<[number | null, number]>([
    [null, 300],
    [100, 300],
    [200, 400],
    [5_000, 1_000],
  ])('accuracy %s m allows %s m', (acc, m) => expect(allowedVerifyDistanceM(acc)).toBe(m));
});

describe('track sampling', () => {
  const p = (lon: number, lat: number, s: number) => ({ lon, lat, at: s * 1000 });
  it.each<[string, ReturnType<typeof p> | null, ReturnType<typeof p>, boolean]>([
    ['the first point', null, p(120.2, 35.9, 0), true],
    ['too soon, even far', p(120.2, 35.9, 0), p(120.21, 35.9, 5), false],
    ['moved 30 m after 12 s', p(120.2, 35.9, 0), p(120.2, 35.90027, 12), true],
    ['standing still for 30 s', p(120.2, 35.9, 0), p(120.2, 35.9, 30), false],
    ['standing still for a minute', p(120.2, 35.9, 0), p(120.2, 35.9, 60), true],
  ])('%s', (_l, last, next, keep) => expect(keepTrackPoint(last, next)).toBe(keep));
});
