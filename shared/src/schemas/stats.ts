/**
 * Wire shapes of the statistics (/api/stats/*) and of the wall's map layers (/api/map/*).
 * Definitions of every number: docs/stats.md. Rates are fractions 0..1, or null when nothing was due.
 * No personal data anywhere here.
 */
import { Type, type Static } from 'typebox';
import { LIGHTS } from '../domain/lights.ts';
import { DateOrDateTime } from './common.ts';
import { CaseFacts } from './events.ts';

const Rate = Type.Union([Type.Number(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

export const STATS_PERIODS = ['today', 'month', '7d', '30d'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

const StreetCode = Type.String({ pattern: '^[0-9]{9}$', errorMessage: 'must be a street code of 9 digits' });
const CategoryFilter = Type.String({
  pattern: '^[0-9]{2}([0-9]{3})?$',
  errorMessage: 'must be a major (2 digits) or minor (5 digits) category code',
});
/** 'YYYY-MM-DD' (a CST day; as `to`, the end of that day) or an ISO 8601 date-time with zone. */
const Instant = DateOrDateTime;
const BboxText = Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (WGS 84)' });

// ---------------------------------------------------------------- overview and streets

export const StatsPeriodQuery = Type.Object(
  {
    period: Type.Optional(Type.Enum([...STATS_PERIODS], { description: 'today (since 00:00 CST), month (since the 1st, 00:00 CST), 7d, 30d; default today' })),
    street: Type.Optional(StreetCode),
  },
  { additionalProperties: false },
);
export type StatsPeriodQuery = Static<typeof StatsPeriodQuery>;

export const LightCounts = Type.Object({ green: Count, due_soon: Count, yellow: Count, red: Count });
export type LightCounts = Static<typeof LightCounts>;

export const StatsOverview = Type.Object({
  period: Type.Enum([...STATS_PERIODS]),
  /** the period [from, to), ISO 8601 */
  from: Type.String(),
  to: Type.String(),
  /** period counts */
  reported: Count,
  filed: Count,
  closed: Count,
  inProgress: Count,
  escalated: Count,
  /** closure indicators of the period: due to close (with the backlog), closed of those, closed on time */
  dueToClose: Count,
  closedOfDue: Count,
  closedOnTime: Count,
  closureRate: Rate,
  onTimeClosureRate: Rate,
  /** now: open cases and their lights */
  overdue: Count,
  supervised: Count,
  openTotal: Count,
  byLight: LightCounts,
  emergenciesOpen: Count,
});
export type StatsOverview = Static<typeof StatsOverview>;

export const StreetRankItem = Type.Object({
  code: Type.String(),
  name: Type.String(),
  reported: Count,
  closed: Count,
  open: Count,
  overdue: Count,
  closureRate: Rate,
  onTimeClosureRate: Rate,
  per10k: NullableNumber,
});
export type StreetRankItem = Static<typeof StreetRankItem>;

export const StreetRanking = Type.Object({
  period: Type.Enum([...STATS_PERIODS]),
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(StreetRankItem),
});
export type StreetRanking = Static<typeof StreetRanking>;

// ---------------------------------------------------------------- map layers of the wall

export const MapLight = Type.Enum([...LIGHTS]);

export const GridLightItem = Type.Object({
  /** the vector tile feature id: the grid code as a number (areaFeatureId, shared/src/domain/codes.ts) */
  id: Type.Integer(),
  code: Type.String(),
  light: MapLight,
  open: Count,
});
export type GridLightItem = Static<typeof GridLightItem>;

export const GridLights = Type.Object({
  /** the newest event id included in this snapshot: resume /api/live from it */
  lastEventId: Type.Integer({ minimum: 0 }),
  items: Type.Array(GridLightItem),
});
export type GridLights = Static<typeof GridLights>;

export const OpenCasesQuery = Type.Object({ bbox: Type.Optional(BboxText) }, { additionalProperties: false });
export type OpenCasesQuery = Static<typeof OpenCasesQuery>;

/** An open case on the map: the same facts the case events carry (shared/src/schemas/events.ts). */
export const OpenCaseItem = CaseFacts;
export type OpenCaseItem = CaseFacts;

export const OpenCases = Type.Object({
  /** resume GET /api/live after this id: every event up to it is reflected here (later ones may be too) */
  lastEventId: Type.Integer({ minimum: 0 }),
  items: Type.Array(OpenCaseItem),
});
export type OpenCases = Static<typeof OpenCases>;

// ---------------------------------------------------------------- heatmaps

export const HEATMAP_MODES = ['hex', 'grid', 'points'] as const;
export type HeatmapMode = (typeof HEATMAP_MODES)[number];

export const HeatmapQuery = Type.Object(
  {
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    category: Type.Optional(CategoryFilter),
    mode: Type.Optional(Type.Enum([...HEATMAP_MODES], { description: 'hex (default), grid or points' })),
    bbox: Type.Optional(BboxText),
    cellKm: Type.Optional(Type.Number({ minimum: 0.25, maximum: 10, description: 'hexagon edge length in km (default 1)' })),
  },
  { additionalProperties: false },
);
export type HeatmapQuery = Static<typeof HeatmapQuery>;

export const HexCell = Type.Object({ lon: Type.Number(), lat: Type.Number(), count: Count });
export const GridCell = Type.Object({ id: Type.Integer(), code: Type.String(), count: Count });

const HeatmapWindow = { from: Type.String(), to: Type.String() };

export const HexHeatmap = Type.Object({
  mode: Type.Literal('hex'),
  ...HeatmapWindow,
  cellKm: Type.Number(),
  cells: Type.Array(HexCell),
  max: Count,
  total: Count,
});
export const GridHeatmap = Type.Object({
  mode: Type.Literal('grid'),
  ...HeatmapWindow,
  cells: Type.Array(GridCell),
  max: Count,
  total: Count,
});
export const PointsHeatmap = Type.Object({
  mode: Type.Literal('points'),
  ...HeatmapWindow,
  /** [lon, lat, weight]: weight = cases at that exact place */
  points: Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Integer({ minimum: 1 })])),
  total: Count,
  /** more than 50,000 places: the heaviest were kept */
  truncated: Type.Boolean(),
});
export const Heatmap = Type.Union([HexHeatmap, GridHeatmap, PointsHeatmap]);
export type Heatmap = Static<typeof Heatmap>;

export const HeatmapScaleQuery = Type.Object(
  {
    category: Type.Optional(CategoryFilter),
    mode: Type.Optional(Type.Enum(['hex', 'grid'], { description: 'the aggregation the scale is for (default hex)' })),
    cellKm: Type.Optional(Type.Number({ minimum: 0.25, maximum: 10 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 400, description: 'length of the windows compared, in days (default 30)' })),
  },
  { additionalProperties: false },
);
export type HeatmapScaleQuery = Static<typeof HeatmapScaleQuery>;

export const HeatmapScale = Type.Object({
  mode: Type.Enum(['hex', 'grid']),
  cellKm: NullableNumber,
  days: Type.Integer(),
  /** the 30 CST days the scale was derived from: [basisFrom, basisTo) */
  basisFrom: Type.String(),
  basisTo: Type.String(),
  /** 99th percentile of the cases per (cell, day), over cell-days with any case */
  perCellDayP99: Type.Number(),
  /** ascending class breaks (1-2-5 series) from 1 up to ≥ perCellDayP99 × days */
  breaks: Type.Array(Type.Integer({ minimum: 1 })),
});
export type HeatmapScale = Static<typeof HeatmapScale>;

// ---------------------------------------------------------------- choropleths, areas, trends

export const CHOROPLETH_LEVELS = ['grid', 'zone', 'street'] as const;
export const CHOROPLETH_METRICS = ['open', 'overdue_rate', 'closure_rate', 'on_time_rate', 'per10k'] as const;
export type ChoroplethMetric = (typeof CHOROPLETH_METRICS)[number];

export const ChoroplethQuery = Type.Object(
  {
    level: Type.Optional(Type.Enum([...CHOROPLETH_LEVELS], { description: 'grid, zone or street (default street)' })),
    metric: Type.Optional(Type.Enum([...CHOROPLETH_METRICS], { description: 'default on_time_rate' })),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type ChoroplethQuery = Static<typeof ChoroplethQuery>;

export const ChoroplethItem = Type.Object({
  /** the vector tile feature id: the area code as a number (areaFeatureId, shared/src/domain/codes.ts) */
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  value: NullableNumber,
  numerator: Count,
  denominator: Type.Union([Count, Type.Null()]),
});
export const Choropleth = Type.Object({
  level: Type.Enum([...CHOROPLETH_LEVELS]),
  metric: Type.Enum([...CHOROPLETH_METRICS]),
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(ChoroplethItem),
  min: NullableNumber,
  max: NullableNumber,
});
export type Choropleth = Static<typeof Choropleth>;

export const StatsWindowQuery = Type.Object(
  { from: Type.Optional(Instant), to: Type.Optional(Instant) },
  { additionalProperties: false },
);
export type StatsWindowQuery = Static<typeof StatsWindowQuery>;

export const StatsAreaParams = Type.Object({
  code: Type.String({
    pattern: '^(?:[0-9]{6}|[0-9]{9}|[0-9]{11}|[0-9]{12}|[0-9]{15})$',
    errorMessage: 'must be an area code of 6, 9, 11, 12 or 15 digits',
  }),
});

export const TrendDay = Type.Object({ day: Type.String(), reported: Count, closed: Count });

export const AreaStats = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  population: Count,
  from: Type.String(),
  to: Type.String(),
  reported: Count,
  closed: Count,
  open: Count,
  overdue: Count,
  dueToClose: Count,
  closureRate: Rate,
  onTimeClosureRate: Rate,
  per10k: NullableNumber,
  trend: Type.Array(TrendDay),
});
export type AreaStats = Static<typeof AreaStats>;

export const TREND_BY = ['day', 'category', 'source', 'street'] as const;
export type TrendBy = (typeof TREND_BY)[number];

export const TrendQuery = Type.Object(
  {
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    by: Type.Optional(Type.Enum([...TREND_BY], { description: 'day (default), category (major class), source or street' })),
    street: Type.Optional(StreetCode),
  },
  { additionalProperties: false },
);
export type TrendQuery = Static<typeof TrendQuery>;

export const TrendItem = Type.Object({ key: Type.String(), label: Type.String(), reported: Count, closed: Count, overdue: Count });
export const Trend = Type.Object({
  by: Type.Enum([...TREND_BY]),
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(TrendItem),
});
export type Trend = Static<typeof Trend>;
