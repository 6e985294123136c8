/**
 * The citizen's side as writes and reads: a report (a case filed as the 'public-web' service account, with the real
 * reporter and a tracking code of their own in case_reporter), a follow (+1) of an existing case, the tracking page,
 * a rating (不满意 within the window reopens the case: 重办), and the center's callback (回访). Every write is one
 * writer transaction (writeOnce: a retry with the same Idempotency-Key answers the first result and writes
 * nothing). Rules: shared/src/domain/public.ts.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import {
  DUPLICATE_RADIUS_M,
  OPEN_STATES,
  REOPEN_WINDOW_DAYS,
  formatTrackingCode,
  mayRate,
  pointsForFiled,
  publicStage,
  ratingReopens,
  trackingCodeFrom,
  type PublicStage,
  type Rating,
} from '@gridcommand/shared/domain';
import type { PublicFollowBody, PublicReceipt, PublicReportBody, PublicTrack } from '@gridcommand/shared/schemas';
import { HttpError, conflict, notFound } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as casesRepo from '../cases/repository.ts';
import { applyAction, loadCase, saveCase } from '../writer/cases.ts';
import { attachPhotos } from '../writer/commands.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { createCases } from '../writer/intake.ts';
import { userActor, writeOnce, type Outcome, type WriteTx } from '../writer/tx.ts';
import * as repo from './repository.ts';
import { publicSettings } from './settings.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

const thumb = (id: string) => `/api/photos/${id}/thumb`;

/** Whose points a report feeds: the phone number (hashed, digits only) when given, else the device. */
export function holderKeyOf(phone: string | null, deviceId: string): string {
  return phone ? `phone:${crypto.createHash('sha256').update(phone).digest('hex').slice(0, 32)}` : `device:${deviceId}`;
}

/** "+86 138-0000 0000" → "13800000000" */
export function normalizePhone(phone: string | undefined): string | null {
  if (phone === undefined) return null;
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  if (digits.length < 7 || digits.length > 15 || /^(\d)\1+$/.test(digits)) throw new HttpError(400, 'BAD_PHONE', 'body field "phone" must be a real phone number');
  return digits;
}

function newTrackingCode(): string {
  for (;;) {
    const code = trackingCodeFrom(crypto.randomBytes(32));
    if (code) return code;
  }
}

export async function addReporter(tx: WriteTx, r: Omit<repo.NewReporter, 'trackingCode'>): Promise<{ id: number; code: string }> {
  for (let i = 0; i < 5; i++) {
    const code = newTrackingCode();
    const id = await repo.insertReporter(tx.client, { ...r, trackingCode: code });
    if (id !== null) return { id, code };
  }
  throw new Error('no free tracking code after 5 draws');
}

async function caseIdByCode(db: Queryable, code: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id::int AS id FROM cases WHERE code = $1', [code]);
  return rows[0]?.id ?? null;
}

function receipt(code: string, c: { code: string; status: string; resolve_by?: Date | null }, resolveBy: Date | null, followed: boolean): PublicReceipt {
  return {
    trackingCode: code,
    trackingCodeDisplay: formatTrackingCode(code),
    caseCode: c.code,
    stage: publicStage(c.status as never),
    expectedBy: resolveBy ? resolveBy.toISOString() : null,
    followed,
  };
}

/** A citizen's report: routed by its point like any case; outside the district it is refused and nothing is stored. */
export async function report(pool: pg.Pool, account: AuthUser, body: PublicReportBody, key: IdempotencyKey | null): Promise<Outcome<PublicReceipt>> {
  const description = body.description.trim();
  if (description === '') throw new HttpError(400, 'MISSING_FIELD', 'body field "description" must not be blank');
  const phone = normalizePhone(body.phone);
  const name = body.name?.trim() || null;
  return writeOnce(pool, userActor(account), key, async (tx) => {
    const category = await tx.client.query<{ name: string }>('SELECT name FROM category WHERE code = $1', [body.categoryCode]);
    const title = `${category.rows[0]?.name ?? '市民反映'}${body.address?.trim() ? ` · ${body.address.trim()}` : ''}`.slice(0, 200);
    const [row] = await createCases(
      tx,
      [
        {
          categoryCode: body.categoryCode,
          priority: 'normal',
          lon: body.lon,
          lat: body.lat,
          title,
          description,
          source: 'public',
          ...(body.address?.trim() ? { address: body.address.trim() } : {}),
          ...(name ? { reporterName: name } : {}),
          ...(phone ? { reporterPhone: phone } : {}),
          ...(body.photos?.length ? { photos: body.photos } : {}),
          position: { ...(body.accuracyM !== undefined ? { accuracyM: body.accuracyM } : {}), source: body.locationSource ?? 'gps' },
        },
      ],
      { batch: false },
    );
    const c = row!;
    const r = await addReporter(tx, { caseId: c.id, kind: 'report', channel: 'web', name, phone, deviceId: body.deviceId, holderKey: holderKeyOf(phone, body.deviceId) });
    return { status: 201, body: receipt(r.code, c, c.resolve_by ?? null, false) };
  });
}

