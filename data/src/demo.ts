/**
 * Deterministic generator of the demo district (黄岛区, 370211): real boundary and real street/community names,
 * generated grids, zones, population, staff and teams. Same seed ⇒ byte-identical output.
 */
import * as turf from '@turf/turf';
import { Delaunay } from 'd3-delaunay';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import {
  KM_PER_DEG_LAT,
  KM_PER_DEG_LON,
  PointIndex,
  bboxOf,
  distKm,
  multiPolygonAreaKm2,
  normalizeGeometry,
  round6,
} from './geo.ts';
import { chineseNumber, communityShortName, letterCode, personName, PhoneBook, placeName } from './names.ts';
import { kMeansSeeds, partitionGraph, type Unit } from './partition.ts';
import { STREET_PLAN } from './plan.ts';
import { subRng } from './prng.ts';
import { DISTRICT_CODE, DISTRICT_NAME, loadCommunities, loadRawBoundary, loadStreets } from './sources.ts';
import type { AreaCollection, AreaFeature, AreaProperties, DemoDistrict, StaffMember, StaffRole, Team, TeamKind, TeamStatus } from './types.ts';

export const DEMO_SEED = 370211;
export const GRID_TOTAL = 1549;
export const ZONE_TOTAL = 201;
export const POPULATION_TOTAL = 1_710_000;
/** number of grids left without a responsible person (网格真空) */
export const VACANCY_TOTAL = 8;

export interface DemoOptions {
  seed?: number;
  /** progress messages */
  log?: (msg: string) => void;
}

/** The cleaned district outline (rounded to 6 decimals, de-duplicated, RFC 7946 winding). */
export function districtBoundary(): MultiPolygon {
  return normalizeGeometry(loadRawBoundary(), true);
}

/** Base share of the population density spread evenly over the land (the rest follows the street kernels). */
const BASE_SHARE = 0.16;
const SAMPLE_COUNT = 160_000;
const LLOYD_ROUNDS = 14;

interface Cell {
  /** generator point, degrees; inside the district and inside the cell */
  x: number;
  y: number;
  geometry: MultiPolygon;
  /** population weight from the density model */
  mass: number;
  neighbours: number[];
  street: number;
  community: number; // global community index
  zone: number; // global zone index
}

