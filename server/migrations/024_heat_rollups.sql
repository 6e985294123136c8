-- Up Migration

-- Rollups of the heatmaps and coarser trend rollups (docs/rollups.md), kept exact in the same transaction as every
-- write to `cases` like those of 023 (same deferral flag gc.rollup_defer; rollup_rebuild() now fills these too).
--   rollup_heat_hex:  cases reported per fixed hexagon (the lattice of heatmap-repository.ts at the edge lengths of
--                     rollup_hex_sizes(): 0.5, 1 and 2 km), CST day and category;
--   rollup_heat_grid: cases reported per grid, CST day and category;
--   rollup_trend_dim: rollup_trend summed per street, per major class and per source (a year of trend by day reads
--                     ~8,000 street-day rows instead of ~220,000 street × class × source rows).
-- The hexagon maths below repeats heatmap-repository.ts's HEX_SIZE, MERC_X/MERC_Y and HEX_SNAP expression for
-- expression (same literals, same types: the same float8 results); server/test/rollups-heatmap.test.ts holds the
-- rollup answers to the raw ones. A change of the district's label point moves the lattice: run rollup_rebuild().

-- The edge lengths pre-aggregated (metres) and the hexagon edge in EPSG:3857 units for each (HEX_SIZE).
CREATE FUNCTION rollup_hex_sizes() RETURNS TABLE (cell_m integer, size float8)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT m, ((m / 1000.0)::float8 * 1000.0 / cos(radians(coalesce((SELECT ST_Y(label_point) FROM area WHERE level = 'district' ORDER BY code LIMIT 1), 0))))
  FROM unnest(ARRAY[500, 1000, 2000]) m
$$;

-- The axial coordinates of the flat-topped hexagon of edge `size` holding the point (x, y) (HEX_SNAP: cube rounding).
CREATE FUNCTION rollup_hex_of(x float8, y float8, size float8, OUT hq integer, OUT hr integer)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN abs(rq - q) > abs(rr - r) AND abs(rq - q) > abs(rt - t) THEN -rr - rt ELSE rq END::int,
         CASE WHEN abs(rq - q) > abs(rr - r) AND abs(rq - q) > abs(rt - t) THEN rr
              WHEN abs(rr - r) > abs(rt - t) THEN -rq - rt ELSE rr END::int
  FROM (SELECT q, r, -q - r AS t, round(q) AS rq, round(r) AS rr, round(-q - r) AS rt
        FROM (SELECT (2.0 / 3 * x) / size AS q, (-1.0 / 3 * x + sqrt(3) / 3 * y) / size AS r) ax) cube
$$;

CREATE TABLE rollup_heat_hex (
  cell_m        integer NOT NULL,
  hq            integer NOT NULL,
  hr            integer NOT NULL,
  day           date NOT NULL,
  category_code text NOT NULL,
  n             integer NOT NULL DEFAULT 0,
  PRIMARY KEY (cell_m, day, hq, hr, category_code)
);

CREATE TABLE rollup_heat_grid (
  grid_code     text NOT NULL,
  day           date NOT NULL,
  category_code text NOT NULL,
  n             integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day, grid_code, category_code)
);

-- dim: 'street' (key = street code), 'major' (key = major class), 'source' (key = source)
CREATE TABLE rollup_trend_dim (
  dim      text NOT NULL,
  key      text NOT NULL,
  day      date NOT NULL,
  reported integer NOT NULL DEFAULT 0,
  closed   integer NOT NULL DEFAULT 0,
  late     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, day, key)
);

-- The backlog arm of the period numbers (closed_day >= F AND resolve_day < F): with both columns in one index the
-- generic plan no longer walks every resolve-by before F (the whole history) to keep the few still open then.
CREATE INDEX rollup_due_backlog_idx ON rollup_due (closed_day, resolve_day);
CREATE INDEX rollup_street_due_backlog_idx ON rollup_street_due (closed_day, resolve_day);

