/**
 * Synthetic "megacity" for benchmarks: a square lattice of grids (≈40 km across around lon 120, lat 36) with
 * codes in the same formats as the demo district. Every coarser level is a block of whole lattice rows/columns,
 * so its outline is built directly (a rectangle, or a staircase where the last, partial lattice row ends) with no
 * polygon union. Communities are runs of 4 grids in a row, zones stacks of 4 community rows, streets blocks of
 * 8×8 zones.
 */
import type { Position } from 'geojson';
import { cleanRing, orientPolygon, round6 } from './geo.ts';
import { letterCode, personName, PhoneBook } from './names.ts';
import { subRng } from './prng.ts';
import type { AreaFeature, AreaProperties, DemoDistrict, StaffMember, Team, TeamKind, TeamStatus } from './types.ts';

export interface MegacityOptions {
  /** number of grids (default 50,000) */
  grids: number;
  seed?: number;
  /** teams (default 5,000) */
  teams?: number;
}

export const MEGACITY_DISTRICT_CODE = '379901';
const WIDTH_KM = 40;
const CENTER_LON = 120;
const CENTER_LAT = 36;
const COMMUNITY_RUN = 4; // grids per community (in a row)
const ZONE_ROWS = 4; // community rows per zone
const STREET_ZONES = 8; // zones per street side

interface Span {
  row: number;
  c0: number;
  c1: number; // exclusive
}