export function generateDemoDistrict(opts: DemoOptions = {}): DemoDistrict {
  const seed = opts.seed ?? DEMO_SEED;
  const log = opts.log ?? (() => undefined);
  const boundary = districtBoundary();
  const inside = new PointIndex(boundary);
  const [minX, minY, maxX, maxY] = bboxOf(boundary);
  const streetsRows = loadStreets();
  const communityRows = loadCommunities();
  const plans = streetsRows.map((s) => {
    const p = STREET_PLAN[s.code];
    if (!p) throw new Error(`no plan for street ${s.code} ${s.name}`);
    return p;
  });
  const popTotalPlan = plans.reduce((a, p) => a + p.pop, 0);

  // ---- 1. samples of the population density (mixture of street kernels + an even base over the land) ----
  const rs = subRng(seed, 'samples');
  const sx = new Float64Array(SAMPLE_COUNT);
  const sy = new Float64Array(SAMPLE_COUNT);
  const sComp = new Int32Array(SAMPLE_COUNT); // street index, or -1 for the base
  const cumulative: number[] = [];
  let acc = 0;
  for (const p of plans) {
    acc += (p.pop / popTotalPlan) * (1 - BASE_SHARE);
    cumulative.push(acc);
  }
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    const u = rs.next();
    let comp = cumulative.findIndex((c) => u < c);
    for (;;) {
      let x: number, y: number;
      if (comp >= 0) {
        const p = plans[comp]!;
        x = p.lon + (rs.normal() * p.sigma) / KM_PER_DEG_LON;
        y = p.lat + (rs.normal() * p.sigma) / KM_PER_DEG_LAT;
      } else {
        x = rs.range(minX, maxX);
        y = rs.range(minY, maxY);
      }
      if (inside.contains(x, y)) {
        sx[i] = x;
        sy[i] = y;
        sComp[i] = comp;
        break;
      }
      if (comp >= 0 && rs.chance(0.02)) comp = -1; // kernels mostly at sea: fall back to the base
    }
  }
  log(`samples: ${SAMPLE_COUNT}`);

  // ---- 2. generator points: density-weighted Lloyd (centroidal Voronoi) on the samples, in km space ----
  const toKx = (lon: number): number => (lon - minX) * KM_PER_DEG_LON;
  const toKy = (lat: number): number => (lat - minY) * KM_PER_DEG_LAT;
  const fromKx = (x: number): number => x / KM_PER_DEG_LON + minX;
  const fromKy = (y: number): number => y / KM_PER_DEG_LAT + minY;
  const N = GRID_TOTAL;
  const rp = subRng(seed, 'points');
  const px = new Float64Array(N);
  const py = new Float64Array(N);
  {
    const chosen = new Set<number>();
    for (let i = 0; i < N; i++) {
      let k = rp.int(0, SAMPLE_COUNT - 1);
      while (chosen.has(k)) k = rp.int(0, SAMPLE_COUNT - 1);
      chosen.add(k);
      px[i] = toKx(sx[k]!);
      py[i] = toKy(sy[k]!);
    }
  }
  const kx = Float64Array.from(sx, toKx);
  const ky = Float64Array.from(sy, toKy);
  const nearest = new Int32Array(SAMPLE_COUNT);
  const assign = (): Delaunay => {
    const coords = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) {
      coords[2 * i] = px[i]!;
      coords[2 * i + 1] = py[i]!;
    }
    const d = new Delaunay(coords);
    let hint = 0;
    for (let s = 0; s < SAMPLE_COUNT; s++) {
      hint = d.find(kx[s]!, ky[s]!, nearest[s] || hint);
      nearest[s] = hint;
    }
    return d;
  };
  for (let round = 0; round < LLOYD_ROUNDS; round++) {
    assign();
    const ax = new Float64Array(N), ay = new Float64Array(N), an = new Float64Array(N);
    for (let s = 0; s < SAMPLE_COUNT; s++) {
      const c = nearest[s]!;
      ax[c] = ax[c]! + kx[s]!;
      ay[c] = ay[c]! + ky[s]!;
      an[c] = an[c]! + 1;
    }
    for (let i = 0; i < N; i++) {
      if (an[i]! > 0) {
        px[i] = ax[i]! / an[i]!;
        py[i] = ay[i]! / an[i]!;
      }
    }
  }
  // a centroid may fall into a bay: move it onto the closest of its own samples
  {
    assign();
    const bestD = new Float64Array(N).fill(Infinity);
    const bestS = new Int32Array(N).fill(-1);
    for (let s = 0; s < SAMPLE_COUNT; s++) {
      const c = nearest[s]!;
      const d = (kx[s]! - px[c]!) ** 2 + (ky[s]! - py[c]!) ** 2;
      if (d < bestD[c]!) {
        bestD[c] = d;
        bestS[c] = s;
      }
    }
    for (let i = 0; i < N; i++) {
      if (!inside.contains(fromKx(px[i]!), fromKy(py[i]!))) {
        const s = bestS[i]!;
        if (s < 0) throw new Error('cell without samples outside the district');
        px[i] = kx[s]!;
        py[i] = ky[s]!;
      }
    }
  }
  // round the generator points to the output precision (they label the grids) and keep them inside
  for (let i = 0; i < N; i++) {
    const lon = round6(fromKx(px[i]!));
    const lat = round6(fromKy(py[i]!));
    if (!inside.contains(lon, lat)) throw new Error(`generator point ${i} outside after rounding`);
    px[i] = toKx(lon);
    py[i] = toKy(lat);
  }
  const delaunay = assign();
  log('points placed');

  // ---- 3. Voronoi cells clipped to the district = grids ----
  const [bx0, by0, bx1, by1] = [toKx(minX) - 5, toKy(minY) - 5, toKx(maxX) + 5, toKy(maxY) + 5];
  const voronoi = delaunay.voronoi([bx0, by0, bx1, by1]);
  const clipper = new BoundaryClipper(boundary);
  const cells: Cell[] = [];
  for (let i = 0; i < N; i++) {
    const ring = voronoi.cellPolygon(i);
    if (!ring) throw new Error(`no Voronoi cell for point ${i}`);
    const deg = ring.map(([x, y]) => [round6(fromKx(x)), round6(fromKy(y))]);
    const clipped = clipper.clip(deg);
    if (!clipped) throw new Error(`cell ${i} does not meet the district`);
    const geometry = normalizeGeometry(clipped);
    if (geometry.coordinates.length === 0) throw new Error(`cell ${i} degenerate`);
    cells.push({
      x: round6(fromKx(px[i]!)),
      y: round6(fromKy(py[i]!)),
      geometry,
      mass: 0,
      neighbours: [],
      street: -1,
      community: -1,
      zone: -1,
    });
  }
  for (let s = 0; s < SAMPLE_COUNT; s++) {
    const c = cells[nearest[s]!]!;
    c.mass += sComp[s]! >= 0 ? 1 : 0.3;
  }
  // adjacency: cells sharing an edge (identical rounded vertices)
  {
    const edgeOwner = new Map<string, number>();
    const adj = cells.map(() => new Set<number>());
    cells.forEach((c, i) => {
      for (const poly of c.geometry.coordinates)
        for (const ring of poly)
          for (let j = 0; j + 1 < ring.length; j++) {
            const a = `${ring[j]![0]},${ring[j]![1]}`;
            const b = `${ring[j + 1]![0]},${ring[j + 1]![1]}`;
            const key = a < b ? `${a}|${b}` : `${b}|${a}`;
            const other = edgeOwner.get(key);
            if (other !== undefined && other !== i) {
              adj[i]!.add(other);
              adj[other]!.add(i);
            } else edgeOwner.set(key, i);
          }
    });
    cells.forEach((c, i) => (c.neighbours = [...adj[i]!].sort((a, b) => a - b)));
  }
  log('cells clipped');

  // ---- 4. streets: weighted graph-Voronoi from the street centres, sizes from the density model ----
  const units: Unit[] = cells.map((c) => ({ x: c.x, y: c.y, weight: 1 }));
  const adjacency = cells.map((c) => c.neighbours);
  const communitiesByStreet = streetsRows.map((s) => communityRows.filter((c) => c.parentCode === s.code));
  const streetSeeds: number[] = plans.map((p) => {
    let best = -1, bd = Infinity;
    cells.forEach((c, i) => {
      const d = distKm(c.x, c.y, p.lon, p.lat);
      if (d < bd) {
        bd = d;
        best = i;
      }
    });
    return best;
  });
  if (new Set(streetSeeds).size !== streetSeeds.length) throw new Error('two streets share a seed cell');
  const streetTargets = Array.from({ length: plans.length }, (): number => 0);
  {
    // attribute every sample to a street (its kernel, or for the base the nearest centre in kernel units)
    for (let s = 0; s < SAMPLE_COUNT; s++) {
      let comp = sComp[s]!;
      if (comp < 0) {
        let bd = Infinity;
        plans.forEach((p, k) => {
          const d = distKm(sx[s]!, sy[s]!, p.lon, p.lat) / Math.sqrt(p.sigma);
          if (d < bd) {
            bd = d;
            comp = k;
          }
        });
      }
      streetTargets[comp] = streetTargets[comp]! + N / SAMPLE_COUNT;
    }
    communitiesByStreet.forEach((list, k) => {
      streetTargets[k] = Math.max(streetTargets[k]!, Math.ceil(list.length * 1.25));
    });
  }
  const streetOf = partitionGraph(units, adjacency, streetSeeds, streetTargets);
  cells.forEach((c, i) => (c.street = streetOf[i]!));
  log('streets assigned');

  // ---- 5. communities inside each street ----
  const rc = subRng(seed, 'communities');
  interface CommunityInfo {
    code: string;
    name: string;
    street: number;
    cells: number[];
    urban: boolean;
  }
  const communities: CommunityInfo[] = [];
  streetsRows.forEach((_, k) => {
    const members = cells.map((_, i) => i).filter((i) => cells[i]!.street === k);
    const rows = communitiesByStreet[k]!;
    if (members.length < rows.length) throw new Error(`street ${k} has ${members.length} cells for ${rows.length} communities`);
    const local = new Map(members.map((g, i) => [g, i]));
    const lUnits = members.map((g) => units[g]!);
    const lAdj = members.map((g) => cells[g]!.neighbours.filter((n) => local.has(n)).map((n) => local.get(n)!));
    const seeds = kMeansSeeds(lUnits, lUnits.map((_, i) => i), rows.length, () => rc.next());
    // residents' committees (社区) take the seeds nearest the street centre, villages (村) the outer ones
    const p = plans[k]!;
    const bySeedDistance = seeds
      .map((s, i) => ({ s, i, d: distKm(lUnits[s]!.x, lUnits[s]!.y, p.lon, p.lat) }))
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .map((e) => e.s);
    const ordered = [...rows].sort((a, b) => {
      const ua = communityShortName(a.name).endsWith('社区') ? 0 : 1;
      const ub = communityShortName(b.name).endsWith('社区') ? 0 : 1;
      return ua - ub || (a.code < b.code ? -1 : 1);
    });
    const weights = ordered.map((r) => (communityShortName(r.name).endsWith('社区') ? 2.5 : 1));
    const wSum = weights.reduce((a, b) => a + b, 0);
    const targets = weights.map((w) => (w / wSum) * members.length);
    const owner = partitionGraph(lUnits, lAdj, bySeedDistance, targets, 30);
    ordered.forEach((row, r) => {
      const cellIdx = members.filter((_, i) => owner[i] === r);
      communities.push({
        code: row.code,
        name: row.name,
        street: k,
        cells: cellIdx,
        urban: communityShortName(row.name).endsWith('社区'),
      });
    });
  });
  communities.sort((a, b) => (a.code < b.code ? -1 : 1));
  communities.forEach((c, ci) => {
    if (c.cells.length === 0) throw new Error(`community ${c.code} without grids`);
    for (const g of c.cells) cells[g]!.community = ci;
  });
  log('communities assigned');

  // ---- 6. management zones (管区): contiguous groups of whole communities ----
  const zoneCounts = allocate(
    ZONE_TOTAL,
    communitiesByStreet.map((l) => l.length),
    communitiesByStreet.map((l) => l.length),
  );
  const rz = subRng(seed, 'zones');
  interface ZoneInfo {
    code: string;
    street: number;
    communities: number[];
    name: string;
  }
  const zones: ZoneInfo[] = [];
  streetsRows.forEach((srow, k) => {
    const members = communities.map((_, i) => i).filter((i) => communities[i]!.street === k);
    const local = new Map(members.map((c, i) => [c, i]));
    const cUnits: Unit[] = members.map((ci) => {
      const cs = communities[ci]!.cells;
      return {
        x: cs.reduce((a, g) => a + cells[g]!.x, 0) / cs.length,
        y: cs.reduce((a, g) => a + cells[g]!.y, 0) / cs.length,
        weight: cs.length,
      };
    });
    const cAdj = members.map((ci) => {
      const set = new Set<number>();
      for (const g of communities[ci]!.cells)
        for (const n of cells[g]!.neighbours) {
          const other = cells[n]!.community;
          if (other !== ci && local.has(other)) set.add(local.get(other)!);
        }
      return [...set].sort((a, b) => a - b);
    });
    const z = zoneCounts[k]!;
    const seeds = kMeansSeeds(cUnits, cUnits.map((_, i) => i), z, () => rz.next());
    const total = cUnits.reduce((a, u) => a + u.weight, 0);
    const owner = partitionGraph(cUnits, cAdj, seeds, seeds.map(() => total / z), 30);
    // zone order: north → south, west → east by the mean position of their communities
    const groups = seeds.map((_, r) => members.filter((_, i) => owner[i] === r));
    const centre = (g: number[]): [number, number] => {
      const cs = g.flatMap((ci) => communities[ci]!.cells);
      return [cs.reduce((a, i) => a + cells[i]!.x, 0) / cs.length, cs.reduce((a, i) => a + cells[i]!.y, 0) / cs.length];
    };
    const sorted = groups
      .filter((g) => g.length > 0)
      .map((g) => ({ g, c: centre(g) }))
      .sort((a, b) => b.c[1] - a.c[1] || a.c[0] - b.c[0]);
    sorted.forEach(({ g }, zi) => {
      const largest = [...g].sort((a, b) => communities[b]!.cells.length - communities[a]!.cells.length || a - b)[0]!;
      zones.push({
        code: `${srow.code}${String(zi + 1).padStart(2, '0')}`,
        street: k,
        communities: [...g].sort((a, b) => a - b),
        name: `${placeName(communityShortName(communities[largest]!.name))}管区`,
      });
    });
  });
  {
    const seen = new Map<string, number>();
    for (const z of zones) seen.set(z.name, (seen.get(z.name) ?? 0) + 1);
    for (const z of zones) if (seen.get(z.name)! > 1) z.name = `${streetsRows[z.street]!.name.replace(/(街道|镇)$/, '')}${z.name}`;
  }
  zones.forEach((z, zi) => {
    for (const ci of z.communities) for (const g of communities[ci]!.cells) cells[g]!.zone = zi;
  });
  log(`zones: ${zones.length}`);

  // ---- 7. grid numbering, population ----
  const rpop = subRng(seed, 'population');
  const rawPop = cells.map((c) => Math.max(c.mass, 4) * rpop.range(0.85, 1.15));
  const pops = apportion(POPULATION_TOTAL, rawPop);
  const households = pops.map((p) => Math.max(1, Math.round(p / rpop.range(2.4, 2.8))));
  interface GridInfo {
    cell: number;
    code: string;
    displayCode: string;
    name: string;
  }
  const grids: GridInfo[] = [];
  const communityLetter = new Map<number, string>();
  streetsRows.forEach((_, k) => {
    communities
      .map((c, ci) => ({ c, ci }))
      .filter((e) => e.c.street === k)
      .forEach((e, idx) => communityLetter.set(e.ci, letterCode(idx)));
  });
  communities.forEach((c, ci) => {
    // rows of about one grid height, north first; inside a row west → east
    const areaKm2 = c.cells.reduce((a, g) => a + multiPolygonAreaKm2(cells[g]!.geometry), 0);
    const rowKm = Math.sqrt(areaKm2 / c.cells.length);
    const top = Math.max(...c.cells.map((g) => cells[g]!.y));
    const ordered = [...c.cells].sort((a, b) => {
      const ra = Math.floor(((top - cells[a]!.y) * KM_PER_DEG_LAT) / rowKm);
      const rb = Math.floor(((top - cells[b]!.y) * KM_PER_DEG_LAT) / rowKm);
      return ra - rb || cells[a]!.x - cells[b]!.x || a - b;
    });
    if (ordered.length > 999) throw new Error('too many grids in a community');
    const short = communityShortName(c.name);
    ordered.forEach((g, n) => {
      grids.push({
        cell: g,
        code: `${c.code}${String(n + 1).padStart(3, '0')}`,
        displayCode: `${communityLetter.get(ci)!}${n + 1}`,
        name: `${short}第${n + 1}网格`,
      });
    });
  });
  log('grids numbered');

  // ---- 8. features; coarse levels are unions of the grids ----
  const gridFeatures: AreaFeature[] = grids.map((g) => {
    const c = cells[g.cell]!;
    const com = communities[c.community]!;
    return areaFeature(g.code, c.geometry, {
      code: g.code,
      level: 'grid',
      name: g.name,
      parentCode: com.code,
      displayCode: g.displayCode,
      population: pops[g.cell]!,
      households: households[g.cell]!,
      streetCode: streetsRows[c.street]!.code,
      zoneCode: zones[c.zone]!.code,
      communityCode: com.code,
      urban: com.urban,
    });
  });
  const gridByCell = new Map<number, AreaFeature>();
  grids.forEach((g, i) => gridByCell.set(g.cell, gridFeatures[i]!));
  const sumOf = (fs: AreaFeature[]): { population: number; households: number } => ({
    population: fs.reduce((a, f) => a + f.properties.population, 0),
    households: fs.reduce((a, f) => a + f.properties.households, 0),
  });
  const communityFeatures: AreaFeature[] = communities.map((c) => {
    const parts = c.cells.map((g) => gridByCell.get(g)!);
    const zi = cells[c.cells[0]!]!.zone;
    return areaFeature(c.code, unionAll(parts.map((f) => f.geometry)), {
      code: c.code,
      level: 'community',
      name: c.name,
      shortName: communityShortName(c.name),
      parentCode: zones[zi]!.code,
      displayCode: null,
      ...sumOf(parts),
      streetCode: streetsRows[c.street]!.code,
      zoneCode: zones[zi]!.code,
      communityCode: null,
      urban: c.urban,
    });
  });
  log('communities merged');
  const zoneFeatures: AreaFeature[] = zones.map((z) => {
    const parts = z.communities.map((ci) => communityFeatures[ci]!);
    const urbanCount = z.communities.filter((ci) => communities[ci]!.urban).length;
    return areaFeature(z.code, unionAll(parts.map((f) => f.geometry)), {
      code: z.code,
      level: 'zone',
      name: z.name,
      parentCode: streetsRows[z.street]!.code,
      displayCode: null,
      ...sumOf(parts),
      streetCode: streetsRows[z.street]!.code,
      zoneCode: null,
      communityCode: null,
      urban: urbanCount * 2 >= z.communities.length,
    });
  });
  log('zones merged');
  const streetFeatures: AreaFeature[] = streetsRows.map((s, k) => {
    const parts = zoneFeatures.filter((_, zi) => zones[zi]!.street === k);
    return areaFeature(s.code, unionAll(parts.map((f) => f.geometry)), {
      code: s.code,
      level: 'street',
      name: s.name,
      parentCode: DISTRICT_CODE,
      displayCode: null,
      ...sumOf(parts),
      streetCode: null,
      zoneCode: null,
      communityCode: null,
      urban: s.name.endsWith('街道'),
    });
  });
  log('streets merged');
  const districtFeatures: AreaFeature[] = [
    areaFeature(DISTRICT_CODE, unionAll(streetFeatures.map((f) => f.geometry)), {
      code: DISTRICT_CODE,
      level: 'district',
      name: DISTRICT_NAME,
      shortName: '青岛西海岸新区（黄岛区）',
      parentCode: null,
      displayCode: null,
      ...sumOf(streetFeatures),
      streetCode: null,
      zoneCode: null,
      communityCode: null,
      urban: true,
    }),
  ];
  log('district merged');

  // ---- 9. staff and teams ----
  const staff = buildStaff(seed, gridFeatures);
  const teams = buildTeams(seed, zoneFeatures, gridFeatures, cells, grids.map((g) => g.cell), streetFeatures);

  return {
    district: collection(districtFeatures),
    streets: collection(streetFeatures),
    zones: collection(zoneFeatures),
    communities: collection(communityFeatures),
    grids: collection(gridFeatures),
    staff,
    teams,
  };
}

