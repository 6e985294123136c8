-- Up Migration

-- The action of a case event (file, dispatch, return, accept, verify_fail …) as a column of its own, so that the
-- indicators count actions over a period from an index without reading each event's JSON payload
-- (server/src/modules/indicators/repository.ts). Generated from the payload: the appender does not change.
ALTER TABLE event ADD COLUMN action text GENERATED ALWAYS AS (payload->>'action') STORED;
CREATE INDEX event_at_action_idx ON event (at) INCLUDE (case_id, type, action) WHERE case_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS event_at_action_idx;
ALTER TABLE event DROP COLUMN IF EXISTS action;
