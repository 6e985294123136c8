/**
 * SQL of /ogc/: each collection as a source (its tables, id, geometry and properties), the items page and its count,
 * one feature, and the collection's extent. Features are rendered as GeoJSON text by PostgreSQL (ST_AsGeoJSON,
 * json_build_object) and joined as they are: no parsing and re-serialising in Node. Every value is a $n parameter;
 * every identifier comes from the collection definitions (collections.ts) through the allow-lists below.
 */
import type pg from 'pg';
import type { CollectionDef } from './collections.ts';
import type { Bbox, Filter, Interval } from './params.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** Decimal digits of coordinates: 1e-6 degrees is about 0.1 m. */
export const COORD_DIGITS = 6;

/**
 * Values of a statement: add() hands out a placeholder; bind() numbers the placeholders a statement really uses as
 * $1, $2… (one source serves several statements, and PostgreSQL refuses a parameter a statement does not use).
 */
class Params {
  private readonly all: unknown[] = [];
  add(v: unknown, cast = ''): string {
    this.all.push(v);
    return `{{${this.all.length - 1}}}${cast}`;
  }
  bind(text: string): { text: string; values: unknown[] } {
    const numbers = new Map<number, number>();
    const values: unknown[] = [];
    const out = text.replace(/\{\{(\d+)\}\}/g, (_, i: string) => {
      const k = Number(i);
      if (!numbers.has(k)) {
        values.push(this.all[k]);
        numbers.set(k, values.length);
      }
      return `$${numbers.get(k)}`;
    });
    return { text: out, values };
  }
}

interface Source {
  from: string;
  /** the table alone, for a count whose conditions need none of the joins (they are inner joins on foreign keys) */
  countFrom?: { from: string; unless: RegExp };
  where: string[];
  id: string;
  order: string;
  geom: string;
  /** property name → SQL expression (the allow-list of what is shown) */
  props: Record<string, string>;
  /** queryable name → SQL expression (the allow-list of what is filtered) */
  filters: Record<string, string>;
  temporal?: string;
}

const AREA_COLUMNS: Record<string, string> = {
  code: 'a.code',
  name: 'a.name',
  short_name: 'a.short_name',
  display_code: 'a.display_code',
  level: 'a.level::text',
  parent_code: 'a.parent_code',
  street_code: 'a.street_code',
  zone_code: 'a.zone_code',
  community_code: 'a.community_code',
  population: 'a.population',
  households: 'a.households',
  urban: 'a.urban',
};

const CASE_COLUMNS: Record<string, string> = {
  code: 'c.code',
  category_code: 'c.category_code',
  category_name: 'cat.name',
  major_code: 'cat.major_code',
  status: 'c.status',
  light: 'c.light',
  priority: 'c.priority',
  street_code: 'c.street_code',
  zone_code: 'c.zone_code',
  community_code: 'c.community_code',
  grid_code: 'c.grid_code',
  reported_at: 'c.reported_at',
  closed_at: 'c.closed_at',
};

const TEAM_COLUMNS: Record<string, string> = {
  code: 't.code',
  name: 't.name',
  kind: 't.kind::text',
  status: 't.status::text',
  home_zone_code: 't.home_zone_code',
  position_at: 't.position_at',
};

const NAME = /^[a-z_]+$/;

function pick(columns: Record<string, string>, names: readonly string[], what: string): Record<string, string> {
  return Object.fromEntries(
    names.map((n) => {
      const expr = columns[n];
      if (!expr || !NAME.test(n)) throw new Error(`ogc: ${what} "${n}" is not in the allow-list`);
      return [n, expr];
    }),
  );
}

function sourceOf(def: CollectionDef, p: Params, sensitiveMajors: readonly string[]): Source {
  const queryables = Object.keys(def.queryables);
  if (def.kind === 'area') {
    return {
      from: 'area a',
      where: [`a.level = ${p.add(def.level)}::area_level`],
      id: 'a.code',
      order: 'a.code',
      geom: 'a.geom',
      props: pick(AREA_COLUMNS, def.properties, 'property'),
      filters: pick(AREA_COLUMNS, queryables, 'queryable'),
    };
  }
  if (def.kind === 'cases') {
    // a sensitive category is shown, and found by bbox, only at its grid's centre (the public rule, public.ts)
    const sensitive = `(cat.major_code = ANY(${p.add([...sensitiveMajors])}::text[]))`;
    const columns = { ...CASE_COLUMNS, location_generalised: sensitive };
    return {
      from: 'cases c JOIN category cat ON cat.code = c.category_code JOIN area g ON g.code = c.grid_code',
      countFrom: { from: 'cases c', unless: /\b(cat|g)\./ },
      where: [],
      id: 'c.code',
      order: 'c.id',
      geom: `(CASE WHEN ${sensitive} THEN g.label_point ELSE c.location END)`,
      props: pick(columns, def.properties, 'property'),
      filters: pick(columns, queryables, 'queryable'),
      temporal: 'c.reported_at',
    };
  }
  return {
    from: 'team t',
    where: [],
    id: 't.id',
    order: 't.id',
    geom: 't.position',
    props: pick(TEAM_COLUMNS, def.properties, 'property'),
    filters: pick(TEAM_COLUMNS, queryables, 'queryable'),
    temporal: 't.position_at',
  };
}

function featureText(s: Source): string {
  const props = Object.entries(s.props).map(([n, expr]) => `'${n}', ${expr}`).join(', ');
  return `'{"type":"Feature","id":' || to_json(${s.id})::text || ',"geometry":' || coalesce(ST_AsGeoJSON(${s.geom}, ${COORD_DIGITS}), 'null')
    || ',"properties":' || json_build_object(${props})::text || '}'`;
}

