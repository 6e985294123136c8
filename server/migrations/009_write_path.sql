-- Up Migration

-- Writers no longer serialise on one lock, and no longer notify from inside their transaction (a NOTIFY makes
-- every notifying commit queue behind one another). The live hub orders delivery itself (docs/live.md):
-- a writer's transaction id is assigned before it draws any event id, and the hub delivers an id only once
-- every transaction older than its last read has finished. Each process wakes its own hub after a commit and
-- sends one coalesced NOTIFY for the others.
DROP TRIGGER IF EXISTS event_notify ON event;
DROP FUNCTION IF EXISTS event_notify();

-- v: schema version of the payload (shared/src/schemas/events.ts); xid: the writing transaction
ALTER TABLE event ADD COLUMN v smallint NOT NULL DEFAULT 1 CHECK (v >= 1);
ALTER TABLE event ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- Idempotent writes: a POST with an Idempotency-Key is answered once; a retry with the same key (same caller)
-- gets the first outcome back and writes nothing. The key is claimed in the same transaction as the write, so
-- a write that committed but whose answer was lost is found by the retry. Kept at least 24 hours.
CREATE TABLE idempotency_key (
  scope        text NOT NULL,
  key          text NOT NULL,
  fingerprint  text NOT NULL,
  status_code  smallint NOT NULL DEFAULT 0,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);

-- Down Migration
DROP TABLE IF EXISTS idempotency_key;
ALTER TABLE event DROP COLUMN IF EXISTS xid;
ALTER TABLE event DROP COLUMN IF EXISTS v;
CREATE FUNCTION event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gc_events', NEW.id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER event_notify AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION event_notify();
