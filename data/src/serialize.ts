/** Stable, diff-friendly JSON: one feature / record per line. */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AreaCollection, DemoDistrict } from './types.ts';
import { DEMO_FILES } from './index.ts';

export function collectionJson(fc: AreaCollection): string {
  return `{"type":"FeatureCollection","features":[\n${fc.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

export function arrayJson(items: unknown[]): string {
  return `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]\n`;
}

/** File name → content for a district. */
export function serializeDistrict(d: DemoDistrict): Record<string, string> {
  return {
    [DEMO_FILES.district]: collectionJson(d.district),
    [DEMO_FILES.streets]: collectionJson(d.streets),
    [DEMO_FILES.zones]: collectionJson(d.zones),
    [DEMO_FILES.communities]: collectionJson(d.communities),
    [DEMO_FILES.grids]: collectionJson(d.grids),
    [DEMO_FILES.staff]: arrayJson(d.staff),
    [DEMO_FILES.teams]: arrayJson(d.teams),
  };
}

export function writeDistrict(dir: URL, d: DemoDistrict): Record<string, number> {
  mkdirSync(dir, { recursive: true });
  const sizes: Record<string, number> = {};
  for (const [file, text] of Object.entries(serializeDistrict(d))) {
    writeFileSync(new URL(file, dir), text);
    sizes[file] = Buffer.byteLength(text);
  }
  return sizes;
}
