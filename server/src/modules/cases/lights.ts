/**
 * Applying the shared light rules to stored cases: the light now, the next instant it can change by itself
 * (cases.next_light_at, read by the light job), and the supervision records (督办) that follow the light.
 *
 * Supervision (decided from MISSION.md): a case that turns yellow (overdue) gets a platform supervision
 * notice (督办单, level yellow: the platform chases it); a case that turns red (long overdue) enters the
 * district's supervision list (大督查, level red) and its yellow notice is closed as raised. `supervised` is
 * true while an open supervision record exists. When the light clears (handled, verified, closed, void,
 * parked), or falls back to green/due soon (an unanswered case was accepted and its resolve clock is still
 * running), every open record is closed.
 */
import { lightFor, nextLightChangeAt, supervisionRequired, cstDateKey, type CaseClocks, type CaseState, type Light } from '@gridcommand/shared/domain';
import type { NewEvent } from '../live/events.ts';
import type { Queryable } from './repository.ts';

export interface LightInput {
  id: number;
  status: string;
  accepted_at: Date | null;
  respond_by: Date;
  respond_warn_at: Date | null;
  respond_red_at: Date | null;
  resolve_by: Date;
  resolve_warn_at: Date | null;
  resolve_red_at: Date | null;
}

export function clocksOf(r: Omit<LightInput, 'id' | 'status' | 'accepted_at'>): CaseClocks {
  return {
    respondBy: r.respond_by,
    respondWarnAt: r.respond_warn_at ?? r.respond_by,
    respondRedAt: r.respond_red_at ?? r.respond_by,
    resolveBy: r.resolve_by,
    resolveWarnAt: r.resolve_warn_at ?? r.resolve_by,
    resolveRedAt: r.resolve_red_at ?? r.resolve_by,
  };
}

export function currentLight(r: LightInput, now: Date): Light {
  return lightFor({ state: r.status as CaseState, respondedAt: r.accepted_at, clocks: clocksOf(r) }, now);
}

/**
 * The first instant after `now` at which lightFor can give another answer for this case as it stands, or
 * null when its light can no longer change with time. "by < now" turns yellow, so the yellow instant is
 * by + 1 ms.
 */
export function nextLightAt(r: LightInput, now: Date): Date | null {
  return nextLightChangeAt({ state: r.status as CaseState, respondedAt: r.accepted_at, clocks: clocksOf(r) }, now);
}

export interface SettleInput {
  caseId: number;
  streetCode: string;
  lon: number;
  lat: number;
  status: string;
  from: Light;
  to: Light;
  now: Date;
  actorId: number | null;
  actorRole: string | null;
}

/**
 * Records a light change: opens or closes supervision records, sets `supervised`, and returns the events
 * (case.light, supervision.opened, supervision.closed) for the caller to append last.
 */
export async function settleLight(db: Queryable, s: SettleInput): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  const base = { caseId: s.caseId, streetCode: s.streetCode, lon: s.lon, lat: s.lat, actorId: s.actorId, actorRole: s.actorRole };
  if (s.from === s.to) return events;
  events.push({ ...base, type: 'case.light', fromState: s.status, toState: s.status, note: null, payload: { from: s.from, to: s.to } });
  const closeRecords = async (levels: string[], note: string) => {
    const { rows } = await db.query<{ id: number; notice_no: string; level: string }>(
      `UPDATE supervision SET closed_at = $2, close_note = $3
       WHERE case_id = $1 AND closed_at IS NULL AND level = ANY($4::text[]) RETURNING id, notice_no, level`,
      [s.caseId, s.now, note, levels],
    );
    for (const r of rows) {
      events.push({ ...base, type: 'supervision.closed', note, payload: { supervisionId: r.id, noticeNo: r.notice_no, level: r.level } });
    }
  };
  if (supervisionRequired(s.to)) {
    const level = s.to as 'yellow' | 'red';
    // a red case leaves the platform's yellow list for the district's red one (and back, once answered)
    await closeRecords([level === 'red' ? 'yellow' : 'red'], level === 'red' ? '升级为红灯督办 (raised to red)' : '降为黄灯督办 (lowered to yellow)');
    const reason =
      level === 'red' ? '严重超期，列入区大督查（red: long overdue, district supervision list）' : '超期未办结，平台督办（yellow: overdue, the platform chases it）';
    const { rows } = await db.query<{ id: number; notice_no: string }>(
      `INSERT INTO supervision (case_id, notice_no, level, reason, opened_at, opened_by)
       VALUES ($1, $2 || lpad(nextval('supervision_notice_seq')::text, 4, '0'), $3, $4, $5, $6)
       ON CONFLICT (case_id, level) WHERE closed_at IS NULL DO NOTHING
       RETURNING id, notice_no`,
      [s.caseId, `DB${cstDateKey(s.now).replaceAll('-', '')}-`, level, reason, s.now, s.actorId],
    );
    for (const r of rows) {
      events.push({ ...base, type: 'supervision.opened', note: reason, payload: { supervisionId: r.id, noticeNo: r.notice_no, level } });
    }
    await db.query('UPDATE cases SET supervised = true WHERE id = $1 AND NOT supervised', [s.caseId]);
  } else {
    const note =
      s.to !== 'none' ? '已响应，恢复时限内 (answered, back within its limit)'
      : s.status === 'parked' ? '已挂账 (parked)'
      : s.status === 'void' ? '已作废 (void)'
      : '已办结，自动销号 (resolved)';
    await closeRecords(['yellow', 'red'], note);
    await db.query('UPDATE cases SET supervised = false WHERE id = $1 AND supervised', [s.caseId]);
  }
  return events;
}
