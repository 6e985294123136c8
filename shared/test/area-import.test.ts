import { describe, expect, it } from 'vitest';
import { capProblems, checkedLevels, checkHierarchy, codeProblem, geometryShapeProblem, readFeature, type ImportArea, type StoredArea } from '../src/domain/area-import.ts';

const square = { type: 'Polygon', coordinates: [[[120, 36], [120.01, 36], [120.01, 36.01], [120, 36.01], [120, 36]]] };
const feature = (properties: Record<string, unknown>, geometry: unknown = square) => ({ type: 'Feature', properties, geometry });

describe('codeProblem', () => {
  it.each([
    ['370211001', 'street', '370211', null],
    ['37021100101', 'zone', '370211001', null],
    ['370211001001', 'community', '37021100108', null],
    ['370211001001001', 'grid', '370211001001', null],
    ['370212001', 'street', '370211', 'starts with'],
    ['370211002001', 'community', '37021100108', 'starts with'],
    ['370211001001000', 'grid', '370211001001', 'all zeros'],
    ['37021100100', 'zone', '370211001', 'all zeros'],
    ['3702110010010', 'grid', '370211001001', '15 digits'],
    ['370211001001001', 'grid', '37021100101', 'not a community code'],
  ] as const)('%s as a %s under %s', (code, level, parent, problem) => {
    const got = codeProblem(code, level, parent);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });
});

describe('geometryShapeProblem', () => {
  it.each([
    [square, null],
    [{ type: 'MultiPolygon', coordinates: [square.coordinates] }, null],
    [{ type: 'Point', coordinates: [120, 36] }, 'invalid_geometry'],
    [null, 'invalid_geometry'],
    [{ type: 'Polygon', coordinates: [[[120, 36], [121, 36], [120, 36]]] }, 'invalid_geometry'],
    [{ type: 'Polygon', coordinates: [[[120, 36], [121, 36], [121, 37], [120, 37]]] }, 'invalid_geometry'],
    [{ type: 'Polygon', coordinates: [[[120, 36], ['a', 36], [121, 37], [120, 36]]] }, 'invalid_geometry'],
    [{ type: 'Polygon', coordinates: [[[500000, 4000000], [500100, 4000000], [500100, 4000100], [500000, 4000000]]] }, 'not_wgs84'],
  ])('%j → %s', (g, problem) => {
    expect(geometryShapeProblem(g)?.problem ?? null).toBe(problem);
  });
});

describe('readFeature', () => {
  it.each([
    [feature({ code: '370211001001001', name: '第1网格' }), [], 'grid', '370211001001'],
    [feature({ code: 370211001001001, level: 'grid', name: '第1网格' }), [], 'grid', '370211001001'],
    [feature({ code: '370211001001', name: '社区', parent_code: '37021100108' }), [], 'community', '37021100108'],
    [feature({ code: '370211001001', name: '社区' }), ['no_parent'], null, null],
    [feature({ code: '370211', name: '区' }), ['bad_level'], null, null],
    [feature({ code: '3702110010', name: 'x' }), ['bad_code'], null, null],
    [feature({ code: '370211001001001', level: 'community', name: 'x' }), ['bad_code', 'no_parent'], null, null],
    [feature({ code: '370211001001001', level: 'village', name: 'x' }), ['bad_level'], null, null],
    [feature({ code: '370211001001001' }), ['bad_property'], null, null],
    [feature({ code: '370211001001001', name: 'x', population: -1 }), ['bad_property'], null, null],
    [feature({ code: '370211001001001', name: 'x', urban: 'yes' }), ['bad_property'], null, null],
    [feature({ code: '370211001001001', name: 'x', parent_code: '370211001002' }), ['bad_code'], null, null],
    [feature({ code: '370211001001001', name: 'x' }, { type: 'LineString', coordinates: [] }), ['invalid_geometry'], null, null],
    [{ type: 'Point' }, ['not_feature'], null, null],
  ])('%j', (raw, problems, level, parent) => {
    const r = readFeature(raw, 3);
    expect(r.problems.map((p) => p.problem)).toEqual(problems);
    expect(r.problems.every((p) => p.feature === 3)).toBe(true);
    expect(r.area?.level ?? null).toBe(level);
    expect(r.area?.parentCode ?? null).toBe(parent);
  });
});

const area = (code: string, level: ImportArea['level'], parentCode: string, index: number): ImportArea => ({
  index, code, level, name: code, parentCode, shortName: null, displayCode: null, population: null, households: null, urban: null,
  geometry: square as ImportArea['geometry'],
});
const stored: StoredArea[] = [
  { code: '370211', level: 'district' },
  { code: '370211001', level: 'street' },
  { code: '37021100101', level: 'zone' },
  { code: '370211001001', level: 'community' },
  { code: '370211001001001', level: 'grid' },
];

describe('checkHierarchy', () => {
  it.each([
    ['grids under stored communities', [area('370211001001002', 'grid', '370211001001', 0)], []],
    ['a grid of a missing community', [area('370211001009001', 'grid', '370211001009', 0)], ['grid_without_community']],
    ['a duplicate', [area('370211001001002', 'grid', '370211001001', 0), area('370211001001002', 'grid', '370211001001', 1)], ['duplicate_code']],
    ['a community whose level is replaced without its zone', [area('370211001002', 'community', '37021100101', 0), area('37021100102', 'zone', '370211001', 1)], ['no_parent']],
    ['a zone and its communities together', [area('370211001002', 'community', '37021100102', 0), area('37021100102', 'zone', '370211001', 1)], []],
    ['a community under a street', [area('370211001002', 'community', '370211001', 0)], ['no_parent']],
  ])('%s', (_n, areas, problems) => {
    expect(checkHierarchy(areas, stored).problems.map((p) => p.problem)).toEqual(problems);
  });

  it('names the levels present, top-down', () => {
    expect(checkHierarchy([area('370211001001002', 'grid', '370211001001', 0), area('37021100102', 'zone', '370211001', 1)], stored).levels).toEqual(['zone', 'grid']);
  });
});

describe('checkedLevels and capProblems', () => {
  it.each([
    [['grid'], ['grid']],
    [['community'], ['community', 'grid']],
    [['street', 'grid'], ['street', 'zone', 'grid']],
  ] as const)('%j → %j', (levels, want) => expect(checkedLevels(levels)).toEqual(want));

  it('lists at most 200 problems, features first, and counts them all', () => {
    const all = Array.from({ length: 250 }, (_, i) => ({ feature: i % 2 ? null : 250 - i, code: null, problem: 'gap' as const, detail: '' }));
    const { problems, total } = capProblems(all);
    expect(total).toBe(250);
    expect(problems).toHaveLength(200);
    expect(problems[0]!.feature).toBe(2);
  });
});
