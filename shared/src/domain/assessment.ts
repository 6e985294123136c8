/**
 * Monthly worker assessment (月度考核).
 *
 * - Heads of community ('head'): scored out of 120, bonus pool 500 yuan a month.
 *   score ≥ 100 → 100 %, 90 ≤ score < 100 → 90 %, 85 ≤ score < 90 → 80 %, below 85 → 70 %.
 *   Three assessments in a row below 85 → suspension (停职).
 * - Other staff ('staff'): scored out of 100, bonus pool 400 yuan a month.
 *   score ≥ 90 → 100 %, 85 ≤ score < 90 → 90 %, 80 ≤ score < 85 → 80 %, below 80 → 70 %.
 *   Three in a row below 80 → probation (试岗) for a month, then stand-down or dismissal.
 *
 * A band's lower bound belongs to the band (a head scoring exactly 90 gets 90 %). Scores outside
 * 0..max are refused with a RangeError. The rules are data (ASSESSMENT_RULES) so that a district
 * can configure its own.
 */

export const STAFF_KINDS = ['head', 'staff'] as const;
export type StaffKind = (typeof STAFF_KINDS)[number];

export type Consequence = 'none' | 'suspension' | 'probation';

export interface AssessmentRule {
  maxScore: number;
  poolYuan: number;
  /** Bands from the highest minimum down; the last band has min 0. */
  bands: readonly { min: number; share: number }[];
  /** Scores strictly below this count towards the consequence. */
  failBelow: number;
  /** How many failing assessments in a row trigger the consequence. */
  runLength: number;
  consequence: Exclude<Consequence, 'none'>;
}

export const ASSESSMENT_RULES: Readonly<Record<StaffKind, AssessmentRule>> = {
  head: {
    maxScore: 120,
    poolYuan: 500,
    bands: [
      { min: 100, share: 1 },
      { min: 90, share: 0.9 },
      { min: 85, share: 0.8 },
      { min: 0, share: 0.7 },
    ],
    failBelow: 85,
    runLength: 3,
    consequence: 'suspension',
  },
  staff: {
    maxScore: 100,
    poolYuan: 400,
    bands: [
      { min: 90, share: 1 },
      { min: 85, share: 0.9 },
      { min: 80, share: 0.8 },
      { min: 0, share: 0.7 },
    ],
    failBelow: 80,
    runLength: 3,
    consequence: 'probation',
  },
};

export interface Bonus {
  /** Share of the pool, 0..1. */
  share: number;
  /** Amount in yuan, rounded to the fen. */
  yuan: number;
}

function checkScore(score: number, rule: AssessmentRule): void {
  if (!Number.isFinite(score) || score < 0 || score > rule.maxScore) {
    throw new RangeError(`score must be between 0 and ${rule.maxScore}`);
  }
}

export function bonusFor(kind: StaffKind, score: number, rules = ASSESSMENT_RULES): Bonus {
  const rule = rules[kind];
  checkScore(score, rule);
  const band = rule.bands.find((b) => score >= b.min);
  const share = band ? band.share : 0;
  return { share, yuan: Math.round(rule.poolYuan * share * 100) / 100 };
}

/**
 * The consequence of the latest assessments, given in chronological order (oldest first): the
 * last `runLength` scores all below the threshold trigger it.
 */
export function consequenceFor(kind: StaffKind, lastScores: readonly number[], rules = ASSESSMENT_RULES): Consequence {
  const rule = rules[kind];
  for (const s of lastScores) checkScore(s, rule);
  if (lastScores.length < rule.runLength) return 'none';
  const recent = lastScores.slice(-rule.runLength);
  return recent.every((s) => s < rule.failBelow) ? rule.consequence : 'none';
}
