/**
 * The audit trail (docs/audit.md), read by admins and leaders (who supervise the desk):
 *   GET /api/admin/audit       one page of the timeline, newest first (`limit` ≤ 500, `before` = the last page's `next`)
 *   GET /api/admin/audit.csv   the same filters as a CSV file (UTF-8 BOM, CST times), at most 100,000 rows
 * Filters: user (id or username), action (a prefix: "auth.", "case."), objectType/objectId, from/to, area.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import { cstDateKey, formatCstIso, parseCstInstant, transitionLabel } from '@gridcommand/shared/domain';
import {
  AUDIT_ACTIONS,
  AUDIT_CSV_MAX_ROWS,
  AUDIT_SKIPPED_EVENT_TYPES,
  AuditCsvQuery,
  AuditPage,
  AuditQuery,
  INT4_MAX,
  LIVE_EVENT_TYPES,
  PERSONAL_READ_ACTIONS,
  type AuditCsvQuery as AuditCsvQueryT,
  type AuditEntry,
} from '@gridcommand/shared/schemas';
import { badRequest } from '../../plugins/errors.ts';
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import * as repo from './repository.ts';

export const AUDIT_ROLES = ['admin', 'leader'] as const;
const CSV_PAGE_ROWS = 1_000;
const SHOWN_EVENT_TYPES: readonly string[] = LIVE_EVENT_TYPES.filter((t) => !(AUDIT_SKIPPED_EVENT_TYPES as readonly string[]).includes(t));

function instant(name: string, v: string, endOfDay: boolean): Date {
  const d = parseCstInstant(v, endOfDay);
  if (!d) throw badRequest('BAD_DATE', `query parameter "${name}" must be a calendar date YYYY-MM-DD or an ISO 8601 date-time with zone (got "${v}")`);
  return d;
}

/** The query's filters as the repository takes them; 400 for a period that ends before it starts or an unknown action. */
export async function filtersOf(db: repo.Queryable, q: AuditCsvQueryT): Promise<repo.TimelineFilters> {
  const f: repo.TimelineFilters = { eventTypes: SHOWN_EVENT_TYPES };
  if (q.from !== undefined) f.from = instant('from', q.from, false);
  if (q.to !== undefined) f.to = instant('to', q.to, true);
  if (f.from && f.to && f.from.getTime() >= f.to.getTime()) throw badRequest('BAD_PERIOD', 'query parameter "from" must be before "to"');
  if (q.action !== undefined) {
    const p = q.action;
    const of = (list: readonly string[]) => list.filter((a) => a.startsWith(p));
    f.actions = { a: of(AUDIT_ACTIONS), e: of(SHOWN_EVENT_TYPES), p: of(PERSONAL_READ_ACTIONS) };
    if (f.actions.a.length + f.actions.e.length + f.actions.p.length === 0) {
      throw badRequest('UNKNOWN_ACTION', `query parameter "action": no action starts with "${p}"`);
    }
  }
  if (q.user !== undefined) {
    if (/^[0-9]+$/.test(q.user)) {
      const id = Number(q.user);
      if (id > INT4_MAX) throw badRequest('BAD_USER', `query parameter "user" must be a user id up to ${INT4_MAX} or a username`);
      const u = await repo.findUser(db, { id });
      f.userId = id;
      if (u) f.username = u.username.toLowerCase();
    } else {
      const u = await repo.findUser(db, { username: q.user });
      f.userId = u?.id ?? null;
      f.username = q.user.toLowerCase();
    }
  }
  if (q.objectType !== undefined) f.objectType = q.objectType;
  if (q.objectId !== undefined) f.objectId = q.objectId;
  if (q.area !== undefined) f.area = q.area;
  return f;
}

export function parseCursor(s: string | undefined): repo.Cursor | null {
  if (s === undefined) return null;
  const [atUs, src, id] = s.split('.') as [string, repo.Source, string];
  return { atUs, src, id };
}

const cursorOf = (r: repo.TimelineRow) => `${r.at_us}.${r.src}.${r.id}`;

function detailText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** A row of any source in the one shape of the timeline. */
export function present(r: repo.TimelineRow): AuditEntry {
  let summary = '';
  if (r.src === 'a') summary = detailText(r.detail ?? {});
  else if (r.src === 'e') summary = r.note ?? '';
  else summary = [(r.fields ?? []).join(', '), r.route ?? ''].filter(Boolean).join(' · ');
  return {
    key: `${r.src}:${r.id}`,
    at: r.at.toISOString(),
    actor: { id: r.user_id, username: r.username, role: r.role },
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    fromState: r.src === 'e' ? (r.from_state ?? null) : null,
    toState: r.src === 'e' ? (r.to_state ?? null) : null,
    summary,
    address: r.address,
  };
}

const CSV_HEADER = ['时间 (CST)', '用户ID', '用户名', '角色', '操作', '对象类型', '对象', '摘要', '地址'];

function csvRows(rows: repo.TimelineRow[]): string[][] {
  return rows.map((r) => {
    const e = present(r);
    return [
      formatCstIso(r.at).slice(0, 19).replace('T', ' '),
      e.actor.id === null ? '' : String(e.actor.id),
      e.actor.username ?? '',
      e.actor.role ?? '',
      e.action,
      e.objectType ?? '',
      e.objectId ?? '',
      [transitionLabel(e.objectType, e.fromState, e.toState), e.summary].filter(Boolean).join(' · '),
      e.address ?? '',
    ];
  });
}

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/audit',
    {
      schema: { summary: 'The audit trail: who did what, when', querystring: AuditQuery, response: { 200: AuditPage, ...ERROR_RESPONSES } },
      config: { roles: AUDIT_ROLES },
    },
    async (request) => {
      const f = await filtersOf(app.pool, request.query);
      const limit = request.query.limit ?? 100;
      const rows = await repo.timeline(app.pool, f, parseCursor(request.query.before), limit);
      const last = rows[rows.length - 1];
      return { items: rows.map(present), next: rows.length === limit && last ? cursorOf(last) : null };
    },
  );

  app.get(
    '/api/admin/audit.csv',
    {
      schema: {
        summary: 'The audit trail as CSV (at most 100,000 rows)',
        querystring: AuditCsvQuery,
        response: { 200: binaryResponse('the audit rows, newest first', 'text/csv'), ...ERROR_RESPONSES },
      },
      config: { roles: AUDIT_ROLES },
    },
    async (request, reply) => {
      const f = await filtersOf(app.pool, request.query);
      // the first page before the first byte: a failing database is still the error handler's answer
      const first = await repo.timeline(app.pool, f, null, Math.min(CSV_PAGE_ROWS, AUDIT_CSV_MAX_ROWS));
      const pool = app.pool;
      async function* file() {
        yield stringify(csvRows(first), { bom: true, header: true, columns: CSV_HEADER, record_delimiter: 'windows', escape_formulas: true });
        let page = first;
        let sent = first.length;
        while (page.length === CSV_PAGE_ROWS && sent < AUDIT_CSV_MAX_ROWS) {
          page = await repo.timeline(pool, f, parseCursor(cursorOf(page[page.length - 1]!)), Math.min(CSV_PAGE_ROWS, AUDIT_CSV_MAX_ROWS - sent));
          sent += page.length;
          if (page.length > 0) yield stringify(csvRows(page), { record_delimiter: 'windows', escape_formulas: true });
        }
      }
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="audit-${cstDateKey(new Date())}.csv"`)
        .send(Readable.from(file()));
    },
  );
};

export default auditRoutes;
