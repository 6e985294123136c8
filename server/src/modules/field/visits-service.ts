/**
 * Household visits (入户走访) as writes: one row and its visit.logged event per visit, through writeOnce (the
 * phone's offline queue retries with the same Idempotency-Key). The date is a China Standard Time calendar date,
 * not in the future and not before 2000; the grid is the point's when a point is given, else the worker's first.
 */
import type pg from 'pg';
import { HttpError } from '../../plugins/errors.ts';
import { gridAtPoint } from '../areas/grid-at-point.ts';
import type { AuthUser } from '../auth/repository.ts';
import { draft } from '../writer/events.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { userActor, writeOnce, type Outcome } from '../writer/tx.ts';
import { fieldDate } from './times.ts';
import * as repo from './visits-repository.ts';

export interface VisitInput {
  date: string;
  household: string;
  note?: string;
  lon?: number;
  lat?: number;
}

export interface VisitOut {
  id: number;
  userId: number;
  date: string;
  household: string;
  note: string | null;
  gridCode: string | null;
  createdAt: string;
}

export function presentVisit(r: repo.VisitRow): VisitOut {
  return {
    id: r.id,
    userId: r.user_id,
    date: r.visit_date,
    household: r.household,
    note: r.note,
    gridCode: r.grid_code,
    createdAt: r.created_at.toISOString(),
  };
}

export async function logVisit(pool: pg.Pool, user: AuthUser, body: VisitInput, key: IdempotencyKey | null): Promise<Outcome<VisitOut>> {
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const date = fieldDate('body field "date"', body.date, tx.now);
    const household = body.household.trim();
    if (household === '') throw new HttpError(400, 'MISSING_FIELD', 'body field "household" must not be blank');
    if ((body.lon === undefined) !== (body.lat === undefined)) {
      throw new HttpError(400, 'MISSING_FIELD', 'body fields "lon" and "lat" go together: give both or neither');
    }
    const point = body.lon !== undefined && body.lat !== undefined ? { lon: body.lon, lat: body.lat } : null;
    let gridCode: string | null;
    let streetCode: string | null;
    if (point) {
      const grid = await gridAtPoint(tx.client, point.lon, point.lat);
      gridCode = grid?.grid_code ?? null;
      streetCode = grid?.street_code ?? null;
    } else {
      const first = user.gridCodes[0];
      const grid = first ? await repo.findGrid(tx.client, first) : null;
      gridCode = grid?.code ?? null;
      streetCode = grid?.street_code ?? null;
    }
    const row = await repo.insertVisit(tx.client, {
      userId: user.id,
      date,
      household,
      note: body.note?.trim() ? body.note.trim() : null,
      lon: point?.lon ?? null,
      lat: point?.lat ?? null,
      gridCode,
    });
    tx.emit(
      draft('visit.logged', { visitId: row.id, userId: user.id, date: row.visit_date, gridCode: row.grid_code }, {
        streetCode,
        lon: point?.lon ?? null,
        lat: point?.lat ?? null,
      }),
    );
    return { status: 201, body: presentVisit(row) };
  });
}
