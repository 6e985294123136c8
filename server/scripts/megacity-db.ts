/**
 * The megacity profile's database (docs/megacity.md): 50,000 grids and 5,000 teams (generateMegacity, as
 * bench-db.ts's 'megacity' profile), the demo users, and a year of history — 2,000,000 cases by default, about
 * 100,000 of them still open — loaded by the bulk path of seedHistory (secondary indexes built once at the end).
 * Built once as `gc_megacity_<cases>` and reused afterwards (pending migrations are applied to it, not rebuilt).
 *
 *   BENCH_MEGACITY_CASES=2000000  BENCH_MEGACITY_DAYS=365  BENCH_MEGACITY_OPEN=100000  (cases up to 10,000,000)
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory, type HistoryResult } from '../src/modules/demo/history.ts';
import { ensureProfileDatabase } from './bench-db.ts';

export interface MegacitySize {
  cases: number;
  days: number;
  /** open cases wanted at the end (the plan's stall share is set from it) */
  open: number;
}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export function megacitySize(): MegacitySize {
  const cases = intEnv('BENCH_MEGACITY_CASES', 2_000_000, 1_000, 10_000_000);
  return {
    cases,
    days: intEnv('BENCH_MEGACITY_DAYS', 365, 1, 3650),
    open: intEnv('BENCH_MEGACITY_OPEN', Math.round(cases / 20), 0, cases),
  };
}

export const megacityDatabaseName = (cases: number) => `gc_megacity_${cases}`;

/**
 * Share of cases to stall for about `open` open cases at the end. Without stalling a year-long history leaves about
 * 1 % of its cases open (recent ones still being worked, parked ones: measured at 100,000 cases over 365 days).
 */
export function stallShareFor(size: MegacitySize): number {
  const natural = 0.0103 * size.cases * Math.min(1, 365 / size.days);
  return Math.max(0, Math.min(1, (size.open - natural) / size.cases));
}

export interface MegacityDatabase {
  url: string;
  name: string;
  size: MegacitySize;
  /** the build, when this call made it (null: reused) */
  built: { history: HistoryResult; districtMs: number; totalMs: number } | null;
}

function urlOf(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function counts(url: string): Promise<{ grids: number; teams: number; cases: number } | null> {
  const pool = createPool(url, 1);
  try {
    const status = await migrationStatus(pool);
    if (status.applied.length === 0) return null;
    const { rows } = await pool.query<{ grids: number; teams: number; cases: number }>(
      `SELECT (SELECT count(*)::int FROM area WHERE level = 'grid') AS grids, (SELECT count(*)::int FROM team) AS teams,
              (SELECT count(*)::int FROM cases) AS cases`,
    );
    return rows[0] ?? null;
  } finally {
    await pool.end();
  }
}

/** The megacity database: reused while complete (migrated forward), otherwise built. */
export async function ensureMegacityDatabase(adminUrl: string, size = megacitySize(), log = (l: string) => process.stderr.write(`${l}\n`)): Promise<MegacityDatabase> {
  const name = megacityDatabaseName(size.cases);
  const url = urlOf(adminUrl, name);
  const t0 = performance.now();
  if (!(await createDatabaseIfMissing(adminUrl, name, undefined))) {
    const c = await counts(url).catch(() => null);
    // the history loads in one transaction (an interrupted build leaves none), so at least its cases means complete:
    // the server started on it (`pnpm megacity`, its simulator) and the benches add cases, which is no reason to
    // spend half an hour building it again
    if (c && c.cases >= size.cases && c.grids >= 50_000 && c.teams >= 5_000) {
      // migrated forward; a migration it cannot take (one numbered before those it has) is reported, not rebuilt over
      await migrate(url, log).catch((err: unknown) => log(`megacity: ${name} could not be migrated: ${(err as Error).message}`));
      log(`megacity: reusing ${name} (${c.cases.toLocaleString('en')} cases, ${c.grids.toLocaleString('en')} grids, ${c.teams.toLocaleString('en')} teams)`);
      return { url, name, size, built: null };
    }
    log(`megacity: ${name} is incomplete; building it again`);
    await dropDatabase(adminUrl, name);
    await createDatabaseIfMissing(adminUrl, name);
  }
  // the district: a copy of the megacity bench database when nobody is connected to it, else loaded afresh
  const tDistrict = performance.now();
  const template = await ensureProfileDatabase(adminUrl, 'megacity');
  let copied = false;
  try {
    await dropDatabase(adminUrl, name);
    copied = await createDatabaseIfMissing(adminUrl, name, new URL(template).pathname.slice(1));
    if (copied) await migrate(url, log);
  } catch (err) {
    log(`megacity: could not copy the district database (${(err as Error).message}); loading the district afresh`);
  }
  if (!copied || (await counts(url))?.cases !== 0) {
    await dropDatabase(adminUrl, name);
    await createDatabaseIfMissing(adminUrl, name);
    await migrate(url, log);
    const { generateMegacity } = await import('@gridcommand/data');
    const pool = createPool(url, 2);
    try {
      await seedDistrict(pool, generateMegacity({ grids: Number(process.env.BENCH_MEGACITY_GRIDS ?? 50_000) }));
    } finally {
      await pool.end();
    }
  }
  const districtMs = performance.now() - tDistrict;
  log(`megacity: district ready in ${(districtMs / 1000).toFixed(1)} s; loading ${size.cases.toLocaleString('en')} cases over ${size.days} days…`);
  const pool = createPool(url, 2);
  try {
    await seedDemoUsers(pool, loadConfig().demoPassword);
    const history = await seedHistory(pool, {
      calendar: await getWorkCalendar(pool),
      count: size.cases,
      days: size.days,
      seed: 20_261_202,
      bulk: true,
      stallShare: stallShareFor(size),
      log,
    });
    return { url, name, size, built: { history, districtMs, totalMs: performance.now() - t0 } };
  } finally {
    await pool.end();
  }
}
