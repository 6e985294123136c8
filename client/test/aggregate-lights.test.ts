/** The worst light of the grid tiles' aggregates (client/src/map/aggregate-lights.ts), without a browser. */
import { describe, expect, it } from 'vitest';
import type { Light } from '@gridcommand/shared/domain';
import { AggregateLights } from '../src/map/aggregate-lights.ts';
import { aggregateFeatureId } from '../src/map/style.ts';

const A = '370211001001001'; // community 370211001001, street 370211001, district 370211
const B = '370211001001002'; // same community
const C = '370211002001001'; // another street

function world() {
  const changes: [string, Light][] = [];
  const agg = new AggregateLights((code, light) => changes.push([code, light]));
  return { agg, changes };
}

describe('AggregateLights', () => {
  it('lights the community, street and district of a grid with its light', () => {
    const { agg, changes } = world();
    agg.set(A, 'yellow');
    expect(changes).toEqual([
      ['370211001001', 'yellow'],
      ['370211001', 'yellow'],
      ['370211', 'yellow'],
    ]);
  });

  it.each([
    ['the worst of two grids', [[A, 'yellow'], [B, 'red']], 'red'],
    ['back to the other grid when the worst clears', [[A, 'yellow'], [B, 'red'], [B, 'none']], 'yellow'],
    ['neutral when every grid clears', [[A, 'green'], [A, 'none']], 'none'],
    ['a better light replaces a worse one of the same grid', [[A, 'red'], [A, 'green']], 'green'],
  ] as const)('%s', (_name, steps, want) => {
    const { agg } = world();
    for (const [code, light] of steps) agg.set(code, light);
    expect(agg.lightOf('370211001001')).toBe(want);
  });

  it('tells only the aggregates whose light changed', () => {
    const { agg, changes } = world();
    agg.set(A, 'red');
    changes.length = 0;
    agg.set(C, 'green'); // the district stays red
    expect(changes).toEqual([
      ['370211002001', 'green'],
      ['370211002', 'green'],
    ]);
    expect(agg.lightOf('370211')).toBe('red');
  });

  it('names the aggregate feature by its code as a number', () => {
    expect(aggregateFeatureId('370211001001')).toBe(370211001001);
  });
});
