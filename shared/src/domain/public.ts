/**
 * Rules of the public side (citizens' reports, tracking, ratings, points, Open311), once for server and client.
 *
 * - Tracking code: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as two groups of five
 *   ("K7M4Q-2XPRB"): about 49 bits, so it cannot be guessed, and it can be read aloud on the phone. Typed input is
 *   forgiving: case, spaces and dashes do not matter.
 * - Ratings (满意 / 基本满意 / 不满意): 不满意 within REOPEN_WINDOW_DAYS of closing reopens the case (重办).
 * - Sensitive categories (disputes, people, emergencies and security by default) appear on anything public only at
 *   their grid's centre; exact points stay with staff.
 * - Public stages: the loop in plain words for a citizen; Open311 sees open or closed.
 * - Points: a valid report earns points (filed, not void); the rules are configurable, the ledger keeps each entry.
 */
import type { CaseState } from './case-state.ts';

// ---------------------------------------------------------------- tracking codes

export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const TRACKING_LENGTH = 10;
const ACCEPT = Math.floor(256 / TRACKING_ALPHABET.length) * TRACKING_ALPHABET.length;

/**
 * A tracking code from random bytes (crypto.getRandomValues / randomBytes; at least 2 × TRACKING_LENGTH of them):
 * bytes ≥ ACCEPT are skipped so every character is equally likely. Null when the bytes ran out.
 */
export function trackingCodeFrom(bytes: Uint8Array): string | null {
  let out = '';
  for (const b of bytes) {
    if (b >= ACCEPT) continue;
    out += TRACKING_ALPHABET[b % TRACKING_ALPHABET.length];
    if (out.length === TRACKING_LENGTH) return out;
  }
  return null;
}

/** What a person typed, as a code: upper case, spaces and dashes removed; null when it cannot be one. */
export function normalizeTrackingCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== TRACKING_LENGTH) return null;
  for (const ch of s) if (!TRACKING_ALPHABET.includes(ch)) return null;
  return s;
}

/** "K7M4Q2XPRB" → "K7M4Q-2XPRB" */
export function formatTrackingCode(code: string): string {
  return code.length === TRACKING_LENGTH ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
}

// ---------------------------------------------------------------- ratings

export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
/** 满意 and 基本满意 count as satisfied in the satisfaction rate. */
export const SATISFIED_RATINGS: readonly Rating[] = ['satisfied', 'basic'];
/** A 不满意 rating reopens the case when given within this many days of its closing. */
export const REOPEN_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

/** Whether a rating may still be given (a case is rated once it is closed, and then only once per rater). */
export function mayRate(status: CaseState): boolean {
  return status === 'closed';
}

/** Whether this rating, given at `at`, reopens a case closed at `closedAt`. */
export function ratingReopens(rating: Rating, closedAt: Date, at: Date): boolean {
  return rating === 'unsatisfied' && at.getTime() - closedAt.getTime() <= REOPEN_WINDOW_DAYS * DAY_MS;
}

// ---------------------------------------------------------------- privacy

/** Major categories shown publicly only at their grid's centre: emergencies/security, disputes, people. */
export const DEFAULT_SENSITIVE_MAJORS: readonly string[] = ['04', '07', '10'];

export function isSensitiveCategory(categoryCode: string, sensitiveMajors: readonly string[] = DEFAULT_SENSITIVE_MAJORS): boolean {
  return sensitiveMajors.includes(categoryCode.slice(0, 2));
}

/** Where a case may be shown publicly: its point, or its grid's centre for a sensitive category. */
export function publicPoint(
  c: { categoryCode: string; lon: number; lat: number },
  gridCentre: { lon: number; lat: number } | null,
  sensitiveMajors: readonly string[] = DEFAULT_SENSITIVE_MAJORS,
): { lon: number; lat: number; generalised: boolean } | null {
  if (!isSensitiveCategory(c.categoryCode, sensitiveMajors)) return { lon: c.lon, lat: c.lat, generalised: false };
  return gridCentre ? { lon: gridCentre.lon, lat: gridCentre.lat, generalised: true } : null;
}

// ---------------------------------------------------------------- stages in plain words

export const PUBLIC_STAGES = ['received', 'filed', 'sent', 'handled', 'verified', 'closed', 'void', 'parked'] as const;
export type PublicStage = (typeof PUBLIC_STAGES)[number];

/** The stage a citizen is told: received, filed, sent to a department, handled, verified, closed (or void / parked). */
export function publicStage(status: CaseState): PublicStage {
  switch (status) {
    case 'reported':
      return 'received';
    case 'filed':
    case 'returned':
      return 'filed';
    case 'dispatched':
    case 'in_progress':
      return 'sent';
    case 'handled':
      return 'handled';
    case 'verified':
      return 'verified';
    case 'closed':
      return 'closed';
    case 'void':
      return 'void';
    case 'parked':
      return 'parked';
  }
}

export const PUBLIC_STAGE_LABELS: Readonly<Record<'zh-CN' | 'en', Readonly<Record<PublicStage, string>>>> = {
  'zh-CN': {
    received: '已收到',
    filed: '已立案',
    sent: '已派至部门办理',
    handled: '已处置',
    verified: '已核查',
    closed: '已办结',
    void: '未受理',
    parked: '挂账处理',
  },
  en: {
    received: 'Received',
    filed: 'Accepted',
    sent: 'Sent to the department',
    handled: 'Handled',
    verified: 'Checked on site',
    closed: 'Closed',
    void: 'Not accepted',
    parked: 'On the long-term list',
  },
};

/** Open311 GeoReport v2 knows two statuses. */
export function open311Status(status: CaseState): 'open' | 'closed' {
  return status === 'closed' || status === 'void' ? 'closed' : 'open';
}

// ---------------------------------------------------------------- points

export interface PointRules {
  /** a report that was filed (accepted as a real problem) */
  validReport: number;
  /** extra when the report was the first of its case (not a +1 of an existing one) */
  firstReporter: number;
  /** a follow (+1) of an existing case that was then filed */
  follow: number;
}

export const DEFAULT_POINT_RULES: PointRules = { validReport: 10, firstReporter: 5, follow: 2 };

/** Points a reporter earns when their case is filed; void cases earn nothing. */
export function pointsForFiled(kind: 'report' | 'follow', rules: PointRules = DEFAULT_POINT_RULES): number {
  return kind === 'report' ? rules.validReport + rules.firstReporter : rules.follow;
}
