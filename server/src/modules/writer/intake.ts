/**
 * Intake: new cases. Every location is routed to its grid, community, zone and street (the shared grid-of-point
 * rule), clocks come from the category, the priority and the working calendar, and each case gets its
 * `case.created` event carrying its facts.
 *
 * - `createCases` writes the cases of one request in the caller's transaction, all or nothing (the batch route).
 * - `IntakeQueue` serves single reports (POST /api/cases): reports that arrive while a write is in flight are
 *   written together in the next transaction (group commit), each with its own outcome — a bad report is refused
 *   on its own (4xx) and the others are written. Nothing waits when the queue is idle, so a lone report is
 *   written at once. Each report is durable before its 201, and its Idempotency-Key is claimed and completed in
 *   the transaction that writes it.
 */
import type pg from 'pg';
import { computeClocks, formatCaseCode, initialLight, type Priority, type Role } from '@gridcommand/shared/domain';
import type { Case, CaseCreateBody } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import type { CaseRow } from '../cases/repository.ts';
import { maySeePersonal, present } from '../cases/present.ts';
import { applyAction, caseEnvelope, saveCase, type LoadedCase } from './cases.ts';
import { factsOf, recordOf } from './facts.ts';
import { claimKeys, completeKeys, keyId, releaseKeys, type IdempotencyKey } from './idempotency.ts';
import * as repo from './repository.ts';
import { INTAKE, write, type Outcome, type WriteTx } from './tx.ts';
import { storedReal } from '../../db/real.ts';

interface IntakeItem {
  user: AuthUser;
  body: CaseCreateBody;
  /** prefix of this item's refusals ('items[3]: ' in a batch) */
  label: string;
}

type Planned = { ok: true; row: CaseRow; newRow: repo.NewCaseRow; body: CaseCreateBody } | { ok: false; error: HttpError };

const CATEGORY_CACHE_MS = 60_000;
const categoryCache = new WeakMap<pg.Pool, { at: number; value: Promise<Map<string, repo.IntakeCategory>> }>();

/** The category table (limits, names, departments), cached per pool for a minute; read through `via` on a miss. */
function intakeCategories(pool: pg.Pool, via: pg.PoolClient): Promise<Map<string, repo.IntakeCategory>> {
  const hit = categoryCache.get(pool);
  if (hit && Date.now() - hit.at < CATEGORY_CACHE_MS) return hit.value;
  const value = repo.intakeCategories(via);
  categoryCache.set(pool, { at: Date.now(), value });
  value.catch(() => categoryCache.delete(pool));
  return value;
}

