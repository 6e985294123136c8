-- Up Migration
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TYPE area_level AS ENUM ('district', 'street', 'zone', 'community', 'grid');

-- The whole hierarchy in one table: district → street/town → management zone (管区) → community/village → grid.
-- `id` is the integer feature id used in vector tiles and for recolouring by id on the map.
CREATE TABLE area (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL UNIQUE,
  level          area_level NOT NULL,
  name           text NOT NULL,
  display_code   text,
  parent_code    text REFERENCES area (code),
  street_code    text REFERENCES area (code),
  zone_code      text REFERENCES area (code),
  community_code text REFERENCES area (code),
  population     integer NOT NULL DEFAULT 0 CHECK (population >= 0),
  households     integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  urban          boolean NOT NULL DEFAULT false,
  geom           geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geom_3857      geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  label_point    geometry(Point, 4326) GENERATED ALWAYS AS (ST_PointOnSurface(geom)) STORED,
  CONSTRAINT area_code_format CHECK (
    (level = 'district'  AND code ~ '^[0-9]{6}$') OR
    (level = 'street'    AND code ~ '^[0-9]{9}$') OR
    (level = 'zone'      AND code ~ '^[0-9]{11}$') OR
    (level = 'community' AND code ~ '^[0-9]{12}$') OR
    (level = 'grid'      AND code ~ '^[0-9]{15}$')
  ),
  CONSTRAINT area_parent_required CHECK ((level = 'district') = (parent_code IS NULL))
);
CREATE INDEX area_level_idx ON area (level);
CREATE INDEX area_parent_idx ON area (parent_code);
CREATE INDEX area_geom_gix ON area USING gist (geom);
CREATE INDEX area_grid_geom_gix ON area USING gist (geom) WHERE level = 'grid';
CREATE INDEX area_geom_3857_gix ON area USING gist (geom_3857);
CREATE INDEX area_grid_geom_3857_gix ON area USING gist (geom_3857) WHERE level = 'grid';

CREATE TYPE staff_role AS ENUM (
  'grid_worker', 'community_police', 'city_management', 'safety_inspector',
  'building_head', 'property_manager', 'volunteer'
);

-- Grid staff ("一格五员"). Names and phones are personal data.
CREATE TABLE staff (
  id    text PRIMARY KEY,
  name  text NOT NULL,
  role  staff_role NOT NULL,
  phone text NOT NULL CHECK (phone ~ '^1[0-9]{10}$')
);

CREATE TABLE grid_staff (
  grid_code   text NOT NULL REFERENCES area (code) ON DELETE CASCADE,
  staff_id    text NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  responsible boolean NOT NULL DEFAULT false,
  PRIMARY KEY (grid_code, staff_id)
);
CREATE INDEX grid_staff_staff_idx ON grid_staff (staff_id);
-- One responsible person per grid at most; a grid with none is a vacancy (网格真空).
CREATE UNIQUE INDEX grid_staff_one_responsible ON grid_staff (grid_code) WHERE responsible;

CREATE TYPE team_kind AS ENUM ('police_patrol', 'city_management', 'grid_team', 'emergency', 'market_supervision');
CREATE TYPE team_status AS ENUM ('available', 'en_route', 'on_scene', 'off_duty');

CREATE TABLE team (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL UNIQUE,
  name           text NOT NULL,
  kind           team_kind NOT NULL,
  status         team_status NOT NULL DEFAULT 'available',
  home_zone_code text REFERENCES area (code),
  position       geometry(Point, 4326),
  position_at    timestamptz,
  version        integer NOT NULL DEFAULT 1
);
CREATE INDEX team_position_gix ON team USING gist (position);
CREATE INDEX team_status_kind_idx ON team (status, kind);

CREATE TABLE team_member (
  team_id integer NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  seq     integer NOT NULL,
  name    text NOT NULL,
  role    text NOT NULL,
  PRIMARY KEY (team_id, seq)
);

-- Departments that handle cases, and the event catalogue in 大类/小类.
CREATE TABLE department (
  code    text PRIMARY KEY,
  name    text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE category_major (
  code    text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name    text NOT NULL,
  name_en text NOT NULL
);

-- Time limits: an amount and a unit. 'hours' count wall-clock hours for urgent/emergency cases and
-- working hours for normal ones; 'working_days' count working days (0.5 = half a working day).
CREATE TABLE category (
  code               text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
  major_code         text NOT NULL REFERENCES category_major (code),
  name               text NOT NULL,
  name_en            text NOT NULL,
  department_code    text NOT NULL REFERENCES department (code),
  respond_limit      numeric NOT NULL CHECK (respond_limit > 0),
  respond_unit       text NOT NULL CHECK (respond_unit IN ('hours', 'working_days')),
  resolve_limit      numeric NOT NULL CHECK (resolve_limit > 0),
  resolve_unit       text NOT NULL CHECK (resolve_unit IN ('hours', 'working_days')),
  -- red when overdue by this many times its own limit again (1 = "its whole limit again")
  red_factor         numeric NOT NULL DEFAULT 1 CHECK (red_factor > 0),
  -- "due soon" warning once this share of the limit has passed
  warn_ratio         numeric NOT NULL DEFAULT 0.8 CHECK (warn_ratio > 0 AND warn_ratio < 1),
  closing_condition  text NOT NULL DEFAULT '',
  CONSTRAINT category_code_in_major CHECK (left(code, 2) = major_code)
);
CREATE INDEX category_major_idx ON category (major_code);

-- Down Migration
DROP TABLE IF EXISTS category, category_major, department, team_member, team, grid_staff, staff, area;
DROP TYPE IF EXISTS team_status, team_kind, staff_role, area_level;
