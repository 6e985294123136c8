-- Up Migration

-- Accounts edited by the admin in the accounts page (docs/units.md): a version for refusing a stale edit (409) and
-- the time of the last change. Every edit sets version = version + 1 and updated_at = now().
ALTER TABLE app_user ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE app_user ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE app_user SET updated_at = created_at;

-- Down Migration
ALTER TABLE app_user DROP COLUMN IF EXISTS updated_at;
ALTER TABLE app_user DROP COLUMN IF EXISTS version;
