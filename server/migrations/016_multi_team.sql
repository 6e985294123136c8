-- Up Migration

-- Several teams on one case: a lead team (the case's `team_id`, whose finish handles the case) and supporting
-- teams (增援), each with its own dispatch record. A case has at most one open *lead* dispatch; a team still has
-- at most one open dispatch of any role (dispatch_team_open_uniq).
ALTER TABLE dispatch ADD COLUMN role text NOT NULL DEFAULT 'lead' CONSTRAINT dispatch_role_check CHECK (role IN ('lead', 'support'));
DROP INDEX IF EXISTS dispatch_case_open_uniq;
CREATE UNIQUE INDEX dispatch_case_lead_open_uniq ON dispatch (case_id)
  WHERE role = 'lead' AND finished_at IS NULL AND cancelled_at IS NULL;
-- the open dispatches of a case (its teams)
CREATE INDEX dispatch_case_open_idx ON dispatch (case_id) WHERE finished_at IS NULL AND cancelled_at IS NULL;

-- Reservations (预留): a team held for a case before it is sent. A row of its own, not a team status: the team is
-- physically still available (patrolling, can go off duty), and a reservation expires by the clock alone
-- (`expires_at`, TEAM_RESERVATION_MS in shared/src/domain/team-state.ts) without a job writing anything.
-- Closed = released by a dispatcher, turned into a dispatch, or found expired by the next writer.
CREATE TABLE team_reservation (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id      integer NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  case_id      bigint NOT NULL REFERENCES cases (id),
  reserved_by  integer REFERENCES app_user (id),
  reserved_at  timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  closed_at    timestamptz,
  closed_reason text CONSTRAINT team_reservation_reason_check CHECK (closed_reason IN ('released', 'dispatched', 'expired')),
  note         text,
  CONSTRAINT team_reservation_order CHECK (expires_at > reserved_at),
  CONSTRAINT team_reservation_closed CHECK ((closed_at IS NULL) = (closed_reason IS NULL))
);
-- one reservation row not yet closed per team (an expired one is closed by the writer before a new one is made)
CREATE UNIQUE INDEX team_reservation_open_uniq ON team_reservation (team_id) WHERE closed_at IS NULL;
CREATE INDEX team_reservation_case_idx ON team_reservation (case_id) WHERE closed_at IS NULL;

-- Down Migration
DROP TABLE IF EXISTS team_reservation;
DROP INDEX IF EXISTS dispatch_case_open_idx;
DROP INDEX IF EXISTS dispatch_case_lead_open_uniq;
-- supporting dispatches cannot stay open under the old one-per-case index: close them first
UPDATE dispatch SET cancelled_at = now() WHERE role = 'support' AND finished_at IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX dispatch_case_open_uniq ON dispatch (case_id) WHERE finished_at IS NULL AND cancelled_at IS NULL;
ALTER TABLE dispatch DROP COLUMN IF EXISTS role;
