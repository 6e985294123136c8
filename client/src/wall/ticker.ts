/**
 * What the wall says about an event: the ticker line (an i18n key with its values and a tone) and whether the
 * headline numbers may have moved. Pure presentation of the typed events and the board they were folded into;
 * what is on the map comes from the board alone (shared/src/domain/board.ts).
 */
import type { BoardState } from '@gridcommand/shared/domain';
import type { LiveEvent, Team } from '@gridcommand/shared/schemas';

export const TICKER_MAX = 50;

export interface TickerLine {
  /** event id */
  id: number;
  at: number;
  type: LiveEvent['type'];
  streetCode: string | null;
  caseId: number | null;
  categoryCode: string | null;
  /** what happened: an i18n key and its values */
  key: string;
  values: Record<string, string>;
  tone: 'info' | 'good' | 'warn' | 'bad' | 'alert';
}

type Said = Pick<TickerLine, 'key' | 'values' | 'tone'> & { streetCode?: string | null; categoryCode?: string | null };

function said(e: LiveEvent, board: Pick<BoardState<Team>, 'cases' | 'teams'>): Said | null {
  switch (e.type) {
    case 'case.created': {
      const c = e.payload.case;
      const emergency = c.priority === 'emergency';
      return { key: emergency ? 'wall.tick.emergency' : 'wall.tick.created', values: {}, tone: emergency ? 'alert' : 'info', streetCode: c.streetCode, categoryCode: c.categoryCode };
    }
    case 'case.light': {
      const c = e.payload.case;
      if (e.payload.to === 'red') return { key: 'wall.tick.red', values: {}, tone: 'bad', streetCode: c.streetCode, categoryCode: c.categoryCode };
      if (e.payload.to === 'yellow') return { key: 'wall.tick.yellow', values: {}, tone: 'warn', streetCode: c.streetCode, categoryCode: c.categoryCode };
      return null;
    }
    case 'case.escalated': {
      const c = e.payload.case;
      return { key: 'wall.tick.escalated', values: {}, tone: 'warn', streetCode: c.streetCode, categoryCode: c.categoryCode };
    }
    case 'case.updated':
    case 'case.closed': {
      const c = e.payload.case;
      return { key: `labels.state.${c.status}`, values: {}, tone: c.status === 'closed' ? 'good' : 'info', streetCode: c.streetCode, categoryCode: c.categoryCode };
    }
    case 'supervision.opened': {
      const red = e.payload.level === 'red';
      const c = e.caseId !== null ? board.cases.get(e.caseId) : undefined;
      return { key: red ? 'wall.tick.supervisionRed' : 'wall.tick.supervision', values: { notice: e.payload.noticeNo }, tone: red ? 'bad' : 'warn', categoryCode: c?.categoryCode ?? null };
    }
    case 'team.status': {
      const status = e.payload.team.status;
      if (status !== 'en_route' && status !== 'on_scene') return null;
      const team = board.teams.get(e.payload.team.id);
      return { key: `wall.tick.team.${status}`, values: { team: team?.name ?? '' }, tone: 'info' };
    }
    case 'supervision.closed':
    case 'team.position':
    case 'team.positions':
    case 'dispatch.created':
    case 'team.reserved':
    case 'team.reservation_closed':
    case 'patrol_zone.created':
    case 'patrol_zone.deleted':
    case 'case.attached':
    case 'patrol.started':
    case 'patrol.moved':
    case 'patrol.stopped':
    case 'patrol.checkin':
    case 'visit.logged':
    case 'areas.imported':
      return null;
  }
}

/** The ticker line of an event on a wall of `street` (null: the district), or null when the wall says nothing. */
export function tickerLineOf(e: LiveEvent, board: Pick<BoardState<Team>, 'cases' | 'teams'>, street: string | null): TickerLine | null {
  const s = said(e, board);
  if (!s) return null;
  const streetCode = e.streetCode ?? s.streetCode ?? null;
  if (street !== null && streetCode !== null && streetCode !== street) return null;
  return {
    id: e.id,
    at: Date.parse(e.at),
    type: e.type,
    streetCode,
    caseId: e.caseId,
    categoryCode: s.categoryCode ?? null,
    key: s.key,
    values: s.values,
    tone: s.tone,
  };
}

/** Whether an event may change the headline numbers (overview, ranking, supervision list). */
export function affectsStats(e: LiveEvent): boolean {
  switch (e.type) {
    case 'case.created':
    case 'case.updated':
    case 'case.escalated':
    case 'case.closed':
    case 'case.light':
    case 'supervision.opened':
    case 'supervision.closed':
      return true;
    case 'team.status':
    case 'team.position':
    case 'team.positions':
    case 'dispatch.created':
    case 'team.reserved':
    case 'team.reservation_closed':
    case 'patrol_zone.created':
    case 'patrol_zone.deleted':
    case 'case.attached':
    case 'patrol.started':
    case 'patrol.moved':
    case 'patrol.stopped':
    case 'patrol.checkin':
    case 'visit.logged':
    case 'areas.imported':
      return false;
  }
}
