/**
 * Units and accounts as the admin manages them (docs/units.md): GET /api/admin/units, POST /api/admin/departments,
 * GET/POST /api/admin/accounts, PATCH /api/admin/accounts/:id. Never a password hash on the wire.
 */
import { Type, type Static } from 'typebox';
import { MANAGED_ROLES, UNIT_KINDS } from '../domain/units.ts';
import { GridCode, Id, INT4_MAX, Text } from './common.ts';

export const UNIT_CODE_PATTERN = '^(?:[0-9]{6}|[0-9]{9}|[0-9]{11}|[0-9]{12}|[A-Z]{2,8})$';
export const UnitCode = Type.String({
  pattern: UNIT_CODE_PATTERN,
  maxLength: 12,
  errorMessage: 'must be a unit code: an area code of 6, 9, 11 or 12 digits, or a department code of 2 to 8 capitals',
});

export const UnitKindSchema = Type.Enum([...UNIT_KINDS], { description: 'district, street, zone, community or department' });
export const ManagedRoleSchema = Type.Enum([...MANAGED_ROLES], { description: 'admin, leader, dispatcher, handler or worker' });

export const UnitsQuery = Type.Object(
  {
    kind: Type.Optional(UnitKindSchema),
    q: Type.Optional(Text(60, { description: 'part of the name or the code' })),
  },
  { additionalProperties: false },
);
export type UnitsQuery = Static<typeof UnitsQuery>;

export const Unit = Type.Object({
  code: Type.String(),
  kind: UnitKindSchema,
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  /** active accounts of this unit itself (not of the units below it) */
  accounts: Type.Integer(),
  /** grids in the unit's area (0 for a department) */
  grids: Type.Integer(),
});
export type Unit = Static<typeof Unit>;

export const UnitList = Type.Object({ items: Type.Array(Unit) });
export type UnitList = Static<typeof UnitList>;

export const UnitParams = Type.Object({ code: UnitCode });

export const UnitGrid = Type.Object({ code: Type.String(), name: Type.String() });
export const UnitGridList = Type.Object({ items: Type.Array(UnitGrid) });
export type UnitGridList = Static<typeof UnitGridList>;

export const DepartmentBody = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z]{2,8}$', errorMessage: 'must be 2 to 8 capital letters, e.g. CGJ' }),
    name: Text(100),
    nameEn: Text(200),
  },
  { additionalProperties: false },
);
export type DepartmentBody = Static<typeof DepartmentBody>;

export const ACCOUNTS_PAGE_MAX = 200;

export const AccountsQuery = Type.Object(
  {
    unit: Type.Optional(UnitCode),
    below: Type.Optional(Type.Boolean({ description: 'with the accounts of the units below `unit` (default true)' })),
    role: Type.Optional(ManagedRoleSchema),
    q: Type.Optional(Text(60, { description: 'part of the username or the name' })),
    active: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ACCOUNTS_PAGE_MAX, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: INT4_MAX, default: 0 })),
  },
  { additionalProperties: false },
);
export type AccountsQuery = Static<typeof AccountsQuery>;

export const Account = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: ManagedRoleSchema,
  unitCode: Type.String(),
  unitName: Type.String(),
  unitKind: UnitKindSchema,
  departmentCode: Type.Union([Type.String(), Type.Null()]),
  gridCodes: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String({ description: 'ISO 8601 instant' }),
  updatedAt: Type.String({ description: 'ISO 8601 instant' }),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  /** send it back with an edit: a stale one is refused with 409 */
  version: Type.Integer(),
});
export type Account = Static<typeof Account>;

export const AccountList = Type.Object({
  items: Type.Array(Account),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type AccountList = Static<typeof AccountList>;

const Grids = Type.Array(GridCode, { maxItems: 200, uniqueItems: true });
const Password = Type.String({ minLength: 1, maxLength: 200, description: 'at least 10 characters' });

export const AccountCreateBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 40, description: '2 to 40 of a-z 0-9 _ . -' }),
    displayName: Text(100),
    role: ManagedRoleSchema,
    unitCode: UnitCode,
    password: Password,
    gridCodes: Type.Optional(Grids),
  },
  { additionalProperties: false },
);
export type AccountCreateBody = Static<typeof AccountCreateBody>;

export const AccountParams = Type.Object({ id: Id });

export const AccountPatchBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: INT4_MAX, description: 'the version the edit was made on' }),
    displayName: Type.Optional(Text(100)),
    role: Type.Optional(ManagedRoleSchema),
    unitCode: Type.Optional(UnitCode),
    gridCodes: Type.Optional(Grids),
    active: Type.Optional(Type.Boolean()),
    newPassword: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export type AccountPatchBody = Static<typeof AccountPatchBody>;
