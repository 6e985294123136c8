-- Up Migration

-- The zero-report rule (零报制, docs/bulletins.md#zero-report): units file periodic reports every period, also with
-- nothing to report ("本期无情况"). A report kind names the unit kind that must report, the period and the deadline:
-- the `deadline_day`-th calendar day of the following period, to 24:00 CST (shared/src/domain/zero-report.ts).
CREATE TABLE report_kind (
  code         text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name         text NOT NULL,
  name_en      text NOT NULL,
  unit_kind    text NOT NULL CHECK (unit_kind IN ('street', 'zone', 'community', 'department')),
  period       text NOT NULL CHECK (period IN ('month', 'quarter')),
  deadline_day integer NOT NULL CHECK (deadline_day BETWEEN 1 AND 28),
  active       boolean NOT NULL DEFAULT true
);

INSERT INTO report_kind (code, name, name_en, unit_kind, period, deadline_day) VALUES
  ('family_planning', '计划生育信息通报', 'Family-planning information report', 'community', 'month', 5),
  ('labour_inspection', '劳动保障监察情况', 'Labour-inspection report', 'community', 'month', 5),
  ('safety_inspection', '安全生产检查月报', 'Monthly safety-inspection report', 'street', 'month', 5),
  ('street_quarterly', '网格化工作季度总结', 'Quarterly grid-work summary', 'street', 'quarter', 10);

-- One submission per kind, unit and period (the period's first CST day); a second is refused (409), not overwritten.
-- unit_code is an org_unit code (a view: areas and departments), so it has no foreign key.
CREATE TABLE unit_report (
  id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind_code         text NOT NULL REFERENCES report_kind (code),
  unit_code         text NOT NULL,
  period_start      date NOT NULL,
  nothing_to_report boolean NOT NULL DEFAULT false,
  body              text,
  counts            jsonb NOT NULL DEFAULT '{}',
  submitted_by      integer REFERENCES app_user (id),
  submitted_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind_code, unit_code, period_start),
  CHECK (nothing_to_report OR coalesce(btrim(body), '') <> '')
);
CREATE INDEX unit_report_period_idx ON unit_report (period_start, kind_code);

-- Down Migration
DROP TABLE IF EXISTS unit_report;
DROP TABLE IF EXISTS report_kind;
