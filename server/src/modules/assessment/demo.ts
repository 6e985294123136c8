/**
 * Demo data of the monthly assessment: accounts for the grid workers of the demo worker's street (from the 一格五员
 * roster, at most 24, sign-in disabled by a random password) and a head (社区书记) for each of its communities; then,
 * over the demo's days, household visits, information changes, renter meetings, newcomers and verifications of
 * handled cases, each worker with a diligence of their own so that the sheet shows a spread (some below the line);
 * one worker on a long sick leave covered by a colleague, and one grid left vacant for its head. Runs once: a
 * second call finds the records and does nothing.
 */
import type pg from 'pg';
import { ASSESSMENT_RULES, DAY_MS, DEFAULT_WEIGHTS, VISITS_PER_WEEK, addCstDays, cstDate, cstDateKey, emptyMeasures, monthDays, reviewMonth, scorePost, shiftMonth } from '@gridcommand/shared/domain';
import type { AssessmentRow } from '@gridcommand/shared/schemas';
import { hashPassword, newToken } from '../auth/passwords.ts';
import * as repo from './demo-repository.ts';

export interface AssessmentDemoOptions {
  days?: number;
  now?: Date;
  seed?: number;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MAX_ACCOUNTS = 24;
const at = (day: string, hour: number) => new Date(cstDate(day).getTime() + hour * 3_600_000);

export async function seedAssessmentDemo(pool: pg.Pool, options: AssessmentDemoOptions = {}): Promise<{ workers: number; records: number }> {
  const now = options.now ?? new Date();
  const days = options.days ?? 30;
  const rnd = random(options.seed ?? 20_261_201);
  const street = await repo.demoStreet(pool);
  if (!street) return { workers: 0, records: 0 };
  const existing = await repo.streetAccounts(pool, street);
  if (await repo.hasDutyRecords(pool, existing.map((a) => a.id))) return { workers: existing.length, records: 0 };

  const password = await hashPassword(newToken().token);
  const roster = await repo.streetWorkers(pool, street);
  // the last roster entry stays without an account: its grids are vacant and go to its community's head
  for (const s of roster.slice(0, Math.max(0, Math.min(MAX_ACCOUNTS, roster.length - 1)))) {
    const grids = s.grids.filter((g) => !existing.some((e) => e.grids.includes(g)));
    if (grids.length === 0) continue;
    await repo.ensureAccount(pool, { username: `gw-${s.staffId.toLowerCase().replace(/[^a-z0-9_.-]/g, '')}`.slice(0, 40), displayName: `网格员 ${s.name}`, role: 'worker', passwordHash: password, staffId: s.staffId, grids, unit: s.community });
  }
  const heads: { id: number; grid: string }[] = [];
  for (const c of await repo.streetCommunities(pool, street)) {
    const grid = roster.find((s) => s.community === c.code)?.grids[0];
    const id = await repo.ensureAccount(pool, { username: `head-${c.code}`, displayName: `${c.name}书记`, role: 'leader', passwordHash: password, staffId: null, grids: [], unit: c.code });
    if (grid) heads.push({ id, grid });
  }

  const accounts = await repo.streetAccounts(pool, street);
  const today = cstDateKey(now);
  const first = addCstDays(today, -(days - 1));
  const visits: Parameters<typeof repo.insertVisits>[1] = [];
  const duties: Parameters<typeof repo.insertDuties>[1] = [];
  const verifications: Parameters<typeof repo.insertVerifications>[1] = [];
  const diligence = new Map<number, number>();
  for (const a of accounts) {
    // from 0.35 (well below the line) to 1.1 (more than asked)
    const d = 0.35 + rnd() * 0.75;
    diligence.set(a.id, d);
    const grid = (i: number) => a.grids[i % a.grids.length]!;
    for (let i = 0; i < days; i++) {
      const day = addCstDays(first, i);
      if (rnd() < (VISITS_PER_WEEK / 7) * d * 1.1) visits.push({ userId: a.id, date: day, household: `${grid(i)}-${1 + Math.floor(rnd() * 60)}号`, grid: grid(i) });
    }
    // renter households: all met some 40–80 days ago, a share of them again this month
    const renters = 3 + Math.floor(rnd() * 4);
    for (let r = 1; r <= renters; r++) {
      const g = grid(r);
      const old = addCstDays(today, -(40 + Math.floor(rnd() * 40)));
      duties.push({ userId: a.id, kind: 'renter_meeting', grid: g, occurredOn: old, recordedAt: at(old, 15), subject: `租户${r}` });
      if (rnd() < d) {
        const met = addCstDays(first, Math.floor(rnd() * days));
        duties.push({ userId: a.id, kind: 'renter_meeting', grid: g, occurredOn: met, recordedAt: at(met, 16), subject: `租户${r}` });
      }
    }
    // information changes and newcomers, late when the worker is not diligent
    for (let k = 0; k < 2 + Math.floor(rnd() * 3); k++) {
      const occurred = addCstDays(first, Math.floor(rnd() * (days - 10)));
      const late = rnd() > d;
      const recorded = addCstDays(occurred, late ? 9 + Math.floor(rnd() * 5) : Math.floor(rnd() * 4));
      if (recorded <= today) duties.push({ userId: a.id, kind: 'info_update', grid: grid(k), occurredOn: occurred, recordedAt: at(recorded, 10), subject: `住户信息变动 ${k + 1}` });
    }
    for (let k = 0; k < 1 + Math.floor(rnd() * 2); k++) {
      const recorded = addCstDays(first, Math.floor(rnd() * days));
      const arrived = addCstDays(recorded, -(rnd() > d ? 35 + Math.floor(rnd() * 20) : Math.floor(rnd() * 25)));
      duties.push({ userId: a.id, kind: 'newcomer', grid: grid(k), occurredOn: arrived, recordedAt: at(recorded, 11), subject: `新流入人员 ${k + 1}` });
    }
  }
  // heads visit households too, about as often as asked
  for (const h of heads) {
    for (let i = 0; i < days; i++) {
      const day = addCstDays(first, i);
      if (rnd() < (VISITS_PER_WEEK / 7) * (0.6 + rnd() * 0.6)) visits.push({ userId: h.id, date: day, household: `${h.grid}-${1 + Math.floor(rnd() * 60)}号`, grid: h.grid });
    }
  }
  // verifications of the handled cases in their grids: on time (within 24 h) for the diligent
  const byGrid = new Map(accounts.flatMap((a) => a.grids.map((g) => [g, a.id] as const)));
  const handled = await repo.handledCases(pool, [...byGrid.keys()], cstDate(first), now);
  for (const c of handled) {
    const userId = byGrid.get(c.grid)!;
    if (rnd() > 0.6) continue;
    const lag = rnd() < diligence.get(userId)! ? 2 + rnd() * 18 : 26 + rnd() * 40;
    const when = new Date(c.handledAt.getTime() + lag * 3_600_000);
    if (when.getTime() < now.getTime() - 60_000) verifications.push({ caseId: c.id, userId, at: when });
  }
  await repo.insertVisits(pool, visits);
  await repo.insertDuties(pool, duties.filter((x) => x.recordedAt.getTime() <= now.getTime()));
  await repo.insertVerifications(pool, verifications);
  // one worker on a long sick leave (over a month), covered by a colleague of the same community
  const sick = accounts.find((a) => a.id !== accounts[0]?.id && accounts.some((b) => b.id !== a.id && b.id !== accounts[0]?.id && b.community === a.community));
  const cover = sick && accounts.find((b) => b.id !== sick.id && b.id !== accounts[0]?.id && b.community === sick.community);
  if (sick && cover) {
    await repo.insertDemoLeave(pool, { userId: sick.id, coverUserId: cover.id, from: cstDateKey(now.getTime() - 40 * DAY_MS), to: cstDateKey(now.getTime() + 10 * DAY_MS) });
  }
  await repo.insertDemoResults(pool, earlierMonths(accounts, diligence, reviewMonth(now)));
  return { workers: accounts.length, records: visits.length + duties.length + verifications.length };
}

/**
 * The two months before this one as if they had been approved: each worker's score from their diligence, so that
 * the least diligent are below the line for the third time in the month the page opens on (reviewMonth: 留岗查看).
 */
function earlierMonths(accounts: repo.StreetAccount[], diligence: Map<number, number>, month: string): Parameters<typeof repo.insertDemoResults>[1] {
  const out: Parameters<typeof repo.insertDemoResults>[1] = [];
  for (const back of [2, 1]) {
    const m = shiftMonth(month, -back);
    const days = monthDays(m);
    for (const a of accounts) {
      const d = Math.min(1, diligence.get(a.id)!);
      const measures = {
        ...emptyMeasures(days),
        visits: Math.round(((VISITS_PER_WEEK * days) / 7) * d),
        reports: Math.round((days / 7) * d),
        infoUpdates: { total: 3, onTime: Math.round(3 * d) },
        renters: { known: 5, met: Math.round(5 * d) },
        newcomers: { total: 2, onTime: Math.round(2 * d) },
      };
      const s = scorePost('staff', measures, DEFAULT_WEIGHTS.staff);
      const details: AssessmentRow = {
        subjectId: a.id, subjectName: a.name, payeeId: a.id, payeeName: a.name, kind: 'staff', grids: a.grids,
        streetCode: a.street, streetName: a.streetName, communityCode: a.community, communityName: a.communityName,
        lines: s.lines, total: s.total, maxScore: ASSESSMENT_RULES.staff.maxScore, share: s.share, yuan: s.yuan, consequence: 'none',
        previous: [], recorded: true, closedAt: null,
      };
      out.push({ month: m, userId: a.id, score: s.total, share: s.share, yuan: s.yuan, details, unit: a.street });
    }
  }
  return out;
}
