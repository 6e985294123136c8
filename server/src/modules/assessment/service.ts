/**
 * The assessment's acts: whose unit a caller may see, closing a month (the leader's review), weights, leaves and
 * duty records. Writes run through the writer's transaction (writeOnce: an Idempotency-Key replays the answer).
 */
import type pg from 'pg';
import type { FastifyRequest } from 'fastify';
import {
  STAFF_KINDS,
  DUTIES,
  cstDateKey,
  infoUpdateOnTime,
  newcomerOnTime,
  weightsProblem,
  type WorkCalendar,
} from '@gridcommand/shared/domain';
import type { AssessmentWeights, DutyRecord, DutyRecordBody, LeaveBody, LeaveRow } from '@gridcommand/shared/schemas';
import { HttpError, badRequest, conflict, notFound } from '../../plugins/errors.ts';
import { forbidden } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/index.ts';
import type { AuthUser } from '../auth/repository.ts';
import { unitOf } from '../cases/scope.ts';
import { fieldDate } from '../field/times.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { userActor, writeOnce, type Outcome } from '../writer/tx.ts';
import { buildSheet, monthSpan } from './compute.ts';
import * as repo from './repository.ts';

/** The unit asked for as this caller may see it: the district centre any, a unit's account its own area only. */
export async function resolveUnit(db: repo.Queryable, user: AuthUser, code: string | undefined): Promise<repo.UnitRow> {
  const own = user.role === 'admin' ? null : unitOf(user);
  if (own?.kind === 'department') throw forbidden('ASSESSMENT_FORBIDDEN', "a department's account has no grid workers to assess");
  const wanted = code ?? own?.code;
  const unit = wanted !== undefined ? await repo.findUnit(db, wanted) : await repo.districtUnit(db);
  if (!unit) throw notFound('UNIT_NOT_FOUND', `unit ${wanted ?? '(the district)'} not found (a district, street, zone or community code)`);
  if (own && !(await repo.areaInUnit(db, unit.code, own.code))) {
    throw forbidden('ASSESSMENT_FORBIDDEN', `your unit ${own.code} does not include ${unit.code}`);
  }
  return { code: unit.code, kind: unit.kind, name: unit.name };
}

export const names = (db: repo.Queryable) => (ids: number[]) => repo.userNames(db, ids);

export async function closeMonth(
  pool: pg.Pool,
  request: FastifyRequest,
  user: AuthUser,
  body: { month: string; unit: string },
  now: Date,
  cal: WorkCalendar,
  key: IdempotencyKey | null,
): Promise<Outcome<{ month: string; unit: string; rows: number; closedAt: string }>> {
  const unit = await resolveUnit(pool, user, body.unit);
  const span = monthSpan(body.month, now);
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const sheet = await buildSheet(tx.client, unit, span, cal, names(tx.client));
    if (sheet.rows.some((r) => r.recorded)) throw conflict('ALREADY_CLOSED', `the assessment of ${body.month} is already closed for ${unit.name}`);
    const rows = sheet.rows.map((r) => ({
      userId: r.subjectId,
      payeeId: r.payeeId,
      kind: r.kind,
      score: r.total,
      share: r.share,
      yuan: r.yuan,
      consequence: r.consequence,
      details: { ...r, recorded: true, closedAt: tx.now.toISOString() },
    }));
    const n = await repo.insertResults(tx.client, body.month, unit.code, user.id, tx.now, rows);
    if (n !== rows.length) throw conflict('ALREADY_CLOSED', `the assessment of ${body.month} was closed meanwhile`);
    await recordAudit(tx.client, request, 'assessment.closed', {
      objectType: 'assessment',
      objectId: `${body.month}/${unit.code}`,
      detail: { month: body.month, unit: unit.code, rows: n, yuan: Math.round(rows.reduce((s, r) => s + r.yuan, 0) * 100) / 100 },
    });
    return { status: 201, body: { month: body.month, unit: unit.code, rows: n, closedAt: tx.now.toISOString() } };
  }, { now });
}

