/**
 * Wire shapes of several teams per case and the "who is where" board: a case's teams (lead and supporting, each
 * with its state, distance and ETA), reservations (预留) and the board of every team with its case and place.
 */
import { Type, type Static } from 'typebox';
import { PRIORITIES } from '../domain/sla.ts';
import { CASE_STATES } from '../domain/case-state.ts';
import { Dispatch, DispatchRoleEnum, Team, TeamKind, TeamStatus } from './teams.ts';
import { Text } from './common.ts';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const CaseId = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });

export const CaseTeamsParams = Type.Object({ id: CaseId });
export type CaseTeamsParams = Static<typeof CaseTeamsParams>;
export const CaseTeamParams = Type.Object({ id: CaseId, teamId: Id });
export type CaseTeamParams = Static<typeof CaseTeamParams>;

export const Reservation = Type.Object({
  id: Type.Integer(),
  teamId: Type.Integer(),
  teamCode: Type.String(),
  teamName: Type.String(),
  caseId: Type.Integer(),
  caseCode: Type.String(),
  reservedAt: Type.String(),
  /** the instant the reservation lapses by itself */
  until: Type.String(),
  reservedBy: NullableInt,
  note: NullableString,
});
export type Reservation = Static<typeof Reservation>;

/** One team on a case: its open dispatch, its role, its own state, where it is from the scene. */
export const CaseTeam = Type.Object({
  team: Team,
  role: DispatchRoleEnum,
  dispatch: Dispatch,
  /** the team's own state (en route, on scene) */
  state: TeamStatus,
  /** dispatched at */
  since: Type.String(),
  /** geodesic distance from the team's position now to the case (m); null without a position */
  distanceM: NullableNumber,
  /** remaining travel time (s): the ETA model from where the team is now; 0 on scene */
  etaS: NullableInt,
});
export type CaseTeam = Static<typeof CaseTeam>;

export const CaseTeamsResponse = Type.Object({
  caseId: Type.Integer(),
  caseCode: Type.String(),
  caseStatus: Type.Enum([...CASE_STATES]),
  /** the lead team (the case's team), null when it has none */
  leadTeamId: NullableInt,
  /** whether a supporting team may be sent now (the case is dispatched or in progress) */
  supportAllowed: Type.Boolean(),
  /** open dispatches, lead first */
  items: Type.Array(CaseTeam),
  /** teams reserved for this case (active reservations) */
  reservations: Type.Array(Reservation),
});
export type CaseTeamsResponse = Static<typeof CaseTeamsResponse>;

export const StandDownResponse = Type.Object({ team: Team, dispatch: Dispatch, caseId: Type.Integer() });
export type StandDownResponse = Static<typeof StandDownResponse>;

export const ReservationBody = Type.Object(
  {
    caseId: CaseId,
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type ReservationBody = Static<typeof ReservationBody>;

export const BoardQuery = Type.Object(
  {
    kind: Type.Optional(TeamKind),
    status: Type.Optional(TeamStatus),
  },
  { additionalProperties: false },
);
export type BoardQuery = Static<typeof BoardQuery>;

/** One team on the "who is where" board: no member names (the wall reads it too). */
export const BoardTeam = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  kind: TeamKind,
  status: TeamStatus,
  lon: NullableNumber,
  lat: NullableNumber,
  positionAt: NullableString,
  /** seconds since the position was taken */
  positionAgeS: NullableInt,
  /** the grid and street at the team's position (the one grid-of-point rule); null outside every grid */
  gridCode: NullableString,
  gridName: NullableString,
  streetCode: NullableString,
  streetName: NullableString,
  /** the case of the team's open dispatch */
  case: Type.Union([
    Type.Object({ id: Type.Integer(), code: Type.String(), role: DispatchRoleEnum, priority: Type.Enum([...PRIORITIES]), status: Type.Enum([...CASE_STATES]) }),
    Type.Null(),
  ]),
  /** distance from the position to the case (m) */
  distanceM: NullableNumber,
  /** remaining travel time to the case (s); 0 on scene; null without a case or a position */
  etaS: NullableInt,
  reservation: Type.Union([Type.Object({ id: Type.Integer(), caseId: Type.Integer(), caseCode: Type.String(), until: Type.String() }), Type.Null()]),
  version: Type.Integer(),
});
export type BoardTeam = Static<typeof BoardTeam>;

export const BoardResponse = Type.Object({
  at: Type.String(),
  /** resume GET /api/live after this id */
  lastEventId: Type.Integer({ minimum: 0 }),
  /** teams by status, and how many available ones are held by a reservation */
  counts: Type.Object({
    available: Type.Integer(),
    en_route: Type.Integer(),
    on_scene: Type.Integer(),
    off_duty: Type.Integer(),
    reserved: Type.Integer(),
  }),
  items: Type.Array(BoardTeam),
});
export type BoardResponse = Static<typeof BoardResponse>;
