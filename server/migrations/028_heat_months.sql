-- Up Migration

-- rollup_heat_hex summed per calendar month (CST; docs/rollups.md): a year of heatmap reads about 12 month rows per
-- hexagon and category plus the day rows of the partial months at its ends, instead of 365 day rows. It is kept by
-- statement triggers on rollup_heat_hex itself, so every path that changes the day rows (the case triggers of 024,
-- rollup_heat_rebuild(), a TRUNCATE) changes the month rows in the same transaction, by the same amounts.

CREATE TABLE rollup_heat_hex_month (
  cell_m        integer NOT NULL,
  hq            integer NOT NULL,
  hr            integer NOT NULL,
  -- the first day of the month
  month         date NOT NULL,
  category_code text NOT NULL,
  n             integer NOT NULL DEFAULT 0,
  PRIMARY KEY (cell_m, month, hq, hr, category_code)
);

-- Adds the day rows of rh_new and subtracts those of rh_old (whichever the trigger has), in key order.
CREATE FUNCTION rollup_heat_month_apply() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO rollup_heat_hex_month AS r (cell_m, hq, hr, month, category_code, n)
    SELECT cell_m, hq, hr, date_trunc('month', day)::date, category_code, sum(n)
      FROM rh_new GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 4, 2, 3, 5
    ON CONFLICT (cell_m, month, hq, hr, category_code) DO UPDATE SET n = r.n + excluded.n;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO rollup_heat_hex_month AS r (cell_m, hq, hr, month, category_code, n)
    SELECT cell_m, hq, hr, date_trunc('month', day)::date, category_code, -sum(n)
      FROM rh_old GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 4, 2, 3, 5
    ON CONFLICT (cell_m, month, hq, hr, category_code) DO UPDATE SET n = r.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION rollup_heat_month_truncate() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rollup_heat_hex_month;
  RETURN NULL;
END
$$;

CREATE TRIGGER rollup_heat_hex_month_insert AFTER INSERT ON rollup_heat_hex
  REFERENCING NEW TABLE AS rh_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_month_apply();
CREATE TRIGGER rollup_heat_hex_month_update AFTER UPDATE ON rollup_heat_hex
  REFERENCING OLD TABLE AS rh_old NEW TABLE AS rh_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_month_apply();
CREATE TRIGGER rollup_heat_hex_month_delete AFTER DELETE ON rollup_heat_hex
  REFERENCING OLD TABLE AS rh_old FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_month_apply();
CREATE TRIGGER rollup_heat_hex_month_truncate AFTER TRUNCATE ON rollup_heat_hex
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_heat_month_truncate();
-- the history loader runs with session_replication_role = replica (no per-row triggers on its COPY) and then
-- rollup_rebuild(): the month rows must follow that rebuild too
ALTER TABLE rollup_heat_hex ENABLE ALWAYS TRIGGER rollup_heat_hex_month_insert;
ALTER TABLE rollup_heat_hex ENABLE ALWAYS TRIGGER rollup_heat_hex_month_update;
ALTER TABLE rollup_heat_hex ENABLE ALWAYS TRIGGER rollup_heat_hex_month_delete;
ALTER TABLE rollup_heat_hex ENABLE ALWAYS TRIGGER rollup_heat_hex_month_truncate;

INSERT INTO rollup_heat_hex_month (cell_m, hq, hr, month, category_code, n)
SELECT cell_m, hq, hr, date_trunc('month', day)::date, category_code, sum(n)
  FROM rollup_heat_hex GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
ANALYZE rollup_heat_hex_month;

-- Down Migration
DROP TRIGGER IF EXISTS rollup_heat_hex_month_truncate ON rollup_heat_hex;
DROP TRIGGER IF EXISTS rollup_heat_hex_month_delete ON rollup_heat_hex;
DROP TRIGGER IF EXISTS rollup_heat_hex_month_update ON rollup_heat_hex;
DROP TRIGGER IF EXISTS rollup_heat_hex_month_insert ON rollup_heat_hex;
DROP FUNCTION IF EXISTS rollup_heat_month_truncate(), rollup_heat_month_apply();
DROP TABLE IF EXISTS rollup_heat_hex_month;
