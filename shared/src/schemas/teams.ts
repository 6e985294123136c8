/**
 * Wire shapes of the dispatcher's desk: patrol teams, nearest teams (KNN), dispatch records, positions (AVL)
 * and patrol zones with their coverage.
 */
import { Type, type Static } from 'typebox';
import { DISPATCH_ROLES, TEAM_KINDS, TEAM_STATUSES } from '../domain/team-state.ts';
import { Case } from './cases.ts';
import { DateTime, Text } from './common.ts';

export const TeamKind = Type.Enum([...TEAM_KINDS]);
export type TeamKind = Static<typeof TeamKind>;
export const TeamStatus = Type.Enum([...TEAM_STATUSES]);
export type TeamStatus = Static<typeof TeamStatus>;
/** lead: the case's team (its finish handles the case); support: a supporting team (增援) */
export const DispatchRoleEnum = Type.Enum([...DISPATCH_ROLES]);

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const CaseId = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });

/** ISO 8601 date-time with a zone, e.g. 2025-03-01T08:00:00+08:00, on a day that exists */
export const IsoDateTime = DateTime;

export const TeamMemberRef = Type.Object({ name: Type.String(), role: Type.String() });

export const Team = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  kind: TeamKind,
  status: TeamStatus,
  homeZoneCode: NullableString,
  lon: NullableNumber,
  lat: NullableNumber,
  positionAt: NullableString,
  memberCount: Type.Integer(),
  /** member names and posts: admin and dispatcher only */
  members: Type.Optional(Type.Array(TeamMemberRef)),
  /** the case of the team's open dispatch */
  currentCaseId: NullableInt,
  /** the role of that dispatch (lead or support) */
  currentRole: Type.Optional(Type.Union([DispatchRoleEnum, Type.Null()])),
  /** an active reservation (预留) holding the team for a case: it is not offered for other cases until `until` */
  reservation: Type.Optional(Type.Union([Type.Object({ id: Type.Integer(), caseId: Type.Integer(), until: Type.String() }), Type.Null()])),
  version: Type.Integer(),
});
export type Team = Static<typeof Team>;

export const TeamListQuery = Type.Object(
  {
    kind: Type.Optional(TeamKind),
    status: Type.Optional(TeamStatus),
  },
  { additionalProperties: false },
);
export type TeamListQuery = Static<typeof TeamListQuery>;
export const TeamListResponse = Type.Object({
  /** resume GET /api/live after this id: every event up to it is reflected here (later ones may be too) */
  lastEventId: Type.Integer({ minimum: 0 }),
  items: Type.Array(Team),
});
export type TeamListResponse = Static<typeof TeamListResponse>;

export const TeamIdParams = Type.Object({ id: Id });
export type TeamIdParams = Static<typeof TeamIdParams>;

