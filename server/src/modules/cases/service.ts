/**
 * Case intake and actions: routing by place, clocks from the working calendar, the shared state machine,
 * optimistic versions, and the event row of every change (appended last, in the same transaction).
 */
import type pg from 'pg';
import {
  ESCALATION_LEVELS,
  allowedActions,
  computeClocks,
  formatCaseCode,
  transition,
  type CaseAction,
  type CaseState,
  type EscalationLevel,
  type Light,
  type ParkableState,
  type Priority,
  type Role,
  cstDateKey,
} from '@gridcommand/shared/domain';
import type { Case, CaseActionBody, CaseCreateBody } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import { appendEvents, type NewEvent } from '../live/events.ts';
import type { AuthUser } from '../auth/repository.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import * as repo from './repository.ts';
import { inTransaction } from '../../db/transaction.ts';
import { currentLight, nextLightAt, settleLight } from './lights.ts';

/** A refusal that carries more than the error shape: `allowed` actions or the `current` case. */
export class CaseConflict extends HttpError {
  readonly extra: Record<string, unknown>;
  constructor(statusCode: number, code: string, message: string, extra: Record<string, unknown>) {
    super(statusCode, code, message);
    this.extra = extra;
  }
}

export { inTransaction } from '../../db/transaction.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Personal data (reporter name and phone) is shown to admin and dispatcher, and to the handler of the case's
 * own department (they may need to call the reporter back). Leader, worker and wall never see it.
 */
export function maySeePersonal(user: AuthUser, row: { department_code: string | null }): boolean {
  if (user.role === 'admin' || user.role === 'dispatcher') return true;
  return user.role === 'handler' && user.departmentCode !== null && row.department_code === user.departmentCode;
}

export function hasPersonal(row: repo.CaseRow): boolean {
  return row.reporter_name !== null || row.reporter_phone !== null;
}

export function present(row: repo.CaseRow, user: AuthUser | null, opts: { personal: boolean }): Case {
  const level = ESCALATION_LEVELS[row.escalation_level] ?? 'grid';
  const role = (user?.role ?? 'public') as Role;
  const actions =
    user && repo.inScope(user, row)
      ? allowedActions(row.status as CaseState, role, {
          escalationLevel: level,
          parkedFrom: row.status_before_park as ParkableState | null,
        })
      : [];
  const c: Case = {
    id: row.id,
    code: row.code,
    source: row.source as Case['source'],
    categoryCode: row.category_code,
    categoryName: row.category_name,
    majorCode: row.major_code,
    majorName: row.major_name,
    priority: row.priority as Case['priority'],
    title: row.title,
    description: row.description,
    address: row.address,
    lon: row.lon,
    lat: row.lat,
    gridCode: row.grid_code,
    gridName: row.grid_name,
    communityCode: row.community_code,
    communityName: row.community_name,
    zoneCode: row.zone_code,
    zoneName: row.zone_name,
    streetCode: row.street_code,
    streetName: row.street_name,
    departmentCode: row.department_code,
    departmentName: row.department_name,
    teamId: row.team_id,
    teamName: row.team_name,
    status: row.status as Case['status'],
    parkedFrom: row.status_before_park,
    escalationLevel: level,
    duplicateOf: row.duplicate_of,
    voidReason: row.void_reason,
    parkReason: row.park_reason,
    parkReviewDate: row.park_review_date,
    reworkCount: row.rework_count,
    photos: Array.isArray(row.photos) ? (row.photos as unknown[]).filter((p): p is string => typeof p === 'string') : [],
    reportedAt: row.reported_at.toISOString(),
    filedAt: iso(row.filed_at),
    dispatchedAt: iso(row.dispatched_at),
    acceptedAt: iso(row.accepted_at),
    handledAt: iso(row.handled_at),
    verifiedAt: iso(row.verified_at),
    closedAt: iso(row.closed_at),
    voidedAt: iso(row.voided_at),
    respondBy: row.respond_by.toISOString(),
    resolveBy: row.resolve_by.toISOString(),
    respondWarnAt: iso(row.respond_warn_at),
    resolveWarnAt: iso(row.resolve_warn_at),
    respondRedAt: iso(row.respond_red_at),
    resolveRedAt: iso(row.resolve_red_at),
    light: row.light as Case['light'],
    supervised: row.supervised,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    allowedActions: actions,
  };
  if (opts.personal) {
    c.reporterName = row.reporter_name;
    c.reporterPhone = row.reporter_phone;
  }
  return c;
}

