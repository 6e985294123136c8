import { describe, expect, it } from 'vitest';
import { generateMegacity } from '../src/index.ts';
import { PointIndex } from '../src/geo.ts';
import { area } from './helpers.ts';

describe('megacity generator', () => {
  it('builds the requested number of grids with unique, nested codes', () => {
    const t0 = performance.now();
    const city = generateMegacity({ grids: 2000 });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(city.grids.features).toHaveLength(2000);
    expect(city.teams).toHaveLength(5000);
    const codes = new Set<string>();
    const levels = [city.district, city.streets, city.zones, city.communities, city.grids];
    const formats = [/^\d{6}$/, /^\d{9}$/, /^\d{11}$/, /^\d{12}$/, /^\d{15}$/];
    levels.forEach((fc, i) => {
      for (const f of fc.features) {
        expect(f.properties.code).toMatch(formats[i]!);
        expect(codes.has(f.properties.code)).toBe(false);
        codes.add(f.properties.code);
        if (i > 0) expect(codes.has(f.properties.parentCode!)).toBe(true);
      }
    });
    for (const g of city.grids.features) {
      expect(g.properties.code.startsWith(g.properties.communityCode!)).toBe(true);
      expect(g.properties.communityCode!.startsWith(g.properties.streetCode!)).toBe(true);
      expect(g.properties.zoneCode!.startsWith(g.properties.streetCode!)).toBe(true);
      expect(g.properties.displayCode).toMatch(/^[A-Z]+\d+$/);
    }
    const zones = new Map(city.zones.features.map((z) => [z.properties.code, z]));
    for (const t of city.teams.slice(0, 500)) {
      const z = zones.get(t.homeZoneCode)!;
      expect(z).toBeDefined();
      expect(new PointIndex(z.geometry).contains(t.lon, t.lat)).toBe(true);
    }
    expect(new Set(city.teams.map((t) => t.code)).size).toBe(5000);
  });

  it('tiles the lattice: each level adds up to the district area and population', () => {
    const city = generateMegacity({ grids: 2000, teams: 10 });
    const districtArea = area(city.district.features[0]!.geometry);
    for (const fc of [city.streets, city.zones, city.communities, city.grids]) {
      const sum = fc.features.reduce((a, f) => a + area(f.geometry), 0);
      expect(Math.abs(sum - districtArea) / districtArea).toBeLessThan(1e-6);
      expect(fc.features.reduce((a, f) => a + f.properties.population, 0)).toBe(city.district.features[0]!.properties.population);
    }
    expect(districtArea).toBeGreaterThan(1400); // ≈ 40 km × 40 km
  });

  it('makes 50,000 grids quickly', () => {
    const t0 = performance.now();
    const city = generateMegacity({ grids: 50_000 });
    expect(city.grids.features).toHaveLength(50_000);
    expect(new Set(city.grids.features.map((g) => g.properties.code)).size).toBe(50_000);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