export const NearestQuery = Type.Object(
  {
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    caseId: Type.Optional(CaseId),
    kind: Type.Optional(TeamKind),
    /** default available; `any` for every status */
    status: Type.Optional(Type.Enum([...TEAM_STATUSES, 'any'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);
export type NearestQuery = Static<typeof NearestQuery>;

export const NearestTeam = Type.Object({
  team: Team,
  /** geodesic straight-line distance in metres */
  distanceM: Type.Number(),
  /** estimated travel time in seconds: distance × detour factor ÷ speed (urban or rural) */
  etaS: Type.Integer(),
});
export type NearestTeam = Static<typeof NearestTeam>;

export const NearestResponse = Type.Object({
  point: Type.Object({ lon: Type.Number(), lat: Type.Number() }),
  /** the point lies in an urban grid (speed used for the ETA) */
  urban: Type.Boolean(),
  items: Type.Array(NearestTeam),
});
export type NearestResponse = Static<typeof NearestResponse>;

export const Dispatch = Type.Object({
  id: Type.Integer(),
  caseId: Type.Integer(),
  teamId: Type.Integer(),
  dispatcherId: NullableInt,
  dispatchedAt: Type.String(),
  arrivedAt: NullableString,
  finishedAt: NullableString,
  cancelledAt: NullableString,
  distanceM: NullableNumber,
  etaS: NullableInt,
  role: DispatchRoleEnum,
});
export type Dispatch = Static<typeof Dispatch>;

export const DispatchBody = Type.Object(
  {
    caseId: CaseId,
    teamId: Id,
    caseVersion: Type.Integer({ minimum: 1 }),
    teamVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    /** lead (default: the case's team, replacing the lead it has) or support (增援: joins, stands nobody down) */
    role: Type.Optional(DispatchRoleEnum),
  },
  { additionalProperties: false },
);
export type DispatchBody = Static<typeof DispatchBody>;

export const DispatchResponse = Type.Object({
  case: Type.Union([Case, Type.Null()]),
  team: Team,
  dispatch: Dispatch,
});
export type DispatchResponse = Static<typeof DispatchResponse>;

export const TeamStepBody = Type.Object(
  {
    /** the case the team reports on (defaults to the team's open dispatch) */
    caseId: Type.Optional(CaseId),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type TeamStepBody = Static<typeof TeamStepBody>;

export const TeamStepResponse = Type.Object({ team: Team, dispatch: Dispatch, caseId: Type.Integer() });
export type TeamStepResponse = Static<typeof TeamStepResponse>;

export const TeamStatusBody = Type.Object(
  {
    status: TeamStatus,
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type TeamStatusBody = Static<typeof TeamStatusBody>;

const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const PositionBody = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    at: Type.Optional(IsoDateTime),
    /** km/h */
    speed: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
    /** degrees clockwise from north */
    heading: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
  },
  { additionalProperties: false },
);
export type PositionBody = Static<typeof PositionBody>;

export const PositionBatchBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          teamId: Id,
          lon: Lon,
          lat: Lat,
          at: IsoDateTime,
          speed: Type.Optional(Type.Number({ minimum: 0, maximum: 400 })),
          heading: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export type PositionBatchBody = Static<typeof PositionBatchBody>;

export const PositionResult = Type.Object({
  /** positions stored (history rows) */
  accepted: Type.Integer(),
  /** positions older than (or as old as) the team's last stored one: ignored */
  stale: Type.Integer(),
  /** teams whose current position moved */
  teamsMoved: Type.Integer(),
});
export type PositionResult = Static<typeof PositionResult>;

export const DeviceTokenResponse = Type.Object({ teamId: Type.Integer(), token: Type.String() });

export const GeoJsonPolygon = Type.Object(
  {
    type: Type.Literal('Polygon'),
    coordinates: Type.Array(Type.Array(Type.Tuple([Lon, Lat]), { minItems: 4, maxItems: 5000 }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type GeoJsonPolygon = Static<typeof GeoJsonPolygon>;

export const PatrolShift = Type.Object({ start: IsoDateTime, end: IsoDateTime }, { additionalProperties: false });

export const PatrolZoneBody = Type.Object(
  {
    teamId: Id,
    shift: PatrolShift,
    name: Type.Optional(Text(100)),
    gridCodes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9]{15}$', errorMessage: 'must be a grid code of 15 digits' }), { minItems: 1, maxItems: 5000 }),
    ),
    polygon: Type.Optional(GeoJsonPolygon),
  },
  { additionalProperties: false },
);
export type PatrolZoneBody = Static<typeof PatrolZoneBody>;

export const PatrolZone = Type.Object({
  id: Type.Integer(),
  teamId: Type.Integer(),
  teamCode: Type.String(),
  teamName: Type.String(),
  name: NullableString,
  shift: Type.Object({ start: Type.String(), end: Type.String() }),
  gridCodes: Type.Array(Type.String()),
  polygon: Type.Union([GeoJsonPolygon, Type.Null()]),
  createdBy: NullableInt,
  createdAt: Type.String(),
});
export type PatrolZone = Static<typeof PatrolZone>;

export const PatrolZoneQuery = Type.Object({ at: Type.Optional(IsoDateTime) }, { additionalProperties: false });
export type PatrolZoneQuery = Static<typeof PatrolZoneQuery>;
export const PatrolZoneListResponse = Type.Object({ at: Type.String(), items: Type.Array(PatrolZone) });
export type PatrolZoneListResponse = Static<typeof PatrolZoneListResponse>;
export const PatrolZoneIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) });

export const CoverageResponse = Type.Object({
  at: Type.String(),
  totalGrids: Type.Integer(),
  coveredGrids: Type.Integer(),
  uncoveredGrids: Type.Integer(),
  zones: Type.Integer(),
  /**
   * the uncovered grids, the first 1,000 by code (uncoveredGrids is the count); id: the grid tile feature id (the
   * code as a number, areaFeatureId)
   */
  uncovered: Type.Array(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() })),
});
export type CoverageResponse = Static<typeof CoverageResponse>;

/** A grid's roster for the dispatcher: phones in full for admin and dispatcher (reads logged), masked otherwise. */
export const RosterResponse = Type.Object({
  gridCode: Type.String(),
  staff: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      role: Type.String(),
      phone: Type.String(),
      responsible: Type.Boolean(),
    }),
  ),
  phonesVisible: Type.Boolean(),
});
export type RosterResponse = Static<typeof RosterResponse>;
