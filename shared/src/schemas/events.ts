/**
 * The event vocabulary: every change in GridCommand is one row of the event table and one message of the live
 * stream (GET /api/live), typed here once. The server appends only events that validate against `LiveEvent`;
 * every screen reads them through these types and folds them with `applyEvent` (shared/src/domain/board.ts).
 *
 * Envelope (every type): id (increasing along the stream, the SSE id), at, v (schema version of the payload),
 * type, caseId, teamId, streetCode (9 digits; null for district-wide events), fromState / toState (the case's or
 * team's state before and after, where one changed), note (free text shown in timelines), lon / lat (where it
 * happened, when known), payload (per type, below).
 *
 * Areas are named by their codes everywhere — in events and in snapshots (`CaseFacts.gridCode`, never an id).
 * Case events carry the case's facts as they are after the change (`payload.case`), so a screen can show or drop
 * the case without asking the server; `case.version` orders them. Team events carry the team's facts likewise.
 *
 * Versioning: `v` is 1 for every type today. A change that removes or retypes a payload field gets a new `v`
 * for that type and both shapes stay readable; adding an optional field does not.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { CASE_ACTIONS, CASE_SOURCES, CASE_STATES, ESCALATION_LEVELS } from '../domain/case-state.ts';
import { LIGHTS } from '../domain/lights.ts';
import { PRIORITIES } from '../domain/sla.ts';
import { DISPATCH_ROLES, TEAM_STATUSES } from '../domain/team-state.ts';

export const EVENT_VERSION = 1;

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Strict = { additionalProperties: false } as const;
const Id = Type.Integer({ minimum: 1 });
const Iso = Type.String({ description: 'ISO 8601 instant' });
const Digits = (n: number) => Type.String({ pattern: `^[0-9]{${n}}$` });
const Light = Type.Enum([...LIGHTS]);
const SupervisionLevel = Type.Enum(['yellow', 'red']);

/** What a screen needs to show a case: the same shape in snapshots (GET /api/map/open-cases) and in case events. */
export const CaseFacts = Type.Object(
  {
    id: Id,
    code: Type.String(),
    status: Type.Enum([...CASE_STATES]),
    light: Light,
    priority: Type.Enum([...PRIORITIES]),
    source: Type.Enum([...CASE_SOURCES]),
    categoryCode: Digits(5),
    gridCode: Digits(15),
    communityCode: Digits(12),
    zoneCode: Digits(11),
    streetCode: Digits(9),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    title: Type.String(),
    reportedAt: Iso,
    resolveBy: Iso,
    teamId: Nullable(Id),
    departmentCode: Nullable(Type.String()),
    escalationLevel: Type.Enum([...ESCALATION_LEVELS]),
    supervised: Type.Boolean(),
    version: Id,
  },
  { $id: 'CaseFacts', ...Strict },
);
export type CaseFacts = Static<typeof CaseFacts>;

/** What a screen needs to follow a team between snapshots of GET /api/teams. */
export const TeamFacts = Type.Object(
  {
    id: Id,
    status: Type.Enum([...TEAM_STATUSES]),
    /** the case of the team's open dispatch */
    currentCaseId: Nullable(Id),
    version: Id,
  },
  { $id: 'TeamFacts', ...Strict },
);
export type TeamFacts = Static<typeof TeamFacts>;

const envelope = {
  id: Type.Integer({ minimum: 1, description: 'event id, increasing along the stream; the SSE id' }),
  at: Iso,
  v: Type.Literal(EVENT_VERSION),
  caseId: Nullable(Id),
  teamId: Nullable(Id),
  streetCode: Nullable(Digits(9)),
  fromState: Nullable(Type.String()),
  toState: Nullable(Type.String()),
  note: Nullable(Type.String()),
  lon: Nullable(Type.Number({ minimum: -180, maximum: 180 })),
  lat: Nullable(Type.Number({ minimum: -90, maximum: 90 })),
};

function eventOf<T extends string, P extends TSchema>(type: T, payload: P) {
  return Type.Object({ ...envelope, type: Type.Literal(type), payload }, { ...Strict, title: type });
}

// ---------------------------------------------------------------- cases

export const CaseCreatedPayload = Type.Object({ case: CaseFacts }, Strict);

/** Every case action (file, dispatch, accept, … close): what was done and the case after it. */
export const CaseActionPayload = Type.Object(
  {
    action: Type.Enum([...CASE_ACTIONS]),
    case: CaseFacts,
    reason: Type.Optional(Type.String()),
    duplicateOf: Type.Optional(Id),
    reviewDate: Type.Optional(Type.String()),
    /** escalate / hand_down: the level before and after */
    escalation: Type.Optional(Type.Object({ from: Type.Enum([...ESCALATION_LEVELS]), to: Type.Enum([...ESCALATION_LEVELS]) }, Strict)),
    /** dispatch / reassign to a team: the team the case had before (reassign) */
    previousTeamId: Type.Optional(Nullable(Id)),
    /** photos that came with the action (verify_fail, fix_on_spot: the after photos) */
    photos: Type.Optional(Type.Array(Type.String())),
    /** verify_pass / verify_fail: how far from the case the verifier was, and whether that is flagged */
    verification: Type.Optional(
      Type.Object(
        { distanceM: Nullable(Type.Number({ minimum: 0 })), flagged: Type.Boolean(), flagReason: Nullable(Type.Enum(['far', 'no_position'])) },
        Strict,
      ),
    ),
  },
  Strict,
);

