-- Up Migration

-- First-receiver leads (首接负责): the department a case is dispatched to leads it (cases.department_code); helping
-- departments (协办) added by the centre see and follow it. Who may act stays with the lead (docs/units.md).
ALTER TABLE cases ADD COLUMN helper_departments text[] NOT NULL DEFAULT '{}';
CREATE INDEX cases_helper_departments_gix ON cases USING gin (helper_departments) WHERE helper_departments <> '{}';

-- Down Migration
DROP INDEX IF EXISTS cases_helper_departments_gix;
ALTER TABLE cases DROP COLUMN IF EXISTS helper_departments;
