-- Up Migration

-- A dispatch record per team sent to a case (派遣记录). Open = neither finished nor cancelled.
-- A team has at most one open dispatch, and so has a case: the partial unique indexes back the
-- conditional updates of the service, so two dispatchers racing can never both win.
CREATE TABLE dispatch (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id        bigint NOT NULL REFERENCES cases (id),
  team_id        integer NOT NULL REFERENCES team (id),
  dispatcher_id  integer REFERENCES app_user (id),
  dispatched_at  timestamptz NOT NULL DEFAULT now(),
  arrived_at     timestamptz,
  finished_at    timestamptz,
  -- reassigned to another team or stood down by the dispatcher
  cancelled_at   timestamptz,
  distance_m     double precision CHECK (distance_m >= 0),
  eta_s          integer CHECK (eta_s >= 0),
  note           text
);
CREATE INDEX dispatch_case_idx ON dispatch (case_id, id);
CREATE INDEX dispatch_team_idx ON dispatch (team_id, id);
CREATE UNIQUE INDEX dispatch_team_open_uniq ON dispatch (team_id) WHERE finished_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX dispatch_case_open_uniq ON dispatch (case_id) WHERE finished_at IS NULL AND cancelled_at IS NULL;

-- Position history (AVL). The team row holds the latest position; this table the track.
-- Retention: rows older than GC_POSITION_RETENTION_DAYS (default 7) are pruned by a job.
CREATE TABLE team_position (
  team_id     integer NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  position    geometry(Point, 4326) NOT NULL,
  speed_kmh   real,
  heading     real,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, at)
);
CREATE INDEX team_position_at_idx ON team_position (at);

-- Per-team device tokens (a team's phone or vehicle unit posts its own positions and arrivals).
-- Only the SHA-256 of the token is stored.
CREATE TABLE team_device_token (
  token_hash text PRIMARY KEY,
  team_id    integer NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  created_by integer REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX team_device_token_team_idx ON team_device_token (team_id);

-- Patrol zones: a team patrols a set of grids during a shift (24-hour coverage by shifts).
-- The drawn polygon, when there was one, is kept for display; the grids are what counts.
CREATE TABLE patrol_zone (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id     integer NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  name        text,
  shift_start timestamptz NOT NULL,
  shift_end   timestamptz NOT NULL,
  polygon     geometry(Polygon, 4326) CHECK (polygon IS NULL OR ST_IsValid(polygon)),
  created_by  integer REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT patrol_zone_shift_order CHECK (shift_end > shift_start)
);
CREATE INDEX patrol_zone_shift_idx ON patrol_zone USING gist (tstzrange(shift_start, shift_end));
CREATE INDEX patrol_zone_team_idx ON patrol_zone (team_id);

CREATE TABLE patrol_zone_grid (
  zone_id   bigint NOT NULL REFERENCES patrol_zone (id) ON DELETE CASCADE,
  grid_code text NOT NULL REFERENCES area (code),
  PRIMARY KEY (zone_id, grid_code)
);
CREATE INDEX patrol_zone_grid_grid_idx ON patrol_zone_grid (grid_code);

-- Down Migration
DROP TABLE IF EXISTS patrol_zone_grid, patrol_zone, team_device_token, team_position, dispatch;
