import { describe, expect, it } from 'vitest';
import { ASSESSMENT_RULES, bonusFor, consequenceFor, type Consequence, type StaffKind } from '../src/domain/index.ts';

describe('bonusFor', () => {
  it.each<[StaffKind, number, number, number]>([
    // heads of community: out of 120, pool 500 yuan
    ['head', 120, 1, 500],
    ['head', 100, 1, 500],
    ['head', 99.5, 0.9, 450],
    ['head', 90, 0.9, 450],
    ['head', 89.9, 0.8, 400],
    ['head', 85, 0.8, 400],
    ['head', 84.9, 0.7, 350],
    ['head', 0, 0.7, 350],
    // other staff: out of 100, pool 400 yuan
    ['staff', 100, 1, 400],
    ['staff', 90, 1, 400],
    ['staff', 89.5, 0.9, 360],
    ['staff', 85, 0.9, 360],
    ['staff', 84.99, 0.8, 320],
    ['staff', 80, 0.8, 320],
    ['staff', 79.5, 0.7, 280],
    ['staff', 0, 0.7, 280],
  ])('%s scoring %s → %s of the pool = %s yuan', (kind, score, share, yuan) => {
    expect(bonusFor(kind, score)).toEqual({ share, yuan });
  });

  it.each<[StaffKind, number]>([
    ['head', 120.5],
    ['head', -1],
    ['staff', 101],
    ['staff', Number.NaN],
  ])('%s scoring %s is refused', (kind, score) => {
    expect(() => bonusFor(kind, score)).toThrow(RangeError);
  });

  it('takes configured rules', () => {
    const rules = { ...ASSESSMENT_RULES, staff: { ...ASSESSMENT_RULES.staff, poolYuan: 600 } };
    expect(bonusFor('staff', 86, rules)).toEqual({ share: 0.9, yuan: 540 });
  });
});

describe('consequenceFor (scores oldest first)', () => {
  it.each<[StaffKind, number[], Consequence]>([
    ['head', [], 'none'],
    ['head', [80, 80], 'none'],
    ['head', [84, 84.9, 70], 'suspension'],
    ['head', [84, 85, 70], 'none'],
    ['head', [85, 84, 84], 'none'],
    ['head', [100, 84, 84, 84], 'suspension'],
    ['head', [84, 84, 84, 90], 'none'],
    ['staff', [79, 79], 'none'],
    ['staff', [79, 79.9, 60], 'probation'],
    ['staff', [79, 80, 79], 'none'],
    ['staff', [95, 70, 75, 79], 'probation'],
    ['staff', [70, 70, 70, 80], 'none'],
  ])('%s with %j → %s', (kind, scores, expected) => {
    expect(consequenceFor(kind, scores)).toBe(expected);
  });

  it('refuses impossible scores in the history', () => {
    expect(() => consequenceFor('staff', [50, 110, 50])).toThrow(RangeError);
  });
});
