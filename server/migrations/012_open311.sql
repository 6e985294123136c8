-- Up Migration

-- Open311 GeoReport v2 (docs/open311.md). API keys of the applications that file requests: only the SHA-256 of a
-- key is stored (the key itself is shown once, when it is made). Each key has its own per-minute limit; a revoked
-- key is refused at once.
CREATE TABLE api_key (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key_hash        text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  rate_per_minute integer NOT NULL CHECK (rate_per_minute BETWEEN 1 AND 10000),
  created_by      integer REFERENCES app_user (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  last_used_at    timestamptz
);

-- The cases filed through Open311: which key filed them, and the media URL as the application gave it (stored,
-- never fetched). Written in the same transaction as the case.
CREATE TABLE open311_request (
  case_id    bigint PRIMARY KEY REFERENCES cases (id),
  api_key_id bigint NOT NULL REFERENCES api_key (id),
  media_url  text CHECK (length(media_url) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_request_key_idx ON open311_request (api_key_id, created_at);

-- Down Migration
DROP TABLE IF EXISTS open311_request, api_key;
