/**
 * Decoder for ECharts-compressed GeoJSON (`UTF8Encoding: true`): every ring is a string in which each pair of
 * characters encodes a (dx, dy) step. Per character: subtract 64, zigzag-decode, add to the running value that
 * starts at the ring's `encodeOffsets` entry; the result divided by 1024 is the coordinate in degrees.
 * Files that are already decoded (coordinates are numbers) are passed through unchanged.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export function decodeRing(encoded: string, offsetX: number, offsetY: number): Position[] {
  const out: Position[] = [];
  let prevX = offsetX;
  let prevY = offsetY;
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1); // zigzag
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    out.push([x / 1024, y / 1024]);
  }
  return out;
}

interface EncodedGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
  encodeOffsets?: unknown;
}

/** Decode one feature geometry of an ECharts map file into a plain GeoJSON MultiPolygon. */
export function decodeGeometry(geometry: EncodedGeometry): MultiPolygon {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown[][];
  const offsets = (
    geometry.encodeOffsets === undefined
      ? []
      : geometry.type === 'Polygon'
        ? [geometry.encodeOffsets]
        : geometry.encodeOffsets
  ) as [number, number][][];
  const coordinates: Position[][][] = polygons.map((polygon, p) =>
    polygon.map((ring, r) => {
      if (typeof ring === 'string') {
        const off = offsets[p]?.[r];
        if (!off) throw new Error(`missing encodeOffsets for polygon ${p} ring ${r}`);
        return decodeRing(ring, off[0], off[1]);
      }
      return (ring as Position[]).map((c) => [c[0]!, c[1]!]);
    }),
  );
  return { type: 'MultiPolygon', coordinates };
}

export type { Polygon };
