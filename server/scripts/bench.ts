/**
 * pnpm bench — every benchmark, one after another, each printing its own table with ratios against a
 * baseline measured in the same run. BENCH_ONLY=tiles,intake,live,stats,dispatch,wall,field,public,export,ogc,indicators,queues,assessment,rollups,replica,bulletins,open-cases picks sections;
 * BENCH_PROFILES=demo,megacity picks the districts (see each script's header for its own options).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECTIONS = ['tiles', 'intake', 'live', 'stats', 'dispatch', 'wall', 'field', 'public', 'export', 'ogc', 'indicators', 'queues', 'assessment', 'rollups', 'replica', 'bulletins', 'open-cases'];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : SECTIONS;
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  console.error(`unknown bench section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}

const tsx = path.resolve(here, '../../node_modules/.bin/tsx');
let failed = 0;
for (const section of only) {
  const file = path.join(here, `bench-${section}.ts`);
  if (!fs.existsSync(file)) {
    console.error(`bench ${section}: ${file} is missing`);
    failed++;
    continue;
  }
  console.log(`\n=== ${section} ===`);
  const t = Date.now();
  const res = spawnSync(tsx, [file], { stdio: 'inherit', env: process.env });
  console.log(`=== ${section}: ${res.status === 0 ? 'done' : `FAILED (exit ${res.status})`} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
