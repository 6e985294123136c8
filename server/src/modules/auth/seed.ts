/**
 * Demo accounts, one per role, all with the demo password, and the demo wall's display token (demo mode only; the
 * caller prints them).
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import type { UserRole } from '@gridcommand/shared/schemas';
import { hashPassword, newToken, tokenHash } from './passwords.ts';
import { createWallTokenFor, hasLiveWallToken, revokeWallTokenByHash, upsertUser } from './repository.ts';

export interface DemoUser {
  username: string;
  displayName: string;
  role: UserRole;
  departmentCode: string | null;
  gridCodes: string[];
  /** the unit the account belongs to (null: the district centre) */
  unitCode?: string | null;
}

/**
 * Creates (or refreshes) the users admin, leader, dispatcher, handler, worker and wall.
 * - handler belongs to the city-management department (城市管理), or the first department when the
 *   catalogue has none by that name;
 * - worker is the first grid worker of the demo district, with that person's grids, in the community of the first;
 * - community, zone and street are the desks (dispatcher role) of that community, its management zone and its
 *   street: the levels a case climbs when it is escalated (docs/units.md).
 */
export async function seedDemoUsers(pool: pg.Pool, password: string): Promise<DemoUser[]> {
  const dept = await pool.query<{ code: string }>(
    `SELECT code FROM department ORDER BY (name LIKE '%城市管理%') DESC, code LIMIT 1`,
  );
  const worker = await pool.query<{ id: string; name: string; grids: string[] }>(
    `SELECT s.id, s.name, array_agg(gs.grid_code ORDER BY gs.grid_code) AS grids
     FROM staff s JOIN grid_staff gs ON gs.staff_id = s.id
     WHERE s.role = 'grid_worker'
     GROUP BY s.id, s.name ORDER BY s.id LIMIT 1`,
  );
  const departmentCode = dept.rows[0]?.code ?? null;
  const w = worker.rows[0];
  const home = w?.grids[0]
    ? (
        await pool.query<{ community: string; cname: string; zone: string; zname: string; street: string; sname: string }>(
          `SELECT g.community_code AS community, cm.name AS cname, g.zone_code AS zone, z.name AS zname, g.street_code AS street, s.name AS sname
           FROM area g JOIN area cm ON cm.code = g.community_code JOIN area z ON z.code = g.zone_code JOIN area s ON s.code = g.street_code
           WHERE g.code = $1`,
          [w.grids[0]],
        )
      ).rows[0]
    : undefined;
  const users: (DemoUser & { staffId?: string | null })[] = [
    { username: 'admin', displayName: '系统管理员', role: 'admin', departmentCode: null, gridCodes: [] },
    { username: 'leader', displayName: '区领导', role: 'leader', departmentCode: null, gridCodes: [] },
    { username: 'dispatcher', displayName: '指挥中心调度员', role: 'dispatcher', departmentCode: null, gridCodes: [] },
    { username: 'handler', displayName: '部门处置员', role: 'handler', departmentCode, gridCodes: [] },
    {
      username: 'worker',
      displayName: w ? `网格员 ${w.name}` : '网格员',
      role: 'worker',
      departmentCode: null,
      gridCodes: w?.grids ?? [],
      staffId: w?.id ?? null,
      unitCode: home?.community ?? null,
    },
    ...(home
      ? [
          { username: 'community', displayName: `${home.cname}工作站`, role: 'dispatcher' as const, departmentCode: null, gridCodes: [], unitCode: home.community },
          { username: 'zone', displayName: `${home.zname}调度员`, role: 'dispatcher' as const, departmentCode: null, gridCodes: [], unitCode: home.zone },
          { username: 'street', displayName: `${home.sname}调度员`, role: 'dispatcher' as const, departmentCode: null, gridCodes: [], unitCode: home.street },
        ]
      : []),
    { username: 'wall', displayName: '指挥中心大屏', role: 'wall', departmentCode: null, gridCodes: [] },
  ];
  for (const u of users) {
    await upsertUser(pool, { ...u, passwordHash: await hashPassword(password) });
  }
  return users.map(({ username, displayName, role, departmentCode: d, gridCodes, unitCode }) => ({
    username,
    displayName,
    role,
    departmentCode: d,
    gridCodes,
    unitCode: unitCode ?? (role === 'handler' ? d : null),
  }));
}

/** The name of the demo wall's display token in wall_token. */
export const DEMO_WALL_TOKEN_NAME = '演示大屏 demo wall';

/**
 * The demo wall token of earlier versions, derived from the demo password (so anyone who knew the password could
 * compute it). Kept only to revoke it where an installation still has it.
 */
function legacyDemoWallTokenHash(password: string): string {
  return tokenHash(crypto.createHash('sha256').update(`gridcommand-demo-wall:${password}`).digest('base64url'));
}

/**
 * The demo wall's display token: random (32 bytes) and made once per installation, at the first seed; only its hash
 * is stored, like every token. Returns the token when it was made now (the caller prints it, once), null when the
 * installation has one already: it stays valid across restarts, and whoever lost the printed URL signs in as `wall`
 * (or an admin makes a new token with POST /api/admin/wall-tokens). A password-derived token of an earlier version
 * is revoked.
 */
export async function seedDemoWallToken(pool: pg.Pool, password: string): Promise<string | null> {
  await revokeWallTokenByHash(pool, legacyDemoWallTokenHash(password));
  if (await hasLiveWallToken(pool, DEMO_WALL_TOKEN_NAME, 'wall')) return null;
  const { token, hash } = newToken();
  return (await createWallTokenFor(pool, hash, DEMO_WALL_TOKEN_NAME, 'wall')) ? token : null;
}
