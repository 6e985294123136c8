-- Up Migration

-- Who did what, when, for the actions that are not case or team events (those are in `event`) nor reads of personal
-- data (those are in `personal_data_access`): logins and logouts, wall tokens, sessions ended, API keys, the
-- calendar, the public settings, area imports. Never a password or a token's secret (server/src/modules/audit).
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     integer REFERENCES app_user (id),
  -- the login tried (a failed login has no user) or the user's name when the row was written
  username    text,
  role        text,
  -- the client's address as the server sees it (request.ip)
  address     text,
  action      text NOT NULL,
  object_type text,
  object_id   text,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
CREATE INDEX audit_log_username_idx ON audit_log (lower(username), at DESC);

-- The audit timeline reads events and personal-data reads newest first, by actor, type or area.
CREATE INDEX event_actor_at_idx ON event (actor_id, at DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX event_type_at_idx ON event (type, at DESC);
CREATE INDEX event_street_at_idx ON event (street_code, at DESC) WHERE street_code IS NOT NULL;
CREATE INDEX event_grid_at_idx ON event (grid_code, at DESC) WHERE grid_code IS NOT NULL;
CREATE INDEX personal_data_access_at_idx ON personal_data_access (at DESC);
CREATE INDEX personal_data_access_user_idx ON personal_data_access (user_id, at DESC);

-- Down Migration
DROP INDEX IF EXISTS personal_data_access_user_idx;
DROP INDEX IF EXISTS personal_data_access_at_idx;
DROP INDEX IF EXISTS event_grid_at_idx;
DROP INDEX IF EXISTS event_street_at_idx;
DROP INDEX IF EXISTS event_type_at_idx;
DROP INDEX IF EXISTS event_actor_at_idx;
DROP TABLE IF EXISTS audit_log;
