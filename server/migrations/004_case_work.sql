-- Up Migration

-- Supervision notice numbers (督办单号 DByyyymmdd-NNNN) draw from one sequence.
CREATE SEQUENCE supervision_notice_seq;

-- Lists scoped by department (handlers) and by team; the register filters by category.
CREATE INDEX cases_department_status_idx ON cases (department_code, status);
CREATE INDEX cases_team_idx ON cases (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX cases_category_idx ON cases (category_code);
CREATE INDEX cases_duplicate_of_idx ON cases (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- At most one open supervision record of each level per case.
CREATE UNIQUE INDEX supervision_open_level_uniq ON supervision (case_id, level) WHERE closed_at IS NULL;
CREATE INDEX wall_token_user_idx ON wall_token (user_id);
CREATE INDEX user_session_expires_idx ON user_session (expires_at);

-- Down Migration
DROP INDEX IF EXISTS user_session_expires_idx, wall_token_user_idx, supervision_open_level_uniq, cases_duplicate_of_idx,
  cases_category_idx, cases_team_idx, cases_department_status_idx;
DROP SEQUENCE IF EXISTS supervision_notice_seq;