/** Checks and routes every item (one lookup query for all); each gets its row to insert or its refusal. */
async function planIntake(tx: WriteTx, items: readonly IntakeItem[]): Promise<Planned[]> {
  const cal = await getWorkCalendar(tx.pool, tx.client);
  const categories = await intakeCategories(tx.pool, tx.client);
  const { seqs, hits } = await repo.intakeLookups(tx.client, items.map((it) => [it.body.lon, it.body.lat] as [number, number]));
  const photoIds = [...new Set(items.flatMap((it) => [...(it.body.photos ?? []), ...(it.body.fixedOnSpot?.afterPhotos ?? [])]))];
  const known = new Set(photoIds.length ? await repo.existingPhotos(tx.client, photoIds) : []);
  const now = tx.now;
  return items.map(({ user, body, label }, i): Planned => {
    const refuse = (status: number, code: string, message: string): Planned => ({ ok: false, error: new HttpError(status, code, `${label}${message}`) });
    if (user.role === 'worker' && body.source !== 'grid_worker') return refuse(403, 'SOURCE_NOT_ALLOWED', 'grid workers report with source "grid_worker"');
    const category = categories.get(body.categoryCode);
    if (!category) return refuse(422, 'UNKNOWN_CATEGORY', `unknown category "${body.categoryCode}"`);
    const hit = hits[i];
    if (!hit) return refuse(422, 'OUTSIDE_DISTRICT', `the location ${body.lon}, ${body.lat} is outside the district: no grid contains it`);
    if (user.role === 'worker' && !user.gridCodes.includes(hit.grid_code)) return refuse(403, 'OUTSIDE_OWN_GRIDS', `grid ${hit.grid_code} is not one of your grids`);
    const photos = [...(body.photos ?? []), ...(body.fixedOnSpot?.afterPhotos ?? []).filter((p) => !(body.photos ?? []).includes(p))];
    const unknown = photos.filter((p) => !known.has(p));
    if (unknown.length) return refuse(422, 'UNKNOWN_PHOTO', `unknown photo ${unknown[0]}: upload it first (POST /api/photos)`);
    if (body.fixedOnSpot) {
      if (user.role !== 'worker' && user.role !== 'admin') return refuse(403, 'FORBIDDEN_ACTION', `role ${user.role} may not report a case as fixed on the spot`);
      if (!body.photos?.length) return refuse(400, 'MISSING_FIELD', 'a case fixed on the spot needs a photo before (photos) and after (fixedOnSpot.afterPhotos)');
    }
    const clocks = computeClocks(
      {
        reportedAt: now,
        priority: body.priority as Priority,
        category: {
          respondLimit: category.respond_limit,
          respondUnit: category.respond_unit,
          resolveLimit: category.resolve_limit,
          resolveUnit: category.resolve_unit,
          redFactor: category.red_factor,
          warnRatio: category.warn_ratio,
        },
      },
      cal,
    );
    const { light, nextLightAt } = initialLight(clocks, now);
    const newRow: repo.NewCaseRow = {
      code: formatCaseCode(now, ((seqs[i]! - 1) % 999_999) + 1),
      source: body.source,
      category_code: body.categoryCode,
      priority: body.priority,
      title: body.title.trim(),
      description: body.description,
      address: body.address ?? null,
      lon: body.lon,
      lat: body.lat,
      grid_code: hit.grid_code,
      community_code: hit.community_code,
      zone_code: hit.zone_code,
      street_code: hit.street_code,
      reporter_name: body.reporterName ?? null,
      reporter_phone: body.reporterPhone ?? null,
      reporter_user_id: user.id,
      photos,
      location_accuracy_m: storedReal(body.position?.accuracyM),
      location_source: body.position?.source ?? null,
      department_code: category.department_code,
      respond_by: clocks.respondBy,
      respond_warn_at: clocks.respondWarnAt,
      respond_red_at: clocks.respondRedAt,
      resolve_by: clocks.resolveBy,
      resolve_warn_at: clocks.resolveWarnAt,
      resolve_red_at: clocks.resolveRedAt,
      light,
      next_light_at: nextLightAt,
    };
    const row: CaseRow = {
      id: 0,
      code: newRow.code,
      source: newRow.source,
      category_code: newRow.category_code,
      category_name: category.name,
      major_code: category.major_code,
      major_name: category.major_name,
      priority: newRow.priority,
      title: newRow.title,
      description: newRow.description,
      address: newRow.address,
      lon: newRow.lon,
      lat: newRow.lat,
      grid_code: hit.grid_code,
      grid_name: hit.grid_name,
      community_code: hit.community_code,
      community_name: hit.community_name,
      zone_code: hit.zone_code,
      zone_name: hit.zone_name,
      street_code: hit.street_code,
      street_name: hit.street_name,
      department_code: newRow.department_code,
      department_name: category.department_name,
      team_id: null,
      team_name: null,
      status: 'reported',
      status_before_park: null,
      escalation_level: 0,
      duplicate_of: null,
      void_reason: null,
      park_reason: null,
      park_review_date: null,
      rework_count: 0,
      holder_code: hit.community_code,
      sign_by: null,
      return_count: 0,
      return_reason: null,
      returned_by: null,
      helper_departments: [],
      fixed_on_spot: false,
      location_accuracy_m: newRow.location_accuracy_m,
      location_source: newRow.location_source,
      verification: null,
      photos: newRow.photos,
      reporter_name: newRow.reporter_name,
      reporter_phone: newRow.reporter_phone,
      reported_at: now,
      filed_at: null,
      dispatched_at: null,
      accepted_at: null,
      handled_at: null,
      verified_at: null,
      closed_at: null,
      voided_at: null,
      respond_by: clocks.respondBy,
      respond_warn_at: clocks.respondWarnAt,
      respond_red_at: clocks.respondRedAt,
      resolve_by: clocks.resolveBy,
      resolve_warn_at: clocks.resolveWarnAt,
      resolve_red_at: clocks.resolveRedAt,
      light,
      next_light_at: nextLightAt,
      supervised: false,
      version: 1,
      updated_at: now,
    };
    return { ok: true, row, newRow, body };
  });
}

/**
 * Inserts the planned cases (one statement) and emits their `case.created` events, each as its reporter. A case
 * reported as fixed on the spot (举手之劳) is closed at once by the same reporter, through the case rules.
 */
async function insertPlanned(
  tx: WriteTx,
  planned: readonly { row: CaseRow; newRow: repo.NewCaseRow; body: CaseCreateBody; user: AuthUser }[],
): Promise<CaseRow[]> {
  if (planned.length === 0) return [];
  const ids = await repo.insertCases(tx.client, planned.map((p) => p.newRow), tx.now);
  const rows: CaseRow[] = [];
  for (const [i, { row, body, user }] of planned.entries()) {
    const r: CaseRow = { ...row, id: ids[i]! };
    const as = { id: user.id, role: user.role };
    tx.emitAs(as, { ...caseEnvelope(r), type: 'case.created', fromState: null, toState: 'reported', note: r.title, payload: { case: factsOf(r) } });
    if (!body.fixedOnSpot) {
      rows.push(r);
      continue;
    }
    const rec = recordOf(r);
    const c: LoadedCase = { row: r, rec, original: rec };
    const cmd = { action: 'fix_on_spot' as const, atIntake: true, ...(body.fixedOnSpot.note ? { note: body.fixedOnSpot.note } : {}) };
    await applyAction(tx, c, cmd, user.role as Role, {}, as, { photos: body.fixedOnSpot.afterPhotos });
    await saveCase(tx, c);
    rows.push(c.row);
  }
  return rows;
}

