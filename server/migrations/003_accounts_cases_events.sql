-- Up Migration

-- Accounts. Roles: admin, leader (reads all, writes nothing), dispatcher, handler (a department's cases),
-- worker (grid worker: their own grids), wall (read-only display token for unattended screens).
CREATE TABLE app_user (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{2,40}$'),
  display_name    text NOT NULL,
  role            text NOT NULL CHECK (role IN ('admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall')),
  password_hash   text NOT NULL,
  department_code text REFERENCES department (code),
  staff_id        text REFERENCES staff (id),
  grid_codes      text[] NOT NULL DEFAULT '{}',
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Sessions: only the SHA-256 of the cookie token is stored.
CREATE TABLE user_session (
  token_hash   text PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- Long-lived display tokens for wall screens (?token=), also stored hashed.
CREATE TABLE wall_token (
  token_hash text PRIMARY KEY,
  name       text NOT NULL,
  user_id    integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Working calendar exceptions (statutory holidays off, make-up workdays 调休 on); admins update it yearly.
CREATE TABLE work_calendar (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL DEFAULT ''
);

-- Tunable settings (working hours, light thresholds…) as JSON values.
CREATE TABLE setting (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cases (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code               text NOT NULL UNIQUE,
  source             text NOT NULL CHECK (source IN ('grid_worker', 'public', 'hotline', 'sensor', 'department')),
  category_code      text NOT NULL REFERENCES category (code),
  priority           text NOT NULL CHECK (priority IN ('normal', 'urgent', 'emergency')),
  title              text NOT NULL,
  description        text NOT NULL DEFAULT '',
  address            text,
  location           geometry(Point, 4326) NOT NULL,
  grid_code          text NOT NULL REFERENCES area (code),
  community_code     text NOT NULL REFERENCES area (code),
  zone_code          text NOT NULL REFERENCES area (code),
  street_code        text NOT NULL REFERENCES area (code),
  -- personal data: only roles that need it see it, and reads are logged
  reporter_name      text,
  reporter_phone     text,
  reporter_user_id   integer REFERENCES app_user (id),
  photos             jsonb NOT NULL DEFAULT '[]',
  department_code    text REFERENCES department (code),
  team_id            integer REFERENCES team (id),
  status             text NOT NULL DEFAULT 'reported'
                     CHECK (status IN ('reported', 'filed', 'dispatched', 'in_progress', 'handled', 'verified', 'closed', 'void', 'parked')),
  status_before_park text,
  -- 0 grid, 1 management zone, 2 street, 3 district
  escalation_level   smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
  duplicate_of       bigint REFERENCES cases (id),
  void_reason        text,
  park_reason        text,
  park_review_date   date,
  rework_count       integer NOT NULL DEFAULT 0,
  reported_at        timestamptz NOT NULL DEFAULT now(),
  filed_at           timestamptz,
  dispatched_at      timestamptz,
  accepted_at        timestamptz,
  handled_at         timestamptz,
  verified_at        timestamptz,
  closed_at          timestamptz,
  voided_at          timestamptz,
  -- the two clocks and their thresholds, computed at intake from the category, the priority and the calendar
  respond_by         timestamptz NOT NULL,
  respond_warn_at    timestamptz,
  respond_red_at     timestamptz,
  resolve_by         timestamptz NOT NULL,
  resolve_warn_at    timestamptz,
  resolve_red_at     timestamptz,
  light              text NOT NULL DEFAULT 'green' CHECK (light IN ('none', 'green', 'due_soon', 'yellow', 'red')),
  -- when the light must next be re-evaluated as time passes (null: it cannot change by itself any more)
  next_light_at      timestamptz,
  supervised         boolean NOT NULL DEFAULT false,
  version            integer NOT NULL DEFAULT 1,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_location_gix ON cases USING gist (location);
CREATE INDEX cases_status_idx ON cases (status);
CREATE INDEX cases_street_status_idx ON cases (street_code, status);
CREATE INDEX cases_grid_idx ON cases (grid_code);
CREATE INDEX cases_zone_idx ON cases (zone_code);
CREATE INDEX cases_reported_at_idx ON cases (reported_at);
CREATE INDEX cases_closed_at_idx ON cases (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_next_light_idx ON cases (next_light_at) WHERE next_light_at IS NOT NULL;
CREATE INDEX cases_open_light_idx ON cases (light) WHERE status NOT IN ('closed', 'void');
CREATE INDEX cases_supervised_idx ON cases (id) WHERE supervised;
CREATE SEQUENCE case_code_seq;

-- Supervision records (督办) and the notices (督办单) issued for them.
CREATE TABLE supervision (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id    bigint NOT NULL REFERENCES cases (id),
  notice_no  text NOT NULL UNIQUE,
  level      text NOT NULL CHECK (level IN ('yellow', 'red')),
  reason     text NOT NULL,
  opened_at  timestamptz NOT NULL DEFAULT now(),
  opened_by  integer REFERENCES app_user (id),
  closed_at  timestamptz,
  close_note text
);
CREATE INDEX supervision_case_idx ON supervision (case_id);
CREATE INDEX supervision_open_idx ON supervision (opened_at) WHERE closed_at IS NULL;

-- Every change is an event row. The ids are the live stream's ids: inserts into this table take the
-- transaction-level advisory lock (see server code) so ids become visible in commit order, and the
-- trigger below wakes every server process with the id only.
CREATE TABLE event (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  type        text NOT NULL,
  case_id     bigint REFERENCES cases (id),
  team_id     integer REFERENCES team (id),
  street_code text,
  actor_id    integer REFERENCES app_user (id),
  actor_role  text,
  from_state  text,
  to_state    text,
  note        text,
  location    geometry(Point, 4326),
  payload     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX event_case_idx ON event (case_id, id);
CREATE INDEX event_team_idx ON event (team_id, id) WHERE team_id IS NOT NULL;
CREATE INDEX event_at_idx ON event (at);

CREATE FUNCTION event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gc_events', NEW.id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER event_notify AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION event_notify();

-- Reads of personal data (reporters' names and phones, staff phones) are logged.
CREATE TABLE personal_data_access (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  user_id  integer REFERENCES app_user (id),
  subject  text NOT NULL,
  fields   text[] NOT NULL,
  route    text NOT NULL
);

-- Down Migration
DROP TABLE IF EXISTS personal_data_access, event, supervision, cases, setting, work_calendar, wall_token, user_session, app_user;
DROP SEQUENCE IF EXISTS case_code_seq;
DROP FUNCTION IF EXISTS event_notify();
