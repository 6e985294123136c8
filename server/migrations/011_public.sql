-- Up Migration

-- Service accounts of the public channels (role 'public'): the citizen's web page and Open311 file cases as them.
-- They cannot sign in (inactive, no usable password); cases name their real reporters in case_reporter.
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall', 'public'));
INSERT INTO app_user (username, display_name, role, password_hash, active) VALUES
  ('public-web', '公众上报', 'public', '!', false),
  ('open311', 'Open311 接口', 'public', '!', false)
ON CONFLICT (username) DO NOTHING;

-- Everyone who reported a case or followed it (+1), each with a tracking code of their own. Personal data (name,
-- phone) is read by staff only; `holder_key` names whose points ledger a report feeds (a hashed phone or a device).
CREATE TABLE case_reporter (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id       bigint NOT NULL REFERENCES cases (id),
  tracking_code text NOT NULL UNIQUE CHECK (tracking_code ~ '^[2-9A-HJKMNP-Z]{10}$'),
  kind          text NOT NULL CHECK (kind IN ('report', 'follow')),
  channel       text NOT NULL CHECK (channel IN ('web', 'open311')),
  name          text,
  phone         text,
  device_id     text,
  holder_key    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_reporter_case_idx ON case_reporter (case_id);
CREATE INDEX case_reporter_holder_idx ON case_reporter (holder_key, created_at);
CREATE UNIQUE INDEX case_reporter_follow_once ON case_reporter (case_id, holder_key) WHERE kind = 'follow';

-- Ratings of a closing: by the citizen on the tracking page, or by the center's callback (回访). `round` is the
-- case's rework count when rated: a reopened and closed-again case is rated again.
CREATE TABLE case_rating (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases (id),
  reporter_id bigint REFERENCES case_reporter (id),
  source      text NOT NULL CHECK (source IN ('citizen', 'callback')),
  round       integer NOT NULL,
  reached     boolean NOT NULL DEFAULT true,
  rating      text CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
  comment     text,
  reopened    boolean NOT NULL DEFAULT false,
  by_user     integer REFERENCES app_user (id),
  at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT case_rating_reached CHECK (reached OR rating IS NULL)
);
CREATE INDEX case_rating_case_idx ON case_rating (case_id, at);
CREATE UNIQUE INDEX case_rating_once ON case_rating (reporter_id, round) WHERE source = 'citizen';

-- The points ledger: one row an award (or an adjustment), never updated.
CREATE TABLE points_ledger (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  holder_key  text NOT NULL,
  case_id     bigint NOT NULL REFERENCES cases (id),
  reporter_id bigint REFERENCES case_reporter (id),
  points      integer NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('valid_report', 'follow', 'adjust')),
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_ledger_holder_idx ON points_ledger (holder_key, at);
CREATE UNIQUE INDEX points_ledger_once ON points_ledger (reporter_id, reason) WHERE reason <> 'adjust';

-- Down Migration
DROP TABLE IF EXISTS points_ledger, case_rating, case_reporter;
DELETE FROM app_user WHERE username IN ('public-web', 'open311') AND role = 'public';
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'));
