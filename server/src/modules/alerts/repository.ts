/**
 * SQL of the public alerts (docs/alerts.md): the case events that are messages, read from `event` and `cases`
 * (never written here), the names of their places and categories, and the grids' polygons. Values as $n.
 */
import type pg from 'pg';
import { ALERT_EVENT_TYPES, ALERT_PRIORITIES } from '@gridcommand/shared/domain';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** One message's facts: the event, and the case as the event left it (its payload's facts; the row where absent). */
export interface AlertRow {
  eventId: string;
  at: Date;
  caseCode: string;
  priority: string;
  status: string;
  action: string | null;
  escalationLevel: string;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  majorName: string;
  majorNameEn: string;
  gridCode: string;
  gridName: string;
  streetName: string;
  /** an earlier message of the same case exists */
  hasPrevious: boolean;
}

const FACTS = `
  e.id::text AS "eventId", e.at, c.code AS "caseCode", c.priority,
  COALESCE(e.payload->'case'->>'status', e.to_state, c.status) AS status,
  e.payload->>'action' AS action,
  COALESCE(e.payload->'case'->>'escalationLevel', 'grid') AS "escalationLevel",
  c.category_code AS "categoryCode", k.name AS "categoryName", k.name_en AS "categoryNameEn",
  m.name AS "majorName", m.name_en AS "majorNameEn",
  COALESCE(e.payload->'case'->>'gridCode', c.grid_code) AS "gridCode", COALESCE(g.name, '') AS "gridName",
  COALESCE(s.name, '') AS "streetName"`;

const JOINS = `
  JOIN cases c ON c.id = e.case_id
  JOIN category k ON k.code = c.category_code
  JOIN category_major m ON m.code = k.major_code
  LEFT JOIN area g ON g.code = COALESCE(e.payload->'case'->>'gridCode', c.grid_code)
  LEFT JOIN area s ON s.code = COALESCE(e.payload->'case'->>'streetCode', c.street_code)`;

export interface FeedQuery {
  since: Date | null;
  limit: number;
}

/**
 * The latest messages, newest first (by event id: the order of commits). The emergency cases are few: their ids
 * first, then their events through event_case_idx (walking the whole event table backwards is far slower).
 */
export async function latestAlerts(db: Queryable, q: FeedQuery): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT ${FACTS},
            EXISTS (SELECT 1 FROM event p WHERE p.case_id = e.case_id AND p.type = ANY($2::text[]) AND p.id < e.id) AS "hasPrevious"
     FROM event e ${JOINS}
     WHERE e.case_id = ANY(ARRAY(SELECT id FROM cases WHERE priority = ANY($1::text[])))
       AND e.type = ANY($2::text[]) AND ($3::timestamptz IS NULL OR e.at >= $3)
     ORDER BY e.id DESC
     LIMIT $4`,
    [ALERT_PRIORITIES, ALERT_EVENT_TYPES, q.since, q.limit],
  );
  return rows;
}

/** The messages of one case up to and including an event, oldest first; empty when the case is not published. */
export async function caseAlertsUpTo(db: Queryable, caseCode: string, eventId: string): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT ${FACTS}, false AS "hasPrevious"
     FROM event e ${JOINS}
     WHERE c.code = $1 AND c.priority = ANY($2::text[]) AND e.type = ANY($3::text[]) AND e.id <= $4::bigint
     ORDER BY e.id`,
    [caseCode, ALERT_PRIORITIES, ALERT_EVENT_TYPES, eventId],
  );
  return rows;
}

export interface District {
  code: string;
  name: string;
}

export async function district(db: Queryable): Promise<District> {
  const { rows } = await db.query<District>(`SELECT code, name FROM area WHERE level = 'district' ORDER BY code LIMIT 1`);
  return rows[0] ?? { code: '000000', name: '' };
}

/** A grid's outline as GeoJSON MultiPolygon coordinates (WGS 84, 7 decimals); null when it has none. */
export async function gridOutline(db: Queryable, gridCode: string): Promise<number[][][][] | null> {
  const { rows } = await db.query<{ geojson: string }>(
    `SELECT ST_AsGeoJSON(ST_Multi(geom), 7) AS geojson FROM area WHERE code = $1`,
    [gridCode],
  );
  if (!rows[0]) return null;
  return (JSON.parse(rows[0].geojson) as { coordinates: number[][][][] }).coordinates;
}
