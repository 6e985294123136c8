/**
 * Assessment benchmark (megacity profile: 50,000 grids): the monthly sheet of every worker and head of the district
 * (/api/assessment) and its workbook, p50/p99 through app.inject next to the bare SQL of the same grouped queries on
 * a plain pool in the same run. Target: the district's sheet ≤ 10 s.
 *
 *   tsx server/scripts/bench-assessment.ts       (BENCH_ASSESSMENT_ROUNDS=3 requests per row)
 *
 * Database: `gc_bench_megacity` (bench-db.ts). On first use it gets a worker account per two grids (prefix
 * `bench-as-`), a head per community, 30 days of visits (about 2 a week each) and duty records, made by set-based
 * INSERTs; later runs reuse them.
 */
import { pathToFileURL } from 'node:url';
import { PUBLIC_SOURCES, VERIFY_WITHIN_HOURS, cstDateKey, monthEnd, monthStart } from '@gridcommand/shared/domain';
import type pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { tuneSessions } from '../src/plugins/db.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { monthSpan } from '../src/modules/assessment/compute.ts';
import * as repo from '../src/modules/assessment/repository.ts';
import { adminUrlFor, ensureProfileDatabase } from './bench-db.ts';
import { apiVsBare } from './bench-util.ts';

const ROUNDS = Number(process.env.BENCH_ASSESSMENT_ROUNDS ?? 3);
const PASSWORD = 'bench-assessment-1';


/** Workers, heads and a month of records, once. */
async function ensureWorkload(db: pg.Pool, now: Date): Promise<{ workers: number; visits: number; duties: number }> {
  const have = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM app_user WHERE username LIKE 'bench-as-%'`);
  if ((have.rows[0]?.n ?? 0) === 0) {
    process.stderr.write('assessment: making worker accounts, heads and 30 days of records…\n');
    // a worker per two neighbouring grids
    await db.query(
      `INSERT INTO app_user (username, display_name, role, password_hash, grid_codes, unit_code)
       SELECT 'bench-as-w' || p, '网格员 ' || p, 'worker', 'x', array_agg(code ORDER BY code), min(community_code)
         FROM (SELECT code, community_code, (row_number() OVER (ORDER BY code) + 1) / 2 AS p FROM area WHERE level = 'grid') g
        GROUP BY p`,
    );
    await db.query(
      `INSERT INTO app_user (username, display_name, role, password_hash, unit_code)
       SELECT 'bench-as-h' || code, name || '书记', 'leader', 'x', code FROM area WHERE level = 'community'`,
    );
    await db.query(
      `INSERT INTO household_visit (user_id, visit_date, household, grid_code)
       SELECT u.id, ($1::date - (d || ' days')::interval)::date, 'h', u.grid_codes[1]
         FROM app_user u, generate_series(0, 29) d
        WHERE u.username LIKE 'bench-as-w%' AND (u.id * 7 + d * 13) % 10 < 3`,
      [cstDateKey(now)],
    );
    await db.query(
      `INSERT INTO duty_record (user_id, kind, grid_code, occurred_on, recorded_at, subject)
       SELECT u.id, (ARRAY['info_update', 'renter_meeting', 'newcomer'])[1 + k % 3], u.grid_codes[1],
              ($1::date - ((k * 5 + u.id % 4) || ' days')::interval)::date, $2::timestamptz - ((k * 5) || ' days')::interval, 'subject ' || k
         FROM app_user u, generate_series(0, 5) k
        WHERE u.username LIKE 'bench-as-w%'`,
      [cstDateKey(now), now],
    );
    await db.query('ANALYZE app_user, household_visit, duty_record');
  }
  const c = await db.query<{ workers: number; visits: number; duties: number }>(
    `SELECT (SELECT count(*) FROM app_user WHERE username LIKE 'bench-as-w%')::int AS workers,
            (SELECT count(*) FROM household_visit)::int AS visits, (SELECT count(*) FROM duty_record)::int AS duties`,
  );
  return c.rows[0]!;
}

export async function benchAssessment() {
  const config = loadConfig();
  const url = await ensureProfileDatabase(await adminUrlFor(config), 'megacity');
  const appPool = createPool(url, 10);
  const bare = createPool(url, 10);
  tuneSessions(bare);
  try {
    const now = new Date();
    const load = await ensureWorkload(bare, now);
    await seedDemoUsers(bare, PASSWORD);
    const app = await buildApp({ config: { ...config, clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: appPool, now: () => now });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: PASSWORD } });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const district = (await repo.districtUnit(bare))!.code;
      const street = (await bare.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' ORDER BY code LIMIT 1`)).rows[0]!.code;
      const month = cstDateKey(now).slice(0, 7);
      const span = monthSpan(month, now);
      const bareSql = async (unit: string) => {
        const [people] = await Promise.all([repo.people(bare, unit), repo.communityGrids(bare, unit), repo.leaves(bare, monthStart(month), monthEnd(month), null)]);
        const ids = people.map((p) => p.id);
        const grids = people.flatMap((p) => p.gridCodes);
        await Promise.all([
          repo.visitCounts(bare, monthStart(month), span.lastDay, ids),
          repo.dutyGroups(bare, span.from, span.to, ids),
          repo.renterCounts(bare, monthStart(month), monthStart(month), span.lastDay, grids),
          repo.reportCounts(bare, span.from, span.to, ids),
          repo.verificationCounts(bare, span.from, span.to, ids, VERIFY_WITHIN_HOURS),
          repo.caseCounts(bare, span.from, span.to, grids, PUBLIC_SOURCES),
          repo.results(bare, [month], ids),
        ]);
      };
      const rows = [
        { what: 'street, month', url: `/api/assessment?month=${month}&unit=${street}`, bare: () => bareSql(street) },
        { what: 'district, month (every worker)', url: `/api/assessment?month=${month}&unit=${district}`, bare: () => bareSql(district) },
        { what: 'district workbook', url: `/api/assessment.xlsx?month=${month}&unit=${district}`, bare: () => bareSql(district) },
      ];
      const out = [];
      for (const r of rows) {
        const first = await app.inject({ url: r.url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${r.url}: ${first.statusCode} ${first.body.slice(0, 300)}`);
        const m = await apiVsBare(ROUNDS, r.bare, () => app.inject({ url: r.url, headers: { cookie } }));
        out.push({ scope: r.what, ...m, 'within 10 s': m['api p99'] <= 10_000 });
      }
      return { load, rows: out };
    } finally {
      await app.close();
    }
  } finally {
    await appPool.end();
    await bare.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchAssessment()
    .then(({ load, rows }) => {
      console.log(`\nAssessment on the megacity (${load.workers.toLocaleString('en')} workers, ${load.visits.toLocaleString('en')} visits, ${load.duties.toLocaleString('en')} duty records), ms; ${ROUNDS} requests per row; bare = repository SQL on a plain pool`);
      console.table(rows);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
