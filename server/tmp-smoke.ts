import { buildApp } from './src/app.ts';
import { loadConfig } from './src/config.ts';
import { createPool } from './src/db/pool.ts';
const pool = createPool('postgres://postgres@127.0.0.1:54411/scratch');
const app = await buildApp({ config: { ...loadConfig(), clientDist: null }, pool });
for (const u of process.argv.slice(2)) {
  const r = await app.inject({ url: u, headers: { accept: 'application/json' } });
  const b = r.headers['content-type']?.toString().includes('json') ? r.body.slice(0, 600) : `<${r.rawPayload.length} bytes ${r.headers['content-type']}>`;
  console.log(r.statusCode, u, b);
}
await app.close(); await pool.end();
