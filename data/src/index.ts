/** @gridcommand/data: the demo district (黄岛区) and a synthetic megacity for benchmarks. */
import { readFileSync } from 'node:fs';
import type { AreaCollection, DemoDistrict, StaffMember, Team } from './types.ts';

export type * from './types.ts';
export { generateMegacity, MEGACITY_DISTRICT_CODE, type MegacityOptions } from './megacity.ts';

export const DEMO_FILES = {
  district: 'district.geojson',
  streets: 'streets.geojson',
  zones: 'zones.geojson',
  communities: 'communities.geojson',
  grids: 'grids.geojson',
  staff: 'staff.json',
  teams: 'teams.json',
} as const;

/** Directory of the committed demo files. */
export const DEMO_DIR = new URL('../demo/', import.meta.url);

function readJson<T>(dir: URL, file: string): T {
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as T;
}

/** Reads the committed demo district (data/demo/*) synchronously. */
export function loadDemoDistrict(dir: URL = DEMO_DIR): DemoDistrict {
  return {
    district: readJson<AreaCollection>(dir, DEMO_FILES.district),
    streets: readJson<AreaCollection>(dir, DEMO_FILES.streets),
    zones: readJson<AreaCollection>(dir, DEMO_FILES.zones),
    communities: readJson<AreaCollection>(dir, DEMO_FILES.communities),
    grids: readJson<AreaCollection>(dir, DEMO_FILES.grids),
    staff: readJson<StaffMember[]>(dir, DEMO_FILES.staff),
    teams: readJson<Team[]>(dir, DEMO_FILES.teams),
  };
}
export { mulberry32, type Rng } from './prng.ts';
