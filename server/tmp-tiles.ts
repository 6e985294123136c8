import { createPool } from './src/db/pool.ts';
import { tuneSessions } from './src/plugins/db.ts';
import { tileQuery } from './src/modules/tiles/repository.ts';
const pool = createPool('postgres://postgres@127.0.0.1:54411/mega', 2); tuneSessions(pool);
function tileAt(lon: number, lat: number, z: number) { const n = 2 ** z; const r = lat * Math.PI / 180; return { x: Math.floor((lon + 180) / 360 * n), y: Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n) }; }
for (const z of [6, 8, 9, 10, 11, 12, 13, 14, 15, 16]) {
  const { x, y } = tileAt(120.01, 36.01, z);
  const q = tileQuery('grid', z, x, y);
  await pool.query(q);
  const t0 = performance.now();
  const r = await pool.query<{ tile: Buffer }>(q);
  const t1 = performance.now();
  console.log(z, x, y, (t1 - t0).toFixed(1), 'ms', r.rows[0]?.tile?.length ?? 0, 'bytes');
}
await pool.end();
