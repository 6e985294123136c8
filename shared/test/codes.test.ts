import { describe, expect, it } from 'vitest';
import {
  areaFeatureId,
  CODE_RE,
  communityCodeOf,
  cstDate,
  districtCodeOf,
  formatCaseCode,
  isGridCode,
  levelOfCode,
  makeGridCode,
  parseCaseCode,
  parseDisplayCode,
  parseGridCode,
  streetCodeOf,
  type CodeLevel,
} from '../src/domain/index.ts';

describe('parseGridCode', () => {
  it('splits 6 + 3 + 3 + 3', () => {
    expect(parseGridCode('370211001002015')).toEqual({
      code: '370211001002015',
      district: '370211',
      street: '001',
      community: '002',
      sequence: '015',
      streetCode: '370211001',
      communityCode: '370211001002',
    });
  });

  it.each([
    ['370211001002015', true],
    ['110108010001001', true],
    ['37021100100201', false], // 14 digits
    ['3702110010020150', false], // 16 digits
    ['37021100100201A', false],
    [' 370211001002015', false],
    ['370211000002015', false], // street 000
    ['370211001000015', false], // community 000
    ['370211001002000', false], // sequence 000
    ['070211001002015', false], // district cannot start with 0
    ['', false],
  ])('%j → %s', (code, valid) => {
    expect(isGridCode(code)).toBe(valid);
    expect(parseGridCode(code) !== null).toBe(valid);
  });
});

describe('levels', () => {
  it.each<[string, CodeLevel | null, string | null, string | null, string | null]>([
    // code, level, district, street, community
    ['370211', 'district', '370211', null, null],
    ['370211001', 'street', '370211', '370211001', null],
    ['37021100103', 'zone', '370211', '370211001', null],
    ['370211001002', 'community', '370211', '370211001', '370211001002'],
    ['370211001002015', 'grid', '370211', '370211001', '370211001002'],
    ['3702', null, null, null, null],
    ['3702110010', null, null, null, null],
    ['37021100100A', null, null, null, null],
  ])('%s → %s', (code, level, district, street, community) => {
    expect(levelOfCode(code)).toBe(level);
    expect(districtCodeOf(code)).toBe(district);
    expect(streetCodeOf(code)).toBe(street);
    expect(communityCodeOf(code)).toBe(community);
  });

  it.each<[CodeLevel, string, boolean]>([
    ['district', '370211', true],
    ['district', '37021', false],
    ['street', '370211001', true],
    ['zone', '37021100103', true],
    ['community', '370211001002', true],
    ['grid', '370211001002015', true],
    ['grid', '370211001002', false],
  ])('CODE_RE.%s matches %s: %s', (level, code, ok) => {
    expect(CODE_RE[level].test(code)).toBe(ok);
  });

  it.each([
    ['370211001002', 1, '370211001002001'],
    ['370211001002', 15, '370211001002015'],
    ['370211001002', 999, '370211001002999'],
  ])('makeGridCode(%s, %s) = %s', (community, seq, expected) => {
    expect(makeGridCode(community, seq)).toBe(expected);
    expect(isGridCode(expected)).toBe(true);
  });

  it.each([
    ['370211001', 1],
    ['370211001002', 0],
    ['370211001002', 1000],
    ['370211001002', 1.5],
  ])('makeGridCode(%s, %s) is refused', (community, seq) => {
    expect(() => makeGridCode(community, seq)).toThrow(RangeError);
  });
});

describe('areaFeatureId', () => {
  it.each<[string, number | null]>([
    ['370211', 370211],
    ['370211001', 370211001],
    ['37021100103', 37021100103],
    ['370211001002', 370211001002],
    ['370211001002015', 370211001002015],
    // the largest code there can be is still exact (below 2^53) and distinct from its neighbour
    ['999999999999999', 999_999_999_999_999],
    ['999999999999998', 999_999_999_999_998],
    ['', null],
    ['3702110010', null],
    ['37021100100A', null],
    ['0x1234', null],
    ['1e5000', null],
    [' 370211', null],
    // a district code never starts with 0, and its number would lose the digit
    ['012345', null],
  ])('%j → %s', (code, id) => {
    expect(areaFeatureId(code)).toBe(id);
    if (id !== null) expect(String(id)).toBe(code);
  });
});

describe('display codes', () => {
  it.each([
    ['A1', { community: 'A', grid: 1 }],
    ['B12', { community: 'B', grid: 12 }],
    ['AA3', { community: 'AA', grid: 3 }],
    ['A0', null],
    ['a1', null],
    ['A1000', null],
    ['1A', null],
  ])('%s → %j', (code, expected) => {
    expect(parseDisplayCode(code)).toEqual(expected);
  });
});

describe('case codes', () => {
  it.each([
    ['2026-11-26', '10:00', 123, 'HD', 'HD20261126-000123'],
    ['2026-11-26', '00:30', 1, 'HD', 'HD20261126-000001'], // still the 25th in UTC
    ['2025-12-31', '23:59', 999_999, 'HD', 'HD20251231-999999'],
    ['2026-01-01', '08:00', 42, 'QD', 'QD20260101-000042'],
  ])('%s %s #%s (%s) → %s', (day, time, seq, prefix, expected) => {
    expect(formatCaseCode(cstDate(day, time), seq, prefix)).toBe(expected);
    expect(parseCaseCode(expected)).toEqual({ prefix, date: day, seq });
  });

  it.each([
    [0, 'HD'],
    [1_000_000, 'HD'],
    [1.5, 'HD'],
    [1, 'hd'],
    [1, 'ABCDE'],
  ])('formatCaseCode(seq %s, prefix %s) is refused', (seq, prefix) => {
    expect(() => formatCaseCode(cstDate('2026-11-26', '10:00'), seq, prefix)).toThrow(RangeError);
  });

  it.each(['HD20261126-00123', 'HD20261126000123', 'HD20260230-000001', 'HD20261126-000000', 'hd20261126-000001'])(
    'parseCaseCode(%s) → null',
    (code) => {
      expect(parseCaseCode(code)).toBeNull();
    },
  );
});
