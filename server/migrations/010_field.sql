-- Up Migration

-- Photos, named by the SHA-256 of their bytes; the files live under the upload folder (GC_UPLOAD_DIR), never in the
-- served client. The EXIF position is kept for staff; copies served beyond staff carry no metadata.
CREATE TABLE photo (
  id          text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  mime        text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes       integer NOT NULL CHECK (bytes > 0),
  width       integer NOT NULL CHECK (width > 0),
  height      integer NOT NULL CHECK (height > 0),
  taken_at    timestamptz,
  gps         geometry(Point, 4326),
  uploaded_by integer REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Cases: fixed on the spot (举手之劳), and how their location was found.
ALTER TABLE cases ADD COLUMN fixed_on_spot boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN location_accuracy_m real CHECK (location_accuracy_m >= 0);
ALTER TABLE cases ADD COLUMN location_source text CHECK (location_source IN ('gps', 'map', 'exif'));

-- Verifications on site (核查): where the verifier was, how far from the case, and whether that is flagged.
CREATE TABLE verification (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases (id),
  user_id     integer REFERENCES app_user (id),
  at          timestamptz NOT NULL,
  result      text NOT NULL CHECK (result IN ('pass', 'fail')),
  location    geometry(Point, 4326),
  accuracy_m  real CHECK (accuracy_m >= 0),
  distance_m  double precision CHECK (distance_m >= 0),
  flagged     boolean NOT NULL,
  flag_reason text CHECK (flag_reason IN ('far', 'no_position')),
  note        text,
  photos      jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX verification_case_idx ON verification (case_id, at);
CREATE INDEX verification_flagged_idx ON verification (at) WHERE flagged;

-- Patrols of grid workers: the track (sampled), check-ins at places, household visits.
CREATE TABLE patrol (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES app_user (id),
  started_at timestamptz NOT NULL,
  ended_at   timestamptz,
  distance_m double precision NOT NULL DEFAULT 0 CHECK (distance_m >= 0),
  points     integer NOT NULL DEFAULT 0,
  CONSTRAINT patrol_order CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- one patrol at a time per worker
CREATE UNIQUE INDEX patrol_active_uniq ON patrol (user_id) WHERE ended_at IS NULL;
CREATE INDEX patrol_started_idx ON patrol (started_at);

CREATE TABLE patrol_point (
  patrol_id  bigint NOT NULL REFERENCES patrol (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL,
  position   geometry(Point, 4326) NOT NULL,
  accuracy_m real CHECK (accuracy_m >= 0),
  PRIMARY KEY (patrol_id, at)
);

CREATE TABLE checkin (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patrol_id  bigint REFERENCES patrol (id),
  user_id    integer NOT NULL REFERENCES app_user (id),
  at         timestamptz NOT NULL,
  position   geometry(Point, 4326) NOT NULL,
  accuracy_m real CHECK (accuracy_m >= 0),
  grid_code  text REFERENCES area (code),
  place      text NOT NULL,
  note       text,
  photos     jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX checkin_user_idx ON checkin (user_id, at);

CREATE TABLE household_visit (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES app_user (id),
  visit_date date NOT NULL,
  household  text NOT NULL,
  note       text,
  position   geometry(Point, 4326),
  grid_code  text REFERENCES area (code),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX household_visit_user_idx ON household_visit (user_id, visit_date);

-- Sessions get an id (for the admin's list), a kind and a device name: a phone stays signed in for weeks.
ALTER TABLE user_session ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE user_session ADD CONSTRAINT user_session_id_uniq UNIQUE (id);
ALTER TABLE user_session ADD COLUMN kind text NOT NULL DEFAULT 'browser' CHECK (kind IN ('browser', 'device'));
ALTER TABLE user_session ADD COLUMN device_name text;

-- Events name the grid and department of their case, so each role's stream and replay can be filtered in SQL.
ALTER TABLE event ADD COLUMN grid_code text;
ALTER TABLE event ADD COLUMN department_code text;
UPDATE event e SET grid_code = c.grid_code, department_code = c.department_code FROM cases c WHERE c.id = e.case_id;
CREATE INDEX event_grid_idx ON event (grid_code, id) WHERE grid_code IS NOT NULL;
CREATE INDEX event_department_idx ON event (department_code, id) WHERE department_code IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS event_department_idx;
DROP INDEX IF EXISTS event_grid_idx;
ALTER TABLE event DROP COLUMN IF EXISTS department_code;
ALTER TABLE event DROP COLUMN IF EXISTS grid_code;
ALTER TABLE user_session DROP COLUMN IF EXISTS device_name;
ALTER TABLE user_session DROP COLUMN IF EXISTS kind;
ALTER TABLE user_session DROP CONSTRAINT IF EXISTS user_session_id_uniq;
ALTER TABLE user_session DROP COLUMN IF EXISTS id;
DROP TABLE IF EXISTS household_visit, checkin, patrol_point, patrol, verification, photo;
ALTER TABLE cases DROP COLUMN IF EXISTS location_source;
ALTER TABLE cases DROP COLUMN IF EXISTS location_accuracy_m;
ALTER TABLE cases DROP COLUMN IF EXISTS fixed_on_spot;
