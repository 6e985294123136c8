-- Up Migration

-- Citus readiness (docs/scaling.md): the distribution column of the district-sharded tables is `district_code`, the
-- first six digits (the district, 区县) of the grid, street or area code every such row already carries. Where the
-- row holds that code itself, the column is generated here, so no writer changes and nothing can disagree with it.
-- The type is text, like rollup_street_flow/rollup_street_due.district_code: co-located distribution columns must
-- have one type. No indexes: one database is one district today, and no query filters on it yet.
-- Rows that reach their district only through another row (a case's supervision, dispatch, ratings …; a team's
-- members and positions) get a plain column from deploy/citus/distribute.sql, filled by the writer there.
ALTER TABLE area ADD COLUMN district_code text GENERATED ALWAYS AS (left(code, 6)) STORED;
ALTER TABLE cases ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
-- team-only events (positions, status) name no grid or street: null here, the team's district under Citus
ALTER TABLE event ADD COLUMN district_code text GENERATED ALWAYS AS (left(coalesce(grid_code, street_code), 6)) STORED;
-- a team without a home zone has no district yet (null): Citus needs one (the distribution script refuses nulls)
ALTER TABLE team ADD COLUMN district_code text GENERATED ALWAYS AS (left(home_zone_code, 6)) STORED;
ALTER TABLE grid_staff ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE patrol_zone_grid ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE duty_record ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE base_count ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE base_record ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE rollup_flow ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE rollup_due ADD COLUMN district_code text GENERATED ALWAYS AS (left(grid_code, 6)) STORED;
ALTER TABLE rollup_trend ADD COLUMN district_code text GENERATED ALWAYS AS (left(street_code, 6)) STORED;

-- Down Migration
ALTER TABLE rollup_trend DROP COLUMN IF EXISTS district_code;
ALTER TABLE rollup_due DROP COLUMN IF EXISTS district_code;
ALTER TABLE rollup_flow DROP COLUMN IF EXISTS district_code;
ALTER TABLE base_record DROP COLUMN IF EXISTS district_code;
ALTER TABLE base_count DROP COLUMN IF EXISTS district_code;
ALTER TABLE duty_record DROP COLUMN IF EXISTS district_code;
ALTER TABLE patrol_zone_grid DROP COLUMN IF EXISTS district_code;
ALTER TABLE grid_staff DROP COLUMN IF EXISTS district_code;
ALTER TABLE team DROP COLUMN IF EXISTS district_code;
ALTER TABLE event DROP COLUMN IF EXISTS district_code;
ALTER TABLE cases DROP COLUMN IF EXISTS district_code;
ALTER TABLE area DROP COLUMN IF EXISTS district_code;
