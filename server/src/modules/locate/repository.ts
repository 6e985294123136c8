/**
 * Point-in-polygon: which grid (and so which community, zone, street, district) holds a point. The grid is the
 * one rule of areas/grid-at-point.ts (on a shared border: the smallest code).
 */
import type { LocateResponse } from '@gridcommand/shared/schemas';
import { gridAtPointSql, pointOf, type Queryable } from '../areas/grid-at-point.ts';

interface Row {
  gridCode: string;
  gridName: string;
  gridDisplayCode: string | null;
  communityCode: string | null;
  communityName: string | null;
  zoneCode: string | null;
  zoneName: string | null;
  streetCode: string | null;
  streetName: string | null;
  districtCode: string | null;
  districtName: string | null;
}

export type Located = { found: true; areas: LocateResponse } | { found: false; inDistrict: boolean };

export async function locatePoint(db: Queryable, lon: number, lat: number): Promise<Located> {
  const { rows } = await db.query<Row>(
    `SELECT g.code AS "gridCode", g.name AS "gridName", g.display_code AS "gridDisplayCode",
            c.code AS "communityCode", c.name AS "communityName",
            z.code AS "zoneCode", z.name AS "zoneName",
            s.code AS "streetCode", s.name AS "streetName",
            d.code AS "districtCode", d.name AS "districtName"
     FROM ${gridAtPointSql(pointOf('$1::float8', '$2::float8'))} g
     LEFT JOIN area c ON c.code = g.community_code
     LEFT JOIN area z ON z.code = g.zone_code
     LEFT JOIN area s ON s.code = g.street_code
     LEFT JOIN area d ON d.code = left(g.code, 6) AND d.level = 'district'`,
    [lon, lat],
  );
  const r = rows[0];
  if (!r) {
    const inside = await db.query<{ inside: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM area WHERE level = 'district' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
       ) AS inside`,
      [lon, lat],
    );
    return { found: false, inDistrict: inside.rows[0]?.inside ?? false };
  }
  const grid: LocateResponse['grid'] = { code: r.gridCode, name: r.gridName };
  if (r.gridDisplayCode) grid.displayCode = r.gridDisplayCode;
  return {
    found: true,
    areas: {
      grid,
      community: { code: r.communityCode ?? '', name: r.communityName ?? '' },
      zone: { code: r.zoneCode ?? '', name: r.zoneName ?? '' },
      street: { code: r.streetCode ?? '', name: r.streetName ?? '' },
      district: { code: r.districtCode ?? '', name: r.districtName ?? '' },
    },
  };
}