/** +1: the citizen follows an open case instead of reporting it again (photos added to it); points when it is filed. */
export async function follow(pool: pg.Pool, account: AuthUser, caseCode: string, body: PublicFollowBody, key: IdempotencyKey | null): Promise<Outcome<PublicReceipt>> {
  const phone = normalizePhone(body.phone);
  return writeOnce(pool, userActor(account), key, async (tx) => {
    const id = await caseIdByCode(tx.client, caseCode);
    if (id === null) throw notFound('CASE_NOT_FOUND', `case ${caseCode} not found`);
    const c = await loadCase(tx, id);
    if (!OPEN_STATES.includes(c.rec.status)) throw conflict('NOT_OPEN', `case ${caseCode} is ${c.rec.status}: report the problem anew if it is still there`);
    const holderKey = holderKeyOf(phone, body.deviceId);
    if (await repo.hasFollowed(tx.client, id, holderKey)) throw conflict('ALREADY_FOLLOWED', `you already follow case ${caseCode}`);
    const r = await addReporter(tx, { caseId: id, kind: 'follow', channel: 'web', name: null, phone, deviceId: body.deviceId, holderKey });
    if (body.photos?.length) await attachPhotos(tx, id, body.photos);
    if (c.rec.status !== 'reported') {
      const { pointRules } = await publicSettings(tx.client);
      await repo.awardCase(tx.client, id, { report: pointsForFiled('report', pointRules), follow: pointsForFiled('follow', pointRules) }, tx.now);
    }
    return { status: 201, body: receipt(r.code, c.row, c.row.resolve_by ?? null, true) };
  });
}

/** Open cases of the category near a point, for "is it one of these?" (no personal data, no exact points). */
export async function nearby(pool: pg.Pool, account: AuthUser, q: { lon: number; lat: number; category: string }) {
  const rows = await casesRepo.nearbyOpenCases(pool, { ...q, radiusM: DUPLICATE_RADIUS_M, openStates: OPEN_STATES, limit: 5 }, account);
  return {
    radiusM: DUPLICATE_RADIUS_M,
    items: rows.map((r) => {
      const photos = Array.isArray(r.photos) ? (r.photos as string[]) : [];
      return {
        caseCode: r.code,
        title: r.title,
        categoryName: r.category_name,
        stage: publicStage(r.status as never),
        distanceM: Math.round(r.distance_m),
        reportedAt: r.reported_at.toISOString(),
        thumbUrl: photos[0] ? thumb(photos[0]) : null,
        reporters: r.reporters,
      };
    }),
  };
}

const STAGE_OF_ACTION: Record<string, PublicStage | 'reopened'> = {
  file: 'filed',
  dispatch: 'sent',
  reassign: 'sent',
  verify_fail: 'sent',
  handle: 'handled',
  verify_pass: 'verified',
  close: 'closed',
  void: 'void',
  park: 'parked',
  reopen: 'reopened',
};

