/** Shared pieces of the live-stream tests: writing events the way the application does, and a running app. */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig, type LiveConfig } from '../src/config.ts';
import type { CaseFacts, EventDraft } from '@gridcommand/shared/schemas';
import { LIGHT_JOB, writeEvents } from '../src/modules/writer/tx.ts';
import { newToken } from '../src/modules/auth/passwords.ts';
import { createWallToken, wallUserId } from '../src/modules/auth/repository.ts';

/** Appends events in one transaction through the writer (as every state change does) and returns their ids. */
export async function appendInTx(pool: pg.Pool, events: EventDraft[]): Promise<number[]> {
  return writeEvents(pool, LIGHT_JOB, events);
}

const NONE = { caseId: null, teamId: null, streetCode: null, fromState: null, toState: null, note: null, lon: null, lat: null };

/** `n` valid, self-contained events (a patrol zone removed) tagged in their note: "tag 0", "tag 1", … */
export function testEvents(
  n: number,
  base: { tag?: string; streetCode?: string | null; lon?: number; lat?: number; note?: string } = {},
): EventDraft[] {
  const { tag = 'test', ...rest } = base;
  return Array.from({ length: n }, (_, i) => ({ ...NONE, type: 'patrol_zone.deleted' as const, note: `${tag} ${i}`, ...rest, payload: { zoneId: i + 1 } }));
}

/** Facts of a case that exists only in an event (live tests that need case events without a case row). */
export function someFacts(over: Partial<CaseFacts> = {}): CaseFacts {
  return {
    id: 999_999, code: 'HD20261201-999999', status: 'reported', light: 'green', priority: 'normal', source: 'hotline',
    categoryCode: '01001', gridCode: '370211001001001', communityCode: '370211001001', zoneCode: '37021100101',
    streetCode: '370211001', lon: 120.1, lat: 35.9, title: 'test', reportedAt: new Date(0).toISOString(),
    resolveBy: new Date(0).toISOString(), teamId: null, departmentCode: null, escalationLevel: 'grid', supervised: false, version: 1,
    ...over,
  };
}

export function caseEventDraft(type: 'case.created' | 'case.light', streetCode: string, over: Partial<CaseFacts> = {}): EventDraft {
  const f = someFacts({ streetCode, ...over });
  return type === 'case.created'
    ? { ...NONE, type, streetCode, toState: 'reported', payload: { case: f } }
    : { ...NONE, type, streetCode, payload: { from: 'green', to: 'yellow', case: { ...f, light: 'yellow' } } };
}

export async function streetCodes(pool: pg.Pool, n: number): Promise<string[]> {
  const { rows } = await pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' ORDER BY code LIMIT $1`, [n]);
  return rows.map((r) => r.code);
}

/** A wall display token (the credential unattended screens use for the stream: ?token=). */
export async function wallToken(pool: pg.Pool): Promise<string> {
  const { token, hash } = newToken();
  const userId = await wallUserId(pool, `disabled$${newToken().hash}`);
  await createWallToken(pool, hash, 'live test wall', userId);
  return token;
}

/** Logs in (demo users must exist: seedDemoUsers) and returns the session cookie header value. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gc_session='));
  if (!cookie) throw new Error('login set no session cookie');
  return cookie.split(';')[0]!;
}

export interface RunningApp {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The real application (buildApp) listening on a free port. */
export async function listenApp(pool: pg.Pool, live: Partial<LiveConfig> = {}): Promise<RunningApp> {
  const base = loadConfig({});
  const config = { ...base, demo: false, clientDist: null, live: { ...base.live, ...live } };
  const app = await buildApp({ config, pool });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export function strictlyIncreasing(ids: number[]): boolean {
  return ids.every((id, i) => i === 0 || id > ids[i - 1]!);
}