/** The cases of one request, all or nothing: the first bad item refuses them all. Returns the new rows. */
export async function createCases(tx: WriteTx, bodies: readonly CaseCreateBody[], opts: { batch: boolean }): Promise<CaseRow[]> {
  const user = tx.user;
  if (!user) throw new HttpError(403, 'FORBIDDEN_ROLE', 'cases are reported by an account');
  const planned = await planIntake(tx, bodies.map((body, i) => ({ user, body, label: opts.batch ? `items[${i}]: ` : '' })));
  const refused = planned.find((p) => !p.ok);
  if (refused && !refused.ok) throw refused.error;
  return insertPlanned(tx, planned.map((p) => ({ ...(p as Extract<Planned, { ok: true }>), user })));
}

// ── the queue of single reports ────────────────────────────────────────────

interface Waiting extends IntakeItem {
  key: IdempotencyKey | null;
  resolve: (o: Outcome<Case>) => void;
  reject: (err: unknown) => void;
}

/** How a new case is shown to its reporter: the reporter fields they sent are echoed (not logged as a read). */
function outcomeOf(row: CaseRow, user: AuthUser): Outcome<Case> {
  return { status: 201, body: present(row, user, { personal: maySeePersonal(user, row) }) };
}

export interface IntakeQueueOptions {
  /** reports written in one transaction at most */
  maxBatch?: number;
  /** transactions in flight at once (one: reports queue up while it commits and go together in the next) */
  maxInFlight?: number;
}

export class IntakeQueue {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly pool: pg.Pool,
    opts: IntakeQueueOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 100;
    this.maxInFlight = opts.maxInFlight ?? 1;
  }

  /** Writes one report; resolves with its 201 outcome (or the stored one of its Idempotency-Key). */
  submit(user: AuthUser, body: CaseCreateBody, key: IdempotencyKey | null): Promise<Outcome<Case>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ user, body, label: '', key, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    try {
      const settled = await write(this.pool, INTAKE, (tx) => this.writeBatch(tx, batch));
      for (const [w, result] of settled) {
        if (result instanceof HttpError) w.reject(result);
        else w.resolve(result);
      }
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // a failure of the whole transaction (not a refusal): each report on its own, so one cannot sink the others
      await Promise.all(batch.map((w) => this.flush([w])));
    }
  }

  /** One transaction for the batch; returns each report's outcome or refusal, applied after the commit. */
  private async writeBatch(tx: WriteTx, batch: Waiting[]): Promise<Map<Waiting, Outcome<Case> | HttpError>> {
    const results = new Map<Waiting, Outcome<Case> | HttpError>();
    // the same key twice in the batch: the first writes, the others get its outcome
    const owners = new Map<string, Waiting>();
    const followers: Waiting[] = [];
    for (const w of batch) {
      if (!w.key) continue;
      const id = keyId(w.key);
      if (owners.has(id)) followers.push(w);
      else owners.set(id, w);
    }
    const prior = await claimKeys(tx.client, [...owners.values()].map((w) => w.key!));
    const todo = batch.filter((w) => !followers.includes(w));
    const fresh: Waiting[] = [];
    for (const w of todo) {
      const p = w.key ? prior.get(keyId(w.key)) : undefined;
      if (!p) fresh.push(w);
      else if (p.fingerprint !== w.key!.fingerprint) results.set(w, reused());
      else results.set(w, { status: p.status, body: p.body as Case, replayed: true });
    }
    const planned = await planIntake(tx, fresh);
    const ok = fresh.flatMap((w, i) => {
      const p = planned[i]!;
      if (p.ok) return [{ ...p, user: w.user, w }];
      results.set(w, p.error);
      return [];
    });
    const rows = await insertPlanned(tx, ok);
    const done = ok.map((o, i) => ({ w: o.w, out: outcomeOf(rows[i]!, o.w.user) }));
    for (const d of done) results.set(d.w, d.out);
    await completeKeys(tx.client, done.filter((d) => d.w.key).map((d) => ({ key: d.w.key!, status: d.out.status, body: d.out.body })));
    // a refused report keeps no key
    await releaseKeys(tx.client, fresh.filter((w) => w.key && results.get(w) instanceof HttpError).map((w) => w.key!));
    for (const f of followers) {
      const owner = owners.get(keyId(f.key!))!;
      const r = results.get(owner)!;
      if (f.key!.fingerprint !== owner.key!.fingerprint) results.set(f, reused());
      else results.set(f, r instanceof HttpError ? r : { ...r, replayed: true });
    }
    return results;
  }
}

function reused(): HttpError {
  return new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request: use a new key for a new request');
}