function collection(features: AreaFeature[]): AreaCollection {
  return { type: 'FeatureCollection', features };
}

function areaFeature(code: string, geometry: MultiPolygon, properties: AreaProperties): AreaFeature {
  return { type: 'Feature', id: code, properties, geometry };
}

function unionAll(geoms: MultiPolygon[]): MultiPolygon {
  if (geoms.length === 1) return geoms[0]!;
  const fc = turf.featureCollection(geoms.map((g) => turf.feature(g) as Feature<MultiPolygon>));
  const u = turf.union(fc);
  if (!u) throw new Error('empty union');
  return normalizeGeometry(u.geometry);
}

/** Split `total` into integers proportional to `weights` (largest remainder), each ≥ 1 and ≤ cap. */
function allocate(total: number, weights: number[], caps: number[]): number[] {
  const out = weights.map(() => 1);
  let left = total - out.length;
  while (left > 0) {
    let best = -1, bestScore = -Infinity;
    weights.forEach((w, i) => {
      if (out[i]! >= caps[i]!) return;
      const score = w / (out[i]! + 0.5); // Webster / Sainte-Laguë
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best < 0) throw new Error('cannot allocate');
    out[best] = out[best]! + 1;
    left--;
  }
  return out;
}

/** Integers proportional to `raw`, summing exactly to `total` (largest remainder). */
function apportion(total: number, raw: number[]): number[] {
  const sum = raw.reduce((a, b) => a + b, 0);
  const exact = raw.map((r) => (r / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, f: e - Math.floor(e) })).sort((a, b) => b.f - a.f || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = out[i]! + 1;
    left--;
  }
  return out;
}