/** Reads one case as this user may see it, logging a read of personal data. */
export async function readCase(pool: pg.Pool, user: AuthUser, id: number, route: string): Promise<Case> {
  const row = await repo.findCase(pool, id);
  if (!row || !repo.inScope(user, row)) throw new HttpError(404, 'CASE_NOT_FOUND', `case ${id} not found`);
  const personal = maySeePersonal(user, row);
  if (personal && hasPersonal(row)) await repo.logPersonalAccess(pool, user.id, [row.id], route);
  return present(row, user, { personal });
}

export interface CreatedCase {
  id: number;
  code: string;
  gridCode: string;
  streetCode: string;
  light: Light;
}

/**
 * Intake of one or many cases in ONE transaction: every location is routed to its grid, community, zone and
 * street by point-in-polygon in a single query, clocks come from the category, the priority and the working
 * calendar, and each case gets its `case.created` event. Any bad item (unknown category, a point outside the
 * district, a worker outside their grids) refuses the whole batch and nothing is written.
 */
export async function createCases(
  pool: pg.Pool,
  user: AuthUser,
  bodies: CaseCreateBody[],
  now = new Date(),
  opts: { batch: boolean } = { batch: bodies.length > 1 },
): Promise<CreatedCase[]> {
  const at = (i: number) => (opts.batch ? `items[${i}]: ` : '');
  bodies.forEach((b, i) => {
    if (user.role === 'worker' && b.source !== 'grid_worker') {
      throw new HttpError(403, 'SOURCE_NOT_ALLOWED', `${at(i)}grid workers report with source "grid_worker"`);
    }
  });
  const cal = await getWorkCalendar(pool);
  return inTransaction(pool, async (client) => {
    const categories = await repo.findCategories(client, [...new Set(bodies.map((b) => b.categoryCode))]);
    const hits = await repo.locateGrids(client, bodies.map((b) => [b.lon, b.lat] as [number, number]));
    const seqs = await client.query<{ n: number }>(`SELECT nextval('case_code_seq')::bigint AS n FROM generate_series(1, $1)`, [bodies.length]);
    const rows = bodies.map((body, i) => {
      const category = categories.get(body.categoryCode);
      if (!category) throw new HttpError(422, 'UNKNOWN_CATEGORY', `${at(i)}unknown category "${body.categoryCode}"`);
      const hit = hits[i];
      if (!hit) {
        throw new HttpError(422, 'OUTSIDE_DISTRICT', `${at(i)}the location ${body.lon}, ${body.lat} is outside the district: no grid contains it`);
      }
      if (user.role === 'worker' && !user.gridCodes.includes(hit.grid_code)) {
        throw new HttpError(403, 'OUTSIDE_OWN_GRIDS', `${at(i)}grid ${hit.grid_code} is not one of your grids`);
      }
      const clocks = computeClocks(
        {
          reportedAt: now,
          priority: body.priority as Priority,
          category: {
            respondLimit: Number(category.respond_limit),
            respondUnit: category.respond_unit,
            resolveLimit: Number(category.resolve_limit),
            resolveUnit: category.resolve_unit,
            redFactor: Number(category.red_factor),
            warnRatio: Number(category.warn_ratio),
          },
        },
        cal,
      );
      const lightRow = {
        id: 0,
        status: 'reported',
        accepted_at: null,
        respond_by: clocks.respondBy,
        respond_warn_at: clocks.respondWarnAt,
        respond_red_at: clocks.respondRedAt,
        resolve_by: clocks.resolveBy,
        resolve_warn_at: clocks.resolveWarnAt,
        resolve_red_at: clocks.resolveRedAt,
      };
      const light = currentLight(lightRow, now);
      const code = formatCaseCode(now, ((Number(seqs.rows[i]!.n) - 1) % 999_999) + 1);
      return {
        ord: i, code, source: body.source, category_code: body.categoryCode, priority: body.priority,
        title: body.title.trim(), description: body.description, address: body.address ?? null, lon: body.lon, lat: body.lat,
        grid_code: hit.grid_code, community_code: hit.community_code, zone_code: hit.zone_code, street_code: hit.street_code,
        reporter_name: body.reporterName ?? null, reporter_phone: body.reporterPhone ?? null, photos: body.photos ?? [],
        department_code: category.department_code,
        respond_by: clocks.respondBy, respond_warn_at: clocks.respondWarnAt, respond_red_at: clocks.respondRedAt,
        resolve_by: clocks.resolveBy, resolve_warn_at: clocks.resolveWarnAt, resolve_red_at: clocks.resolveRedAt,
        light, next_light_at: nextLightAt(lightRow, now),
      };
    });
    const { rows: inserted } = await client.query<{ id: number; code: string }>(
      `INSERT INTO cases (code, source, category_code, priority, title, description, address, location,
          grid_code, community_code, zone_code, street_code, reporter_name, reporter_phone, reporter_user_id, photos,
          department_code, reported_at, respond_by, respond_warn_at, respond_red_at, resolve_by, resolve_warn_at, resolve_red_at,
          light, next_light_at, updated_at)
       SELECT r.code, r.source, r.category_code, r.priority, r.title, r.description, r.address,
              ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.grid_code, r.community_code, r.zone_code, r.street_code,
              r.reporter_name, r.reporter_phone, $2, r.photos, r.department_code, $3,
              r.respond_by, r.respond_warn_at, r.respond_red_at, r.resolve_by, r.resolve_warn_at, r.resolve_red_at,
              r.light, r.next_light_at, $3
       FROM jsonb_to_recordset($1::jsonb) AS r(ord int, code text, source text, category_code text, priority text, title text,
            description text, address text, lon float8, lat float8, grid_code text, community_code text, zone_code text,
            street_code text, reporter_name text, reporter_phone text, photos jsonb, department_code text,
            respond_by timestamptz, respond_warn_at timestamptz, respond_red_at timestamptz, resolve_by timestamptz,
            resolve_warn_at timestamptz, resolve_red_at timestamptz, light text, next_light_at timestamptz)
       ORDER BY r.ord
       RETURNING id, code`,
      [JSON.stringify(rows), user.id, now],
    );
    const idByCode = new Map(inserted.map((r) => [r.code, r.id]));
    const events: NewEvent[] = [];
    const created: CreatedCase[] = [];
    for (const r of rows) {
      const id = idByCode.get(r.code)!;
      created.push({ id, code: r.code, gridCode: r.grid_code, streetCode: r.street_code, light: r.light });
      events.push({
        type: 'case.created',
        caseId: id,
        streetCode: r.street_code,
        actorId: user.id,
        actorRole: user.role,
        fromState: null,
        toState: 'reported',
        note: r.title,
        lon: r.lon,
        lat: r.lat,
        payload: { code: r.code, categoryCode: r.category_code, priority: r.priority, source: r.source, gridCode: r.grid_code, light: r.light },
      });
      events.push(
        ...(await settleLight(client, {
          caseId: id, streetCode: r.street_code, lon: r.lon, lat: r.lat, status: 'reported',
          from: r.light, to: r.light, now, actorId: user.id, actorRole: user.role,
        })),
      );
    }
    await appendEvents(client, events);
    return created;
  });
}