-- Adds the contributions of the case rows `cs`, each times its sign, to the tables above (key order).
CREATE FUNCTION rollup_heat_apply_rows(cs cases[], signs integer[]) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_heat_hex AS r (cell_m, hq, hr, day, category_code, n)
  SELECT s.cell_m, h.hq, h.hr, rollup_day(c.reported_at), c.category_code, sum(c.sign)
  FROM generate_subscripts(cs, 1) i
  CROSS JOIN LATERAL (SELECT (cs[i]).location, (cs[i]).reported_at, (cs[i]).category_code, signs[i] AS sign) c
  CROSS JOIN rollup_hex_sizes() s
  CROSS JOIN LATERAL rollup_hex_of((6378137.0 * radians(ST_X(c.location))), (6378137.0 * ln(tan(pi() / 4 + radians(ST_Y(c.location)) / 2))), s.size) h
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(c.sign) <> 0
  ORDER BY 1, 4, 2, 3, 5
  ON CONFLICT (cell_m, day, hq, hr, category_code) DO UPDATE SET n = r.n + excluded.n;

  INSERT INTO rollup_heat_grid AS r (grid_code, day, category_code, n)
  SELECT (cs[i]).grid_code, rollup_day((cs[i]).reported_at), (cs[i]).category_code, sum(signs[i])
  FROM generate_subscripts(cs, 1) i
  GROUP BY 1, 2, 3
  HAVING sum(signs[i]) <> 0
  ORDER BY 2, 1, 3
  ON CONFLICT (day, grid_code, category_code) DO UPDATE SET n = r.n + excluded.n;

  INSERT INTO rollup_trend_dim AS r (dim, key, day, reported, closed, late)
  SELECT d.dim, d.key, t.day, sum(s * t.reported), sum(s * t.closed), sum(s * t.late)
  FROM generate_subscripts(cs, 1) i CROSS JOIN LATERAL (SELECT signs[i] AS s) k CROSS JOIN LATERAL rollup_trend_of(cs[i]) t
  CROSS JOIN LATERAL (VALUES ('street', t.street_code), ('major', t.major_code), ('source', t.source)) d (dim, key)
  GROUP BY 1, 2, 3
  HAVING sum(s * t.reported) <> 0 OR sum(s * t.closed) <> 0 OR sum(s * t.late) <> 0
  ORDER BY 1, 3, 2
  ON CONFLICT (dim, day, key) DO UPDATE
    SET reported = r.reported + excluded.reported, closed = r.closed + excluded.closed, late = r.late + excluded.late;
END
$$;

CREATE FUNCTION rollup_heat_cases_update() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rollup_deferred() THEN
    PERFORM rollup_heat_apply_rows(ARRAY[OLD, NEW]::cases[], ARRAY[-1, 1]);
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION rollup_heat_cases_insert() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rollup_deferred() THEN
    PERFORM rollup_heat_apply_rows(array_agg(n::cases), array_agg(1)) FROM rollup_heat_new n HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION rollup_heat_cases_delete() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rollup_deferred() THEN
    PERFORM rollup_heat_apply_rows(array_agg(o::cases), array_agg(-1)) FROM rollup_heat_old o HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION rollup_heat_cases_truncate() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rollup_heat_hex;
  DELETE FROM rollup_heat_grid;
  DELETE FROM rollup_trend_dim;
  RETURN NULL;
END
$$;

CREATE TRIGGER cases_rollup_heat_truncate AFTER TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_cases_truncate();
CREATE TRIGGER cases_rollup_heat_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS rollup_heat_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_cases_insert();
CREATE TRIGGER cases_rollup_heat_delete AFTER DELETE ON cases
  REFERENCING OLD TABLE AS rollup_heat_old FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_cases_delete();
