/**
 * Codes of the territory and of cases.
 *
 * Area codes are all digits, and their length tells the level:
 *   district 6 (GB/T 2260) · street/town 9 · management zone 11 (street + 2-digit zone number)
 *   · community/village 12 · grid 15 (6 district + 3 street + 3 community + 3 sequence).
 * A zone (管区) groups communities but is not part of their codes: a community's code starts
 * with its street's code, not its zone's.
 *
 * A grid code's street, community and sequence parts are never all zeros ('000' is not a valid
 * number in the standard), and the district code never starts with '0'.
 *
 * Display codes are the short human codes of the source documents: community letter(s) + grid
 * number, e.g. "A1" = grid 1 of community A.
 *
 * Case codes: prefix + CST date + '-' + 6-digit daily sequence, e.g. "HD20261126-000123".
 */
import { cstCompactDate } from './china-time.ts';

export const CODE_LEVELS = ['district', 'street', 'zone', 'community', 'grid'] as const;
export type CodeLevel = (typeof CODE_LEVELS)[number];

export const CODE_LENGTH: Readonly<Record<CodeLevel, number>> = {
  district: 6,
  street: 9,
  zone: 11,
  community: 12,
  grid: 15,
};

export const CODE_RE: Readonly<Record<CodeLevel, RegExp>> = {
  district: /^[0-9]{6}$/,
  street: /^[0-9]{9}$/,
  zone: /^[0-9]{11}$/,
  community: /^[0-9]{12}$/,
  grid: /^[0-9]{15}$/,
};

export interface GridCodeParts {
  code: string;
  /** 6 digits, GB/T 2260 */
  district: string;
  /** 3 digits, the street's number within the district */
  street: string;
  /** 3 digits, the community's number within the street */
  community: string;
  /** 3 digits, the grid's number within the community */
  sequence: string;
  /** 9-digit street code */
  streetCode: string;
  /** 12-digit community code */
  communityCode: string;
}

export function levelOfCode(code: string): CodeLevel | null {
  for (const level of CODE_LEVELS) if (CODE_RE[level].test(code)) return level;
  return null;
}

export function parseGridCode(code: string): GridCodeParts | null {
  if (!CODE_RE.grid.test(code)) return null;
  const district = code.slice(0, 6);
  const street = code.slice(6, 9);
  const community = code.slice(9, 12);
  const sequence = code.slice(12, 15);
  if (district.startsWith('0') || street === '000' || community === '000' || sequence === '000') return null;
  return {
    code,
    district,
    street,
    community,
    sequence,
    streetCode: code.slice(0, 9),
    communityCode: code.slice(0, 12),
  };
}

export function isGridCode(code: string): boolean {
  return parseGridCode(code) !== null;
}

export function districtCodeOf(code: string): string | null {
  return levelOfCode(code) === null ? null : code.slice(0, 6);
}

/** The 9-digit street code of a street, zone, community or grid code; null otherwise. */
export function streetCodeOf(code: string): string | null {
  const level = levelOfCode(code);
  return level === null || level === 'district' ? null : code.slice(0, 9);
}

/** The 12-digit community code of a community or grid code; null otherwise. */
export function communityCodeOf(code: string): string | null {
  const level = levelOfCode(code);
  return level === 'community' || level === 'grid' ? code.slice(0, 12) : null;
}

/**
 * The vector-tile feature id of an area (grid tiles and their aggregates, server/src/modules/tiles): its code read
 * as a number. Area codes have at most 15 digits and never start with 0, below 2^53, so the number is exact and a client derives a grid's
 * feature id from the code it already has, without a lookup table of every grid. Null for anything but an area code.
 */
export function areaFeatureId(code: string): number | null {
  return levelOfCode(code) === null || code.startsWith('0') ? null : Number(code);
}

/** Build a grid code from its community code and sequence number (1..999). */
export function makeGridCode(communityCode: string, sequence: number): string {
  if (!CODE_RE.community.test(communityCode)) throw new RangeError('community code must have 12 digits');
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) {
    throw new RangeError('grid sequence must be an integer 1..999');
  }
  return communityCode + String(sequence).padStart(3, '0');
}

const DISPLAY_CODE_RE = /^([A-Z]{1,2})([1-9][0-9]{0,2})$/;

/** "A1" → { community: 'A', grid: 1 }; null when not a display code. */
export function parseDisplayCode(code: string): { community: string; grid: number } | null {
  const m = DISPLAY_CODE_RE.exec(code);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { community: m[1], grid: Number(m[2]) };
}

const CASE_PREFIX_RE = /^[A-Z]{1,4}$/;
const CASE_CODE_RE = /^([A-Z]{1,4})(\d{4})(\d{2})(\d{2})-(\d{6})$/;

/** "HD20261126-000123": prefix, the CST date of `date`, the daily sequence (1..999999). */
export function formatCaseCode(date: Date, seq: number, prefix = 'HD'): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  if (!Number.isInteger(seq) || seq < 1 || seq > 999_999) throw new RangeError('sequence must be an integer 1..999999');
  if (!CASE_PREFIX_RE.test(prefix)) throw new RangeError('prefix must be 1–4 capital letters');
  const ymd = cstCompactDate(ms);
  return `${prefix}${ymd}-${String(seq).padStart(6, '0')}`;
}

export function parseCaseCode(code: string): { prefix: string; date: string; seq: number } | null {
  const m = CASE_CODE_RE.exec(code);
  if (!m) return null;
  const [, prefix, y, mo, d, seq] = m;
  if (prefix === undefined || y === undefined || mo === undefined || d === undefined || seq === undefined) return null;
  const date = `${y}-${mo}-${d}`;
  const check = new Date(`${date}T00:00:00Z`);
  if (!Number.isFinite(check.getTime()) || check.toISOString().slice(0, 10) !== date) return null;
  const n = Number(seq);
  if (n < 1) return null;
  return { prefix, date, seq: n };
}
