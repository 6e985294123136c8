/** idRuns: the ids the live hub holds, as runs of consecutive ids (what its read leaves out). */
import { describe, expect, it } from 'vitest';
import { idRuns } from '../src/modules/live/rows.ts';

describe('idRuns', () => {
  it.each([
    { ids: [], lo: [], hi: [] },
    { ids: [7], lo: [7], hi: [7] },
    { ids: [3, 4, 5], lo: [3], hi: [5] },
    { ids: [5, 3, 4], lo: [3], hi: [5] },
    { ids: [1, 2, 4, 5, 9], lo: [1, 4, 9], hi: [2, 5, 9] },
    { ids: [10, 1, 11, 3, 2], lo: [1, 10], hi: [3, 11] },
    { ids: [9_007_199_254_740_990, 9_007_199_254_740_991], lo: [9_007_199_254_740_990], hi: [9_007_199_254_740_991] },
  ])('$ids → $lo..$hi', ({ ids, lo, hi }) => {
    expect(idRuns(ids)).toEqual({ lo, hi });
  });

  it('a thousand held rows interleaved with three open transactions are four runs', () => {
    const open = new Set([250, 500, 750]);
    const held = Array.from({ length: 1_003 }, (_, i) => i + 1).filter((id) => !open.has(id));
    expect(idRuns(held)).toEqual({ lo: [1, 251, 501, 751], hi: [249, 499, 749, 1_003] });
  });
});