-- the columns these tables read (rollup_trend_of's and the heatmaps'); the light job's columns are not among them
CREATE TRIGGER cases_rollup_heat_update AFTER UPDATE ON cases FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
     OR OLD.reported_at IS DISTINCT FROM NEW.reported_at
     OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
     OR OLD.resolve_by IS DISTINCT FROM NEW.resolve_by
     OR OLD.grid_code IS DISTINCT FROM NEW.grid_code
     OR OLD.street_code IS DISTINCT FROM NEW.street_code
     OR OLD.category_code IS DISTINCT FROM NEW.category_code
     OR OLD.source IS DISTINCT FROM NEW.source
     OR OLD.location IS DISTINCT FROM NEW.location)
  EXECUTE FUNCTION rollup_heat_cases_update();

-- Recomputes the tables of this migration from `cases` (the caller holds the SHARE lock: rollup_rebuild()).
CREATE FUNCTION rollup_heat_rebuild() RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE cases IN SHARE MODE;
  DELETE FROM rollup_heat_hex;
  DELETE FROM rollup_heat_grid;
  DELETE FROM rollup_trend_dim;
  INSERT INTO rollup_heat_hex (cell_m, hq, hr, day, category_code, n)
  SELECT s.cell_m, h.hq, h.hr, rollup_day(c.reported_at), c.category_code, count(*)
  FROM cases c
  CROSS JOIN (SELECT * FROM rollup_hex_sizes()) s
  CROSS JOIN LATERAL rollup_hex_of((6378137.0 * radians(ST_X(c.location))), (6378137.0 * ln(tan(pi() / 4 + radians(ST_Y(c.location)) / 2))), s.size) h
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO rollup_heat_grid (grid_code, day, category_code, n)
  SELECT c.grid_code, rollup_day(c.reported_at), c.category_code, count(*) FROM cases c GROUP BY 1, 2, 3;
  INSERT INTO rollup_trend_dim (dim, key, day, reported, closed, late)
  SELECT d.dim, d.key, t.day, sum(t.reported), sum(t.closed), sum(t.late)
  FROM rollup_trend t
  CROSS JOIN LATERAL (VALUES ('street', t.street_code), ('major', t.major_code), ('source', t.source)) d (dim, key)
  GROUP BY 1, 2, 3;
END
$$;

-- rollup_rebuild() of 023, now with the tables above (rollup_trend first: rollup_trend_dim is summed from it).
CREATE OR REPLACE FUNCTION rollup_rebuild() RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE cases IN SHARE MODE;
  DELETE FROM rollup_flow;
  DELETE FROM rollup_due;
  DELETE FROM rollup_trend;
  DELETE FROM rollup_street_flow;
  DELETE FROM rollup_street_due;
  INSERT INTO rollup_flow (grid_code, community_code, zone_code, street_code, day, reported, filed, closed, in_progress, escalated)
  SELECT f.grid_code, f.community_code, f.zone_code, f.street_code, f.day,
         sum(f.reported), sum(f.filed), sum(f.closed), sum(f.in_progress), sum(f.escalated)
  FROM cases c CROSS JOIN LATERAL rollup_flow_of(c) f
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO rollup_due (grid_code, community_code, zone_code, street_code, resolve_day, closed_day, on_time, n)
  SELECT d.grid_code, d.community_code, d.zone_code, d.street_code, d.resolve_day, d.closed_day, d.on_time, sum(d.n)
  FROM cases c CROSS JOIN LATERAL rollup_due_of(c) d
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO rollup_trend (street_code, major_code, source, day, reported, closed, late)
  SELECT t.street_code, t.major_code, t.source, t.day, sum(t.reported), sum(t.closed), sum(t.late)
  FROM cases c CROSS JOIN LATERAL rollup_trend_of(c) t
  GROUP BY 1, 2, 3, 4;
  INSERT INTO rollup_street_flow (district_code, street_code, day, reported, filed, closed, in_progress, escalated)
  SELECT left(f.grid_code, 6), f.street_code, f.day, sum(f.reported), sum(f.filed), sum(f.closed), sum(f.in_progress), sum(f.escalated)
  FROM rollup_flow f GROUP BY 1, 2, 3;
  INSERT INTO rollup_street_due (district_code, street_code, resolve_day, closed_day, on_time, n)
  SELECT left(d.grid_code, 6), d.street_code, d.resolve_day, d.closed_day, d.on_time, sum(d.n)
  FROM rollup_due d GROUP BY 1, 2, 3, 4, 5;
  PERFORM rollup_heat_rebuild();
