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

declare module 'vitest' {
  export interface ProvidedContext {
    gcAdminUrl: string;
    gcTemplate: string;
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
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'gc\\_%'`);
    const have = rows.some((r) => r.datname === template);
    // leftovers from earlier runs: old templates and test databases (those in use by a concurrent run stay)
    for (const r of rows) {
      if (r.datname === template) continue;
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
}

export async function teardown(): Promise<void> {
  // In CI nothing may outlive the run; locally the cluster stays up so the next run starts at once.
  if (startedHere && process.env.CI) stopLocalCluster(TEST_BASE, () => {});
}
