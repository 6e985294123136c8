/** The databases the benchmarks run on: one per profile (demo district, 50,000-grid megacity), built once and reused. */
import { performance } from 'node:perf_hooks';
import type { DemoDistrict } from '@gridcommand/data';
import type { Config } from '../src/config.ts';
import { localBaseDir } from '../src/db/index.ts';
import { createDatabaseIfMissing, dropDatabase, ensureLocalCluster } from '../src/db/local.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';

export type Profile = 'demo' | 'megacity';

const MEGACITY_GRIDS = Number(process.env.BENCH_MEGACITY_GRIDS ?? 50_000);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

/** Admin connection to the PostgreSQL server the bench databases live on. */
export async function adminUrlFor(config: Config): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  const cluster = await ensureLocalCluster({
    baseDir: localBaseDir(config),
    port: config.localDb.port,
    database: config.localDb.database,
    log,
  });
  return cluster.adminUrl;
}

async function loadDistrict(profile: Profile): Promise<DemoDistrict> {
  const data = await import('@gridcommand/data');
  return profile === 'demo' ? data.loadDemoDistrict() : data.generateMegacity({ grids: MEGACITY_GRIDS });
}

/** A migrated database holding the profile's district; rebuilt when missing, outdated or incomplete. */
export async function ensureProfileDatabase(adminUrl: string, profile: Profile): Promise<string> {
  const name = `gc_bench_${profile}`;
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const district = await loadDistrict(profile);
  const expected = district.grids.features.length;

  const created = await createDatabaseIfMissing(adminUrl, name);
  if (!created) {
    const pool = createPool(url, 2);
    try {
      const status = await migrationStatus(pool);
      const { rows } = status.applied.length
        ? await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`)
        : { rows: [{ n: -1 }] };
      if (status.pending.length === 0 && rows[0]?.n === expected) {
        log(`${profile}: reusing database ${name} (${expected} grids)`);
        return url;
      }
    } finally {
      await pool.end();
    }
    log(`${profile}: database ${name} is outdated; rebuilding it`);
    await dropDatabase(adminUrl, name);
    await createDatabaseIfMissing(adminUrl, name);
  }
  log(`${profile}: migrating and loading ${expected} grids into ${name}…`);
  await migrate(url);
  const pool = createPool(url, 2);
  try {
    const [t] = await timed(() => seedDistrict(pool, district));
    log(`${profile}: loaded in ${(t / 1000).toFixed(1)} s`);
  } finally {
    await pool.end();
  }
  return url;
}


/**
 * The megacity profile with a year of history (megacity-db.ts: `gc_megacity_<cases>`, 2,000,000 cases by default,
 * BENCH_MEGACITY_CASES/_DAYS/_OPEN), built once by the bulk loader and reused by every bench that asks for it.
 */
export async function ensureMegacityHistoryDatabase(adminUrl: string): Promise<string> {
  const { ensureMegacityDatabase } = await import('./megacity-db.ts');
  return (await ensureMegacityDatabase(adminUrl)).url;
}