export async function putWeights(pool: pg.Pool, request: FastifyRequest, user: AuthUser, body: AssessmentWeights): Promise<void> {
  for (const kind of STAFF_KINDS) {
    const problem = weightsProblem(kind, body[kind]);
    if (problem) throw badRequest('BAD_WEIGHTS', problem);
  }
  const rows = STAFF_KINDS.flatMap((kind) => DUTIES.map((duty) => ({ kind, duty, weight: body[kind][duty] })));
  await writeOnce(pool, userActor(user), null, async (tx) => {
    await repo.replaceWeights(tx.client, rows, user.id);
    await recordAudit(tx.client, request, 'assessment.weights_updated', { objectType: 'assessment_weights', detail: { head: body.head, staff: body.staff } });
    return { status: 200, body: null };
  });
}

const presentLeave = (l: repo.LeaveRecord): LeaveRow => ({ ...l, createdAt: l.createdAt.toISOString() });

export async function addLeave(pool: pg.Pool, user: AuthUser, body: LeaveBody, key: IdempotencyKey | null): Promise<Outcome<LeaveRow>> {
  if (body.to < body.from) throw badRequest('BAD_PERIOD', `"to" (${body.to}) is before "from" (${body.from})`);
  if (body.coverUserId === body.userId) throw badRequest('BAD_COVER', 'a worker cannot cover their own leave');
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const who = await repo.findAccount(tx.client, body.userId);
    if (!who || (who.role !== 'worker' && who.role !== 'leader') || !who.place) throw notFound('USER_NOT_FOUND', `no grid worker or head with id ${body.userId}`);
    const own = user.role === 'admin' ? null : unitOf(user);
    if (own && (own.kind === 'department' || !(await repo.areaInUnit(tx.client, who.place, own.code)))) {
      throw forbidden('ASSESSMENT_FORBIDDEN', `user ${body.userId} is not in your unit`);
    }
    if (body.coverUserId !== undefined) {
      const cover = await repo.findAccount(tx.client, body.coverUserId);
      if (!cover || (cover.role !== 'worker' && cover.role !== 'leader')) throw notFound('USER_NOT_FOUND', `no grid worker or head with id ${body.coverUserId}`);
    }
    const row = await repo.insertLeave(tx.client, {
      userId: body.userId,
      coverUserId: body.coverUserId ?? null,
      from: body.from,
      to: body.to,
      note: body.note?.trim() ?? null,
      createdBy: user.id,
    });
    return { status: 201, body: presentLeave(row) };
  });
}

export async function listLeaves(db: repo.Queryable, user: AuthUser, from: string, to: string, userId: number | undefined): Promise<LeaveRow[]> {
  const rows = await repo.leaves(db, from, to, userId === undefined ? null : [userId]);
  const own = user.role === 'admin' ? null : unitOf(user);
  if (!own) return rows.map(presentLeave);
  if (own.kind === 'department') return [];
  const out: LeaveRow[] = [];
  for (const r of rows) {
    const who = await repo.findAccount(db, r.userId);
    if (who?.place && (await repo.areaInUnit(db, who.place, own.code))) out.push(presentLeave(r));
  }
  return out;
}

export function presentDuty(r: repo.DutyRecordRow, cal: WorkCalendar): DutyRecord {
  const onTime = r.kind === 'info_update' ? infoUpdateOnTime(r.occurredOn, r.recordedOn, cal) : r.kind === 'newcomer' ? newcomerOnTime(r.occurredOn, r.recordedOn) : true;
  return { id: r.id, userId: r.userId, kind: r.kind, gridCode: r.gridCode, occurredOn: r.occurredOn, recordedAt: r.recordedAt.toISOString(), subject: r.subject, note: r.note, onTime };
}

export async function addDuty(pool: pg.Pool, user: AuthUser, body: DutyRecordBody, cal: WorkCalendar, now: Date, key: IdempotencyKey | null): Promise<Outcome<DutyRecord>> {
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const occurredOn = fieldDate('body field "occurredOn"', body.occurredOn, tx.now);
    if (!user.gridCodes.includes(body.gridCode)) {
      const covered = await repo.coveredGrids(tx.client, user.id, cstDateKey(tx.now));
      if (!covered.includes(body.gridCode)) throw new HttpError(403, 'GRID_NOT_YOURS', `grid ${body.gridCode} is neither yours nor one you cover`);
    }
    const row = await repo.insertDutyRecord(tx.client, {
      userId: user.id,
      kind: body.kind,
      gridCode: body.gridCode,
      occurredOn,
      recordedAt: tx.now,
      subject: body.subject.trim(),
      note: body.note?.trim() ?? null,
    });
    return { status: 201, body: presentDuty(row, cal) };
  }, { now });
}
