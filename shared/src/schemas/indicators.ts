/**
 * Wire shapes of the assessment indicators (/api/indicators, docs/indicators.md). The formulas are
 * shared/src/domain/indicators-cases.ts and indicators-fair.ts.
 */
import { Type, type Static } from 'typebox';
import { RATE_KEYS } from '../domain/indicators-cases.ts';
import { INDICATOR_PERIODS } from '../domain/indicators-windows.ts';
import { AREA_CODE_PATTERN, DateOrDateTime, Id } from './common.ts';

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

export const DEPARTMENT_CODE_PATTERN = '^[A-Z]{2,8}$';
export const INDICATOR_SCOPE_KINDS = ['district', 'street', 'zone', 'community', 'grid', 'department', 'worker'] as const;
export type IndicatorScopeKind = (typeof INDICATOR_SCOPE_KINDS)[number];

export const IndicatorsQuery = Type.Object(
  {
    unit: Type.Optional(Type.String({ pattern: AREA_CODE_PATTERN, description: 'an area unit: district, street, zone, community or grid code' })),
    dept: Type.Optional(Type.String({ pattern: DEPARTMENT_CODE_PATTERN, description: 'a department code' })),
    worker: Type.Optional(Id),
    period: Type.Optional(Type.Enum([...INDICATOR_PERIODS], { description: 'day, week, month (default), quarter, year or custom' })),
    from: Type.Optional(DateOrDateTime),
    to: Type.Optional(DateOrDateTime),
  },
  { additionalProperties: false },
);
export type IndicatorsQuery = Static<typeof IndicatorsQuery>;

export const RankingQuery = Type.Object(
  {
    kind: Type.Optional(Type.Enum(['street', 'department'], { description: 'default street' })),
    period: Type.Optional(Type.Enum(['month'], { description: 'month (the only one)' })),
    month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (default: this month)' })),
  },
  { additionalProperties: false },
);
export type RankingQuery = Static<typeof RankingQuery>;

export const IndicatorRate = Type.Object({
  key: Type.Enum([...RATE_KEYS]),
  /** cases in the cohort (the denominator) and of those the ones that count (the numerator) */
  n: Count,
  hits: Count,
  value: NullableNumber,
  /** what the unit's case mix predicts, and the 95 % interval around it */
  expected: NullableNumber,
  low: NullableNumber,
  high: NullableNumber,
  position: Type.Union([Type.Enum(['above', 'below', 'within']), Type.Null()]),
  verdict: Type.Union([Type.Enum(['better', 'worse', 'expected']), Type.Null()]),
  direction: Type.Enum(['up', 'down', 'none']),
});
export type IndicatorRate = Static<typeof IndicatorRate>;

const Duration = Type.Object({ n: Count, mean: NullableNumber, p90: NullableNumber });

export const Indicators = Type.Object({
  scope: Type.Object({ kind: Type.Enum([...INDICATOR_SCOPE_KINDS]), code: Type.String(), name: Type.String() }),
  period: Type.Enum([...INDICATOR_PERIODS]),
  from: Type.String(),
  to: Type.String(),
  /** when the numbers were computed, for stored numbers that may lag the cases (docs/indicators.md#rollups); null: as the cases stand */
  asOf: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({ reported: Count, filed: Count, closed: Count, escalations: Count, supervisions: Count }),
  rates: Type.Array(IndicatorRate),
  /** working hours from reporting to sign-for (cases signed for in the period) and to closing (closed in it) */
  durations: Type.Object({ respond: Duration, resolve: Duration }),
  /** a worker's own numbers: cases they reported, verifications they made (null for other scopes) */
  personal: Type.Union([Type.Object({ reported: Count, verifications: Count }), Type.Null()]),
});
export type Indicators = Static<typeof Indicators>;

export const RANKING_RATES = ['response', 'resolution', 'satisfaction', 'onTimeClosure'] as const;
export type RankingRate = (typeof RANKING_RATES)[number];

const RankValue = Type.Object({ n: Count, hits: Count, value: NullableNumber });
const Named = Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]);

export const Ranking = Type.Object({
  kind: Type.Enum(['street', 'department']),
  month: Type.String(),
  from: Type.String(),
  to: Type.String(),
  /** when the numbers were computed, for stored numbers that may lag the cases; null: as the cases stand */
  asOf: Type.Union([Type.String(), Type.Null()]),
  /** ranked on the on-time closure rate; each rate's best and worst are named in best / worst */
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      rank: Type.Integer({ minimum: 1 }),
      response: RankValue,
      resolution: RankValue,
      satisfaction: RankValue,
      onTimeClosure: RankValue,
    }),
  ),
  best: Type.Object({ response: Named, resolution: Named, satisfaction: Named, onTimeClosure: Named }),
  worst: Type.Object({ response: Named, resolution: Named, satisfaction: Named, onTimeClosure: Named }),
});
export type Ranking = Static<typeof Ranking>;

