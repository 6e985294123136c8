/** The window of grids a map reads for its labels and lookups: snapped, bounded, never the whole city. */
import { describe, expect, it } from 'vitest';
import { gridWindow } from '../src/map/bounds.ts';
import type { BBox } from '../src/api/types.ts';

describe('gridWindow', () => {
  const cases: [string, BBox, number, BBox | null][] = [
    ['snaps outward to 0.05°', [120.101, 35.952, 120.263, 36.049], 14, [120.1, 35.95, 120.3, 36.05]],
    ['a view on the step lines keeps them', [120.1, 35.95, 120.3, 36.05], 14, [120.1, 35.95, 120.3, 36.05]],
    ['zoomed out past the band: nothing', [120.101, 35.952, 120.263, 36.049], 13.5, null],
    ['exactly at the band', [120.2, 36.0, 120.21, 36.01], 13.6, [120.2, 36.0, 120.25, 36.05]],
    ['wider than a degree: nothing', [119.5, 35.5, 120.6, 36.0], 14, null],
    ['west and south of 0', [-0.07, -0.01, 0.02, 0.03], 15, [-0.1, -0.05, 0.05, 0.05]],
    ['clamped to the world', [179.98, 89.97, 179.99, 89.99], 18, [179.95, 89.95, 180, 90]],
    ['not a bbox', [120.3, 36, 120.1, 35.9], 14, null],
    ['NaN zoom', [120.1, 35.95, 120.3, 36.05], Number.NaN, null],
  ];
  for (const [what, view, zoom, expected] of cases) {
    it(what, () => expect(gridWindow(view, zoom, 13.6)).toEqual(expected));
  }

  it('two views a few hundred metres apart read the same window', () => {
    expect(gridWindow([120.112, 35.961, 120.181, 36.001], 14, 13.6)).toEqual(gridWindow([120.114, 35.963, 120.184, 36.004], 14, 13.6));
  });
});
