/** The wall's URL parameters: defaults, bounds and what is ignored. */
import { describe, expect, it } from 'vitest';
import { parseWallParams } from '../src/wall/params.ts';

describe('parseWallParams', () => {
  const cases: [string, Partial<ReturnType<typeof parseWallParams>>][] = [
    ['', { mode: null, rotateSeconds: 30, street: null, sound: false, staleAfterSeconds: 30, reconnectMaxSeconds: 30 }],
    ['?mode=heatmap&rotate=0', { mode: 'heatmap', rotateSeconds: 0 }],
    ['?mode=nonsense&rotate=2', { mode: null, rotateSeconds: 5 }],
    ['?rotate=abc', { rotateSeconds: 30 }],
    ['?street=370211001&sound=1', { street: '370211001', sound: true }],
    ['?street=3702110', { street: null }],
    ['?staleAfter=5', { staleAfterSeconds: 5 }],
    ['?staleAfter=0', { staleAfterSeconds: 30 }],
    ['?reconnectMax=2', { reconnectMaxSeconds: 2 }],
    ['?reconnectMax=1', { reconnectMaxSeconds: 30 }],
    ['?reconnectMax=100000', { reconnectMaxSeconds: 300 }],
    ['?reconnectMax=x', { reconnectMaxSeconds: 30 }],
  ];
  for (const [search, expected] of cases) {
    it(`reads "${search}"`, () => expect(parseWallParams(search)).toMatchObject(expected));
  }
});
