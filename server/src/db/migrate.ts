/** Numbered plain-SQL migrations in server/migrations, applied by node-pg-migrate (under its advisory lock). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const MIGRATIONS_TABLE = 'pgmigrations';

export function migrationFiles(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => f.replace(/\.sql$/, ''));
}

export async function migrate(databaseUrl: string, log: (l: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    count: Infinity,
    checkOrder: true,
    // several API processes starting at once (pnpm cluster, replicas of a deployment): the others wait for the
    // first one's migrations, then find nothing pending
    advisoryLockMode: 'wait',
    singleTransaction: true,
    verbose: false,
    log: () => {},
    logger: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
  });
  for (const m of applied) log(`migration applied: ${m.name}`);
  return applied.map((m) => m.name);
}

export async function migrationStatus(pool: pg.Pool): Promise<{ applied: string[]; pending: string[] }> {
  const exists = await pool.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [MIGRATIONS_TABLE]);
  const applied = exists.rows[0]?.t
    ? (await pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on, id`)).rows.map((r) => r.name)
    : [];
  const done = new Set(applied);
  return { applied, pending: migrationFiles().filter((f) => !done.has(f)) };
}
