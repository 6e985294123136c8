/** Starts GridCommand: database (embedded default or DATABASE_URL), migrations, demo data, HTTP. */
import { loadConfig } from './config.ts';
import { prepareDatabase } from './db/index.ts';
import { createPool } from './db/pool.ts';
import { ReadRouter } from './db/read-pool.ts';
import { buildApp } from './app.ts';
import { describeDemoUsers, prepareDemo } from './modules/demo/index.ts';
import { Simulator } from './modules/demo/simulator.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!Number.isFinite(config.simRate) || config.simRate < 0 || config.simRate > 1000) {
    throw new Error(`GC_SIM_RATE must be a number of reports per second between 0 and 1000, got "${process.env.GC_SIM_RATE}"`);
  }
  const url = await prepareDatabase(config);
  const pool = createPool(url, 20);
  const demo = config.demo ? await prepareDemo(pool, config) : null;
  // lag-tolerant reads on a streaming replica while it keeps up (DATABASE_READ_URL, docs/deploy.md)
  const readRouter = config.readDatabaseUrl ? new ReadRouter({ primary: pool, replicaUrl: config.readDatabaseUrl, maxLagMs: config.readMaxLagMs }) : null;
  await readRouter?.start();
  const app = await buildApp({ config, pool, readRouter, logger: { level: config.logLevel } });

  let simulator: Simulator | null = null;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await simulator?.stop();
    await app.close().catch(() => {});
    await readRouter?.close();
    await pool.end().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const base = `http://${shown}:${config.port}`;
  console.log(`\nGridCommand is running at ${base}`);
  if (demo) {
    console.log(describeDemoUsers(demo.users, config.demoPassword));
    if (demo.wallToken) {
      console.log(`Video wall (unattended screens): ${base}/wall?token=${demo.wallToken}`);
      console.log('  (this display token is made once for this installation and shown only now: keep the URL)');
    } else {
      console.log(`Video wall: ${base}/login?next=/wall (sign in as wall), or the /wall?token=… URL printed at the first start`);
    }
    console.log(`Dispatch console: ${base}/dispatch   Insights: ${base}/insights   (log in at ${base}/login)`);
    if (config.simRate > 0) {
      simulator = new Simulator({
        baseUrl: `http://127.0.0.1:${config.port}`,
        speed: config.simSpeed,
        rate: config.simRateOverride ?? undefined,
        monthlyReports: config.demoHistoryCases || undefined,
        password: config.demoPassword,
        log: (l) => console.log(l),
      });
      await simulator.start().catch((err: unknown) => app.log.error(`simulator did not start: ${(err as Error).message}`));
    }
  }
  console.log('');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