/** Photos added to a case (a reporter who found it already reported adds evidence instead of a duplicate). */
export const CaseAttachedPayload = Type.Object({ case: CaseFacts, photos: Type.Array(Type.String(), { minItems: 1 }) }, Strict);

export const CaseLightPayload = Type.Object({ from: Light, to: Light, case: CaseFacts }, Strict);

export const SupervisionPayload = Type.Object(
  { supervisionId: Id, noticeNo: Type.String(), level: SupervisionLevel },
  Strict,
);

export const CaseCreatedEvent = eventOf('case.created', CaseCreatedPayload);
/** a case action other than escalate and close */
export const CaseUpdatedEvent = eventOf('case.updated', CaseActionPayload);
export const CaseEscalatedEvent = eventOf('case.escalated', CaseActionPayload);
export const CaseClosedEvent = eventOf('case.closed', CaseActionPayload);
/** the light changed (by an action, or by time passing: the light job) */
export const CaseLightEvent = eventOf('case.light', CaseLightPayload);
export const CaseAttachedEvent = eventOf('case.attached', CaseAttachedPayload);
export const SupervisionOpenedEvent = eventOf('supervision.opened', SupervisionPayload);
export const SupervisionClosedEvent = eventOf('supervision.closed', SupervisionPayload);

// ---------------------------------------------------------------- teams and dispatch

export const TEAM_CHANGE_REASONS = ['dispatched', 'arrived', 'finished', 'reassigned', 'stood_down', 'manual'] as const;

export const TeamStatusPayload = Type.Object(
  {
    team: TeamFacts,
    previousStatus: Type.Enum([...TEAM_STATUSES]),
    reason: Type.Enum([...TEAM_CHANGE_REASONS]),
    /** the dispatch the change belongs to, when any */
    dispatchId: Nullable(Id),
    /** the case the change concerns, when any (also for a team stood down from it) */
    caseId: Nullable(Id),
  },
  Strict,
);

const Speed = Nullable(Type.Number({ minimum: 0, maximum: 400 }));
const Heading = Nullable(Type.Number({ minimum: 0, maximum: 360 }));

export const TeamPositionPayload = Type.Object(
  { at: Iso, status: Type.Enum([...TEAM_STATUSES]), speed: Speed, heading: Heading },
  Strict,
);

export const TeamPositionItem = Type.Object(
  {
    teamId: Id,
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    at: Iso,
    status: Type.Enum([...TEAM_STATUSES]),
  },
  Strict,
);
export type TeamPositionItem = Static<typeof TeamPositionItem>;

export const TeamPositionsPayload = Type.Object({ items: Type.Array(TeamPositionItem, { minItems: 1 }) }, Strict);

export const DispatchCreatedPayload = Type.Object(
  {
    dispatchId: Id,
    caseCode: Type.String(),
    distanceM: Nullable(Type.Number({ minimum: 0 })),
    etaS: Nullable(Type.Integer({ minimum: 0 })),
    reassignedFrom: Nullable(Id),
    /** lead (the case's team) or support (增援); absent in events written before several teams per case: lead */
    role: Type.Optional(Type.Enum([...DISPATCH_ROLES])),
    /** the reservation this dispatch turned into, when the team was reserved for the case */
    reservationId: Type.Optional(Id),
  },
  Strict,
);

/** A team held for a case before it is sent (预留): not offered to other dispatchers until `until`. */
export const TeamReservedPayload = Type.Object({ reservationId: Id, caseCode: Type.String(), until: Iso }, Strict);
export const RESERVATION_CLOSE_REASONS = ['released', 'dispatched', 'expired'] as const;
export const TeamReservationClosedPayload = Type.Object({ reservationId: Id, reason: Type.Enum([...RESERVATION_CLOSE_REASONS]) }, Strict);

export const PatrolZoneCreatedPayload = Type.Object(
  { zoneId: Id, gridCount: Type.Integer({ minimum: 0 }), start: Iso, end: Iso },
  Strict,
);
export const PatrolZoneDeletedPayload = Type.Object({ zoneId: Id }, Strict);

// ---------------------------------------------------------------- grid workers in the field