export function generateMegacity(opts: MegacityOptions): DemoDistrict {
  const total = Math.floor(opts.grids);
  if (!(total >= 1 && total <= 500_000)) throw new Error('megacity: grids must be between 1 and 500,000');
  const seed = opts.seed ?? 379901;
  const teamCount = opts.teams ?? 5000;
  const rng = subRng(seed, 'megacity');
  const cols = Math.ceil(Math.sqrt(total));
  const rows = Math.ceil(total / cols);
  const lastRowCols = total - (rows - 1) * cols;
  const cellKm = WIDTH_KM / cols;
  const dLon = cellKm / (111.32 * Math.cos((CENTER_LAT * Math.PI) / 180));
  const dLat = cellKm / 110.95;
  const west = CENTER_LON - (cols * dLon) / 2;
  const north = CENTER_LAT + (rows * dLat) / 2;
  const lonAt = (c: number): number => round6(west + c * dLon);
  const latAt = (r: number): number => round6(north - r * dLat);
  const rowEnd = (r: number): number => (r === rows - 1 ? lastRowCols : cols);

  const commCols = Math.ceil(cols / COMMUNITY_RUN);
  const zoneRowsN = Math.ceil(rows / ZONE_ROWS);
  const streetCols = Math.ceil(commCols / STREET_ZONES);
  const streetRows = Math.ceil(zoneRowsN / STREET_ZONES);
  if (streetCols * streetRows > 999) throw new Error('megacity too large for 3-digit street codes');

  /** outline of the cells of lattice rows r0..r1 (inclusive) between columns c0..c1 (exclusive), clipped to the filled cells */
  const block = (r0: number, r1: number, c0: number, c1: number): AreaFeature['geometry'] => {
    const spans: Span[] = [];
    for (let r = r0; r <= r1 && r < rows; r++) {
      const e = Math.min(c1, rowEnd(r));
      if (e > c0) spans.push({ row: r, c0, c1: e });
    }
    return staircase(spans);
  };
  const staircase = (spans: Span[]): AreaFeature['geometry'] => {
    const first = spans[0]!;
    const last = spans[spans.length - 1]!;
    const ring: Position[] = [[lonAt(first.c0), latAt(first.row)]];
    spans.forEach((s, i) => {
      const prev = spans[i - 1];
      if (prev && prev.c0 !== s.c0) ring.push([lonAt(prev.c0), latAt(s.row)], [lonAt(s.c0), latAt(s.row)]);
    });
    ring.push([lonAt(last.c0), latAt(last.row + 1)], [lonAt(last.c1), latAt(last.row + 1)]);
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i]!;
      ring.push([lonAt(s.c1), latAt(s.row)]);
      const prev = spans[i - 1];
      if (prev && prev.c1 !== s.c1) ring.push([lonAt(prev.c1), latAt(s.row)]);
    }
    ring.push([lonAt(first.c0), latAt(first.row)]);
    const clean = cleanRing(ring, false);
    if (!clean) throw new Error('degenerate block');
    return { type: 'MultiPolygon', coordinates: [orientPolygon([clean])] };
  };

  const districtCode = MEGACITY_DISTRICT_CODE;
  const base = (code: string, level: AreaProperties['level'], name: string, parentCode: string | null): AreaProperties => ({
    code,
    level,
    name,
    parentCode,
    displayCode: null,
    population: 0,
    households: 0,
    streetCode: null,
    zoneCode: null,
    communityCode: null,
    urban: true,
  });
  const feature = (props: AreaProperties, geometry: AreaFeature['geometry']): AreaFeature => ({
    type: 'Feature',
    id: props.code,
    properties: props,
    geometry,
  });

  const streets: AreaFeature[] = [];
  const zones: AreaFeature[] = [];
  const communities: AreaFeature[] = [];
  const grids: AreaFeature[] = [];
  const zoneCells: [number, number][] = []; // one representative cell per zone (for team positions)
  const centerStreetCol = (streetCols - 1) / 2;
  const centerStreetRow = (streetRows - 1) / 2;

  let streetSeq = 0;
  for (let sr = 0; sr < streetRows; sr++) {
    for (let sc = 0; sc < streetCols; sc++) {
      const zr0 = sr * STREET_ZONES;
      const zc0 = sc * STREET_ZONES;
      const r0 = zr0 * ZONE_ROWS;
      const c0 = zc0 * COMMUNITY_RUN;
      if (r0 >= rows || c0 >= rowEnd(r0)) continue; // nothing filled in this block
      streetSeq++;
      const streetCode = `${districtCode}${String(streetSeq).padStart(3, '0')}`;
      const urban = Math.hypot(sc - centerStreetCol, sr - centerStreetRow) <= Math.max(streetCols, streetRows) / 3;
      const street = feature(
        { ...base(streetCode, 'street', `第${streetSeq}街道`, districtCode), urban },
        block(r0, r0 + STREET_ZONES * ZONE_ROWS - 1, c0, Math.min(cols, c0 + STREET_ZONES * COMMUNITY_RUN)),
      );
      streets.push(street);
      let zoneSeq = 0;
      let communitySeq = 0;
      const streetZones: { zone: AreaFeature; zr: number; zc: number }[] = [];
      for (let zr = zr0; zr < Math.min(zoneRowsN, zr0 + STREET_ZONES); zr++)
        for (let zc = zc0; zc < Math.min(commCols, zc0 + STREET_ZONES); zc++) {
          const zRow0 = zr * ZONE_ROWS;
          const zCol0 = zc * COMMUNITY_RUN;
          if (zRow0 >= rows || zCol0 >= rowEnd(zRow0)) continue;
          zoneSeq++;
          const zoneCode = `${streetCode}${String(zoneSeq).padStart(2, '0')}`;
          const zone = feature(
            { ...base(zoneCode, 'zone', `${street.properties.name}第${zoneSeq}管区`, streetCode), streetCode, urban },
            block(zRow0, zRow0 + ZONE_ROWS - 1, zCol0, Math.min(cols, zCol0 + COMMUNITY_RUN)),
          );
          zones.push(zone);
          zoneCells.push([zRow0, zCol0]);
          streetZones.push({ zone, zr, zc });
        }
      // communities numbered north → south, west → east within the street
      for (let r = r0; r < Math.min(rows, r0 + STREET_ZONES * ZONE_ROWS); r++)
        for (let zc = zc0; zc < Math.min(commCols, zc0 + STREET_ZONES); zc++) {
          const cc0 = zc * COMMUNITY_RUN;
          const cc1 = Math.min(cc0 + COMMUNITY_RUN, rowEnd(r));
          if (cc1 <= cc0) continue;
          const zone = streetZones.find((z) => z.zc === zc && z.zr === Math.floor(r / ZONE_ROWS))!.zone;
          const zoneCode = zone.properties.code;
          const letter = letterCode(communitySeq);
          communitySeq++;
          const communityCode = `${streetCode}${String(communitySeq).padStart(3, '0')}`;
          const cName = `${communitySeq}号社区`;
          const community = feature(
            { ...base(communityCode, 'community', cName, zoneCode), streetCode, zoneCode, urban },
            block(r, r, cc0, cc1),
          );
          communities.push(community);
          for (let c = cc0; c < cc1; c++) {
            const n = c - cc0 + 1;
            const population = urban ? rng.int(900, 1600) : rng.int(300, 900);
            const households = Math.max(1, Math.round(population / rng.range(2.4, 2.8)));
            const gridCode = `${communityCode}${String(n).padStart(3, '0')}`;
            grids.push(
              feature(
                {
                  ...base(gridCode, 'grid', `${cName}第${n}网格`, communityCode),
                  displayCode: `${letter}${n}`,
                  population,
                  households,
                  streetCode,
                  zoneCode,
                  communityCode,
                  urban,
                },
                block(r, r, c, c + 1),
              ),
            );
            for (const f of [community, zone, street]) {
              f.properties.population += population;
              f.properties.households += households;
            }
          }
        }
    }
  }
  const district = feature(
    {
      ...base(districtCode, 'district', '基准测试市', null),
      population: streets.reduce((a, s) => a + s.properties.population, 0),
      households: streets.reduce((a, s) => a + s.properties.households, 0),
    },
    block(0, rows - 1, 0, cols),
  );

  const phones = new PhoneBook(subRng(seed, 'megacity-phones'));
  const staff: StaffMember[] = grids.map((g, i) => ({
    id: `S${String(i + 1).padStart(6, '0')}`,
    name: personName(rng),
    role: 'grid_worker',
    phone: phones.next(),
    gridCodes: [g.properties.code],
    responsibleFor: [g.properties.code],
  }));

  const kinds: [TeamKind, string, string][] = [
    ['police_patrol', 'PG', '巡逻组'],
    ['police_patrol', 'PG', '巡逻组'],
    ['city_management', 'CM', '城管中队'],
    ['grid_team', 'GT', '网格服务队'],
    ['grid_team', 'GT', '网格服务队'],
    ['emergency', 'EM', '应急救援队'],
    ['market_supervision', 'MS', '市场监管组'],
  ];
  const statuses: TeamStatus[] = ['available', 'available', 'available', 'available', 'en_route', 'on_scene', 'off_duty'];
  const teams: Team[] = [];
  for (let i = 0; i < teamCount; i++) {
    const [kind, prefix, label] = kinds[i % kinds.length]!;
    const zi = Math.floor((i * zones.length) / teamCount);
    const [r, c] = zoneCells[zi]!;
    const members: Team['members'] =
      kind === 'police_patrol'
        ? [{ name: personName(rng), role: 'police' }, ...[0, 1, 2].map(() => ({ name: personName(rng), role: 'auxiliary' as const }))]
        : [{ name: personName(rng), role: 'leader' }, ...[0, 1, 2].map(() => ({ name: personName(rng), role: 'member' as const }))];
    teams.push({
      code: `${prefix}${String(i + 1).padStart(4, '0')}`,
      name: `${label}${i + 1}`,
      kind,
      status: rng.pick(statuses),
      homeZoneCode: zones[zi]!.properties.code,
      members,
      lon: round6(west + (c + rng.range(0.1, 0.9)) * dLon),
      lat: round6(north - (r + rng.range(0.1, 0.9)) * dLat),
    });
  }
  const fc = (features: AreaFeature[]): DemoDistrict['grids'] => ({ type: 'FeatureCollection', features });
  return {
    district: fc([district]),
    streets: fc(streets),
    zones: fc(zones),
    communities: fc(communities),
    grids: fc(grids),
    staff,
    teams,
  };
}
