/**
 * The working calendar: statutory holidays and make-up workdays (调休) in `work_calendar`, working hours in
 * `setting` ('work_hours'). Filled from the `chinese-days` package (State Council notices) for every year it
 * knows; admins correct or add a year through the API. The calendar is cached per pool for a minute and
 * dropped at once when this process changes it.
 */
import chineseDays from 'chinese-days';
import type pg from 'pg';
import { DEFAULT_WORK_HOURS, type WorkCalendar, type WorkHours } from '@gridcommand/shared/domain';
import { inTransaction } from '../../db/transaction.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export interface CalendarDayRow {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

/** Years the library has State Council notices for, scanned from 2004 to next year. */
export function libraryYears(): number[] {
  const out: number[] = [];
  const last = new Date().getUTCFullYear() + 1;
  for (let y = 2004; y <= Math.max(last, 2026); y++) if (libraryDays(y).length > 0) out.push(y);
  return out;
}

/** Special days of one year as the library gives them: days off on weekdays and weekends, make-up workdays. */
export function libraryDays(year: number): CalendarDayRow[] {
  const out: CalendarDayRow[] = [];
  const start = Date.UTC(year, 0, 1);
  for (let t = start; new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const d = chineseDays.getDayDetail(date);
    // plain days are named after their weekday; holiday and 调休 days carry "English,中文,n"
    if (!d.name.includes(',')) continue;
    const parts = d.name.split(',');
    const name = parts[1] ?? parts[0] ?? '';
    out.push({ date, kind: d.work ? 'workday' : 'holiday', name });
  }
  return out;
}

/** Writes the library's days of these years (default: every year it knows) into work_calendar; existing rows stay. */
export async function loadCalendarFromLibrary(db: Queryable, years: number[] = libraryYears()): Promise<number> {
  const rows = years.flatMap(libraryDays);
  if (rows.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO work_calendar (day, kind, name)
     SELECT r.date::date, r.kind, r.name FROM jsonb_to_recordset($1::jsonb) AS r(date text, kind text, name text)
     ON CONFLICT (day) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  invalidateCalendar(db);
  return rowCount ?? 0;
}

const CACHE_MS = 60_000;
const cache = new WeakMap<object, { at: number; cal: Promise<WorkCalendar> }>();

export function invalidateCalendar(db: Queryable): void {
  cache.delete(db);
}

function isClock(v: unknown): v is string {
  return typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
}

function parseHours(v: unknown): WorkHours {
  const h = v as { morning?: unknown; afternoon?: unknown } | null;
  const ok = (p: unknown): p is [string, string] => Array.isArray(p) && p.length === 2 && isClock(p[0]) && isClock(p[1]);
  if (h && ok(h.morning) && ok(h.afternoon)) return { morning: h.morning, afternoon: h.afternoon };
  return DEFAULT_WORK_HOURS;
}

export async function workHours(db: Queryable): Promise<WorkHours> {
  const { rows } = await db.query<{ value: unknown }>(`SELECT value FROM setting WHERE key = 'work_hours'`);
  return parseHours(rows[0]?.value);
}

async function load(db: Queryable): Promise<WorkCalendar> {
  let { rows } = await db.query<{ day: string; kind: string }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM work_calendar`);
  if (rows.length === 0) {
    // a database nobody has filled yet: take the library's calendar
    await loadCalendarFromLibrary(db);
    ({ rows } = await db.query<{ day: string; kind: string }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM work_calendar`));
  }
  return {
    holidays: new Set(rows.filter((r) => r.kind === 'holiday').map((r) => r.day)),
    workdays: new Set(rows.filter((r) => r.kind === 'workday').map((r) => r.day)),
    hours: await workHours(db),
  };
}

/**
 * The working calendar (cached per pool for a minute). Inside a transaction, pass its client as `via`: a cache
 * miss is then read through that client, never by waiting for another connection of a pool the caller may have
 * exhausted.
 */
export function getWorkCalendar(db: Queryable, via: Queryable = db): Promise<WorkCalendar> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.cal;
  const cal = load(via);
  cache.set(db, { at: Date.now(), cal });
  cal.catch(() => cache.delete(db));
  return cal;
}

export async function calendarYear(db: Queryable, year: number): Promise<CalendarDayRow[]> {
  const { rows } = await db.query<CalendarDayRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, kind, name FROM work_calendar
     WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`,
    [year],
  );
  return rows;
}

/** Replaces one year's special days (one transaction). */
export async function replaceCalendarYear(pool: pg.Pool, year: number, days: CalendarDayRow[]): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('DELETE FROM work_calendar WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)', [year]);
    if (days.length > 0) {
      await client.query(
        `INSERT INTO work_calendar (day, kind, name)
         SELECT r.date::date, r.kind, r.name FROM jsonb_to_recordset($1::jsonb) AS r(date text, kind text, name text)`,
        [JSON.stringify(days)],
      );
    }
  });
  invalidateCalendar(pool);
}

/** The special days of the years from `first` to `last` (inclusive), in date order. */
export async function calendarYears(db: Queryable, first: number, last: number): Promise<CalendarDayRow[]> {
  const { rows } = await db.query<CalendarDayRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, kind, name FROM work_calendar
     WHERE day >= make_date($1, 1, 1) AND day < make_date($2 + 1, 1, 1) ORDER BY day`,
    [first, last],
  );
  return rows;
}

/** setting 'calendar_warn_from': from which day of the year next year's calendar is expected ('MM-DD'), or null. */
export async function calendarWarnFrom(db: Queryable): Promise<unknown> {
  const { rows } = await db.query<{ value: unknown }>(`SELECT value FROM setting WHERE key = 'calendar_warn_from'`);
  return rows[0]?.value ?? null;
}