export async function createCase(pool: pg.Pool, user: AuthUser, body: CaseCreateBody, now = new Date()): Promise<number> {
  const [c] = await createCases(pool, user, [body], now, { batch: false });
  return c!.id;
}

const STAMP_COLUMNS: Record<string, string> = {
  filedAt: 'filed_at',
  dispatchedAt: 'dispatched_at',
  respondedAt: 'accepted_at',
  handledAt: 'handled_at',
  verifiedAt: 'verified_at',
  closedAt: 'closed_at',
  voidedAt: 'voided_at',
};

const EVENT_TYPE: Partial<Record<CaseAction, string>> = { escalate: 'case.escalated', close: 'case.closed' };

async function conflictWithCurrent(pool: pg.Pool, user: AuthUser, id: number): Promise<CaseConflict> {
  const row = await repo.findCase(pool, id);
  const current = row ? present(row, user, { personal: false }) : null;
  return new CaseConflict(409, 'VERSION_CONFLICT', `case ${id} was changed meanwhile; it is now at version ${row?.version ?? '?'}`, {
    current,
  });
}

/** The case changed meanwhile (optimistic version check failed); callers answer 409 with the current case. */
export class StaleCaseVersion extends HttpError {
  constructor() {
    super(409, 'VERSION_CONFLICT', 'stale version');
  }
}

