import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '../src/db/pool.ts';
import { dropDatabase } from '../src/db/local.ts';

export interface TestDatabase {
  url: string;
  adminUrl: string;
  name: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated, seeded template. */
export async function testDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('gcAdminUrl');
  const template = inject('gcTemplate');
  const name = `gc_test_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const pool = createPool(url, 10);
  return {
    url,
    adminUrl,
    name,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      await dropDatabase(adminUrl, name);
    },
  };
}
