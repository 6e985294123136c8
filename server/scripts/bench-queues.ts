/**
 * Queues benchmark: the work queue of one street holding 10,000 open cases (a megacity street's load), p50/p99 of
 * GET /api/queues (every tab's count) and GET /api/queues/holding (the 50 most urgent) through app.inject, for the
 * street and for a department, next to the bare SQL of the same repository functions on a plain pool, same run.
 *
 *   tsx server/scripts/bench-queues.ts     (BENCH_QUEUES_OPEN=10000 open cases in the street, BENCH_QUEUES_ROUNDS=30)
 *
 * Database: `gc_bench_queues`, a copy of `gc_bench_stats` (bench-stats.ts: the demo district with 50,000 cases of
 * history) to which the open cases are added by cloning the street's own cases in open states and at every level.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { tuneSessions } from '../src/plugins/db.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import * as repo from '../src/modules/queues/repository.ts';
import { adminUrlFor, ensureDatabase } from './bench-stats.ts';
import { apiVsBare } from './bench-util.ts';

const OPEN = Number(process.env.BENCH_QUEUES_OPEN ?? 10_000);
const ROUNDS = Number(process.env.BENCH_QUEUES_ROUNDS ?? 30);
const PASSWORD = 'bench-queues-1';
const DB = 'gc_bench_queues';


/** A fresh copy of the stats bench database with OPEN open cases added to its first street. */
async function prepare(adminUrl: string, source: string): Promise<{ url: string; street: string; department: string }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.query(`CREATE DATABASE ${DB} TEMPLATE ${pg.escapeIdentifier(new URL(source).pathname.slice(1))}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${DB}`;
  const pool = createPool(u.toString(), 2);
  try {
    const street = (await pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' ORDER BY code LIMIT 1`)).rows[0]!.code;
    // clones of the street's cases: open states, a spread of levels and lights, a department for the dispatched ones
    await pool.query(
      `INSERT INTO cases (code, source, category_code, priority, title, description, address, location, grid_code, community_code,
                          zone_code, street_code, department_code, status, escalation_level, reported_at, filed_at, dispatched_at,
                          accepted_at, respond_by, resolve_by, light, sign_by)
       SELECT 'QB' || lpad(g::text, 8, '0'), c.source, c.category_code, c.priority, c.title, c.description, c.address, c.location,
              c.grid_code, c.community_code, c.zone_code, c.street_code, c.department_code,
              (ARRAY['reported', 'filed', 'dispatched', 'in_progress', 'in_progress', 'returned', 'handled', 'verified'])[1 + g % 8],
              (ARRAY[0, 0, 0, 1, 1, 2, 2, 3])[1 + (g / 8) % 8], now() - (g % 600) * interval '1 hour', now(), now(), NULL,
              now() + (g % 48 - 24) * interval '1 hour', now() + (g % 240 - 60) * interval '1 hour',
              (ARRAY['green', 'green', 'due_soon', 'yellow', 'red'])[1 + g % 5], now() + (g % 6 - 3) * interval '1 hour'
         FROM generate_series(1, $2::int) g
         JOIN LATERAL (SELECT * FROM cases WHERE street_code = $1 ORDER BY id OFFSET (g % 200) LIMIT 1) c ON true`,
      [street, OPEN],
    );
    await pool.query('VACUUM ANALYZE cases');
    const department = (
      await pool.query<{ code: string }>(`SELECT department_code AS code FROM cases WHERE street_code = $1 AND department_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`, [street])
    ).rows[0]!.code;
    return { url: u.toString(), street, department };
  } finally {
    await pool.end();
  }
}

export async function benchQueues() {
  const config = loadConfig();
  const adminUrl = await adminUrlFor(config);
  const { url, street, department } = await prepare(adminUrl, await ensureDatabase(adminUrl));
  const appPool = createPool(url, 10);
  const bare = createPool(url, 10);
  tuneSessions(bare);
  try {
    await seedDemoUsers(bare, PASSWORD);
    const open = (await bare.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE street_code = $1 AND status NOT IN ('closed', 'void')`, [street])).rows[0]!.n;
    const app = await buildApp({ config: { ...config, clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: appPool });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: PASSWORD } });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const s = { kind: 'street' as const, code: street };
      const d = { kind: 'department' as const, code: department };
      const rows = [
        { what: `street: all tab counts`, url: `/api/queues?unit=${street}`, bare: () => repo.countTabs(bare, s, new Date()) },
        { what: `street: 本级待办, 50 rows`, url: `/api/queues/holding?unit=${street}`, bare: () => repo.listTab(bare, s, 'holding', 50, 0) },
        { what: `street: 已上报上级, 50 rows`, url: `/api/queues/escalated_up?unit=${street}`, bare: () => repo.listTab(bare, s, 'escalated_up', 50, 0) },
        { what: `department: all tab counts`, url: `/api/queues?unit=${department}`, bare: () => repo.countTabs(bare, d, new Date()) },
        { what: `department: 待签收, 50 rows`, url: `/api/queues/to_sign?unit=${department}`, bare: () => repo.listTab(bare, d, 'to_sign', 50, 0) },
      ];
      const out = [];
      for (const r of rows) {
        const first = await app.inject({ url: r.url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${r.url}: ${first.statusCode} ${first.body}`);
        await r.bare();
        const m = await apiVsBare(ROUNDS, r.bare, () => app.inject({ url: r.url, headers: { cookie } }));
        out.push({ query: r.what, ...m });
      }
      return { open, street, department, rows: out };
    } finally {
      await app.close();
    }
  } finally {
    await appPool.end();
    await bare.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchQueues()
    .then((r) => {
      console.log(`\nWork queues: street ${r.street} with ${r.open} open cases, department ${r.department}; ms, ${ROUNDS} requests per row; bare = repository SQL on a plain pool`);
      console.table(r.rows);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
