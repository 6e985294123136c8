-- Up Migration

-- Statistics rollups (docs/rollups.md): the period numbers of /api/stats per grid and CST day, kept exact in the
-- same transaction as every write to `cases` by the triggers below, rebuilt from `cases` by rollup_rebuild().
-- The state lists and the time zone are spelled out here as literals (a trigger cannot take parameters);
-- server/test/rollups.test.ts compares them with the domain constants (ACTIVE_STATES, NEVER_DUE_STATES,
-- CST_TIME_ZONE).

-- The CST calendar day of an instant (null stays null).
CREATE FUNCTION rollup_day(t timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (t AT TIME ZONE 'Asia/Shanghai')::date;

-- Per grid (with the case's own community, zone and street codes) and CST day: reported, filed and closed that
-- day, each by its own instant; of the cases reported that day, those in progress now (ACTIVE_STATES) and those
-- escalated above grid level now.
CREATE TABLE rollup_flow (
  grid_code      text NOT NULL,
  community_code text NOT NULL,
  zone_code      text NOT NULL,
  street_code    text NOT NULL,
  day            date NOT NULL,
  reported       integer NOT NULL DEFAULT 0,
  filed          integer NOT NULL DEFAULT 0,
  closed         integer NOT NULL DEFAULT 0,
  in_progress    integer NOT NULL DEFAULT 0,
  escalated      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (grid_code, day, community_code, zone_code, street_code)
);
CREATE INDEX rollup_flow_day_idx ON rollup_flow (day);
CREATE INDEX rollup_flow_street_day_idx ON rollup_flow (street_code, day);

-- The cases that can be due to close (not void, not parked: NEVER_DUE_STATES), per grid, CST day of resolve-by,
-- CST day of closing ('infinity' while not closed) and whether closed at or before resolve-by. A case closed on time
-- is stored with closed_day = resolve_day: every question the queries ask of closed_day (before the window's end?
-- at or after its start, for a resolve-by before it?) has the same answer for it, and the rows are fewer.
CREATE TABLE rollup_due (
  grid_code      text NOT NULL,
  community_code text NOT NULL,
  zone_code      text NOT NULL,
  street_code    text NOT NULL,
  resolve_day    date NOT NULL,
  closed_day     date NOT NULL,
  on_time        boolean NOT NULL,
  n              integer NOT NULL DEFAULT 0,
  PRIMARY KEY (grid_code, resolve_day, closed_day, on_time, community_code, zone_code, street_code)
);
CREATE INDEX rollup_due_resolve_idx ON rollup_due (resolve_day);
CREATE INDEX rollup_due_closed_idx ON rollup_due (closed_day);
CREATE INDEX rollup_due_street_resolve_idx ON rollup_due (street_code, resolve_day);

-- The trends (/api/stats/trend): per street, major class, source and CST day: reported, closed, and "late"
-- (by resolve-by day: can be due, and not closed at or before resolve-by).
CREATE TABLE rollup_trend (
  street_code text NOT NULL,
  major_code  text NOT NULL,
  source      text NOT NULL,
  day         date NOT NULL,
  reported    integer NOT NULL DEFAULT 0,
  closed      integer NOT NULL DEFAULT 0,
  late        integer NOT NULL DEFAULT 0,
  PRIMARY KEY (street_code, day, major_code, source)
);
CREATE INDEX rollup_trend_day_idx ON rollup_trend (day);

-- The same numbers per street (and the district: the first six digits of the grid code, as the raw queries select
-- it), for the district's and the streets' numbers: 22 rows a day instead of 1,549.
CREATE TABLE rollup_street_flow (
  district_code  text NOT NULL,
  street_code    text NOT NULL,
  day            date NOT NULL,
  reported       integer NOT NULL DEFAULT 0,
  filed          integer NOT NULL DEFAULT 0,
  closed         integer NOT NULL DEFAULT 0,
  in_progress    integer NOT NULL DEFAULT 0,
  escalated      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (street_code, day, district_code)
);
CREATE INDEX rollup_street_flow_day_idx ON rollup_street_flow (day);

CREATE TABLE rollup_street_due (
  district_code  text NOT NULL,
  street_code    text NOT NULL,
  resolve_day    date NOT NULL,
  closed_day     date NOT NULL,
  on_time        boolean NOT NULL,
  n              integer NOT NULL DEFAULT 0,
  PRIMARY KEY (street_code, resolve_day, closed_day, on_time, district_code)
);
CREATE INDEX rollup_street_due_resolve_idx ON rollup_street_due (resolve_day);
CREATE INDEX rollup_street_due_closed_idx ON rollup_street_due (closed_day);

-- What one case contributes to each rollup (rows with the same key are summed by the callers).
CREATE FUNCTION rollup_flow_of(c cases)
  RETURNS TABLE (grid_code text, community_code text, zone_code text, street_code text, day date,
                 reported integer, filed integer, closed integer, in_progress integer, escalated integer)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.grid_code, c.community_code, c.zone_code, c.street_code, x.day, x.r, x.f, x.cl, x.p, x.e
  FROM (VALUES
    (rollup_day(c.reported_at), 1, 0, 0,
     (c.status IN ('reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified'))::int,
     (c.escalation_level > 0)::int),
    (rollup_day(c.filed_at), 0, 1, 0, 0, 0),
    (rollup_day(c.closed_at), 0, 0, 1, 0, 0)
  ) x (day, r, f, cl, p, e)
  WHERE x.day IS NOT NULL
$$;

CREATE FUNCTION rollup_due_of(c cases)
  RETURNS TABLE (grid_code text, community_code text, zone_code text, street_code text,
                 resolve_day date, closed_day date, on_time boolean, n integer)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.grid_code, c.community_code, c.zone_code, c.street_code, rollup_day(c.resolve_by),
         CASE WHEN c.closed_at <= c.resolve_by THEN rollup_day(c.resolve_by)
              ELSE coalesce(rollup_day(c.closed_at), 'infinity'::date) END,
         coalesce(c.closed_at <= c.resolve_by, false), 1
  WHERE c.status NOT IN ('void', 'parked')
$$;

CREATE FUNCTION rollup_trend_of(c cases)
  RETURNS TABLE (street_code text, major_code text, source text, day date, reported integer, closed integer, late integer)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.street_code, left(c.category_code, 2), c.source, x.day, x.r, x.cl, x.l
  FROM (VALUES
    (rollup_day(c.reported_at), 1, 0, 0),
    (rollup_day(c.closed_at), 0, 1, 0),
    (CASE WHEN c.status NOT IN ('void', 'parked') AND (c.closed_at IS NULL OR c.closed_at > c.resolve_by)
          THEN rollup_day(c.resolve_by) END, 0, 0, 1)
  ) x (day, r, cl, l)
  WHERE x.day IS NOT NULL
$$;

-- Is rollup maintenance deferred for this transaction? (The demo history loader sets gc.rollup_defer = 'on'
-- with SET LOCAL, loads with COPY, then calls rollup_rebuild() once before it commits.)
CREATE FUNCTION rollup_deferred() RETURNS boolean
  LANGUAGE sql STABLE
  RETURN coalesce(current_setting('gc.rollup_defer', true), '') = 'on';

-- Adds the contributions of the case rows `cs`, each times its sign (+1 or -1), to the rollups.
-- Rows are upserted in key order, so that two writers touching the same rows lock them in the same order.
CREATE FUNCTION rollup_apply_rows(cs cases[], signs integer[]) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_flow AS r (grid_code, community_code, zone_code, street_code, day, reported, filed, closed, in_progress, escalated)
  SELECT f.grid_code, f.community_code, f.zone_code, f.street_code, f.day,
         sum(s * f.reported), sum(s * f.filed), sum(s * f.closed), sum(s * f.in_progress), sum(s * f.escalated)
  FROM generate_subscripts(cs, 1) i CROSS JOIN LATERAL (SELECT signs[i] AS s) k CROSS JOIN LATERAL rollup_flow_of(cs[i]) f
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(s * f.reported) <> 0 OR sum(s * f.filed) <> 0 OR sum(s * f.closed) <> 0 OR sum(s * f.in_progress) <> 0
      OR sum(s * f.escalated) <> 0
  ORDER BY 1, 5, 2, 3, 4
  ON CONFLICT (grid_code, day, community_code, zone_code, street_code) DO UPDATE
    SET reported = r.reported + excluded.reported, filed = r.filed + excluded.filed, closed = r.closed + excluded.closed,
        in_progress = r.in_progress + excluded.in_progress, escalated = r.escalated + excluded.escalated;

  INSERT INTO rollup_due AS r (grid_code, community_code, zone_code, street_code, resolve_day, closed_day, on_time, n)
  SELECT d.grid_code, d.community_code, d.zone_code, d.street_code, d.resolve_day, d.closed_day, d.on_time, sum(s * d.n)
  FROM generate_subscripts(cs, 1) i CROSS JOIN LATERAL (SELECT signs[i] AS s) k CROSS JOIN LATERAL rollup_due_of(cs[i]) d
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  HAVING sum(s * d.n) <> 0
  ORDER BY 1, 5, 6, 7, 2, 3, 4
  ON CONFLICT (grid_code, resolve_day, closed_day, on_time, community_code, zone_code, street_code) DO UPDATE
    SET n = r.n + excluded.n;

  INSERT INTO rollup_street_flow AS r (district_code, street_code, day, reported, filed, closed, in_progress, escalated)
  SELECT left(f.grid_code, 6), f.street_code, f.day,
         sum(s * f.reported), sum(s * f.filed), sum(s * f.closed), sum(s * f.in_progress), sum(s * f.escalated)
  FROM generate_subscripts(cs, 1) i CROSS JOIN LATERAL (SELECT signs[i] AS s) k CROSS JOIN LATERAL rollup_flow_of(cs[i]) f
  GROUP BY 1, 2, 3
  HAVING sum(s * f.reported) <> 0 OR sum(s * f.filed) <> 0 OR sum(s * f.closed) <> 0 OR sum(s * f.in_progress) <> 0
      OR sum(s * f.escalated) <> 0
  ORDER BY 2, 3, 1
  ON CONFLICT (street_code, day, district_code) DO UPDATE
    SET reported = r.reported + excluded.reported, filed = r.filed + excluded.filed, closed = r.closed + excluded.closed,
        in_progress = r.in_progress + excluded.in_progress, escalated = r.escalated + excluded.escalated;

  INSERT INTO rollup_street_due AS r (district_code, street_code, resolve_day, closed_day, on_time, n)
  SELECT left(d.grid_code, 6), d.street_code, d.resolve_day, d.closed_day, d.on_time, sum(s * d.n)
  FROM generate_subscripts(cs, 1) i CROSS JOIN LATERAL (SELECT signs[i] AS s) k CROSS JOIN LATERAL rollup_due_of(cs[i]) d
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(s * d.n) <> 0
  ORDER BY 2, 3, 4, 5, 1
  ON CONFLICT (street_code, resolve_day, closed_day, on_time, district_code) DO UPDATE
    SET n = r.n + excluded.n;

  INSERT INTO rollup_trend AS r (street_code, major_code, source, day, reported, closed, late)
  SELECT t.street_code, t.major_code, t.source, t.day, sum(s * t.reported), sum(s * t.closed), sum(s * t.late)
  FROM generate_subscripts(cs, 1) i CROSS JOIN LATERAL (SELECT signs[i] AS s) k CROSS JOIN LATERAL rollup_trend_of(cs[i]) t
  GROUP BY 1, 2, 3, 4
  HAVING sum(s * t.reported) <> 0 OR sum(s * t.closed) <> 0 OR sum(s * t.late) <> 0
  ORDER BY 1, 4, 2, 3
  ON CONFLICT (street_code, day, major_code, source) DO UPDATE
    SET reported = r.reported + excluded.reported, closed = r.closed + excluded.closed, late = r.late + excluded.late;
END
$$;

-- Row trigger of UPDATE (only when a column the rollups read changed: see the WHEN clause below, so the light
-- job's updates of light, next_light_at and supervised never run it): subtract the old row, add the new one.
CREATE FUNCTION rollup_cases_update() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rollup_deferred() THEN
    PERFORM rollup_apply_rows(ARRAY[OLD, NEW]::cases[], ARRAY[-1, 1]);
  END IF;
  RETURN NULL;
END
$$;

-- Statement triggers of INSERT (COPY included) and DELETE: the whole statement's rows at once.
CREATE FUNCTION rollup_cases_insert() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rollup_deferred() THEN
    PERFORM rollup_apply_rows(array_agg(n::cases), array_agg(1)) FROM rollup_new n HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION rollup_cases_delete() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT rollup_deferred() THEN
    PERFORM rollup_apply_rows(array_agg(o::cases), array_agg(-1)) FROM rollup_old o HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE fires no row or DELETE trigger: empty the rollups with the table.
CREATE FUNCTION rollup_cases_truncate() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rollup_flow;
  DELETE FROM rollup_due;
  DELETE FROM rollup_trend;
  DELETE FROM rollup_street_flow;
  DELETE FROM rollup_street_due;
  RETURN NULL;
END
$$;

CREATE TRIGGER cases_rollup_truncate AFTER TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION rollup_cases_truncate();
CREATE TRIGGER cases_rollup_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS rollup_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_cases_insert();
CREATE TRIGGER cases_rollup_delete AFTER DELETE ON cases
  REFERENCING OLD TABLE AS rollup_old FOR EACH STATEMENT EXECUTE FUNCTION rollup_cases_delete();
CREATE TRIGGER cases_rollup_update AFTER UPDATE ON cases FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
     OR OLD.reported_at IS DISTINCT FROM NEW.reported_at
     OR OLD.filed_at IS DISTINCT FROM NEW.filed_at
     OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
     OR OLD.resolve_by IS DISTINCT FROM NEW.resolve_by
     OR OLD.escalation_level IS DISTINCT FROM NEW.escalation_level
     OR OLD.grid_code IS DISTINCT FROM NEW.grid_code
     OR OLD.community_code IS DISTINCT FROM NEW.community_code
     OR OLD.zone_code IS DISTINCT FROM NEW.zone_code
     OR OLD.street_code IS DISTINCT FROM NEW.street_code
     OR OLD.category_code IS DISTINCT FROM NEW.category_code
     OR OLD.source IS DISTINCT FROM NEW.source)
  EXECUTE FUNCTION rollup_cases_update();

-- Recomputes every rollup from `cases` (writers wait meanwhile: SHARE lock; readers do not).
CREATE FUNCTION rollup_rebuild() RETURNS void
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

SELECT rollup_rebuild();

-- Down Migration
DROP TRIGGER IF EXISTS cases_rollup_update ON cases;
DROP TRIGGER IF EXISTS cases_rollup_delete ON cases;
DROP TRIGGER IF EXISTS cases_rollup_insert ON cases;
DROP TRIGGER IF EXISTS cases_rollup_truncate ON cases;
DROP FUNCTION IF EXISTS rollup_rebuild(), rollup_cases_update(), rollup_cases_insert(), rollup_cases_delete(), rollup_cases_truncate(),
  rollup_apply_rows(cases[], integer[]), rollup_deferred(), rollup_trend_of(cases), rollup_due_of(cases), rollup_flow_of(cases);
DROP TABLE IF EXISTS rollup_street_due, rollup_street_flow, rollup_trend, rollup_due, rollup_flow;
DROP FUNCTION IF EXISTS rollup_day(timestamptz);
