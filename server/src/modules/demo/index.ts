/** Demo mode: accounts for every role, 30 days of history, and a simulator that keeps the district alive. */
import type pg from 'pg';
import type { Config } from '../../config.ts';
import { seedDemoUsers, seedDemoWallToken, type DemoUser } from '../auth/seed.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { seedAssessmentDemo } from '../assessment/demo.ts';
import { seedDemoUnitReports } from '../unit-reports/demo.ts';
import { seedHistory } from './history.ts';

export async function prepareDemo(
  pool: pg.Pool,
  config: Config,
  log: (l: string) => void = console.log,
): Promise<{ users: DemoUser[]; wallToken: string | null }> {
  const users = await seedDemoUsers(pool, config.demoPassword);
  // random, made at the first start of this installation and printed then (null on later starts: see seed.ts)
  const wallToken = await seedDemoWallToken(pool, config.demoPassword);
  if (config.demoHistoryCases > 0) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    if ((rows[0]?.n ?? 0) === 0) {
      log(`Loading ${config.demoHistoryCases.toLocaleString('en')} cases of demo history (30 days)…`);
      // before the server listens, on an empty database: the bulk path (indexes built once at the end, docs/megacity.md)
      const r = await seedHistory(pool, { calendar: await getWorkCalendar(pool), count: config.demoHistoryCases, bulk: true });
      log(`Demo history: ${r.cases.toLocaleString('en')} cases, ${r.events.toLocaleString('en')} events in ${(r.ms / 1000).toFixed(1)} s`);
      // the grid workers' duties of the same days (visits, records, leave), for the monthly assessment
      await seedAssessmentDemo(pool);
      // the units' periodic reports (零报制): most on time, some late, a few missing
      await seedDemoUnitReports(pool);
    }
  }
  return { users, wallToken };
}

const ROLE_LABEL: Record<string, string> = {
  admin: '系统管理员 admin',
  leader: '区领导 leader (reads all)',
  dispatcher: '调度员 dispatcher',
  handler: '部门处置员 department handler',
  worker: '网格员 grid worker',
  wall: '大屏 wall display',
};

export function describeDemoUsers(users: DemoUser[], password: string): string {
  // the desks of a unit say which (社区/管区/街道 … 调度员): their display name names the unit
  const lines = users.map((u) => `  ${u.username.padEnd(11)} ${u.unitCode && u.role === 'dispatcher' ? `${u.displayName} (${u.unitCode}), work queue /queue` : (ROLE_LABEL[u.role] ?? u.role)}`);
  return `Demo accounts (password: ${password}):\n${lines.join('\n')}`;
}
