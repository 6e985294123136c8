/**
 * Writes the demo district to data/demo/ (committed), or with `--megacity [GRIDS]` a synthetic megacity to
 * data/.megacity/ (git-ignored). Options: `--seed N`.
 *   pnpm --filter @gridcommand/data build
 *   pnpm --filter @gridcommand/data build -- --megacity 50000
 */
import { generateDemoDistrict } from './demo.ts';
import { DEMO_DIR } from './index.ts';
import { generateMegacity } from './megacity.ts';
import { writeDistrict } from './serialize.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const valueAfter = (flag: string): number | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  return Number.isFinite(v) ? v : undefined;
};
const t0 = performance.now();
const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const seed = valueAfter('--seed');

if (args.includes('--megacity')) {
  const grids = valueAfter('--megacity') ?? 50_000;
  const city = generateMegacity({ grids, ...(seed === undefined ? {} : { seed }) });
  const dir = new URL('../.megacity/', import.meta.url);
  const sizes = writeDistrict(dir, city);
  console.log(`megacity: ${city.grids.features.length} grids, ${city.teams.length} teams → ${dir.pathname} (${elapsed()})`);
  for (const [f, s] of Object.entries(sizes)) console.log(`  ${f.padEnd(20)} ${(s / 1024).toFixed(0).padStart(8)} KiB`);
} else {
  const d = generateDemoDistrict({ ...(seed === undefined ? {} : { seed }), log: (m) => console.log(`  [${elapsed()}] ${m}`) });
  const sizes = writeDistrict(DEMO_DIR, d);
  console.log(
    `demo district: ${d.streets.features.length} streets, ${d.zones.features.length} zones, ` +
      `${d.communities.features.length} communities, ${d.grids.features.length} grids, ${d.staff.length} staff, ` +
      `${d.teams.length} teams, population ${d.district.features[0]!.properties.population} (${elapsed()})`,
  );
  for (const [f, s] of Object.entries(sizes)) console.log(`  ${f.padEnd(20)} ${(s / 1024).toFixed(0).padStart(8)} KiB`);
}