END
$$;

SELECT rollup_heat_rebuild();
ANALYZE rollup_heat_hex, rollup_heat_grid, rollup_trend_dim, rollup_due, rollup_street_due;

-- Down Migration
DROP TRIGGER IF EXISTS cases_rollup_heat_update ON cases;
DROP TRIGGER IF EXISTS cases_rollup_heat_delete ON cases;
DROP TRIGGER IF EXISTS cases_rollup_heat_insert ON cases;
DROP TRIGGER IF EXISTS cases_rollup_heat_truncate ON cases;
DROP INDEX IF EXISTS rollup_due_backlog_idx, rollup_street_due_backlog_idx;
-- rollup_rebuild() as 023 left it
CREATE OR REPLACE FUNCTION rollup_rebuild() RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE cases IN SHARE MODE;
  DELETE FROM rollup_flow;
  DELETE FROM rollup_due;
  DELETE FROM rollup_trend;
  DELETE FROM rollup_street_flow;
  DELETE FROM rollup_street_due;
  INSERT INTO rollup_flow (grid_code, community_code, zone_code, street_code, day, reported, filed, closed, in_progress, escalated)
  SELECT f.grid_code, f.community_code, f.zone_code, f.street_code, f.day,
         sum(f.reported), sum(f.filed), sum(f.closed), sum(f.in_progress), sum(f.escalated)
  FROM cases c CROSS JOIN LATERAL rollup_flow_of(c) f
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO rollup_due (grid_code, community_code, zone_code, street_code, resolve_day, closed_day, on_time, n)
  SELECT d.grid_code, d.community_code, d.zone_code, d.street_code, d.resolve_day, d.closed_day, d.on_time, sum(d.n)
  FROM cases c CROSS JOIN LATERAL rollup_due_of(c) d
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO rollup_trend (street_code, major_code, source, day, reported, closed, late)
  SELECT t.street_code, t.major_code, t.source, t.day, sum(t.reported), sum(t.closed), sum(t.late)
  FROM cases c CROSS JOIN LATERAL rollup_trend_of(c) t
  GROUP BY 1, 2, 3, 4;
  INSERT INTO rollup_street_flow (district_code, street_code, day, reported, filed, closed, in_progress, escalated)
  SELECT left(f.grid_code, 6), f.street_code, f.day, sum(f.reported), sum(f.filed), sum(f.closed), sum(f.in_progress), sum(f.escalated)
  FROM rollup_flow f GROUP BY 1, 2, 3;
  INSERT INTO rollup_street_due (district_code, street_code, resolve_day, closed_day, on_time, n)
  SELECT left(d.grid_code, 6), d.street_code, d.resolve_day, d.closed_day, d.on_time, sum(d.n)
  FROM rollup_due d GROUP BY 1, 2, 3, 4, 5;
END
$$;
DROP FUNCTION IF EXISTS rollup_heat_rebuild(), rollup_heat_cases_update(), rollup_heat_cases_insert(), rollup_heat_cases_delete(),
  rollup_heat_cases_truncate(), rollup_heat_apply_rows(cases[], integer[]), rollup_hex_of(float8, float8, float8), rollup_hex_sizes();
DROP TABLE IF EXISTS rollup_trend_dim, rollup_heat_grid, rollup_heat_hex;
