-- Up Migration
-- Lists of areas below an ancestor (e.g. all grids of a street) on large cities.
CREATE INDEX area_street_level_idx ON area (street_code, level);
CREATE INDEX area_zone_level_idx ON area (zone_code, level);
CREATE INDEX area_community_level_idx ON area (community_code, level);

-- Down Migration
DROP INDEX IF EXISTS area_street_level_idx, area_zone_level_idx, area_community_level_idx;
