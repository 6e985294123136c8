/**
 * One PostGIS for the whole test run: the throw-away cluster in .data/pg-test (or DATABASE_URL's server),
 * and a template database migrated and loaded with the demo district. Each test file clones it.
 * When PostGIS cannot be had, the run fails here with the reason: tests never skip.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase, ensureLocalCluster, stopLocalCluster } from '../src/db/local.ts';
import { MIGRATIONS_DIR, migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { buildServerBundle } from './server-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    gcAdminUrl: string;
    gcTemplate: string;
    /** server/src/main.ts as one module (server-bundle.ts), for the tests that run the server as a process */
    gcServerBundle: string;
  }
}

const TEST_BASE = path.join(REPO_ROOT, '.data', 'pg-test');

/** The template's name changes whenever a migration or the demo data changes. */
function templateName(): string {
  const h = crypto.createHash('sha1');
  for (const f of fs.readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(fs.readFileSync(path.join(MIGRATIONS_DIR, f)));
  const demo = path.join(REPO_ROOT, 'data', 'demo');
  for (const f of fs.readdirSync(demo).sort()) h.update(f).update(fs.readFileSync(path.join(demo, f)));
  return `gc_template_${h.digest('hex').slice(0, 12)}`;
}

let startedHere = false;

/** pg_stat_file needs a superuser or pg_read_server_files (the embedded cluster's postgres is one). */
async function canStatFiles(admin: pg.Client): Promise<boolean> {
  const { rows } = await admin.query<{ ok: boolean }>(
    `SELECT rolsuper OR pg_has_role(current_user, 'pg_read_server_files', 'member') AS ok FROM pg_roles WHERE rolname = current_user`,
  );
  return rows[0]?.ok === true;
}

export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.DATABASE_URL ?? null;
  if (!adminUrl) {
    try {
      const cluster = await ensureLocalCluster({
        baseDir: TEST_BASE,
        port: Number(process.env.GC_TEST_PG_PORT || 54330),
        database: 'postgres',
        fast: true,
        log: (l) => console.log(`[test db] ${l}`),
      });
      adminUrl = cluster.adminUrl;
      startedHere = cluster.started;
    } catch (err) {
      throw new Error(`Integration tests need PostgreSQL with PostGIS and could not get it:\n${(err as Error).message}`);
    }
  }
  const template = templateName();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string; old: boolean }>(
      `SELECT datname, ${await canStatFiles(admin) ? `(pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '3 hours'` : 'true'} AS old
       FROM pg_database WHERE datname LIKE 'gc\\_%'`,
    );
    const have = rows.some((r) => r.datname === template);
    // Leftovers from earlier runs: old templates and test databases. A concurrent run (another checkout, another
    // engineer) may be using its own template and databases between two connections, so only those made more than
    // three hours ago go (a database's PG_VERSION file is written once, when it is created).
    for (const r of rows) {
      if (r.datname === template || !r.old) continue;
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(r.datname)}`).catch(() => {});
    }
    if (!have) {
      await createDatabaseIfMissing(adminUrl, `${template}_tmp`);
      const url = adminUrl.replace(/\/[^/]*$/, `/${template}_tmp`);
      try {
        await migrate(url);
        const pool = createPool(url, 2);
        const { loadDemoDistrict } = await import('@gridcommand/data');
        await seedDistrict(pool, loadDemoDistrict()).finally(() => pool.end());
      } catch (err) {
        await dropDatabase(adminUrl, `${template}_tmp`);
        throw err;
      }
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(`${template}_tmp`)} RENAME TO ${pg.escapeIdentifier(template)}`);
    }
  } finally {
    await admin.end();
  }
  project.provide('gcAdminUrl', adminUrl);
  project.provide('gcTemplate', template);
  project.provide('gcServerBundle', await buildServerBundle());
}

export async function teardown(): Promise<void> {
  // In CI nothing may outlive the run; locally the cluster stays up so the next run starts at once.
  if (startedHere && process.env.CI) stopLocalCluster(TEST_BASE, () => {});
}
