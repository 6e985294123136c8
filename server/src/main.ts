/** Starts GridCommand: database (embedded default or DATABASE_URL), migrations, demo data, HTTP. */
import { loadConfig } from './config.ts';
import { prepareDatabase } from './db/index.ts';
import { createPool } from './db/pool.ts';
import { buildApp } from './app.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const url = await prepareDatabase(config);
  const pool = createPool(url, 20);
  const app = await buildApp({ config, pool, logger: { level: config.logLevel } });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close().catch(() => {});
    await pool.end().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`\nGridCommand is running at http://${shown}:${config.port}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