const TrackPointWire = Type.Object(
  { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }), at: Iso },
  Strict,
);
export const PatrolStartedPayload = Type.Object({ patrolId: Id, userId: Id, userName: Type.String() }, Strict);
/** new points of a patrol's track (the envelope's lon/lat: the newest) */
export const PatrolMovedPayload = Type.Object({ patrolId: Id, userId: Id, points: Type.Array(TrackPointWire, { minItems: 1 }) }, Strict);
export const PatrolStoppedPayload = Type.Object({ patrolId: Id, userId: Id, distanceM: Type.Number({ minimum: 0 }) }, Strict);
export const CheckinPayload = Type.Object({ checkinId: Id, patrolId: Nullable(Id), userId: Id, place: Type.String(), gridCode: Nullable(Digits(15)) }, Strict);
export const VisitPayload = Type.Object({ visitId: Id, userId: Id, date: Type.String(), gridCode: Nullable(Digits(15)) }, Strict);

export const TeamStatusEvent = eventOf('team.status', TeamStatusPayload);
/** one device position (the envelope's lon/lat) */
export const TeamPositionEvent = eventOf('team.position', TeamPositionPayload);
/** a batch of positions: the newest of each team that moved */
export const TeamPositionsEvent = eventOf('team.positions', TeamPositionsPayload);
export const DispatchCreatedEvent = eventOf('dispatch.created', DispatchCreatedPayload);
export const TeamReservedEvent = eventOf('team.reserved', TeamReservedPayload);
export const TeamReservationClosedEvent = eventOf('team.reservation_closed', TeamReservationClosedPayload);
export const PatrolZoneCreatedEvent = eventOf('patrol_zone.created', PatrolZoneCreatedPayload);
export const PatrolZoneDeletedEvent = eventOf('patrol_zone.deleted', PatrolZoneDeletedPayload);
export const PatrolStartedEvent = eventOf('patrol.started', PatrolStartedPayload);
export const PatrolMovedEvent = eventOf('patrol.moved', PatrolMovedPayload);
export const PatrolStoppedEvent = eventOf('patrol.stopped', PatrolStoppedPayload);
export const CheckinCreatedEvent = eventOf('patrol.checkin', CheckinPayload);
export const VisitLoggedEvent = eventOf('visit.logged', VisitPayload);

// ---------------------------------------------------------------- the territory

const Count = Type.Integer({ minimum: 0 });
/** What an import changed at one level (POST /api/admin/import/areas, docs/import.md). */
export const AreaLevelCounts = Type.Object(
  { level: Type.Enum(['street', 'zone', 'community', 'grid']), added: Count, changed: Count, removed: Count, unchanged: Count },
  Strict,
);
/** The district's areas were replaced from a file: screens read their areas and grids again. */
export const AreasImportedPayload = Type.Object({ features: Count, levels: Type.Array(AreaLevelCounts) }, Strict);
export const AreasImportedEvent = eventOf('areas.imported', AreasImportedPayload);

// ---------------------------------------------------------------- the union

export const EVENT_SCHEMAS = [
  CaseCreatedEvent,
  CaseUpdatedEvent,
  CaseEscalatedEvent,
  CaseClosedEvent,
  CaseLightEvent,
  CaseAttachedEvent,
  SupervisionOpenedEvent,
  SupervisionClosedEvent,
  TeamStatusEvent,
  TeamPositionEvent,
  TeamPositionsEvent,
  DispatchCreatedEvent,
  TeamReservedEvent,
  TeamReservationClosedEvent,
  PatrolZoneCreatedEvent,
  PatrolZoneDeletedEvent,
  PatrolStartedEvent,
  PatrolMovedEvent,
  PatrolStoppedEvent,
  CheckinCreatedEvent,
  VisitLoggedEvent,
  AreasImportedEvent,
] as const;

/** One message of the live stream = one row of the event table. */
export const LiveEvent = Type.Union([...EVENT_SCHEMAS], { $id: 'LiveEvent' });
export type LiveEvent = Static<typeof LiveEvent>;
export type LiveEventType = LiveEvent['type'];
export type LiveEventOf<T extends LiveEventType> = Extract<LiveEvent, { type: T }>;

export const LIVE_EVENT_TYPES = EVENT_SCHEMAS.map((s) => s.properties.type.const) as LiveEventType[];

/** Case events that carry `payload.case`. */
export const CASE_FACT_EVENT_TYPES = ['case.created', 'case.updated', 'case.escalated', 'case.closed', 'case.light', 'case.attached'] as const;
export type CaseFactEvent = LiveEventOf<(typeof CASE_FACT_EVENT_TYPES)[number]>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a writer builds it: the table assigns id and at, the appender sets v. */
export type EventDraft = DistributiveOmit<LiveEvent, 'id' | 'at' | 'v'>;

export function isCaseFactEvent(e: LiveEvent): e is CaseFactEvent {
  return (CASE_FACT_EVENT_TYPES as readonly string[]).includes(e.type);
}
