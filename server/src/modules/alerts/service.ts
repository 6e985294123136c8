/**
 * Public alerts as data: a CAP 1.2 message (and a feed entry) from a case event row, by the rules of
 * shared/src/domain/cap.ts. Category, place and state only (docs/alerts.md); rendering is render.ts's.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import {
  CASE_ACTIONS,
  CASE_STATES,
  ESCALATION_LEVELS,
  LOCALES,
  PRIORITIES,
  capAssessment,
  capCategory,
  capDateTime,
  capIdentifier,
  capMsgType,
  capPolygons,
  capReferences,
  capSender,
  capTexts,
  type CapAssessment,
  type CapCategory,
  type CapMsgType,
  type CapTexts,
  type CaseAction,
  type CaseState,
  type EscalationLevel,
  type Locale,
  type Priority,
} from '@gridcommand/shared/domain';
import { notFound } from '../../plugins/errors.ts';
import * as repo from './repository.ts';
import type { AlertRow, District } from './repository.ts';

const oneOf = <T extends string>(list: readonly T[], v: string | null, fallback: T): T => (list as readonly string[]).includes(v ?? '') ? (v as T) : fallback;

/** One message, as data: every field of the CAP message we send. */
export interface CapMessage extends CapAssessment {
  identifier: string;
  sender: string;
  sent: string;
  status: 'Actual';
  msgType: CapMsgType;
  scope: 'Public';
  note: string | null;
  references: string | null;
  incidents: string;
  caseCode: string;
  eventId: string;
  category: CapCategory;
  categoryCode: string;
  senderName: Record<Locale, string>;
  event: Record<Locale, string>;
  texts: Record<Locale, CapTexts>;
  areaDesc: string;
  gridCode: string;
  streetCode: string | null;
  /** CAP polygons ("lat,lon …"); empty in feed entries */
  polygons: string[];
}

export function senderName(d: District): Record<Locale, string> {
  return { 'zh-CN': `${d.name}网格化管理指挥中心`, en: `GridCommand operations centre, ${d.name}` };
}

/** The message of one row; `previous` are the earlier messages of the case (oldest first). */
export function messageOf(d: District, row: AlertRow, previous: readonly AlertRow[] | boolean, polygons: string[] = []): CapMessage {
  const sender = capSender(d.code);
  const state = oneOf<CaseState>(CASE_STATES, row.status, 'reported');
  const escalation = oneOf<EscalationLevel>(ESCALATION_LEVELS, row.escalationLevel, 'grid');
  const action: CaseAction | null = row.action && (CASE_ACTIONS as readonly string[]).includes(row.action) ? (row.action as CaseAction) : null;
  const priority = oneOf<Priority>(PRIORITIES, row.priority, 'emergency');
  const hasPrevious = typeof previous === 'boolean' ? previous : previous.length > 0;
  const msgType = capMsgType(!hasPrevious, state);
  const assessment = capAssessment(priority, state, escalation);
  const place = [row.streetName, row.gridName].filter((s) => s.length > 0).join(' ');
  const texts = Object.fromEntries(
    LOCALES.map((l) => [
      l,
      capTexts(l, {
        msgType,
        state,
        escalation,
        action,
        responseType: assessment.responseType,
        caseCode: row.caseCode,
        categoryName: l === 'en' ? row.categoryNameEn : row.categoryName,
        majorName: l === 'en' ? row.majorNameEn : row.majorName,
        place,
        gridCode: row.gridCode,
      }),
    ]),
  ) as Record<Locale, CapTexts>;
  const refs =
    typeof previous === 'boolean'
      ? null
      : capReferences(previous.map((p) => ({ sender, identifier: capIdentifier(sender, p.caseCode, p.eventId), sent: capDateTime(p.at) })));
  return {
    identifier: capIdentifier(sender, row.caseCode, row.eventId),
    sender,
    sent: capDateTime(row.at),
    status: 'Actual',
    msgType,
    scope: 'Public',
    note: msgType === 'Cancel' ? '案件已作废，此前的消息撤销。 The case was voided; the earlier messages are withdrawn.' : null,
    references: refs,
    incidents: row.caseCode,
    caseCode: row.caseCode,
    eventId: row.eventId,
    ...assessment,
    category: capCategory(row.categoryCode),
    categoryCode: row.categoryCode,
    senderName: senderName(d),
    event: { 'zh-CN': row.categoryName, en: row.categoryNameEn },
    texts,
    areaDesc: place || row.gridCode,
    gridCode: row.gridCode,
    streetCode: row.gridCode.length >= 9 ? row.gridCode.slice(0, 9) : null,
    polygons,
  };
}

/** One CAP message by case code and event id; 404 when there is no such message. */
export async function oneMessage(db: pg.Pool, caseCode: string, eventId: string): Promise<CapMessage> {
  const rows = await repo.caseAlertsUpTo(db, caseCode, eventId);
  const last = rows[rows.length - 1];
  if (!last || last.eventId !== eventId) {
    throw notFound('NO_SUCH_ALERT', `no alert ${caseCode}/${eventId}: only the case events of emergency (特急) cases are published`);
  }
  const [d, outline] = await Promise.all([repo.district(db), repo.gridOutline(db, last.gridCode)]);
  return messageOf(d, last, rows.slice(0, -1), outline ? capPolygons(outline) : []);
}

export interface Feed {
  district: District;
  messages: CapMessage[];
}

export async function feed(db: pg.Pool, q: repo.FeedQuery): Promise<Feed> {
  const [d, rows] = await Promise.all([repo.district(db), repo.latestAlerts(db, q)]);
  return { district: d, messages: rows.map((r) => messageOf(d, r, r.hasPrevious)) };
}

/** A stable urn:uuid (name-based, SHA-1, RFC 4122 version 5 layout) for Atom ids. */
export function uuidOf(name: string): string {
  const h = crypto.createHash('sha1').update(`gridcommand-alerts:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The path of a message's CAP document. */
export function messagePath(m: Pick<CapMessage, 'caseCode' | 'eventId'>): string {
  return `/api/alerts/${encodeURIComponent(m.caseCode)}/${m.eventId}`;
}
