-- Up Migration

-- Specialist grids (专业网格) drawn over the comprehensive grid: labour inspection (劳动保障监察网格, two levels),
-- food-safety networks (食品安全网格, an information officer per community/village) and police patrol zones
-- (巡防区). A layer names the department responsible and the case categories it covers (by major or by code).
CREATE TABLE specialist_layer (
  code            text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,20}$'),
  seq             integer NOT NULL,
  name            text NOT NULL,
  name_en         text NOT NULL,
  department_code text NOT NULL REFERENCES department (code),
  majors          text[] NOT NULL DEFAULT '{}',
  category_codes  text[] NOT NULL DEFAULT '{}',
  -- legend and tile colour, #rrggbb
  color           text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
  levels          integer NOT NULL DEFAULT 1 CHECK (levels IN (1, 2))
);

INSERT INTO specialist_layer (code, seq, name, name_en, department_code, majors, category_codes, color, levels) VALUES
  ('labour', 1, '劳动保障监察网格', 'Labour inspection grids', 'RSJ', '{09}', '{}', '#fb923c', 2),
  ('food', 2, '食品安全网格', 'Food-safety grids', 'SJJ', '{08}', '{}', '#4ade80', 1),
  ('patrol', 3, '治安巡防区', 'Police patrol zones', 'GAJ', '{10}', '{02001,04007,04008,11004}', '#f472b6', 1);

-- `id` is the integer feature id of the layer's vector tiles.
CREATE TABLE specialist_grid (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_code  text NOT NULL REFERENCES specialist_layer (code) ON DELETE CASCADE,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{2}-[0-9]{1,15}(-[0-9]{1,3})?$'),
  name        text NOT NULL,
  level       integer NOT NULL DEFAULT 1 CHECK (level IN (1, 2)),
  parent_code text REFERENCES specialist_grid (code) ON DELETE CASCADE,
  street_code text CHECK (street_code ~ '^[0-9]{9}$'),
  geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geom_3857   geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT specialist_grid_parent_level CHECK ((level = 2) = (parent_code IS NOT NULL))
);
CREATE INDEX specialist_grid_layer_idx ON specialist_grid (layer_code, level);
CREATE INDEX specialist_grid_geom_3857_gix ON specialist_grid USING gist (geom_3857);

-- The unit grids (单元网格) a specialist grid covers: a case's specialist grids are found through its grid code.
CREATE TABLE specialist_grid_area (
  specialist_grid_id integer NOT NULL REFERENCES specialist_grid (id) ON DELETE CASCADE,
  grid_code          text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  PRIMARY KEY (specialist_grid_id, grid_code)
);
CREATE INDEX specialist_grid_area_grid_idx ON specialist_grid_area (grid_code);

-- A specialist grid's officers (专管员/信息员/巡防队员). Phones are personal data.
CREATE TABLE specialist_officer (
  id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  specialist_grid_id integer NOT NULL REFERENCES specialist_grid (id) ON DELETE CASCADE,
  name               text NOT NULL,
  title              text NOT NULL,
  phone              text NOT NULL CHECK (phone ~ '^1[0-9]{10}$'),
  responsible        boolean NOT NULL DEFAULT false
);
CREATE INDEX specialist_officer_grid_idx ON specialist_officer (specialist_grid_id);
CREATE UNIQUE INDEX specialist_officer_one_responsible ON specialist_officer (specialist_grid_id) WHERE responsible;

-- Grid codes are not foreign keys onto area: an area import (server/src/modules/import) checks every reference it
-- knows of; these rows follow a grid by code and are dropped with it by a re-import of the base data.

-- Base data per unit grid (人、地、事、物、组织): enterprises, shops, rented homes, people in need of care, key persons.
-- base_count holds the registered totals (台账数) every role that may see the grid reads; base_record the records
-- (台账明细) only some roles read, each read logged. An import sets both for the (grid, kind) pairs it carries.
CREATE TABLE base_count (
  grid_code text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  kind      text NOT NULL CHECK (kind IN ('enterprise', 'shop', 'rented_home', 'care_person', 'key_person')),
  n         integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (grid_code, kind)
);

CREATE TABLE base_record (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grid_code     text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  kind          text NOT NULL CHECK (kind IN ('enterprise', 'shop', 'rented_home', 'care_person', 'key_person')),
  name          text NOT NULL,
  address       text NOT NULL DEFAULT '',
  detail        text NOT NULL DEFAULT '',
  -- personal data
  contact_name  text,
  contact_phone text CHECK (contact_phone ~ '^1[0-9]{10}$'),
  source        text NOT NULL DEFAULT 'demo' CHECK (source IN ('demo', 'import'))
);
CREATE INDEX base_record_grid_kind_idx ON base_record (grid_code, kind);

-- Down Migration
DROP TABLE IF EXISTS base_record, base_count, specialist_officer, specialist_grid_area, specialist_grid, specialist_layer;
