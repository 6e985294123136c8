/**
 * The audit trail (GET /api/admin/audit, /api/admin/audit.csv; docs/audit.md): one timeline of the actions written
 * to `audit_log`, the case and team events and the reads of personal data, newest first.
 */
import { Type, type Static } from 'typebox';
import { DateOrDateTime } from './common.ts';

/** The actions written to audit_log (the rest of the timeline are event types and the personal-data reads). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'wall_token.create',
  'session.revoke',
  'api_key.create',
  'api_key.revoke',
  'calendar.update',
  'public_settings.update',
  'areas.import',
  'base_data.import',
  'account.created',
  'account.updated',
  'account.deactivated',
  'department.created',
  'assessment.closed',
  'assessment.weights_updated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actions of the personal-data reads (personal_data_access): staff phones, and reporters' names and phones. */
export const PERSONAL_READ_ACTIONS = ['staff_phone.read', 'personal_data.read'] as const;

/**
 * Event types left out of the timeline: position pings are telemetry, not acts; an area import is the audit row
 * 'areas.import' (with the address), not its event a second time.
 */
export const AUDIT_SKIPPED_EVENT_TYPES = ['team.position', 'team.positions', 'patrol.moved', 'areas.imported'] as const;

/** A page holds at most this many rows; a CSV file at most AUDIT_CSV_MAX_ROWS. */
export const AUDIT_PAGE_MAX = 500;
export const AUDIT_CSV_MAX_ROWS = 100_000;

const AuditFilters = {
  user: Type.Optional(
    Type.String({
      pattern: '^(?:[1-9][0-9]{0,9}|[A-Za-z0-9_.@-]{1,64})$',
      maxLength: 64,
      errorMessage: 'must be a user id or a username (letters, digits, _ . @ -)',
      description: 'a user id or a username (a failed login matches the username tried)',
    }),
  ),
  action: Type.Optional(
    Type.String({
      pattern: '^[a-z_]{1,40}(?:\\.[a-z_]{0,40})?$',
      maxLength: 81,
      errorMessage: 'must be an action or an action prefix such as "case." or "auth.login"',
      description: 'an action prefix: "auth." (every auth action), "case.created"…',
    }),
  ),
  objectType: Type.Optional(
    Type.String({ pattern: '^[a-z_]{1,40}$', maxLength: 40, errorMessage: 'must be an object type such as case, team, user, grid' }),
  ),
  objectId: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', maxLength: 64, errorMessage: 'must be an object id (letters, digits, _ . : -)' }),
  ),
  from: Type.Optional(DateOrDateTime),
  to: Type.Optional(DateOrDateTime),
  area: Type.Optional(
    Type.String({
      pattern: '^(?:[0-9]{9}|[0-9]{11}|[0-9]{12}|[0-9]{15})$',
      errorMessage: 'must be a street, zone, community or grid code (9, 11, 12 or 15 digits)',
      description: 'only case and team events of this area (and staff-phone reads of its grids)',
    }),
  ),
};

export const AUDIT_CURSOR_PATTERN = '^[0-9]{1,17}\\.[aep]\\.[1-9][0-9]{0,17}$';

export const AuditQuery = Type.Object(
  {
    ...AuditFilters,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: AUDIT_PAGE_MAX, default: 100 })),
    before: Type.Optional(
      Type.String({ pattern: AUDIT_CURSOR_PATTERN, maxLength: 40, errorMessage: 'must be the `next` cursor of a page', description: 'the `next` of the page before' }),
    ),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditCsvQuery = Type.Object(AuditFilters, { additionalProperties: false });
export type AuditCsvQuery = Static<typeof AuditCsvQuery>;

export const AuditActor = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
});

export const AuditEntry = Type.Object({
  /** stable across pages: source (a audit_log, e event, p personal data) and row id */
  key: Type.String(),
  at: Type.String({ description: 'ISO 8601 instant' }),
  actor: AuditActor,
  action: Type.String(),
  objectType: Type.Union([Type.String(), Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  /** the state before and after, for case and team events (label them with transitionLabel) */
  fromState: Type.Union([Type.String(), Type.Null()]),
  toState: Type.Union([Type.String(), Type.Null()]),
  summary: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  /** pass as `before` for the next (older) page; null on the last page */
  next: Type.Union([Type.String(), Type.Null()]),
});
export type AuditPage = Static<typeof AuditPage>;