export interface ItemsQuery {
  bbox?: Bbox;
  interval?: Interval;
  filters: Filter[];
  limit: number;
  offset: number;
}

function whereOf(s: Source, p: Params, q: ItemsQuery): string {
  const where = [...s.where];
  if (q.bbox) where.push(`ST_Intersects(${s.geom}, ST_MakeEnvelope(${q.bbox.map((v) => p.add(v, '::float8')).join(', ')}, 4326))`);
  if (q.interval && s.temporal) {
    const { from, to } = q.interval;
    if (from && to && from.getTime() === to.getTime()) where.push(`${s.temporal} = ${p.add(from)}`);
    else {
      if (from) where.push(`${s.temporal} >= ${p.add(from)}`);
      if (to) where.push(`${s.temporal} <= ${p.add(to)}`);
      if (!from && !to) where.push(`${s.temporal} IS NOT NULL`);
    }
  }
  for (const f of q.filters) {
    const expr = s.filters[f.name];
    if (!expr) throw new Error(`ogc: filter "${f.name}" is not in the allow-list`);
    if ('flag' in f) where.push(`${expr} = ${p.add(f.flag)}`);
    else if (f.values.length === 1) where.push(`${expr} = ${p.add(f.values[0])}`);
    else where.push(`${expr} = ANY(${p.add(f.values)}::text[])`);
  }
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

export interface ItemsSql {
  page: { text: string; values: unknown[] };
  count: { text: string; values: unknown[] };
}

/** The two statements of an items page (also run bare by the benchmark). */
export function itemsSql(def: CollectionDef, q: ItemsQuery, sensitiveMajors: readonly string[]): ItemsSql {
  const p = new Params();
  const s = sourceOf(def, p, sensitiveMajors);
  const where = whereOf(s, p, q);
  const countFrom = s.countFrom && !s.countFrom.unless.test(where) ? s.countFrom.from : s.from;
  const count = p.bind(`SELECT count(*)::int AS n FROM ${countFrom} ${where}`);
  const limit = p.add(q.limit, '::int');
  const offset = p.add(q.offset, '::int');
  const page = p.bind(
    `SELECT coalesce(string_agg(x.f, ',' ORDER BY x.k), '') AS features, count(*)::int AS n
     FROM (SELECT ${featureText(s)} AS f, ${s.order} AS k FROM ${s.from} ${where} ORDER BY ${s.order} LIMIT ${limit} OFFSET ${offset}) x`,
  );
  return { page, count };
}

export interface ItemsPage {
  /** the features as GeoJSON text, comma-separated (the inside of the "features" array) */
  features: string;
  returned: number;
  matched: number;
}

export async function items(db: Queryable, def: CollectionDef, q: ItemsQuery, sensitiveMajors: readonly string[]): Promise<ItemsPage> {
  const sql = itemsSql(def, q, sensitiveMajors);
  const [page, count] = await Promise.all([
    db.query<{ features: string; n: number }>(sql.page.text, sql.page.values),
    db.query<{ n: number }>(sql.count.text, sql.count.values),
  ]);
  return { features: page.rows[0]!.features, returned: page.rows[0]!.n, matched: count.rows[0]!.n };
}

/** One feature as GeoJSON text; null when there is none with this id in the collection. */
export async function feature(db: Queryable, def: CollectionDef, id: string, sensitiveMajors: readonly string[]): Promise<string | null> {
  if (def.kind === 'teams' && !/^\d{1,9}$/.test(id)) return null;
  const p = new Params();
  const s = sourceOf(def, p, sensitiveMajors);
  const where = [...s.where, `${s.id} = ${p.add(def.kind === 'teams' ? Number(id) : id)}`];
  const sql = p.bind(`SELECT ${featureText(s)} AS f FROM ${s.from} WHERE ${where.join(' AND ')}`);
  const { rows } = await db.query<{ f: string }>(sql.text, sql.values);
  return rows[0]?.f ?? null;
}

export interface Extent {
  bbox: Bbox | null;
  from: Date | null;
  to: Date | null;
}

/** Where and (for collections with time) when each collection's features lie: one statement for them all. */
export async function extents(db: Queryable, defs: readonly CollectionDef[], sensitiveMajors: readonly string[]): Promise<Extent[]> {
  if (defs.length === 0) return [];
  const p = new Params();
  const parts = defs.map((def, i) => {
    const s = sourceOf(def, p, sensitiveMajors);
    const t = s.temporal ?? 'NULL::timestamptz';
    return `SELECT ${i} AS i, ST_Extent(${s.geom}) AS e, min(${t}) AS t0, max(${t}) AS t1 FROM ${s.from} ${s.where.length ? `WHERE ${s.where.join(' AND ')}` : ''}`;
  });
  const sql = p.bind(
    `SELECT x.i, ST_XMin(x.e) AS w, ST_YMin(x.e) AS s, ST_XMax(x.e) AS e, ST_YMax(x.e) AS n, x.t0, x.t1 FROM (${parts.join(' UNION ALL ')}) x ORDER BY x.i`,
  );
  const { rows } = await db.query<{ i: number; w: number | null; s: number | null; e: number | null; n: number | null; t0: Date | null; t1: Date | null }>(sql.text, sql.values);
  return rows.map((r) => ({
    bbox: r.w === null || r.s === null || r.e === null || r.n === null ? null : [r.w, r.s, r.e, r.n],
    from: r.t0,
    to: r.t1,
  }));
}