/** Chunk a list into consecutive groups of at most `size` (the remainder is spread, no group of 1 if avoidable). */
function chunks<T>(items: T[], size: number): T[][] {
  const n = Math.max(1, Math.ceil(items.length / size));
  const out: T[][] = [];
  for (let i = 0; i < n; i++) out.push(items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
  return out.filter((c) => c.length > 0);
}

function buildStaff(seed: number, grids: AreaFeature[]): StaffMember[] {
  const rng = subRng(seed, 'staff');
  const phones = new PhoneBook(subRng(seed, 'phones'));
  const staff: StaffMember[] = [];
  const add = (role: StaffRole, gridCodes: string[], responsibleFor: string[] = []): void => {
    staff.push({
      id: `S${String(staff.length + 1).padStart(6, '0')}`,
      name: personName(rng),
      role,
      phone: phones.next(),
      gridCodes,
      responsibleFor,
    });
  };
  // vacancies: half without any grid worker, half with a worker who is not (yet) the responsible person
  const vacant = new Map<string, 'missing' | 'unappointed'>();
  const pool = grids.map((g) => g.properties.code);
  const rv = subRng(seed, 'vacancies');
  while (vacant.size < VACANCY_TOTAL) {
    const code = rv.pick(pool);
    if (!vacant.has(code)) vacant.set(code, vacant.size % 2 === 0 ? 'missing' : 'unappointed');
  }
  const byCommunity = new Map<string, AreaFeature[]>();
  const byZone = new Map<string, AreaFeature[]>();
  for (const g of grids) {
    const c = g.properties.communityCode!;
    const z = g.properties.zoneCode!;
    byCommunity.set(c, [...(byCommunity.get(c) ?? []), g]);
    byZone.set(z, [...(byZone.get(z) ?? []), g]);
  }
  const codesOf = (fs: AreaFeature[]): string[] => fs.map((f) => f.properties.code);
  // 专职网格员: one per grid
  for (const g of grids) {
    const code = g.properties.code;
    const v = vacant.get(code);
    if (v === 'missing') continue;
    add('grid_worker', [code], v === 'unappointed' ? [] : [code]);
  }
  // 社区民警: one per 2–4 neighbouring grids of a community (urban communities have more officers)
  for (const [, gs] of byCommunity) for (const part of chunks(gs, gs[0]!.properties.urban ? 3 : 4)) add('community_police', codesOf(part));
  // 城管队员: one per up to 4 grids of a zone
  for (const [, gs] of byZone) for (const part of chunks(gs, 4)) add('city_management', codesOf(part));
  // 安全监管员: one per up to 2 grids of a community
  for (const [, gs] of byCommunity) for (const part of chunks(gs, 2)) add('safety_inspector', codesOf(part));
  // others: building heads and property managers in urban grids, volunteers everywhere
  for (const g of grids) {
    const code = g.properties.code;
    const extra: StaffRole[] = [];
    if (g.properties.urban) {
      const heads = rng.int(1, 3);
      for (let i = 0; i < heads; i++) extra.push('building_head');
      if (rng.chance(0.7)) extra.push('property_manager');
      if (rng.chance(0.5)) extra.push('volunteer');
    } else {
      extra.push('volunteer');
      if (rng.chance(0.5)) extra.push('volunteer');
      if (rng.chance(0.3)) extra.push('building_head');
    }
    if (vacant.get(code) === 'missing') extra.push('volunteer'); // keeps at least five people on the grid
    for (const role of extra) add(role, [code]);
  }
  return staff;
}

const ORDINAL = (n: number): string => chineseNumber(n);

function buildTeams(
  seed: number,
  zones: AreaFeature[],
  grids: AreaFeature[],
  cells: { x: number; y: number }[],
  gridCells: number[],
  streets: AreaFeature[],
): Team[] {
  const rng = subRng(seed, 'teams');
  const teams: Team[] = [];
  const gridsByZone = new Map<string, number[]>();
  grids.forEach((g, i) => {
    const z = g.properties.zoneCode!;
    gridsByZone.set(z, [...(gridsByZone.get(z) ?? []), i]);
  });
  const status = (): TeamStatus => {
    const u = rng.next();
    return u < 0.62 ? 'available' : u < 0.75 ? 'en_route' : u < 0.87 ? 'on_scene' : 'off_duty';
  };
  const place = (zoneCode: string): { lon: number; lat: number } => {
    const gi = rng.pick(gridsByZone.get(zoneCode)!);
    const c = cells[gridCells[gi]!]!;
    return { lon: c.x, lat: c.y }; // the grid's generator point: inside the grid
  };
  const urbanZones = zones.filter((z) => z.properties.urban).map((z) => z.properties.code);
  const allZones = zones.map((z) => z.properties.code);
  const add = (code: string, name: string, kind: TeamKind, homeZoneCode: string, members: Team['members']): void => {
    teams.push({ code, name, kind, status: status(), homeZoneCode, members, ...place(homeZoneCode) });
  };
  // 15 police patrol groups, each 1–2 police + 3–4 auxiliaries
  const patrolZones = rng.shuffle([...urbanZones]).slice(0, 11).concat(rng.shuffle(allZones.filter((z) => !urbanZones.includes(z))).slice(0, 4));
  for (let i = 1; i <= 15; i++) {
    const members: Team['members'] = [];
    const police = rng.int(1, 2);
    const aux = rng.int(3, 4);
    for (let j = 0; j < police; j++) members.push({ name: personName(rng), role: 'police' });
    for (let j = 0; j < aux; j++) members.push({ name: personName(rng), role: 'auxiliary' });
    add(`PG${String(i).padStart(2, '0')}`, `第${ORDINAL(i)}巡逻组`, 'police_patrol', patrolZones[i - 1]!, members);
  }
  // 10 city-management squads
  for (let i = 1; i <= 10; i++) {
    const members: Team['members'] = [{ name: personName(rng), role: 'leader' }];
    const n = rng.int(3, 6);
    for (let j = 0; j < n; j++) members.push({ name: personName(rng), role: 'officer' });
    add(`CM${String(i).padStart(2, '0')}`, `城管执法${ORDINAL(i)}中队`, 'city_management', rng.pick(urbanZones), members);
  }
  // one grid team per street
  streets.forEach((s, i) => {
    const members: Team['members'] = [{ name: personName(rng), role: 'leader' }];
    const n = rng.int(4, 8);
    for (let j = 0; j < n; j++) members.push({ name: personName(rng), role: 'member' });
    const own = zones.filter((z) => z.properties.streetCode === s.properties.code).map((z) => z.properties.code);
    add(`GT${String(i + 1).padStart(2, '0')}`, `${s.properties.name}网格服务队`, 'grid_team', own[0]!, members);
  });
  // emergency rescue and market supervision
  for (let i = 1; i <= 4; i++) {
    const members: Team['members'] = [{ name: personName(rng), role: 'leader' }];
    const n = rng.int(5, 9);
    for (let j = 0; j < n; j++) members.push({ name: personName(rng), role: 'member' });
    add(`EM${String(i).padStart(2, '0')}`, `应急救援${ORDINAL(i)}队`, 'emergency', rng.pick(allZones), members);
  }
  for (let i = 1; i <= 3; i++) {
    const members: Team['members'] = [{ name: personName(rng), role: 'leader' }];
    const n = rng.int(2, 4);
    for (let j = 0; j < n; j++) members.push({ name: personName(rng), role: 'officer' });
    add(`MS${String(i).padStart(2, '0')}`, `市场监管${ORDINAL(i)}组`, 'market_supervision', rng.pick(urbanZones), members);
  }
  return teams;
}

/**
 * Clips convex cells to the district. Cells that no boundary edge comes near (bucketed edge index) and whose
 * corners are inside are kept whole; the others are intersected with the district cut down to the cell's
 * neighbourhood (much faster than intersecting with the whole outline).
 */
class BoundaryClipper {
  private static readonly BIN = 0.01;
  private readonly bins = new Map<string, number[]>();
  private readonly inside: PointIndex;
  private readonly feature: Feature<MultiPolygon>;
  constructor(private readonly boundary: MultiPolygon) {
    this.inside = new PointIndex(boundary);
    this.feature = turf.feature(boundary);
    let e = 0;
    for (const poly of boundary.coordinates)
      for (const ring of poly)
        for (let j = 0; j + 1 < ring.length; j++, e++) {
          const [ax, ay] = ring[j]! as [number, number];
          const [bx, by] = ring[j + 1]! as [number, number];
          for (let gx = this.bin(Math.min(ax, bx)); gx <= this.bin(Math.max(ax, bx)); gx++)
            for (let gy = this.bin(Math.min(ay, by)); gy <= this.bin(Math.max(ay, by)); gy++) {
              const key = `${gx},${gy}`;
              const list = this.bins.get(key);
              if (list) list.push(e);
              else this.bins.set(key, [e]);
            }
        }
  }
  private bin(v: number): number {
    return Math.floor(v / BoundaryClipper.BIN);
  }
  clip(ring: number[][]): Polygon | MultiPolygon | null {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [x, y] of ring as [number, number][]) {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    let near = false;
    for (let gx = this.bin(x0); gx <= this.bin(x1) && !near; gx++)
      for (let gy = this.bin(y0); gy <= this.bin(y1) && !near; gy++) if (this.bins.has(`${gx},${gy}`)) near = true;
    const cell = turf.polygon([ring]);
    if (!near) return ring.every(([x, y]) => this.inside.contains(x!, y!)) ? cell.geometry : null;
    // cut the outline down to a box around the cell, then intersect exactly
    const mx = (x1 - x0) * 0.25 + 1e-4, my = (y1 - y0) * 0.25 + 1e-4;
    const box: [number, number, number, number] = [x0 - mx, y0 - my, x1 + mx, y1 + my];
    const parts: number[][][][] = [];
    for (const poly of this.boundary.coordinates) {
      const pb = bboxOf({ type: 'MultiPolygon', coordinates: [poly] });
      if (pb[0] > box[2] || pb[2] < box[0] || pb[1] > box[3] || pb[3] < box[1]) continue;
      const c = turf.bboxClip(turf.polygon(poly), box).geometry;
      const rings = (c.type === 'Polygon' ? [c.coordinates] : c.coordinates) as number[][][][];
      for (const p of rings) {
        const kept = p.filter((r) => r.length >= 4);
        if (kept.length > 0 && kept[0] === p[0]) parts.push(kept);
      }
    }
    if (parts.length === 0) return null;
    try {
      const local = turf.multiPolygon(parts);
      const r = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([cell, local]));
      return r ? r.geometry : null;
    } catch {
      const r = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([cell, this.feature]));
      return r ? r.geometry : null;
    }
  }
}
