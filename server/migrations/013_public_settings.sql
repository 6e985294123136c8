-- Up Migration

-- The public side's rules an admin may change: the points a report earns, and which major categories are
-- sensitive (shown publicly only at their grid's centre). One row.
CREATE TABLE public_setting (
  id               boolean PRIMARY KEY DEFAULT true CHECK (id),
  point_rules      jsonb NOT NULL,
  sensitive_majors text[] NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       integer REFERENCES app_user (id)
);
INSERT INTO public_setting (point_rules, sensitive_majors)
VALUES ('{"validReport": 10, "firstReporter": 5, "follow": 2}', ARRAY['04', '07', '10']);

-- Down Migration
DROP TABLE IF EXISTS public_setting;