export interface ApplyActionOptions {
  /**
   * The role the state machine checks instead of the caller's (a team reporting arrival through the dispatch
   * module accepts the case as its handler on site). Scope is still checked for the caller.
   */
  role?: Role;
  /** collect the events here instead of appending them (the caller appends once, last in its transaction) */
  events?: NewEvent[];
  /** who the event rows name (a team device has no user account: null) */
  actorId?: number | null;
  actorRole?: string;
}

/** Applies an action; returns the case id. Throws HttpError/CaseConflict on refusal (nothing written). */
export async function actOnCase(pool: pg.Pool, user: AuthUser, id: number, body: CaseActionBody, now = new Date()): Promise<void> {
  try {
    await inTransaction(pool, (client) => applyCaseAction(client, user, id, body, now));
  } catch (err) {
    if (err instanceof StaleCaseVersion) throw await conflictWithCurrent(pool, user, id);
    throw err;
  }
}

/**
 * The body of a case action inside a transaction the caller owns (the dispatch module files and dispatches a
 * case together with the team's status and the dispatch record). Throws StaleCaseVersion when the version
 * does not match (or changed between the read and the write), HttpError/CaseConflict on refusals.
 */
export async function applyCaseAction(
  client: pg.PoolClient,
  user: AuthUser,
  id: number,
  body: CaseActionBody,
  now = new Date(),
  opts: ApplyActionOptions = {},
): Promise<void> {
  const actorId = opts.actorId !== undefined ? opts.actorId : user.id;
  const actorRole = opts.actorRole ?? user.role;
  const row = await repo.findCase(client, id);
  if (!row || !repo.inScope(user, row)) throw new HttpError(404, 'CASE_NOT_FOUND', `case ${id} not found`);
  if (row.version !== body.version) throw new StaleCaseVersion();
  const level: EscalationLevel = ESCALATION_LEVELS[row.escalation_level] ?? 'grid';
  const assignee =
    body.teamId !== undefined ? `team:${body.teamId}` : body.departmentCode !== undefined ? `department:${body.departmentCode}` : undefined;
  const result = transition(row.status as CaseState, body.action, (opts.role ?? user.role) as Role, {
    escalationLevel: level,
    parkedFrom: row.status_before_park as ParkableState | null,
    reason: body.reason,
    duplicateOf: body.duplicateOf !== undefined ? String(body.duplicateOf) : undefined,
    reviewDate: body.reviewDate,
    assignee,
  });
  if (!result.ok) {
    if (result.reason === 'illegal_state') {
      throw new CaseConflict(409, 'ILLEGAL_TRANSITION', `action ${body.action} is not possible on a ${row.status} case at ${level} level`, {
        allowed: result.allowed,
      });
    }
    if (result.reason === 'forbidden_role') {
      throw new CaseConflict(403, 'FORBIDDEN_ACTION', `role ${user.role} may not ${body.action}`, { allowed: result.allowed });
    }
    const missing = (result.missing ?? []).map((m) => (m === 'assignee' ? 'teamId or departmentCode' : m));
    throw new HttpError(400, 'MISSING_FIELD', `action ${body.action} needs ${missing.join(' and ')}`);
  }

  const sets: string[] = ['status = $3', 'version = version + 1', 'updated_at = $4'];
  const params: unknown[] = [id, body.version, result.to, now];
  const set = (col: string, v: unknown) => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  };
  let acceptedAt = row.accepted_at;
  let newLevel = level;
  for (const e of result.effects) {
    switch (e.type) {
      case 'stamp':
        set(STAMP_COLUMNS[e.field]!, now);
        if (e.field === 'respondedAt') acceptedAt = now;
        break;
      case 'set_assignee': {
        if (e.assignee.startsWith('team:')) {
          const teamId = Number(e.assignee.slice(5));
          const t = await client.query('SELECT 1 FROM team WHERE id = $1', [teamId]);
          if (t.rowCount === 0) throw new HttpError(422, 'TEAM_NOT_FOUND', `team ${teamId} not found`);
          set('team_id', teamId);
        } else {
          const code = e.assignee.slice('department:'.length);
          const d = await client.query('SELECT 1 FROM department WHERE code = $1', [code]);
          if (d.rowCount === 0) throw new HttpError(422, 'DEPARTMENT_NOT_FOUND', `department "${code}" not found`);
          set('department_code', code);
          sets.push('team_id = NULL');
        }
        if (body.teamId !== undefined && body.departmentCode !== undefined) {
          const d = await client.query('SELECT 1 FROM department WHERE code = $1', [body.departmentCode]);
          if (d.rowCount === 0) throw new HttpError(422, 'DEPARTMENT_NOT_FOUND', `department "${body.departmentCode}" not found`);
          set('department_code', body.departmentCode);
        }
        break;
      }
      case 'clear_assignee':
        sets.push('team_id = NULL');
        break;
      case 'rework':
        sets.push('rework_count = rework_count + 1');
        break;
      case 'set_escalation_level':
        newLevel = e.to;
        set('escalation_level', ESCALATION_LEVELS.indexOf(e.to));
        break;
      case 'record_reason':
        if (e.action === 'void') set('void_reason', e.reason);
        if (e.action === 'park') set('park_reason', e.reason);
        break;
      case 'mark_duplicate': {
        const of = Number(e.of);
        if (of === id) throw new HttpError(422, 'DUPLICATE_OF_SELF', 'a case cannot duplicate itself');
        const d = await client.query('SELECT 1 FROM cases WHERE id = $1', [of]);
        if (d.rowCount === 0) throw new HttpError(422, 'DUPLICATE_NOT_FOUND', `case ${of} (duplicateOf) not found`);
        set('duplicate_of', of);
        break;
      }
      case 'park':
        if (e.reviewDate < cstDateKey(now)) {
          throw new HttpError(422, 'REVIEW_DATE_PAST', `reviewDate ${e.reviewDate} is in the past`);
        }
        set('status_before_park', e.from);
        set('park_review_date', e.reviewDate);
        break;
      case 'unpark':
        sets.push('status_before_park = NULL', 'park_review_date = NULL');
        break;
    }
  }
  const lightInput = { ...row, status: result.to, accepted_at: acceptedAt };
  const light: Light = currentLight(lightInput, now);
  set('light', light);
  set('next_light_at', nextLightAt(lightInput, now));

  const updated = await client.query(`UPDATE cases SET ${sets.join(', ')} WHERE id = $1 AND version = $2`, params);
  if (updated.rowCount === 0) throw new StaleCaseVersion();
  const note = body.note ?? body.reason ?? null;
  const base = { caseId: id, streetCode: row.street_code, lon: row.lon, lat: row.lat, actorId, actorRole };
  const events: NewEvent[] = [
    {
      ...base,
      type: EVENT_TYPE[body.action] ?? 'case.updated',
      fromState: row.status,
      toState: result.to,
      note,
      payload: {
        action: body.action,
        version: row.version + 1,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.duplicateOf !== undefined ? { duplicateOf: body.duplicateOf } : {}),
        ...(body.reviewDate !== undefined ? { reviewDate: body.reviewDate } : {}),
        ...(body.teamId !== undefined ? { teamId: body.teamId } : {}),
        ...(body.departmentCode !== undefined ? { departmentCode: body.departmentCode } : {}),
        ...(newLevel !== level ? { escalationFrom: level, escalationTo: newLevel } : {}),
      },
    },
  ];
  events.push(
    ...(await settleLight(client, {
      caseId: id, streetCode: row.street_code, lon: row.lon, lat: row.lat, status: result.to,
      from: row.light as Light, to: light, now, actorId, actorRole,
    })),
  );
  if (opts.events) opts.events.push(...events);
  else await appendEvents(client, events);
}
