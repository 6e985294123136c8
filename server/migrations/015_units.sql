-- Up Migration

-- The organisation's units (单位): the district centre, the streets (街道/镇), the management zones (管区) and the
-- communities (社区/村) are the areas of those levels; the departments (城管局, 市场监管局 …) are units of their own.
-- A unit's code is its area code (digits) or its department code (capitals), so the two never collide.
-- A view, not a table: areas come and go with imports, departments with the admin, and a unit follows them.
CREATE VIEW org_unit AS
  SELECT a.code, a.level::text AS kind, a.name, a.code AS area_code, NULL::text AS department_code,
         CASE a.level WHEN 'district' THEN NULL WHEN 'street' THEN a.parent_code WHEN 'zone' THEN a.street_code
              ELSE a.zone_code END AS parent_code
    FROM area a
   WHERE a.level IN ('district', 'street', 'zone', 'community')
  UNION ALL
  SELECT d.code, 'department', d.name, NULL, d.code, (SELECT code FROM area WHERE level = 'district' ORDER BY code LIMIT 1)
    FROM department d;

-- Every account belongs to one unit; its role is scoped to that unit's area (or department). Null: the district
-- centre (accounts made before units existed, and the wall and public accounts, which have their own scope).
ALTER TABLE app_user ADD COLUMN unit_code text;
CREATE INDEX app_user_unit_idx ON app_user (unit_code);
UPDATE app_user SET unit_code = department_code WHERE role = 'handler' AND department_code IS NOT NULL;

-- The unit that holds a case now: its community at grid level (小事不出村(居)), then its management zone, its street
-- and the district (大事不出镇(街)、难事不出区). Escalation and hand-down move the level, and so the case between queues.
ALTER TABLE cases ADD COLUMN holder_code text GENERATED ALWAYS AS (
  CASE escalation_level WHEN 0 THEN community_code WHEN 1 THEN zone_code WHEN 2 THEN street_code ELSE left(street_code, 6) END
) STORED;
-- the queues read by holder (or department, migration 004's index) and state (server/src/modules/queues/repository.ts)
CREATE INDEX cases_holder_status_idx ON cases (holder_code, status);
CREATE INDEX cases_community_idx ON cases (community_code);

-- Sign-for and return (签收 / 退单): a department signs for a dispatched case by `sign_by` (set at every dispatch) or
-- returns it with a reason; the centre adjudicates (审定). The handling clocks run from intake and are never reset.
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
  CHECK (status IN ('reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified', 'closed', 'void', 'parked'));
ALTER TABLE cases ADD COLUMN sign_by timestamptz;
ALTER TABLE cases ADD COLUMN return_count integer NOT NULL DEFAULT 0 CHECK (return_count >= 0);
ALTER TABLE cases ADD COLUMN return_reason text;
-- the department that returned the case, kept while the centre adjudicates
ALTER TABLE cases ADD COLUMN returned_by text REFERENCES department (code);
CREATE INDEX cases_returned_idx ON cases (id) WHERE status = 'returned';
-- a returned case is still open (its clocks run while the centre adjudicates): the lit-grid index follows OPEN_STATES
DROP INDEX IF EXISTS cases_lit_grid_idx;
CREATE INDEX cases_lit_grid_idx ON cases (grid_code, light)
  WHERE status IN ('reported', 'filed', 'dispatched', 'returned', 'in_progress');

-- Down Migration
DROP INDEX IF EXISTS cases_lit_grid_idx;
CREATE INDEX cases_lit_grid_idx ON cases (grid_code, light)
  WHERE status IN ('reported', 'filed', 'dispatched', 'in_progress');
DROP INDEX IF EXISTS cases_returned_idx;
ALTER TABLE cases DROP COLUMN IF EXISTS returned_by;
ALTER TABLE cases DROP COLUMN IF EXISTS return_reason;
ALTER TABLE cases DROP COLUMN IF EXISTS return_count;
ALTER TABLE cases DROP COLUMN IF EXISTS sign_by;
UPDATE cases SET status = 'dispatched' WHERE status = 'returned';
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
  CHECK (status IN ('reported', 'filed', 'dispatched', 'in_progress', 'handled', 'verified', 'closed', 'void', 'parked'));
DROP INDEX IF EXISTS cases_community_idx;
DROP INDEX IF EXISTS cases_holder_status_idx;
ALTER TABLE cases DROP COLUMN IF EXISTS holder_code;
DROP INDEX IF EXISTS app_user_unit_idx;
ALTER TABLE app_user DROP COLUMN IF EXISTS unit_code;
DROP VIEW IF EXISTS org_unit;
