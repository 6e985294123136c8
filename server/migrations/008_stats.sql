-- Up Migration
-- Statistics (/api/stats, /api/map): index-friendly access to every instant a period indicator filters on,
-- and the open cases by grid (the wall's grid colours: one GROUP BY over this partial index).
CREATE INDEX cases_filed_at_idx ON cases (filed_at) WHERE filed_at IS NOT NULL;
CREATE INDEX cases_resolve_by_idx ON cases (resolve_by);
CREATE INDEX cases_street_reported_idx ON cases (street_code, reported_at);
CREATE INDEX cases_lit_grid_idx ON cases (grid_code, light)
  WHERE status IN ('reported', 'filed', 'dispatched', 'in_progress');

-- Down Migration
DROP INDEX IF EXISTS cases_lit_grid_idx, cases_street_reported_idx, cases_resolve_by_idx, cases_filed_at_idx;
