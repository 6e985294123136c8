-- Up Migration

-- Rollups of the assessment indicators (docs/indicators.md#rollups). Every rate is a share of a cohort of cases
-- whose membership depends on the whole period (an action anywhere in it, a deadline before its end), so the
-- numbers of a period are not a sum of days: they are computed per calendar period (day, week, month, quarter,
-- year) by the indicator rollup job (server/src/modules/indicators/rollup-job.ts) with the same SQL as the raw
-- answer, grouped finely enough for every scope: per grid × department × category × priority
-- (rollup_indicator), per street × department × category × priority (rollup_indicator_street, what the
-- district, street and department scopes and the rankings read) and the working-hour histograms of the two
-- durations (rollup_indicator_duration). A period that has ended is exact until a write touches one of its cases
-- (rollup_indicator_touch, filled by the triggers below, marks it dirty); the period still running is computed up
-- to an instant (to_at) and served with that instant as its "as of".

CREATE TABLE rollup_indicator_period (
  kind        text NOT NULL CHECK (kind IN ('day', 'week', 'month', 'quarter', 'year')),
  start       date NOT NULL,
  from_at     timestamptz NOT NULL,
  -- the period's end
  end_at      timestamptz NOT NULL,
  -- the end the numbers were computed to: end_at once the period is over, the instant of computing before
  to_at       timestamptz NOT NULL,
  computed_at timestamptz NOT NULL,
  -- a write touched one of its cases since
  dirty       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (kind, start)
);
CREATE INDEX rollup_indicator_period_end_idx ON rollup_indicator_period (end_at);

CREATE TABLE rollup_indicator (
  kind            text NOT NULL,
  start           date NOT NULL,
  district_code   text NOT NULL,
  street_code     text NOT NULL,
  zone_code       text NOT NULL,
  community_code  text NOT NULL,
  grid_code       text NOT NULL,
  -- '' for cases of no department
  department_code text NOT NULL,
  category_code   text NOT NULL,
  priority        text NOT NULL,
  reported                 integer NOT NULL,
  filed                    integer NOT NULL,
  closed                   integer NOT NULL,
  escalations              integer NOT NULL,
  supervisions             integer NOT NULL,
  closure_n                integer NOT NULL,
  closure_hits             integer NOT NULL,
  on_time_closure_n        integer NOT NULL,
  on_time_closure_hits     integer NOT NULL,
  rework_n                 integer NOT NULL,
  rework_hits              integer NOT NULL,
  on_time_verification_n   integer NOT NULL,
  on_time_verification_hits integer NOT NULL,
  public_share_n           integer NOT NULL,
  public_share_hits        integer NOT NULL,
  missed_n                 integer NOT NULL,
  missed_hits              integer NOT NULL,
  sign_for_n               integer NOT NULL,
  sign_for_hits            integer NOT NULL,
  return_n                 integer NOT NULL,
  return_hits              integer NOT NULL,
  redo_n                   integer NOT NULL,
  redo_hits                integer NOT NULL,
  fixed_on_spot_n          integer NOT NULL,
  fixed_on_spot_hits       integer NOT NULL,
  response_n               integer NOT NULL,
  response_hits            integer NOT NULL,
  resolution_n             integer NOT NULL,
  resolution_hits          integer NOT NULL,
  satisfaction_n           integer NOT NULL,
  satisfaction_hits        integer NOT NULL
);
CREATE INDEX rollup_indicator_grid_idx ON rollup_indicator (kind, start, grid_code);
CREATE INDEX rollup_indicator_community_idx ON rollup_indicator (kind, start, community_code);
CREATE INDEX rollup_indicator_zone_idx ON rollup_indicator (kind, start, zone_code);

CREATE TABLE rollup_indicator_street (
  kind            text NOT NULL,
  start           date NOT NULL,
  district_code   text NOT NULL,
  street_code     text NOT NULL,
  department_code text NOT NULL,
  category_code   text NOT NULL,
  priority        text NOT NULL,
  reported                 integer NOT NULL,
  filed                    integer NOT NULL,
  closed                   integer NOT NULL,
  escalations              integer NOT NULL,
  supervisions             integer NOT NULL,
  closure_n                integer NOT NULL,
  closure_hits             integer NOT NULL,
  on_time_closure_n        integer NOT NULL,
  on_time_closure_hits     integer NOT NULL,
  rework_n                 integer NOT NULL,
  rework_hits              integer NOT NULL,
  on_time_verification_n   integer NOT NULL,
  on_time_verification_hits integer NOT NULL,
  public_share_n           integer NOT NULL,
  public_share_hits        integer NOT NULL,
  missed_n                 integer NOT NULL,
  missed_hits              integer NOT NULL,
  sign_for_n               integer NOT NULL,
  sign_for_hits            integer NOT NULL,
  return_n                 integer NOT NULL,
  return_hits              integer NOT NULL,
  redo_n                   integer NOT NULL,
  redo_hits                integer NOT NULL,
  fixed_on_spot_n          integer NOT NULL,
  fixed_on_spot_hits       integer NOT NULL,
  response_n               integer NOT NULL,
  response_hits            integer NOT NULL,
  resolution_n             integer NOT NULL,
  resolution_hits          integer NOT NULL,
  satisfaction_n           integer NOT NULL,
  satisfaction_hits        integer NOT NULL
);
CREATE INDEX rollup_indicator_street_idx ON rollup_indicator_street (kind, start, street_code);

-- measure: 'respond' (reported → signed for, signed for in the period) or 'resolve' (reported → closed, closed in
-- it); bucket: the working-hour bucket of shared/src/domain/indicators-histogram.ts; hours: the sum of its values
CREATE TABLE rollup_indicator_duration (
  kind            text NOT NULL,
  start           date NOT NULL,
  district_code   text NOT NULL,
  street_code     text NOT NULL,
  department_code text NOT NULL,
  measure         text NOT NULL CHECK (measure IN ('respond', 'resolve')),
  bucket          integer NOT NULL,
  n               integer NOT NULL,
  hours           float8 NOT NULL
);
CREATE INDEX rollup_indicator_duration_idx ON rollup_indicator_duration (kind, start, street_code);

-- Writes that can change the indicators of a period already computed: the earliest instant they can concern (the
-- case's report; -infinity for a change of the grids' staff, which decides the missed-report cohort).
CREATE TABLE rollup_indicator_touch (
  id    bigserial PRIMARY KEY,
  since timestamptz NOT NULL
);
CREATE INDEX rollup_indicator_touch_since_idx ON rollup_indicator_touch (since);

-- A change of a case's fields can change any period since its report (a sign-for today decides whether a dispatch
-- of last week was signed for on time); an action, a supervision entry or a rating only the periods from its
-- instant on. An update that changes none of the fields the indicators read (the light job's) touches nothing.
-- Whether a touch from `since` can concern a period that will be over when the job looks: not when `since` lies on
-- the CST day that holds an hour from now — every period over by then ends at or before that day's start, i.e. at
-- or before `since`, and every other one is still running while this transaction is (a period computed while
-- running is computed again once over, rollupPlan). So the writes of the day itself, nearly all of them, add no row.
CREATE FUNCTION rollup_indicator_concerns(since timestamptz) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN since IS NOT NULL AND rollup_day(since) < rollup_day(now() + interval '1 hour');

CREATE FUNCTION rollup_indicator_touch_cases() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO rollup_indicator_touch (since) SELECT min(reported_at) FROM ri_new HAVING rollup_indicator_concerns(min(reported_at));
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO rollup_indicator_touch (since) SELECT min(reported_at) FROM ri_old HAVING rollup_indicator_concerns(min(reported_at));
  ELSE
    INSERT INTO rollup_indicator_touch (since)
    SELECT min(least(o.reported_at, n.reported_at))
      FROM ri_old o JOIN ri_new n ON n.id = o.id
     WHERE (o.status, o.reported_at, o.filed_at, o.closed_at, o.resolve_by, o.respond_by, o.sign_by, o.accepted_at, o.handled_at,
            o.verified_at, o.source, o.fixed_on_spot, o.category_code, o.priority, o.grid_code, o.street_code, o.zone_code,
            o.community_code, o.department_code)
           IS DISTINCT FROM
           (n.status, n.reported_at, n.filed_at, n.closed_at, n.resolve_by, n.respond_by, n.sign_by, n.accepted_at, n.handled_at,
            n.verified_at, n.source, n.fixed_on_spot, n.category_code, n.priority, n.grid_code, n.street_code, n.zone_code,
            n.community_code, n.department_code)
    HAVING rollup_indicator_concerns(min(least(o.reported_at, n.reported_at)));
  END IF;
  RETURN NULL;
END $$;

-- rows with an instant of their own (an event's at, a supervision entry's opened_at, a rating's at)
CREATE FUNCTION rollup_indicator_touch_at() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('INSERT INTO rollup_indicator_touch (since) SELECT min(%I) FROM ri_new HAVING rollup_indicator_concerns(min(%I))', TG_ARGV[0], TG_ARGV[0]);
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE format('INSERT INTO rollup_indicator_touch (since) SELECT min(%I) FROM ri_old HAVING rollup_indicator_concerns(min(%I))', TG_ARGV[0], TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION rollup_indicator_touch_all() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rollup_indicator_touch (since) VALUES ('-infinity');
  RETURN NULL;
END $$;

CREATE TRIGGER cases_indicator_touch_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS ri_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_cases();
CREATE TRIGGER cases_indicator_touch_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS ri_old NEW TABLE AS ri_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_cases();
CREATE TRIGGER cases_indicator_touch_delete AFTER DELETE ON cases
  REFERENCING OLD TABLE AS ri_old FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_cases();
CREATE TRIGGER cases_indicator_touch_truncate AFTER TRUNCATE ON cases
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_all();
CREATE TRIGGER event_indicator_touch_insert AFTER INSERT ON event
  REFERENCING NEW TABLE AS ri_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_at('at');
CREATE TRIGGER case_rating_indicator_touch_insert AFTER INSERT ON case_rating
  REFERENCING NEW TABLE AS ri_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_at('at');
CREATE TRIGGER case_rating_indicator_touch_update AFTER UPDATE ON case_rating
  REFERENCING OLD TABLE AS ri_old NEW TABLE AS ri_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_at('at');
CREATE TRIGGER case_rating_indicator_touch_delete AFTER DELETE ON case_rating
  REFERENCING OLD TABLE AS ri_old FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_at('at');
CREATE TRIGGER supervision_indicator_touch_insert AFTER INSERT ON supervision
  REFERENCING NEW TABLE AS ri_new FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_at('opened_at');
CREATE TRIGGER supervision_indicator_touch_delete AFTER DELETE ON supervision
  REFERENCING OLD TABLE AS ri_old FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_at('opened_at');
CREATE TRIGGER grid_staff_indicator_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grid_staff
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_all();
CREATE TRIGGER staff_indicator_touch AFTER UPDATE OF role OR DELETE OR TRUNCATE ON staff
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_all();
-- the working calendar decides the durations in working hours
CREATE TRIGGER work_calendar_indicator_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_calendar
  FOR EACH STATEMENT EXECUTE FUNCTION rollup_indicator_touch_all();

-- The durations' sign-for arm (cases signed for in a period) by index, not through the period's events; the
-- indicators' backlog closed since a period began (closed_at >= F AND resolve_by < F) inside one index.
CREATE INDEX cases_accepted_at_idx ON cases (accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX cases_closed_due_idx ON cases (closed_at, resolve_by) WHERE closed_at IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS cases_closed_due_idx, cases_accepted_at_idx;
DROP TRIGGER IF EXISTS work_calendar_indicator_touch ON work_calendar;
DROP TRIGGER IF EXISTS staff_indicator_touch ON staff;
DROP TRIGGER IF EXISTS grid_staff_indicator_touch ON grid_staff;
DROP TRIGGER IF EXISTS supervision_indicator_touch_delete ON supervision;
DROP TRIGGER IF EXISTS supervision_indicator_touch_insert ON supervision;
DROP TRIGGER IF EXISTS case_rating_indicator_touch_delete ON case_rating;
DROP TRIGGER IF EXISTS case_rating_indicator_touch_update ON case_rating;
DROP TRIGGER IF EXISTS case_rating_indicator_touch_insert ON case_rating;
DROP TRIGGER IF EXISTS event_indicator_touch_insert ON event;
DROP TRIGGER IF EXISTS cases_indicator_touch_truncate ON cases;
DROP TRIGGER IF EXISTS cases_indicator_touch_delete ON cases;
DROP TRIGGER IF EXISTS cases_indicator_touch_update ON cases;
DROP TRIGGER IF EXISTS cases_indicator_touch_insert ON cases;
DROP FUNCTION IF EXISTS rollup_indicator_touch_all(), rollup_indicator_touch_at(), rollup_indicator_touch_cases(), rollup_indicator_concerns(timestamptz);
DROP TABLE IF EXISTS rollup_indicator_touch, rollup_indicator_duration, rollup_indicator_street, rollup_indicator, rollup_indicator_period;
