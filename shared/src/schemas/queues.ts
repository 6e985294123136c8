/** Wire shapes of the units' queues (GET /api/queues, docs/units.md). */
import { Type, type Static } from 'typebox';
import { QUEUE_TABS } from '../domain/queues.ts';
import { UNIT_KINDS } from '../domain/units.ts';
import { Case } from './cases.ts';

export const QueueTabName = Type.Enum([...QUEUE_TABS]);

export const QueueUnit = Type.Object({
  code: Type.String(),
  kind: Type.Enum([...UNIT_KINDS]),
  name: Type.String(),
  /** the unit above it (a community's zone, a zone's street, a street's district); null at the top and for departments */
  parentCode: Type.Union([Type.String(), Type.Null()]),
});
export type QueueUnit = Static<typeof QueueUnit>;

export const QueueTabCount = Type.Object({
  tab: QueueTabName,
  total: Type.Integer({ minimum: 0 }),
  /** of those, yellow or red (overdue); in to_sign: past the sign-for deadline */
  overdue: Type.Integer({ minimum: 0 }),
});

export const QueueSummary = Type.Object({ unit: QueueUnit, tabs: Type.Array(QueueTabCount) });
export type QueueSummary = Static<typeof QueueSummary>;

export const QueueQuery = Type.Object(
  {
    unit: Type.Optional(
      Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{11}|[0-9]{12}|[A-Z]{2,8})$', description: 'a unit within the caller’s own (default: the caller’s unit)' }),
    ),
  },
  { additionalProperties: false },
);
export type QueueQuery = Static<typeof QueueQuery>;

export const QueueListQuery = Type.Object(
  {
    ...QueueQuery.properties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type QueueListQuery = Static<typeof QueueListQuery>;

export const QueueTabParams = Type.Object({ tab: QueueTabName }, { additionalProperties: false });

export const QueueList = Type.Object({
  unit: QueueUnit,
  tab: QueueTabName,
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  /** most urgent first: red, yellow, due soon, then by priority and deadline (to_sign: by sign-for deadline) */
  items: Type.Array(Case),
});
export type QueueList = Static<typeof QueueList>;
