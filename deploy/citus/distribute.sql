-- GridCommand on Citus (docs/scaling.md): run once on the coordinator of a fresh cluster, after the migrations
-- (server/migrations, 026 included) and after `CREATE EXTENSION citus; CREATE EXTENSION postgis;` on every node and
-- `SELECT citus_add_node(…)` for every worker.
-- Citus is not installable here: server/test/citus-readiness.test.ts runs this script on a migrated demo database
-- with stand-ins for the Citus functions that enforce its table rules (unique keys and foreign keys with the
-- distribution column, co-location, order), and checks its lists against server/test/citus-check.ts.
\set ON_ERROR_STOP on
SET citus.shard_count = 32;          -- 16 districts today; room for 32 without resharding (docs/scaling.md#shards)
SET citus.enable_unsafe_triggers = on; -- the rollup triggers of 023 (see docs/scaling.md#remaining-work)
BEGIN;

-- 1. A plain district_code on the rows that reach their district through another row, filled from it.
ALTER TABLE supervision ADD COLUMN district_code text;       UPDATE supervision x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE dispatch ADD COLUMN district_code text;          UPDATE dispatch x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE team_reservation ADD COLUMN district_code text;  UPDATE team_reservation x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE verification ADD COLUMN district_code text;      UPDATE verification x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE case_reporter ADD COLUMN district_code text;     UPDATE case_reporter x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE case_rating ADD COLUMN district_code text;       UPDATE case_rating x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE points_ledger ADD COLUMN district_code text;     UPDATE points_ledger x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE open311_request ADD COLUMN district_code text;   UPDATE open311_request x SET district_code = c.district_code FROM cases c WHERE c.id = x.case_id;
ALTER TABLE team_member ADD COLUMN district_code text;       UPDATE team_member x SET district_code = t.district_code FROM team t WHERE t.id = x.team_id;
ALTER TABLE team_position ADD COLUMN district_code text;     UPDATE team_position x SET district_code = t.district_code FROM team t WHERE t.id = x.team_id;
ALTER TABLE team_device_token ADD COLUMN district_code text; UPDATE team_device_token x SET district_code = t.district_code FROM team t WHERE t.id = x.team_id;
ALTER TABLE patrol_zone ADD COLUMN district_code text;       UPDATE patrol_zone x SET district_code = t.district_code FROM team t WHERE t.id = x.team_id;
-- the heatmap and trend rollups of 024: per grid (from the code), per hexagon and per dimension (not derivable from
-- the row: one district per database before distribution, so its code; with several, rollup_rebuild() per district)
ALTER TABLE rollup_heat_grid ADD COLUMN district_code text;  UPDATE rollup_heat_grid SET district_code = left(grid_code, 6);
ALTER TABLE rollup_heat_hex ADD COLUMN district_code text;   UPDATE rollup_heat_hex SET district_code = (SELECT min(code) FROM area WHERE level = 'district');
ALTER TABLE rollup_heat_hex_month ADD COLUMN district_code text; UPDATE rollup_heat_hex_month SET district_code = (SELECT min(code) FROM area WHERE level = 'district');
ALTER TABLE rollup_trend_dim ADD COLUMN district_code text;  UPDATE rollup_trend_dim SET district_code = (SELECT min(code) FROM area WHERE level = 'district');
ALTER TABLE patrol_point ADD COLUMN user_id integer;         UPDATE patrol_point x SET user_id = p.user_id FROM patrol p WHERE p.id = x.patrol_id;
-- team-only events: the team's district
ALTER TABLE event ALTER COLUMN district_code DROP EXPRESSION;
UPDATE event e SET district_code = t.district_code FROM team t WHERE e.district_code IS NULL AND t.id = e.team_id;
-- Citus wants the distribution value in every INSERT: the writer supplies it from here on (generated values stay)
ALTER TABLE cases ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE team ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE grid_staff ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE patrol_zone_grid ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE duty_record ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE base_count ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE base_record ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE rollup_flow ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE rollup_due ALTER COLUMN district_code DROP EXPRESSION;
ALTER TABLE rollup_trend ALTER COLUMN district_code DROP EXPRESSION;
-- no row may lack its district (a team without a home zone, an orphan event): this fails loudly if one does
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['cases', 'event', 'supervision', 'dispatch', 'team_reservation', 'verification', 'case_reporter',
    'case_rating', 'points_ledger', 'open311_request', 'team', 'team_member', 'team_position', 'team_device_token', 'patrol_zone',
    'patrol_zone_grid', 'grid_staff', 'duty_record', 'base_count', 'base_record', 'rollup_flow', 'rollup_due', 'rollup_trend',
    'rollup_street_flow', 'rollup_street_due', 'rollup_heat_hex', 'rollup_heat_hex_month', 'rollup_heat_grid', 'rollup_trend_dim', 'rollup_indicator',
    'rollup_indicator_street', 'rollup_indicator_duration'] LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN district_code SET NOT NULL', t);
  END LOOP;
END $$;
ALTER TABLE patrol_point ALTER COLUMN user_id SET NOT NULL;

-- 2. Keys. Foreign keys between distributed tables must include the distribution column, and so must every primary
-- key and unique index: drop the foreign keys among them, widen the keys, add the composite foreign keys back.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.conname, c.conrelid::regclass AS tbl FROM pg_constraint c
            WHERE c.contype = 'f'
              AND c.conrelid::regclass::text = ANY(ARRAY['cases', 'event', 'supervision', 'dispatch', 'team_reservation', 'verification',
                    'case_reporter', 'case_rating', 'points_ledger', 'open311_request', 'team', 'team_member', 'team_position',
                    'team_device_token', 'patrol_zone', 'patrol_zone_grid', 'grid_staff', 'duty_record', 'patrol', 'patrol_point',
                    'checkin', 'household_visit'])
              AND c.confrelid::regclass::text = ANY(ARRAY['cases', 'team', 'patrol_zone', 'case_reporter', 'patrol']) LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
  END LOOP;
END $$;
ALTER TABLE cases DROP CONSTRAINT cases_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE cases DROP CONSTRAINT cases_code_key, ADD UNIQUE (district_code, code);
ALTER TABLE event DROP CONSTRAINT event_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE team DROP CONSTRAINT team_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE team DROP CONSTRAINT team_code_key, ADD UNIQUE (district_code, code);
ALTER TABLE supervision DROP CONSTRAINT supervision_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE supervision DROP CONSTRAINT supervision_notice_no_key, ADD UNIQUE (district_code, notice_no);
ALTER TABLE dispatch DROP CONSTRAINT dispatch_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE team_reservation DROP CONSTRAINT team_reservation_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE verification DROP CONSTRAINT verification_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE case_reporter DROP CONSTRAINT case_reporter_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE case_reporter DROP CONSTRAINT case_reporter_tracking_code_key, ADD UNIQUE (district_code, tracking_code);
ALTER TABLE case_rating DROP CONSTRAINT case_rating_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE open311_request DROP CONSTRAINT open311_request_pkey, ADD PRIMARY KEY (district_code, case_id);
ALTER TABLE team_member DROP CONSTRAINT team_member_pkey, ADD PRIMARY KEY (district_code, team_id, seq);
ALTER TABLE team_position DROP CONSTRAINT team_position_pkey, ADD PRIMARY KEY (district_code, team_id, at);
ALTER TABLE team_device_token DROP CONSTRAINT team_device_token_pkey, ADD PRIMARY KEY (district_code, token_hash);
ALTER TABLE patrol_zone DROP CONSTRAINT patrol_zone_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE patrol_zone_grid DROP CONSTRAINT patrol_zone_grid_pkey, ADD PRIMARY KEY (district_code, zone_id, grid_code);
ALTER TABLE grid_staff DROP CONSTRAINT grid_staff_pkey, ADD PRIMARY KEY (district_code, grid_code, staff_id);
ALTER TABLE duty_record DROP CONSTRAINT duty_record_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE base_count DROP CONSTRAINT base_count_pkey, ADD PRIMARY KEY (district_code, grid_code, kind);
ALTER TABLE base_record DROP CONSTRAINT base_record_pkey, ADD PRIMARY KEY (district_code, id);
ALTER TABLE rollup_flow DROP CONSTRAINT rollup_flow_pkey, ADD PRIMARY KEY (district_code, grid_code, day, community_code, zone_code, street_code);
ALTER TABLE rollup_due DROP CONSTRAINT rollup_due_pkey,
  ADD PRIMARY KEY (district_code, grid_code, resolve_day, closed_day, on_time, community_code, zone_code, street_code);
ALTER TABLE rollup_trend DROP CONSTRAINT rollup_trend_pkey, ADD PRIMARY KEY (district_code, street_code, day, major_code, source);
ALTER TABLE rollup_street_flow DROP CONSTRAINT rollup_street_flow_pkey, ADD PRIMARY KEY (district_code, street_code, day);
ALTER TABLE rollup_street_due DROP CONSTRAINT rollup_street_due_pkey, ADD PRIMARY KEY (district_code, street_code, resolve_day, closed_day, on_time);
ALTER TABLE rollup_heat_hex DROP CONSTRAINT rollup_heat_hex_pkey, ADD PRIMARY KEY (district_code, cell_m, day, hq, hr, category_code);
ALTER TABLE rollup_heat_hex_month DROP CONSTRAINT rollup_heat_hex_month_pkey, ADD PRIMARY KEY (district_code, cell_m, month, hq, hr, category_code);
ALTER TABLE rollup_heat_grid DROP CONSTRAINT rollup_heat_grid_pkey, ADD PRIMARY KEY (district_code, day, grid_code, category_code);
ALTER TABLE rollup_trend_dim DROP CONSTRAINT rollup_trend_dim_pkey, ADD PRIMARY KEY (district_code, dim, day, key);
ALTER TABLE patrol DROP CONSTRAINT patrol_pkey, ADD PRIMARY KEY (user_id, id);
ALTER TABLE patrol_point DROP CONSTRAINT patrol_point_pkey, ADD PRIMARY KEY (user_id, patrol_id, at);
ALTER TABLE checkin DROP CONSTRAINT checkin_pkey, ADD PRIMARY KEY (user_id, id);
ALTER TABLE household_visit DROP CONSTRAINT household_visit_pkey, ADD PRIMARY KEY (user_id, id);
ALTER TABLE staff_leave DROP CONSTRAINT staff_leave_pkey, ADD PRIMARY KEY (user_id, id);
ALTER TABLE assessment_result DROP CONSTRAINT assessment_result_pkey, ADD PRIMARY KEY (user_id, month);
-- partial unique indexes: the same rule (a team and a case live in one district)
DROP INDEX grid_staff_one_responsible;   CREATE UNIQUE INDEX grid_staff_one_responsible ON grid_staff (district_code, grid_code) WHERE responsible;
DROP INDEX supervision_open_level_uniq;  CREATE UNIQUE INDEX supervision_open_level_uniq ON supervision (district_code, case_id, level) WHERE closed_at IS NULL;
DROP INDEX dispatch_team_open_uniq;      CREATE UNIQUE INDEX dispatch_team_open_uniq ON dispatch (district_code, team_id) WHERE finished_at IS NULL AND cancelled_at IS NULL;
DROP INDEX dispatch_case_lead_open_uniq; CREATE UNIQUE INDEX dispatch_case_lead_open_uniq ON dispatch (district_code, case_id)
  WHERE role = 'lead' AND finished_at IS NULL AND cancelled_at IS NULL;
DROP INDEX team_reservation_open_uniq;   CREATE UNIQUE INDEX team_reservation_open_uniq ON team_reservation (district_code, team_id) WHERE closed_at IS NULL;
DROP INDEX case_reporter_follow_once;    CREATE UNIQUE INDEX case_reporter_follow_once ON case_reporter (district_code, case_id, holder_key) WHERE kind = 'follow';
DROP INDEX case_rating_once;             CREATE UNIQUE INDEX case_rating_once ON case_rating (district_code, reporter_id, round) WHERE source = 'citizen';
DROP INDEX points_ledger_once;           CREATE UNIQUE INDEX points_ledger_once ON points_ledger (district_code, reporter_id, reason) WHERE reason <> 'adjust';

-- 3. Reference tables (replicated to every node; foreign keys from distributed tables onto them stay). `area` is one
-- (docs/scaling.md#area): every cases.grid_code/street_code … → area (code) key stays as it is.
SELECT create_reference_table('area');
SELECT create_reference_table('department');
SELECT create_reference_table('category_major');
SELECT create_reference_table('category');
SELECT create_reference_table('work_calendar');
SELECT create_reference_table('setting');
SELECT create_reference_table('report_kind');
SELECT create_reference_table('staff');
SELECT create_reference_table('app_user');
SELECT create_reference_table('public_setting');
SELECT create_reference_table('assessment_weight');
SELECT create_reference_table('api_key');
SELECT create_reference_table('specialist_layer');
SELECT create_reference_table('specialist_grid');
SELECT create_reference_table('specialist_grid_area');
SELECT create_reference_table('specialist_officer');

-- 4. The district group: one co-location group, hashed on district_code (text), led by cases.
SELECT create_distributed_table('cases', 'district_code');
SELECT create_distributed_table('event', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('supervision', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('dispatch', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('team_reservation', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('verification', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('case_reporter', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('case_rating', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('points_ledger', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('open311_request', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('team', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('team_member', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('team_position', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('team_device_token', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('patrol_zone', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('patrol_zone_grid', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('grid_staff', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('duty_record', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('base_count', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('base_record', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_flow', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_due', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_trend', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_street_flow', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_street_due', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_heat_hex', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_heat_hex_month', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_heat_grid', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_trend_dim', 'district_code', colocate_with => 'cases');
-- the indicator rollups of 027 carry their district (a period's rows are computed for every district at once)
SELECT create_distributed_table('rollup_indicator', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_indicator_street', 'district_code', colocate_with => 'cases');
SELECT create_distributed_table('rollup_indicator_duration', 'district_code', colocate_with => 'cases');

-- 5. The worker group: a grid worker's own records, hashed on user_id (rows without a mandatory grid).
SELECT create_distributed_table('patrol', 'user_id');
SELECT create_distributed_table('patrol_point', 'user_id', colocate_with => 'patrol');
SELECT create_distributed_table('checkin', 'user_id', colocate_with => 'patrol');
SELECT create_distributed_table('household_visit', 'user_id', colocate_with => 'patrol');
SELECT create_distributed_table('staff_leave', 'user_id', colocate_with => 'patrol');
SELECT create_distributed_table('assessment_result', 'user_id', colocate_with => 'patrol');

-- 6. Composite foreign keys inside the groups (co-located, distribution column first).
ALTER TABLE cases ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id);
ALTER TABLE cases ADD FOREIGN KEY (district_code, duplicate_of) REFERENCES cases (district_code, id);
ALTER TABLE event ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE event ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id);
ALTER TABLE supervision ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE dispatch ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE dispatch ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id);
ALTER TABLE team_reservation ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE verification ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE case_reporter ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE case_rating ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE points_ledger ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE case_rating ADD FOREIGN KEY (district_code, reporter_id) REFERENCES case_reporter (district_code, id);
ALTER TABLE points_ledger ADD FOREIGN KEY (district_code, reporter_id) REFERENCES case_reporter (district_code, id);
ALTER TABLE open311_request ADD FOREIGN KEY (district_code, case_id) REFERENCES cases (district_code, id);
ALTER TABLE team_member ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id) ON DELETE CASCADE;
ALTER TABLE team_position ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id) ON DELETE CASCADE;
ALTER TABLE team_device_token ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id) ON DELETE CASCADE;
ALTER TABLE team_reservation ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id) ON DELETE CASCADE;
ALTER TABLE patrol_zone ADD FOREIGN KEY (district_code, team_id) REFERENCES team (district_code, id) ON DELETE CASCADE;
ALTER TABLE patrol_zone_grid ADD FOREIGN KEY (district_code, zone_id) REFERENCES patrol_zone (district_code, id) ON DELETE CASCADE;
ALTER TABLE patrol_point ADD FOREIGN KEY (user_id, patrol_id) REFERENCES patrol (user_id, id) ON DELETE CASCADE;
ALTER TABLE checkin ADD FOREIGN KEY (user_id, patrol_id) REFERENCES patrol (user_id, id);

-- 7. Coordinator-only tables (Citus local tables: joinable with reference tables, foreign keys onto app_user kept).
SELECT citus_add_local_table_to_metadata('user_session');
SELECT citus_add_local_table_to_metadata('wall_token');
SELECT citus_add_local_table_to_metadata('idempotency_key');
SELECT citus_add_local_table_to_metadata('audit_log');
SELECT citus_add_local_table_to_metadata('personal_data_access');
SELECT citus_add_local_table_to_metadata('photo');
SELECT citus_add_local_table_to_metadata('unit_report');
-- the indicator rollup job's own bookkeeping (which periods are stored, the writes since): docs/scaling.md#remaining-work
SELECT citus_add_local_table_to_metadata('rollup_indicator_period');
SELECT citus_add_local_table_to_metadata('rollup_indicator_touch');

COMMIT;

-- 8. One shard per district (16 districts hash into 32 shards unevenly): isolate each, then balance the nodes.
-- SELECT isolate_tenant_to_new_shard('cases', code, 'CASCADE') FROM area WHERE level = 'district';
-- SELECT citus_rebalance_start();
