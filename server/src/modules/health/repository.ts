import type pg from 'pg';
import { migrationStatus } from '../../db/migrate.ts';

export interface DatabaseHealth {
  postgis: string;
  applied: number;
  pending: number;
}

export async function databaseHealth(pool: pg.Pool): Promise<DatabaseHealth> {
  const { rows } = await pool.query<{ postgis: string }>('SELECT postgis_lib_version() AS postgis');
  const migrations = await migrationStatus(pool);
  return { postgis: rows[0]?.postgis ?? 'unknown', applied: migrations.applied.length, pending: migrations.pending.length };
}
