/** Shared pieces of the live-stream tests: writing events the way the application does, and a running app. */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig, type LiveConfig } from '../src/config.ts';
import { appendEvents, type NewEvent } from '../src/modules/live/events.ts';
import { newToken } from '../src/modules/auth/passwords.ts';
import { createWallToken, wallUserId } from '../src/modules/auth/repository.ts';

/** Appends events in one transaction (as every state change does) and returns their ids. */
export async function appendInTx(pool: pg.Pool, events: NewEvent[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rows = await appendEvents(client, events);
    await client.query('COMMIT');
    return rows.map((r) => r.id);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export function testEvents(n: number, base: Partial<NewEvent> & { tag?: string } = {}): NewEvent[] {
  const { tag = 'test', ...rest } = base;
  return Array.from({ length: n }, (_, i) => ({ type: 'test.tick', note: `${tag} ${i}`, payload: { tag, i }, ...rest }));
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