/** The tracking page of a code (the caller normalized it). */
export async function track(db: Queryable, code: string): Promise<PublicTrack> {
  const r = await repo.reporterByCode(db, code);
  if (!r) throw notFound('TRACKING_CODE_NOT_FOUND', 'no report has this tracking code: check it and try again');
  const c = (await casesRepo.findCase(db, r.case_id))!;
  const [events, ratings, ledger, reporters, thisClosing, mine] = await Promise.all([
    repo.caseSteps(db, c.id),
    repo.ratingsOfCase(db, c.id),
    repo.ledgerOf(db, r.holder_key, 50),
    repo.reporterCount(db, c.id),
    repo.ratingOf(db, r.id, c.rework_count),
    repo.latestRatingOf(db, r.id),
  ]);
  const steps: PublicTrack['steps'] = [];
  const afterPhotos: string[] = [];
  for (const e of events) {
    if (e.type === 'case.created') steps.push({ stage: 'received', at: e.at.toISOString(), department: null });
    const stage = e.action ? STAGE_OF_ACTION[e.action] : undefined;
    if (stage) steps.push({ stage, at: e.at.toISOString(), department: stage === 'sent' ? (e.department ?? c.department_name ?? null) : null });
    if (e.action && ['handle', 'close'].includes(e.action) && e.photos) afterPhotos.push(...e.photos.map(thumb));
  }
  for (const k of ratings) if (k.rating) steps.push({ stage: 'rated', at: k.at.toISOString(), department: null });
  steps.sort((a, b) => a.at.localeCompare(b.at));
  const status = c.status as never;
  const closedAt = c.closed_at ? new Date(c.closed_at) : null;
  const canRate = mayRate(status) && thisClosing === null;
  const reopenUntil = canRate && closedAt ? new Date(closedAt.getTime() + REOPEN_WINDOW_DAYS * 86_400_000) : null;
  const reportPhotos = Array.isArray(c.photos) ? (c.photos as string[]) : [];
  return {
    trackingCode: r.tracking_code,
    trackingCodeDisplay: formatTrackingCode(r.tracking_code),
    caseCode: c.code,
    title: c.title,
    categoryName: c.category_name,
    stage: publicStage(status),
    steps,
    reportedAt: c.reported_at.toISOString(),
    expectedBy: c.resolve_by ? new Date(c.resolve_by).toISOString() : null,
    closedAt: closedAt ? closedAt.toISOString() : null,
    department: c.department_name ?? null,
    photos: reportPhotos.map(thumb),
    afterPhotos,
    reporters,
    rating: mine && mine.rating ? { rating: mine.rating, comment: mine.comment, at: mine.at.toISOString(), reopened: mine.reopened } : null,
    mayRate: canRate,
    rateReopensUntil: reopenUntil && reopenUntil.getTime() > Date.now() ? reopenUntil.toISOString() : null,
    points: { balance: ledger.balance, entries: ledger.entries.map((l) => ({ at: l.at.toISOString(), points: l.points, reason: l.reason, caseCode: l.case_code })) },
  };
}

/** Reopens a closed case for rework (重办) as the acting party, in the caller's transaction. */
async function reopen(tx: WriteTx, caseId: number, role: 'public' | 'dispatcher' | 'admin', reason: string): Promise<void> {
  const c = await loadCase(tx, caseId);
  await applyAction(tx, c, { action: 'reopen', reason }, role);
  await saveCase(tx, c);
}

export async function rate(pool: pg.Pool, account: AuthUser, code: string, body: { rating: Rating; comment?: string }, key: IdempotencyKey | null) {
  return writeOnce(pool, userActor(account), key, async (tx) => {
    const r = await repo.reporterByCode(tx.client, code, true);
    if (!r) throw notFound('TRACKING_CODE_NOT_FOUND', 'no report has this tracking code');
    const c = await loadCase(tx, r.case_id);
    if (!mayRate(c.rec.status)) throw conflict('NOT_CLOSED', 'the case is not closed yet: it can be rated once it is closed');
    const closedAt = c.rec.stamps.closedAt ?? tx.now;
    const reopens = ratingReopens(body.rating, closedAt, tx.now);
    const comment = body.comment?.trim() || null;
    const ok = await repo.insertRating(tx.client, {
      caseId: r.case_id, reporterId: r.id, source: 'citizen', round: c.rec.reworkCount, reached: true, rating: body.rating, comment, reopened: reopens, byUser: null, at: tx.now,
    });
    if (!ok) throw conflict('ALREADY_RATED', 'this closing has been rated already');
    if (reopens) await reopen(tx, r.case_id, 'public', `市民评价不满意${comment ? `：${comment}` : ''}`);
    return { status: 201, body: { rating: body.rating, reopened: reopens, track: await track(tx.client, code) } };
  });
}

/** The center's callback (回访) of a closed public case: reached or not, and the satisfaction heard. */
export async function callback(pool: pg.Pool, user: AuthUser, caseId: number, body: { reached: boolean; rating?: Rating; comment?: string }, key: IdempotencyKey | null) {
  if (!body.reached && body.rating !== undefined) throw new HttpError(400, 'BAD_CALLBACK', 'a callback that did not reach the citizen has no rating');
  if (body.reached && body.rating === undefined) throw new HttpError(400, 'MISSING_FIELD', 'body field "rating" is required when the citizen was reached');
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const c = await loadCase(tx, caseId);
    if (c.rec.status !== 'closed') throw conflict('NOT_CLOSED', `case ${c.row.code} is not closed`);
    const comment = body.comment?.trim() || null;
    const reopens = body.rating !== undefined && ratingReopens(body.rating, c.rec.stamps.closedAt ?? tx.now, tx.now);
    await repo.insertRating(tx.client, {
      caseId, reporterId: null, source: 'callback', round: c.rec.reworkCount, reached: body.reached, rating: body.rating ?? null, comment, reopened: reopens, byUser: user.id, at: tx.now,
    });
    if (reopens) await reopen(tx, caseId, user.role === 'admin' ? 'admin' : 'dispatcher', `回访不满意${comment ? `：${comment}` : ''}`);
    return { status: 201, body: { reopened: reopens } };
  });
}
