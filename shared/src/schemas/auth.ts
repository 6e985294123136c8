/** Wire shapes of accounts and sessions: login, the current user, wall display tokens. */
import { Type, type Static } from 'typebox';
import { Text } from './common.ts';

export const USER_ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall', 'public'] as const;
export const UserRole = Type.Enum([...USER_ROLES], {
  description: 'admin, leader, dispatcher, handler, worker or wall',
});
export type UserRole = Static<typeof UserRole>;

export const LoginBody = Type.Object(
  {
    username: Text(64),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    /** a phone that stays signed in (a device session, long-lived, listed and revocable by the admin) */
    device: Type.Optional(Type.Object({ name: Text(60) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const SessionUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: UserRole,
  departmentCode: Type.Union([Type.String(), Type.Null()]),
  gridCodes: Type.Array(Type.String()),
});
export type SessionUser = Static<typeof SessionUser>;

export const SessionResponse = Type.Object({
  user: SessionUser,
  /** how the request was authenticated */
  via: Type.Optional(Type.Enum(['cookie', 'token'])),
});
export type SessionResponse = Static<typeof SessionResponse>;

export const WallTokenBody = Type.Object(
  {
    name: Text(100),
  },
  { additionalProperties: false },
);
export type WallTokenBody = Static<typeof WallTokenBody>;

export const WallTokenCreated = Type.Object({
  name: Type.String(),
  /** shown once; only its SHA-256 is stored */
  token: Type.String(),
  userId: Type.Integer(),
  createdAt: Type.String(),
});
export type WallTokenCreated = Static<typeof WallTokenCreated>;
