/**
 * The live simulator against a real server at a high compression (600×: ten simulated minutes a second): it reports
 * cases and works them at human pace (nothing closed within the first simulated hour), the open backlog grows, and a
 * restarted simulator picks the open cases up from the API and carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { Simulator } from '../src/modules/demo/simulator.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const SPEED = 600;
const PASSWORD = 'sim-password';
let db: TestDatabase;
let app: FastifyInstance;
let baseUrl: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function counts() {
  const { rows } = await db.pool.query<{ total: number; open: number; moved: number; closed: number; quick: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status IN ('reported', 'filed', 'dispatched', 'in_progress', 'handled', 'verified'))::int AS open,
            count(*) FILTER (WHERE status NOT IN ('reported'))::int AS moved,
            count(*) FILTER (WHERE status = 'closed' AND NOT fixed_on_spot)::int AS closed,
            -- filed sooner than the history's two minutes at the least (compressed): not at human pace
            count(*) FILTER (WHERE filed_at - reported_at < make_interval(secs => 120.0 / $1))::int AS quick
     FROM cases`,
    [SPEED],
  );
  return rows[0]!;
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: db.pool });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('live simulator', () => {
  it('reports and works cases at human pace, the backlog grows, and a restart picks the open cases up', async () => {
    const sim = new Simulator({ baseUrl, password: PASSWORD, speed: SPEED, rate: 5, seed: 3, teams: false });
    let early: Awaited<ReturnType<typeof counts>>;
    let late: Awaited<ReturnType<typeof counts>>;
    try {
      await sim.start();
      expect(sim.stats.pickedUp).toBe(0);
      await sleep(2000);
      early = await counts();
      await sleep(3000); // 50 simulated minutes in all
      late = await counts();
    } finally {
      await sim.stop();
    }
    expect(sim.stats.errors).toBe(0);
    expect(sim.stats.created).toBeGreaterThanOrEqual(10);
    expect(sim.stats.actions).toBeGreaterThan(0);
    expect((await counts()).total).toBe(sim.stats.created);
    expect(late.moved).toBeGreaterThan(0);
    // a case takes more than an hour from report to close (filing, dispatch, answer, handling, verification on site)
    expect(late.closed).toBe(0);
    expect(late.quick).toBe(0);
    expect(late.open).toBeGreaterThan(early.open);
    expect(sim.scheduled).toBeGreaterThan(0);

    // a new simulator (a restart) picks up every open case and moves some on; hardly any new reports meanwhile
    const before = await counts();
    const again = new Simulator({ baseUrl, password: PASSWORD, speed: SPEED, rate: 0.0001, seed: 4, teams: false, neglect: 0 });
    try {
      await again.start();
      expect(again.stats.pickedUp).toBe(before.open);
      expect(again.scheduled).toBe(before.open);
      const deadline = Date.now() + 15_000;
      while (again.stats.actions < 5 && Date.now() < deadline) await sleep(100);
    } finally {
      await again.stop();
    }
    expect(again.stats.errors).toBe(0);
    expect(again.stats.actions).toBeGreaterThanOrEqual(5);
    const after = await counts();
    expect(after.moved).toBeGreaterThan(before.moved);
  }, 40_000);
});
