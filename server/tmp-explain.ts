import pg from 'pg';
import { tileQuery } from './src/modules/tiles/repository.ts';
const c = new pg.Client('postgres://postgres@127.0.0.1:54411/mega'); await c.connect();
const [z,x,y] = process.argv.slice(2).map(Number) as [number,number,number];
const q = tileQuery('grid', z, x, y);
let text = q.text as string; (q.values as number[]).forEach((v, i) => { text = text.replaceAll('$' + (i + 1), String(v)); });
for (let i = 0; i < 2; i++) { const r = await c.query('EXPLAIN (ANALYZE, BUFFERS) ' + text); if (i) console.log(r.rows.map((r: any) => r['QUERY PLAN']).join('\n')); }
await c.end();
