-- Up Migration

-- The monthly assessment of grid workers and heads of community (月度考核, docs/assessment.md).

-- Duty records a worker makes from the phone: information changes (信息变动), renter household meetings (租房户见面)
-- and newcomers registered (新流入人员登记). occurred_on is the day it happened (CST date), recorded_at when recorded:
-- on time is judged between the two (shared/src/domain/assessment-score.ts).
CREATE TABLE duty_record (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES app_user (id),
  kind        text NOT NULL CHECK (kind IN ('info_update', 'renter_meeting', 'newcomer')),
  grid_code   text NOT NULL REFERENCES area (code),
  occurred_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  subject     text NOT NULL,
  note        text
);
CREATE INDEX duty_record_recorded_idx ON duty_record (recorded_at);
CREATE INDEX duty_record_user_idx ON duty_record (user_id, recorded_at DESC);
CREATE INDEX duty_record_renter_idx ON duty_record (grid_code, occurred_on) WHERE kind = 'renter_meeting';

-- Sick leave (病假) with the colleague who covers the grids (顶岗人员); set by a leader, a desk or the admin.
CREATE TABLE staff_leave (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id       integer NOT NULL REFERENCES app_user (id),
  cover_user_id integer REFERENCES app_user (id),
  from_date     date NOT NULL,
  to_date       date NOT NULL,
  note          text,
  created_by    integer REFERENCES app_user (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (to_date >= from_date),
  CHECK (cover_user_id IS DISTINCT FROM user_id)
);
CREATE INDEX staff_leave_dates_idx ON staff_leave (from_date, to_date);

-- The admin's weights, one row per kind and duty; no rows: the defaults of the domain (DEFAULT_WEIGHTS).
CREATE TABLE assessment_weight (
  kind       text NOT NULL CHECK (kind IN ('head', 'staff')),
  duty       text NOT NULL,
  weight     double precision NOT NULL CHECK (weight >= 0),
  updated_by integer REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, duty)
);

-- A closed month (the leader's review, 审定): one row per post, the sheet as it was recorded.
CREATE TABLE assessment_result (
  month       text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  user_id     integer NOT NULL REFERENCES app_user (id),
  payee_id    integer NOT NULL REFERENCES app_user (id),
  kind        text NOT NULL CHECK (kind IN ('head', 'staff')),
  score       double precision NOT NULL,
  share       double precision NOT NULL,
  yuan        double precision NOT NULL,
  consequence text NOT NULL CHECK (consequence IN ('none', 'suspension', 'probation')),
  details     jsonb NOT NULL,
  unit_code   text NOT NULL,
  closed_by   integer NOT NULL REFERENCES app_user (id),
  closed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (month, user_id)
);
CREATE INDEX assessment_result_user_idx ON assessment_result (user_id, month DESC);

-- the month's reads across every worker (set-based, by date)
CREATE INDEX household_visit_date_idx ON household_visit (visit_date);
CREATE INDEX verification_user_at_idx ON verification (user_id, at);
CREATE INDEX cases_reporter_reported_idx ON cases (reporter_user_id, reported_at) WHERE reporter_user_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS cases_reporter_reported_idx;
DROP INDEX IF EXISTS verification_user_at_idx;
DROP INDEX IF EXISTS household_visit_date_idx;
DROP TABLE IF EXISTS assessment_result;
DROP TABLE IF EXISTS assessment_weight;
DROP TABLE IF EXISTS staff_leave;
DROP TABLE IF EXISTS duty_record;
